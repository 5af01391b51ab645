#!/usr/bin/env python3
"""Set up and run monitor_app from a checkout with one command, on Windows, Linux or macOS.

    python3 scripts/dev.py run [-- app options]     install into .venv and start monitor_app
    python3 scripts/dev.py test [-- pytest options] install into .venv (with test tools) and run the tests

Any python3 can start this script (even 3.11): it finds a CPython >= 3.12 on PATH, then through pyenv, builds
``.venv`` with it and installs the project there. Re-runs reuse the venv and skip the install when nothing
changed.
"""

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
MIN_VERSION = (3, 12)
CANDIDATES = ("python3.13", "python3.12", "python3", "python", "py")


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("run", "test"):
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    if rest[:1] == ["--"]:
        rest = rest[1:]
    python = ensure_venv(extras="test" if command == "test" else None)
    subprocess.check_call([python, str(ROOT / "scripts" / "build_translations.py")], cwd=ROOT)
    env = dict(os.environ)
    if command == "test":
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
        return subprocess.call([python, "-m", "pytest", *rest], cwd=ROOT, env=env)
    return subprocess.call([python, "-m", "monitor_app", *rest], cwd=ROOT, env=env)


def version_of(python: str) -> tuple[int, int] | None:
    try:
        out = subprocess.run(
            [python, "-c", "import sys; print(sys.version_info[0], sys.version_info[1], sys.implementation.name)"],
            capture_output=True,
            text=True,
            timeout=30,
        ).stdout.split()
    except (OSError, subprocess.TimeoutExpired):
        return None
    if len(out) != 3 or out[2] != "cpython":
        return None
    return int(out[0]), int(out[1])


def find_python() -> str:
    """A CPython >= 3.12: this interpreter, then PATH, then pyenv's installs (newest first)."""
    if sys.version_info[:2] >= MIN_VERSION and sys.implementation.name == "cpython":
        return sys.executable
    for name in CANDIDATES:
        found = shutil.which(name)
        if found and (version_of(found) or (0, 0)) >= MIN_VERSION:
            return found
    pyenv = shutil.which("pyenv")
    if pyenv:
        versions = subprocess.run([pyenv, "versions", "--bare"], capture_output=True, text=True).stdout.split()
        for version in sorted(versions, key=_version_key, reverse=True):
            prefix = subprocess.run([pyenv, "prefix", version], capture_output=True, text=True).stdout.strip()
            for exe in (Path(prefix) / "bin" / "python3", Path(prefix) / "python.exe"):
                if exe.exists() and (version_of(str(exe)) or (0, 0)) >= MIN_VERSION:
                    return str(exe)
    sys.exit("monitor_app needs CPython 3.12 or newer; install it from python.org (or pyenv) and try again.")


def _version_key(text: str) -> tuple[int, ...]:
    parts = []
    for piece in text.split("."):
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits else -1)
    return tuple(parts)


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_venv(extras: str | None) -> str:
    python = venv_python()
    if python.exists() and (version_of(str(python)) or (0, 0)) < MIN_VERSION:
        shutil.rmtree(VENV)
    if not python.exists():
        base = find_python()
        print(f"creating .venv with {base}", flush=True)
        subprocess.check_call([base, "-m", "venv", str(VENV)])
    target = f".[{extras}]" if extras else "."
    stamp = VENV / f".installed-{extras or 'app'}"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not stamp.exists() or stamp.read_text() != digest:
        print(f"installing monitor_app{f'[{extras}]' if extras else ''} into .venv", flush=True)
        subprocess.check_call([str(python), "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
        subprocess.check_call([str(python), "-m", "pip", "install", "--quiet", "-e", target], cwd=ROOT)
        stamp.write_text(digest)
    return str(python)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
