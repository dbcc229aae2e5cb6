"""The apps' kernel manager: Jupyter's, with a cap on how many kernels run at once.

Every page an app serves gets its own kernel (about 160 MiB). Without a cap, ten plain
requests in a workshop room start ten kernels and take gigabytes. With one, a request over
the cap is answered with «Rommet er fullt» (HTTP 503, the template's ``503.html``) instead
of a new kernel; closed pages' kernels are culled, which makes room again.

Voilà takes the class by name (``VoilaConfiguration.multi_kernel_manager_class``) and builds
its pre-heating pool on top of it, so the pre-heated kernel counts too.
"""

from __future__ import annotations

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
