"""Source RCON on the wire: packet types, ``encode``, a stream ``FrameBuffer``, and the RCON errors.

A frame is ``Size | ID | Type | Body | 0x00 | 0x00`` with 32-bit signed little-endian integers, where ``Size``
counts everything after itself (Valve, *Source RCON Protocol*). TCP delivers a byte stream, not packets: several
frames can arrive in one ``recv()`` (SRCDS sends its two auth replies in one segment) and one frame can arrive
in pieces, so frames are cut out of one persistent buffer, never "one recv = one packet".

Palworld sometimes sends a ``Size`` larger than the bytes that follow (non-ASCII player or server names). Such
a frame never completes: the buffer keeps what came (:meth:`FrameBuffer.pending`, :meth:`FrameBuffer.partial`)
and it is the reader's deadline that ends the wait.
"""

import struct
from dataclasses import dataclass

from monitor_app.core.errors import MonitorError

# Packet types (Valve's names). 2 is used twice on purpose: client -> server it is EXECCOMMAND,
# server -> client it is AUTH_RESPONSE.
SERVERDATA_AUTH = 3
SERVERDATA_AUTH_RESPONSE = 2
SERVERDATA_EXECCOMMAND = 2
SERVERDATA_RESPONSE_VALUE = 0

AUTH_FAILED_ID = -1
"""The request id of an AUTH_RESPONSE that rejects the password."""

MIN_SIZE = 10
"""Smallest legal ``Size``: id + type + the two NUL terminators of an empty body."""
MAX_SIZE = 4096
"""Largest ``Size`` Valve allows in a packet (requests must respect it; see ``MAX_BODY``)."""
MAX_BODY = MAX_SIZE - MIN_SIZE
"""4086: the longest body one packet carries."""
DEFAULT_MAX_FRAME = 1 << 20
"""Largest ``Size`` the buffer accepts from a server before calling the stream garbage (not RCON)."""

_HEADER = struct.Struct("<iii")  # size, id, type
_SIZE = struct.Struct("<i")
_INT32_MIN, _INT32_MAX = -(1 << 31), (1 << 31) - 1


class RconError(MonitorError):
    """Base of every RCON failure; ``message`` says what happened in words a server admin understands."""

    code = "rcon_error"


class RconConnectionError(RconError):
    """The server cannot be reached, or it closed the connection before answering."""

    code = "rcon_connection_failed"


class RconAuthError(RconError):
    """The server rejected the password (for Palworld: ``AdminPassword`` in ``PalWorldSettings.ini``)."""

    code = "rcon_auth_failed"


class RconTimeout(RconError):
    """Nothing came back before the deadline."""

    code = "rcon_timeout"


class RconProtocolError(RconError):
    """The bytes received are not Source RCON frames (e.g. another service listens on the port)."""

    code = "rcon_protocol_error"


@dataclass(frozen=True, slots=True)
class Packet:
    """One frame. ``body`` is without its NUL terminator(s); ``type`` is one of the ``SERVERDATA_*`` values."""

    request_id: int
    type: int
    body: bytes


def encode(request_id: int, type: int, body: bytes) -> bytes:
    """One frame ready for ``sendall``.

    Raises:
        ValueError: an id or type outside int32, a NUL inside ``body``, or a body longer than ``MAX_BODY``.
    """
    for name, value in (("request id", request_id), ("packet type", type)):
        if not _INT32_MIN <= value <= _INT32_MAX:
            raise ValueError(f"{name} {value} does not fit in a signed 32-bit integer")
    if b"\x00" in body:
        raise ValueError("an RCON packet body cannot contain NUL bytes")
    if len(body) > MAX_BODY:
        raise ValueError(f"an RCON packet body holds at most {MAX_BODY} bytes, not {len(body)}")
    return _HEADER.pack(len(body) + MIN_SIZE, request_id, type) + body + b"\x00\x00"


class FrameBuffer:
    """Cuts frames out of a byte stream fed in arbitrary pieces.

    ``feed`` returns every frame completed by the new bytes, in order; the rest waits in the buffer. A ``Size``
    outside ``MIN_SIZE..max_frame`` raises :class:`RconProtocolError`; the stream has no usable framing after
    that, so the owner drops the connection and calls :meth:`clear`.
    """

    def __init__(self, max_frame: int = DEFAULT_MAX_FRAME) -> None:
        self._data = bytearray()
        self._max_frame = max_frame

    def feed(self, data: bytes) -> list[Packet]:
        self._data += data
        packets: list[Packet] = []
        offset = 0
        end = len(self._data)
        while end - offset >= _SIZE.size:
            (size,) = _SIZE.unpack_from(self._data, offset)
            if not MIN_SIZE <= size <= self._max_frame:
                if offset:
                    del self._data[:offset]
                raise RconProtocolError(
                    f"frame size {size} is outside {MIN_SIZE}..{self._max_frame}: the stream is not Source RCON"
                )
            if end - offset < _SIZE.size + size:
                break
            _, request_id, type_ = _HEADER.unpack_from(self._data, offset)
            body = bytes(self._data[offset + _HEADER.size : offset + _SIZE.size + size])
            packets.append(Packet(request_id, type_, _strip_terminator(body)))
            offset += _SIZE.size + size
        if offset:
            del self._data[:offset]
        return packets

    def pending(self) -> bytes:
        """The bytes received that do not form a complete frame yet (header included)."""
        return bytes(self._data)

    def partial(self) -> Packet | None:
        """The incomplete frame at the head of the buffer, decoded as far as it came; None before its header.

        Its ``body`` is every byte after the header that arrived, terminators (if any came) included.
        """
        if len(self._data) < _HEADER.size:
            return None
        _, request_id, type_ = _HEADER.unpack_from(self._data, 0)
        return Packet(request_id, type_, bytes(self._data[_HEADER.size :]))

    def clear(self) -> None:
        self._data.clear()


def _strip_terminator(body: bytes) -> bytes:
    # Valve's frame ends in two NULs (body terminator + empty string); a few servers send only one.
    if body.endswith(b"\x00\x00"):
        return body[:-2]
    if body.endswith(b"\x00"):
        return body[:-1]
    return body
