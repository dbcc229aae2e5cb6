"""The apps' kernels: Jupyter's kernel manager with a cap on how many run at once, and its
kernel websocket refusing messages it cannot parse.

Every page an app serves gets its own kernel (about 160 MiB). Without a cap, ten plain
requests in a workshop room start ten kernels and take gigabytes. With one, a request over
the cap is answered with «Rommet er fullt» (HTTP 503, the template's ``503.html``) instead
of a new kernel; closed pages' kernels are culled, which makes room again.

Voilà takes the class by name (``VoilaConfiguration.multi_kernel_manager_class``) and builds
its pre-heating pool on top of it, so the pre-heated kernel counts too.
"""

from __future__ import annotations

from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from traitlets import Int


class CappedKernelManager(AsyncMappingKernelManager):
    """Refuses to start a kernel when ``max_kernels`` are running."""

    max_kernels = Int(
        12, config=True, help="Most kernels at once, for every app together (pre-heated ones too)."
    )

    async def start_kernel(self, *args, **kwargs) -> str:
        if len(self.list_kernel_ids()) >= self.max_kernels:
            raise web.HTTPError(
                503,
                "kernel cap of %d reached",
                self.max_kernels,
                reason="Rommet er fullt",
            )
        return await super().start_kernel(*args, **kwargs)


MESSAGE_LIMIT = 8 << 20
"""The largest websocket message a page may send to its kernel (8 MiB): widget edits are a
few kilobytes."""
V1 = "v1.kernel.websocket.jupyter.org"


class GuardedConnection(ZMQChannelsWebsocketConnection):
    """Jupyter's kernel websocket, refusing what it cannot parse before it parses it.

    Jupyter's v1 protocol begins a binary message with the number of offsets that follow and
    builds that many at once: one 8-byte frame holding 2⁴⁰ froze the whole server, every
    room's pages with it. A message larger than :data:`MESSAGE_LIMIT`, or a binary one whose
    offsets do not fit inside it in order, is logged and dropped; the page's kernel and every
    other page go on.
    """

    def handle_outgoing_message(self, stream, outgoing_msg: list) -> None:
        """Everything the kernel sends, except what it writes to stderr: a traceback there
        carries the server's paths, and nothing in it is for the page (the apps show their
        own Norwegian messages)."""
        if writes_to_stderr(self.session, outgoing_msg):
            self.log.warning("Kept kernel %s's stderr from its page", self.kernel_id)
            return
        super().handle_outgoing_message(stream, outgoing_msg)

    def handle_incoming_message(self, incoming_msg) -> None:
        problem = message_problem(incoming_msg, self.subprotocol)
        if problem:
            self.log.warning(
                "Dropped a websocket message for kernel %s: %s", self.kernel_id, problem
            )
            return
        super().handle_incoming_message(incoming_msg)


def writes_to_stderr(session, message: list) -> bool:
    """Whether a kernel message (its ZMQ frames) is a ``stream`` message to stderr; only the
    small header and content frames are read."""
    _, frames = session.feed_identities(message)
    try:
        header = session.unpack(frames[1])
        if header.get("msg_type") != "stream":
            return False
        return session.unpack(frames[4]).get("name") == "stderr"
    except (IndexError, ValueError, TypeError, AttributeError):
        return False


def message_problem(message, subprotocol: str | None) -> str:
    """Why a page's websocket message is refused, or empty where it is well formed enough to
    parse (Jupyter checks the rest)."""
    if len(message) > MESSAGE_LIMIT:
        return f"{len(message)} bytes, more than {MESSAGE_LIMIT}"
    if not isinstance(message, bytes):
        return ""
    if subprotocol == V1:  # little-endian count of 8-byte offsets, then the offsets
        width, order, start = 8, "little", 8
    else:  # the older binary form: big-endian count of 4-byte offsets
        width, order, start = 4, "big", 4
    if len(message) < start:
        return "too short to hold its offsets"
    count = int.from_bytes(message[:start], order)
    fewest = 2 if subprotocol == V1 else 1  # v1: the channel's offsets; older: one buffer
    if count < fewest or start + width * count > len(message):
        return f"{count} offsets do not fit in {len(message)} bytes"
    offsets = [
        int.from_bytes(message[start + width * i : start + width * (i + 1)], order)
        for i in range(count)
    ]
    if (
        offsets != sorted(offsets)
        or offsets[-1] > len(message)
        or offsets[0] < start + width * count
    ):
        return "offsets out of order or outside the message"
    return ""
