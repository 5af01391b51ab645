"""Attaching a window to an engine that already runs: the local one (found through its advertisement) or another PC's.

Only composition of ``discovery`` and ``remote``: which endpoint to use, and where a fresh one comes from when
the engine restarted with a new token or port.
"""

from pathlib import Path

from monitor_app.engine.discovery import read_advertisement
from monitor_app.engine.remote import RemoteEngine
from monitor_app.engine.remote_http import Endpoint


def local_endpoint(data_dir: Path) -> Endpoint | None:
    """The running engine's API and local token for ``data_dir``, or None if none is advertised."""
    advertisement = read_advertisement(data_dir)
    if advertisement is None or not advertisement.token:
        return None
    return Endpoint(advertisement.api_url, advertisement.token, advertisement.tls_sha256)


def attach_local(data_dir: Path) -> RemoteEngine | None:
    """A facade for the engine advertised in ``data_dir`` (not connected yet: call ``start``), or None."""
    endpoint = local_endpoint(data_dir)
    if endpoint is None:
        return None
    return RemoteEngine(endpoint, refresh=lambda: local_endpoint(data_dir))
