"""The apps' kernel websocket refuses what Jupyter would choke on, and passes what Jupyter's
own serialisers write."""

from __future__ import annotations

from jupyter_client.session import Session
from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1

from workbench.voila_kernels import MESSAGE_LIMIT, message_problem


def test_well_formed_messages_pass():
    session = Session()
    message = session.msg("comm_msg", content={"data": {"method": "update"}})
    parts = session.serialize(message)[1:]  # as Jupyter sends it: signature and the frames
    assert message_problem(serialize_msg_to_ws_v1(parts, "shell")) == ""
    with_buffer = serialize_msg_to_ws_v1([*parts, b"\x00" * 16], "shell")
    assert message_problem(with_buffer) == ""
    assert message_problem('{"channel": "shell"}') == ""  # text: Jupyter parses it


def test_an_offset_count_of_two_to_the_fortieth_is_refused_before_it_is_parsed():
    """One 8-byte frame holding 2⁴⁰ made Jupyter build 2⁴⁰ offsets and froze the server."""
    frame = (2**40).to_bytes(8, "little")
    assert "do not fit" in message_problem(frame)
    assert "too short" in message_problem(b"\x01")
    assert "do not fit" in message_problem((1).to_bytes(8, "little") + b"x" * 8)


def test_offsets_out_of_order_or_outside_and_oversized_messages_are_refused():
    count = (3).to_bytes(8, "little")
    backwards = count + b"".join(o.to_bytes(8, "little") for o in (40, 32, 45)) + b"x" * 13
    assert "out of order" in message_problem(backwards)
    beyond = count + b"".join(o.to_bytes(8, "little") for o in (32, 33, 999)) + b"x" * 13
    assert "outside" in message_problem(beyond)
    assert "more than" in message_problem(b"\x00" * (MESSAGE_LIMIT + 1))


def test_the_kernels_stderr_is_told_apart_from_everything_else():
    from workbench.voila_kernels import writes_to_stderr

    session = Session()

    def frames(kind: str, content: dict) -> list:
        return session.serialize(session.msg(kind, content=content))

    assert writes_to_stderr(session, frames("stream", {"name": "stderr", "text": "Traceback"}))
    assert not writes_to_stderr(session, frames("stream", {"name": "stdout", "text": "ok"}))
    assert not writes_to_stderr(session, frames("comm_msg", {"comm_id": "c", "data": {}}))
    assert not writes_to_stderr(session, [b"<IDS|MSG>"])  # nothing to read: passed on
