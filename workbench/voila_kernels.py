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

    Only Jupyter's v1 protocol is spoken (see :meth:`connect`). It begins a binary message
    with the number of offsets that follow, and Jupyter builds that many at once: one 8-byte
    frame holding 2⁴⁰ froze the whole server, every room's pages with it. A message larger
    than :data:`MESSAGE_LIMIT`, or a binary one whose offsets do not fit inside it in order,
    is logged and dropped; the page's kernel and every other page go on.
    """

    def connect(self):
        """Connects a page speaking Jupyter's v1 protocol; closes any other.

        Voilà's websocket handler reads every binary message it sends as v1. A reply in the
        older protocol (a widget state with buffers, asked for by ``request_states``) is read
        as billions of offsets: the server froze and grew 40 MB/s. Voilà's own pages speak
        v1, so only a hand-made client is turned away."""
        connected = super().connect()
        if self.subprotocol != V1:
            self.log.warning(
                "Closed a websocket for kernel %s: it did not ask for %s", self.kernel_id, V1
            )
            self.websocket_handler.close(1002, f"Bruk protokollen {V1}")
        return connected

    def handle_outgoing_message(self, stream, outgoing_msg: list) -> None:
        """Everything the kernel sends, except what it writes to stderr: a traceback there
        carries the server's paths, and nothing in it is for the page (the apps show their
        own Norwegian messages). Nothing goes to a socket without the v1 protocol."""
        if self.subprotocol != V1:
            return
        if writes_to_stderr(self.session, outgoing_msg):
            self.log.warning("Kept kernel %s's stderr from its page", self.kernel_id)
            return
        super().handle_outgoing_message(stream, outgoing_msg)

    def handle_incoming_message(self, incoming_msg) -> None:
        problem = (
            message_problem(incoming_msg)
            if self.subprotocol == V1
            else "the socket does not speak the v1 protocol"
        )
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


def message_problem(message) -> str:
    """Why a page's v1 websocket message is refused, or empty where it is well formed enough
    to parse (Jupyter checks the rest)."""
    if len(message) > MESSAGE_LIMIT:
        return f"{len(message)} bytes, more than {MESSAGE_LIMIT}"
    if not isinstance(message, bytes):
        return ""
    width = 8  # a little-endian count of 8-byte offsets, then the offsets
    if len(message) < width:
        return "too short to hold its offsets"
    count = int.from_bytes(message[:width], "little")
    if count < 2 or width * (count + 1) > len(message):  # at least the channel's two
        return f"{count} offsets do not fit in {len(message)} bytes"
    offsets = [
        int.from_bytes(message[width * (i + 1) : width * (i + 2)], "little") for i in range(count)
    ]
    if offsets != sorted(offsets) or offsets[-1] > len(message) or offsets[0] < width * (count + 1):
        return "offsets out of order or outside the message"
    return ""
