"""The layer rules of DESIGN.md, checked by import-linter on every test run."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_are_kept() -> None:
    # In a subprocess: import-linter reconfigures logging, which would silence the other tests' log checks.
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(no_cache=True))"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_bundled_plugins_import_only_the_plugin_api() -> None:
    """Plugins may use the standard library, third-party packages and their own modules; from monitor_app only
    ``monitor_app.pluginhost.api`` (the one stable surface)."""
    import ast

    offenders = []
    for source in sorted((ROOT / "plugins").rglob("*.py")):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                if name.startswith("monitor_app") and name != "monitor_app.pluginhost.api":
                    offenders.append(f"{source.relative_to(ROOT)}: {name}")
    assert not offenders, offenders
    assert {p.parent.name for p in (ROOT / "plugins").glob("*/plugin.toml")} >= {"palworld", "backup", "logwatch"}
