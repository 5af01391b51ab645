"""The plugin host: finding plugins (``loader``), their manifests (``manifest``), checking their settings
(``settings``) and the one module plugins import (``api``). The threads and the engine wiring live in
``workers.plugins`` and ``engine.plugins``."""
