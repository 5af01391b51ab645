"""The wire: byte-exact frames, and frames cut out of a stream however TCP splits it."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor_app.rcon.protocol import (
    MAX_BODY,
    SERVERDATA_AUTH,
    SERVERDATA_AUTH_RESPONSE,
    SERVERDATA_EXECCOMMAND,
    SERVERDATA_RESPONSE_VALUE,
    FrameBuffer,
    Packet,
    RconError,
    RconProtocolError,
    encode,
)

# Captured from a spec-conformant server (reference/palworld-protocols.md, section 1).
AUTH_OK = bytes.fromhex("0a000000 07000000 00000000 0000  0a000000 07000000 02000000 0000")
AUTH_BAD = bytes.fromhex("0a000000 07000000 00000000 0000  0a000000 ffffffff 02000000 0000")
PROBE_REPLY = bytes.fromhex(
    "0a000000 09000000 00000000 0000  12000000 09000000 00000000 0000000100000000 0000"
)


def test_encode_matches_the_captured_auth_request() -> None:
    assert encode(7, SERVERDATA_AUTH, b"s3cret") == bytes.fromhex(
        "10000000 07000000 03000000 733363726574 0000"
    )


def test_encode_an_empty_command_is_the_14_byte_minimum() -> None:
    assert encode(1, SERVERDATA_EXECCOMMAND, b"") == bytes.fromhex("0a000000 01000000 02000000 0000")


@pytest.mark.parametrize(
    ("request_id", "body", "fragment"),
    [
        (1, b"say\x00hi", "NUL"),
        (1, b"x" * (MAX_BODY + 1), "at most 4086"),
        (1 << 31, b"", "32-bit"),
    ],
)
def test_encode_refuses_what_does_not_fit_a_packet(request_id: int, body: bytes, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        encode(request_id, SERVERDATA_EXECCOMMAND, body)


def test_encode_accepts_the_longest_body() -> None:
    assert len(encode(1, SERVERDATA_EXECCOMMAND, b"x" * MAX_BODY)) == 4100


def test_both_auth_packets_in_one_segment_are_both_parsed() -> None:
    buffer = FrameBuffer()
    assert buffer.feed(AUTH_OK) == [
        Packet(7, SERVERDATA_RESPONSE_VALUE, b""),
        Packet(7, SERVERDATA_AUTH_RESPONSE, b""),
    ]
    assert buffer.feed(AUTH_BAD)[1] == Packet(-1, SERVERDATA_AUTH_RESPONSE, b"")
    assert buffer.pending() == b""


def test_bytes_fed_one_at_a_time_give_the_same_packets() -> None:
    buffer = FrameBuffer()
    packets = [p for byte in AUTH_OK for p in buffer.feed(bytes([byte]))]
    assert packets == FrameBuffer().feed(AUTH_OK)
    assert buffer.pending() == b""


def test_only_the_terminator_is_stripped_from_a_body() -> None:
    _, end = FrameBuffer().feed(PROBE_REPLY)
    assert end.body == b"\x00\x00\x00\x01\x00\x00\x00\x00"


def test_a_single_nul_terminator_is_tolerated() -> None:
    data = bytes.fromhex("0b000000 05000000 00000000") + b"ok\x00"
    assert FrameBuffer().feed(data) == [Packet(5, SERVERDATA_RESPONSE_VALUE, b"ok")]


def test_a_size_header_longer_than_the_data_keeps_what_came() -> None:
    # Palworld's non-ASCII bug: the header announces more than is ever sent.
    body = "name,playeruid,steamid\n김".encode()
    data = (len(body) + 10 + 30).to_bytes(4, "little") + bytes(4) + bytes(4) + body + b"\x00\x00"
    buffer = FrameBuffer()
    assert buffer.feed(data) == []
    assert buffer.pending() == data
    assert buffer.partial() == Packet(0, SERVERDATA_RESPONSE_VALUE, body + b"\x00\x00")
    buffer.clear()
    assert buffer.pending() == b"" and buffer.partial() is None


def test_partial_needs_the_whole_header() -> None:
    buffer = FrameBuffer()
    buffer.feed(AUTH_OK[:11])
    assert buffer.partial() is None
    assert buffer.pending() == AUTH_OK[:11]


@pytest.mark.parametrize(
    "garbage", [b"HTTP/1.1 400 Bad Request\r\n\r\n", bytes.fromhex("09000000"), b"\xff\xff\xff\xff"]
)
def test_a_stream_that_is_not_rcon_is_an_error(garbage: bytes) -> None:
    with pytest.raises(RconProtocolError, match="not Source RCON") as caught:
        FrameBuffer().feed(garbage)
    assert isinstance(caught.value, RconError) and caught.value.code == "rcon_protocol_error"


def test_frames_before_garbage_are_consumed_before_the_error() -> None:
    buffer = FrameBuffer()
    with pytest.raises(RconProtocolError):
        buffer.feed(AUTH_OK + b"GET / HTTP/1.1")
    assert buffer.pending() == b"GET / HTTP/1.1"


def test_the_frame_size_limit_is_configurable() -> None:
    buffer = FrameBuffer(max_frame=4096)
    with pytest.raises(RconProtocolError):
        buffer.feed((4097).to_bytes(4, "little"))


packets = st.lists(
    st.builds(
        Packet,
        st.integers(-(1 << 31), (1 << 31) - 1),
        st.sampled_from([0, 2, 3]),
        st.binary(max_size=300).map(lambda b: b.replace(b"\x00", b"")),
    ),
    max_size=8,
)


@given(packets, st.data())
def test_any_split_of_a_stream_gives_back_the_packets(sent: list[Packet], data: st.DataObject) -> None:
    stream = b"".join(encode(p.request_id, p.type, p.body) for p in sent)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=12)))
    buffer = FrameBuffer()
    received: list[Packet] = []
    for start, end in zip([0, *cuts], [*cuts, len(stream)], strict=True):
        received += buffer.feed(stream[start:end])
    assert received == sent
    assert buffer.pending() == b""
