#!/usr/bin/env python3
"""Turn the translation sources (resources/translations/*.ts) into the .qm files Qt loads.

    python scripts/build_translations.py            build .qm files (the build and the test setup run this)
    python scripts/build_translations.py --update   refresh the .ts files from the code first (lupdate), keeping
                                                    existing translations; then fill in the new ones in Qt
                                                    Linguist (pyside6-linguist) or any editor
"""

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TS_DIR = ROOT / "resources" / "translations"
LANGUAGES = ("ko",)


def qt_tool(name: str) -> str:
    """pyside6-<name> from the venv, else the binary shipped inside the PySide6 package."""
    found = shutil.which(f"pyside6-{name}") or str(Path(sys.executable).with_name(f"pyside6-{name}"))
    if Path(found).exists():
        return found
    import PySide6

    for candidate in (Path(PySide6.__file__).parent / name, Path(PySide6.__file__).parent / f"{name}.exe"):
        if candidate.exists():
            return str(candidate)
    sys.exit(f"cannot find Qt's {name}; install PySide6-Essentials")


def sources() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in (ROOT / "monitor_app").rglob("*.py"))


def update() -> None:
    for language in LANGUAGES:
        ts = TS_DIR / f"monitor_app_{language}.ts"
        subprocess.check_call(
            [qt_tool("lupdate"), "-no-obsolete", "-locations", "none", "-target-language", language, *sources(), "-ts", str(ts)],
            cwd=ROOT,
        )
        # lupdate reads Python "#:" comments as notes for translators; here they document constants, not texts.
        text = ts.read_text(encoding="utf-8")
        ts.write_text(re.sub(r"\n\s*<extracomment>.*?</extracomment>", "", text, flags=re.S), encoding="utf-8")


def release(quiet: bool = False) -> list[Path]:
    built = []
    for ts in sorted(TS_DIR.glob("*.ts")):
        qm = ts.with_suffix(".qm")
        if qm.exists() and qm.stat().st_mtime >= ts.stat().st_mtime:
            built.append(qm)
            continue
        subprocess.check_call(
            [qt_tool("lrelease"), "-silent" if quiet else "-nounfinished", str(ts), "-qm", str(qm)],
            cwd=ROOT,
        )
        built.append(qm)
    return built


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="refresh the .ts files from the code first")
    args = parser.parse_args()
    if args.update:
        update()
    for qm in release():
        print(qm.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
