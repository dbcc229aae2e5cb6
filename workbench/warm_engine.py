"""papermill's nbclient engine, handed an already running kernel and client (the batch's warm
kernels, :mod:`workbench.warm`).

papermill loads this module itself, through the ``papermill.engine`` entry point in
``pyproject.toml``, when ``papermill.engines`` is first imported; the workbench only names
the engine (:data:`workbench.warm.ENGINE`). Import ``papermill.engines`` before this module:
imported first, it would have papermill load it again half-made.
"""

from __future__ import annotations

from papermill.engines import NBClientEngine


class WarmEngine(NBClientEngine):
    """papermill's nbclient engine, handed an already running kernel and client."""

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man,
        kernel_name,
        log_output=False,
        stdout_file=None,
        stderr_file=None,
        start_timeout=60,
        execution_timeout=None,
        **kwargs,
    ):
        from papermill.clientwrap import PapermillNotebookClient
        from papermill.log import logger

        km, kc = kwargs.pop("km"), kwargs.pop("kc")
        kwargs.pop("input_path", None)
        client = PapermillNotebookClient(
            nb_man,
            km=km,
            kernel_name=kernel_name,
            log=logger,
            log_output=log_output,
            stdout_file=stdout_file,
            stderr_file=stderr_file,
            startup_timeout=start_timeout,
            timeout=execution_timeout,
            **kwargs,
        )
        client.kc = kc
        return client.execute()
