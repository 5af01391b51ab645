"""``plugin.toml``: what a plugin folder declares about itself, checked before any of its code runs.

    id = "palworld"                  # lowercase letters, digits, - and _
    name = "Palworld"
    version = "1.0.0"
    api_version = 1                  # the plugin API it was written for
    entry = "plugin:PalworldPlugin"  # module (a file in the folder) : class
    description = "…"
"""

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

MANIFEST_NAME = "plugin.toml"
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_ENTRY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*:[A-Za-z_][A-Za-z0-9_]*$")


class ManifestError(Exception):
    """The manifest is missing or wrong; the message says what to fix."""


@dataclass(frozen=True, slots=True)
class PluginManifest:
    id: str
    name: str
    version: str
    api_version: int
    entry: str
    folder: Path
    description: str = ""

    @property
    def module(self) -> str:
        return self.entry.split(":", 1)[0]

    @property
    def class_name(self) -> str:
        return self.entry.split(":", 1)[1]


def read_manifest(folder: Path) -> PluginManifest:
    """Read and check ``folder/plugin.toml``.

    Raises:
        ManifestError: missing file, not TOML, a missing or malformed field.
    """
    path = folder / MANIFEST_NAME
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise ManifestError(f"{path} is missing") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ManifestError(f"{path} cannot be read: {exc}") from None
    problems = []
    plugin_id = data.get("id")
    if not isinstance(plugin_id, str) or not _ID.match(plugin_id):
        problems.append("id must be 1-40 lowercase letters, digits, '-' or '_'")
    name = data.get("name", plugin_id)
    if not isinstance(name, str) or not name.strip():
        problems.append("name must be a non-empty string")
    version = data.get("version", "0")
    if not isinstance(version, str):
        problems.append("version must be a string such as \"1.0.0\"")
    api_version = data.get("api_version")
    if not isinstance(api_version, int) or isinstance(api_version, bool):
        problems.append("api_version must be a whole number (the plugin API version it was written for)")
    entry = data.get("entry")
    if not isinstance(entry, str) or not _ENTRY.match(entry):
        problems.append("entry must look like \"module:ClassName\"")
    description = data.get("description", "")
    if not isinstance(description, str):
        problems.append("description must be a string")
    if problems:
        raise ManifestError(f"{path}: " + "; ".join(problems))
    return PluginManifest(
        id=plugin_id,  # type: ignore[arg-type]
        name=name.strip(),  # type: ignore[union-attr]
        version=version,  # type: ignore[arg-type]
        api_version=api_version,  # type: ignore[arg-type]
        entry=entry,  # type: ignore[arg-type]
        folder=folder,
        description=description,  # type: ignore[arg-type]
    )
