"""The batch on Dask distributed: a local cluster, or a scheduler other machines serve.

``workbench run --scheduler local`` starts a :class:`distributed.LocalCluster` with one
single-threaded worker process per ``--workers``; ``--scheduler tcp://host:8786`` sends the
jobs to a running scheduler (``dask scheduler`` on one machine, ``dask worker
tcp://host:8786 --nthreads 1`` on each of the others). The batch submits the jobs to the
client's ``concurrent.futures`` executor with the same loop it uses for the local process
pool, and each job is the same :func:`workbench.batch.run_job`, so reports are identical
whichever runs them.

Remote workers write the reports themselves: every worker must have the workbench installed
and see the project folder at the same path (a shared disk). :func:`check_workers` verifies
that before any job is sent, and says which worker does not.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
from collections.abc import Iterator
from pathlib import Path

from workbench.errors import InputError

LOCAL = "local"
"""``--scheduler`` value that starts a local cluster."""
ADDRESS = re.compile(r"^(tcp|tls)://[\w.\-]+:\d{1,5}$")
CONNECT_TIMEOUT = "10s"


def validate_scheduler(scheduler: str) -> str:
    """The scheduler argument, checked.

    Raises:
        InputError: Neither ``local`` nor an address like ``tcp://host:8786``.
    """
    value = scheduler.strip()
    if value != LOCAL and not ADDRESS.match(value):
        raise InputError(
            None,
            f"--scheduler «{scheduler}» må være «local» (en lokal Dask-klynge) eller adressen "
            "til en Dask-planlegger, f.eks. tcp://maskin:8786",
        )
    return value


@contextlib.contextmanager
def connect(scheduler: str, workers: int) -> Iterator[object]:
    """A Dask client: to a new local cluster of ``workers`` processes, or to ``scheduler``.

    Raises:
        InputError: The scheduler cannot be reached.
    """
    import dask
    from distributed import Client, LocalCluster

    scheduler = validate_scheduler(scheduler)
    if scheduler == LOCAL:
        with (
            # each worker's statistical profiler samples its stacks all the time: CPU the
            # reports need on a small machine (the workers inherit this setting)
            dask.config.set({"distributed.worker.profile.enabled": False}),
            LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            ) as cluster,
            Client(cluster) as client,
        ):
            yield client
        return
    try:
        client = Client(scheduler, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as exc:
        raise InputError(
            None,
            f"får ikke kontakt med Dask-planleggeren på {scheduler} ({exc}); "
            "kjører `dask scheduler` der, og slipper brannmuren porten gjennom?",
        ) from exc
    with client:
        yield client


def _sees(root: str) -> bool:
    """On a worker: whether the project folder is there."""
    return os.path.isdir(os.path.join(root, "notebooks")) and os.path.isdir(
        os.path.join(root, "parameters")
    )


def check_workers(client, root: Path) -> int:
    """How many workers the cluster has, after checking each sees the project.

    Raises:
        InputError: No workers, or a worker without the project folder at ``root``.
    """
    try:
        seen = client.run(_sees, str(root))
    except Exception as exc:  # typically a worker without the workbench installed
        raise InputError(
            None,
            f"Dask-arbeiderne kunne ikke kjøre workbench ({type(exc).__name__}: {exc}); "
            "installer den på hver maskin (make install) i samme versjon",
        ) from exc
    if not seen:
        raise InputError(None, "Dask-planleggeren har ingen arbeidere (start `dask worker …`)")
    blind = sorted(worker for worker, ok in seen.items() if not ok)
    if blind:
        raise InputError(
            root,
            f"Dask-arbeiderne {', '.join(blind)} ser ikke prosjektmappa; den må ligge på en felles "
            "disk med samme sti på alle maskinene",
        )
    return len(seen)


def stop_warm_kernels(client) -> None:
    """Stop the warm kernel every worker may have started."""
    from workbench import warm

    with contextlib.suppress(Exception):
        client.run(warm.discard)
