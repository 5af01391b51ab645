"""Source RCON (Valve's admin protocol) as Palworld speaks it, stdlib only.

:mod:`.protocol` is the wire (packet types, ``encode``, the stream ``FrameBuffer``, the errors);
:mod:`.client` is :class:`RconClient`, a blocking client with deadlines for a plugin worker thread::

    with RconClient("127.0.0.1", 25575, admin_password, timeout=5.0) as rcon:
        reply = rcon.command("Info")      # RconReply(text="Welcome to Pal Server[v0.7.3...] ...\\n", partial=False, ...)

Palworld's RCON is deprecated by the game in favour of its REST API and has quirks (replies with id 0, a single
auth reply, no multi-packet replies, a wrong ``Size`` for non-ASCII text, dropped connections, ASCII-only input);
the client's docstring lists how each is handled. Every failure is an :class:`RconError` with a message meant for
the server's admin.
"""

from monitor_app.rcon.client import RconClient, RconReply
from monitor_app.rcon.protocol import (
    RconAuthError,
    RconConnectionError,
    RconError,
    RconProtocolError,
    RconTimeout,
)

__all__ = [
    "RconAuthError",
    "RconClient",
    "RconConnectionError",
    "RconError",
    "RconProtocolError",
    "RconReply",
    "RconTimeout",
]
