"""The batch: every chosen analysis for every chosen municipality, as reports.

Each job executes an analysis notebook with papermill (in this process, not as a command),
exports it to HTML without code with nbconvert, and writes it with its figures and tables
to ``reports/<nr>-<slug>/<analysis>/``. A job builds its folder in ``reports/.staging`` and
swaps it in whole when everything is written, so a crash or Ctrl-C never leaves a half
report. One failing job never stops the others: its executed notebook is kept in
``reports/_failed/`` and the summary names it.

A municipality's Excel workbook and slide deck (the ``deliverables`` job) are made from its
written report folders, so they run in a second phase, after every report job and its retry;
if one of that municipality's reports failed, the job is marked failed with a message naming
the report instead of being run. Each notebook is given its municipality, its output folder
and the project folder as papermill parameters (nothing reaches it through the environment).
"""

from __future__ import annotations

import contextlib
import copy
import errno
import functools
import multiprocessing
import os
import shutil
import signal
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Literal

from workbench import analyses
from workbench.config import Municipality, municipality_files, parameter_file
from workbench.errors import InputError, display_path
from workbench.manifest import Manifest
from workbench.outputs import (
    KEY_FIGURES,
    atomic_write_text,
    private_folder,
    recover_folders,
    replace_folder,
)
from workbench.project import Project

DELIVERABLES = "deliverables"
"""Job key for a municipality's Excel workbook and slide deck (after its analyses)."""
STAGING = ".staging"
FAILED = "_failed"
KERNEL = "python3"
ANALYST_TAG = "analytiker"
"""Cell tag of the notebooks' «Under panseret» cells: shown in JupyterLab, not in the HTML report."""
Status = Literal["ok", "failed", "skipped"]
Execution = Literal["warm", "cold"]
"""Where the notebooks run: in one warm Jupyter kernel per worker, reset between notebooks
(:mod:`workbench.warm`, the default), or in a new kernel for every notebook. The reports are
the same."""
CELL_TIMEOUT = 600
"""Seconds one cell may run before its notebook is stopped as failed (a report's slowest
cell takes well under a second; a hung one should not hold a worker for ever)."""


@dataclass(frozen=True)
class Job:
    """One analysis for one municipality."""

    number: str
    key: str
    analysis: str
    slides: bool = True
    """Draw the slide versions of the figures (the deck is made after this report)."""

    @property
    def label(self) -> str:
        return f"{self.key}/{self.analysis}"


@dataclass(frozen=True)
class JobResult:
    """What became of a job.

    Args:
        job: The job.
        status: ``ok``, ``failed`` or ``skipped``.
        report_dir: The finished report folder (ok).
        notebook: The executed notebook; for a failure, the one in ``_failed/`` if the
            notebook got as far as running.
        message: Why it failed or was skipped, in Norwegian.
        seconds: Wall time of the job.
        invalid_input: It failed on the municipality's files (an ``InputError``): running it
            again gives the same, and the batch exits with code 2.
        crashed: It failed outside the notebook's own code (a dead kernel, a lost worker, a
            full disk): the one kind of failure the batch runs again. A notebook that
            stopped on an error in a cell would stop there again.
    """

    job: Job
    status: Status
    report_dir: Path | None = None
    notebook: Path | None = None
    message: str = ""
    seconds: float = 0.0
    invalid_input: bool = False
    crashed: bool = False


@dataclass(frozen=True)
class Plan:
    jobs: list[Job]
    settled: list[JobResult]
    """Jobs decided before running: invalid parameter files and skipped analyses."""


def plan(
    project: Project,
    numbers: Iterable[str] | None = None,
    analysis_keys: Iterable[str] | None = None,
) -> Plan:
    """Which jobs to run.

    Args:
        project: The project.
        numbers: Municipality numbers; default every municipality in ``parameters/``.
        analysis_keys: Analyses (and ``deliverables`` for the workbook and deck); default every
            analysis each municipality configures, and the deliverables.

    Raises:
        InputError: A requested municipality has no parameter file, or an unknown analysis.
    """
    keys = list(analysis_keys) if analysis_keys else None
    deliverables = keys is None or DELIVERABLES in keys
    chosen = [analyses.get(k) for k in keys if k != DELIVERABLES] if keys else None
    if numbers:
        files = sorted({parameter_file(project.parameters_dir, n) for n in dict.fromkeys(numbers)})
    else:
        files = municipality_files(project.parameters_dir)
    jobs: list[Job] = []
    settled: list[JobResult] = []
    for path in files:
        key = path.stem
        try:
            municipality = Municipality.from_file(path)
        except InputError as exc:
            for analysis in analyses.ANALYSES.values() if chosen is None else chosen:
                settled.append(
                    JobResult(
                        Job(path.name[:4], key, analysis.key),
                        "failed",
                        message=str(exc),
                        invalid_input=True,
                    )
                )
            continue
        for analysis in analyses.ANALYSES.values() if chosen is None else chosen:
            job = Job(municipality.number, municipality.key, analysis.key, deliverables)
            if analysis.enabled_for(municipality):
                jobs.append(job)
            elif chosen:
                settled.append(
                    JobResult(job, "skipped", message="analysen er ikke satt opp for kommunen")
                )
        if deliverables and any(a.enabled_for(municipality) for a in analyses.ANALYSES.values()):
            jobs.append(Job(municipality.number, municipality.key, DELIVERABLES))
    return Plan(jobs, settled)


@contextlib.contextmanager
def _workspace(reports_dir: Path, job: Job) -> Iterator[Path]:
    """A staging folder for one job, removed afterwards whatever happens."""
    staging = private_folder(reports_dir / STAGING, f"{job.key}-{job.analysis}-")
    try:
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _crashed(job: Job, exc: Exception, started: float) -> JobResult:
    """A job that failed outside the notebook (a dead kernel, a full disk): reported, never raised."""
    message = disk_problem(exc) or _error_text(type(exc).__name__, str(exc))
    return JobResult(
        job, "failed", message=message, seconds=time.perf_counter() - started, crashed=True
    )


def disk_problem(exc: BaseException) -> str | None:
    """What a failed write means for the user, in Norwegian (None if it was no disk error)."""
    if not isinstance(exc, OSError) or exc.errno not in DISK_ERRORS:
        return None
    where = f" ({display_path(Path(exc.filename))})" if exc.filename else ""
    return f"{DISK_ERRORS[exc.errno]}{where}"


DISK_ERRORS = {
    errno.ENOSPC: "disken er full; frigjør plass og kjør `workbench run --resume`",
    errno.EDQUOT: "diskkvoten er brukt opp; frigjør plass og kjør `workbench run --resume`",
    errno.EACCES: "ingen skrivetilgang til rapportmappen",
    errno.EPERM: "ingen skrivetilgang til rapportmappen",
    errno.EROFS: "rapportmappen ligger på en disk som bare kan leses",
}


def check_writable(reports: Path) -> None:
    """Make sure reports can be written to ``reports`` before any job starts.

    Raises:
        InputError: The folder cannot be created or written to, or the disk is full.
    """
    probe = reports / f".skrivetest-{os.getpid()}"
    try:
        reports.mkdir(parents=True, exist_ok=True)
        try:
            probe.write_bytes(b"x" * 4096)
        finally:  # a write that failed half way (a full disk) leaves no stray file
            with contextlib.suppress(OSError):
                probe.unlink(missing_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise InputError(
            reports, "finnes som en fil, ikke en mappe; velg en annen rapportmappe med --reports"
        ) from None
    except OSError as exc:
        reason = disk_problem(exc) or f"kan ikke skrive her ({exc.strerror or exc})"
        raise InputError(reports, f"{reason}; ingen rapporter er laget") from None


def run_job(root: Path, reports_dir: Path, job: Job, execution: Execution = "warm") -> JobResult:
    """Execute one job and write its report folder (safe to call in a worker process).

    Args:
        execution: Where the notebook runs (:data:`Execution`).
    """
    if job.analysis == DELIVERABLES:
        return run_deliverables(root, reports_dir, job)
    started = time.perf_counter()
    with _workspace(reports_dir, job) as staging:
        try:
            result = _run_notebook(root, reports_dir, job, staging, started, execution)
        except Exception as exc:  # one job never stops the batch
            result = _crashed(job, exc, started)
    if result.status != "ok":
        _discard(execution)  # never reuse a kernel or shell that saw a failure
    return result


def _discard(execution: Execution) -> None:
    if execution == "warm":
        from workbench import warm as warm_kernels

        warm_kernels.discard()


def _run_notebook(
    root: Path, reports_dir: Path, job: Job, staging: Path, started: float, execution: Execution
) -> JobResult:
    from workbench import warm as warm_kernels

    if execution == "warm":
        km, kc = warm_kernels.kernel(KERNEL)
        warm_kernels.prepare(kc, staging)
        engine = {"engine_name": warm_kernels.ENGINE, "km": km, "kc": kc}
    else:  # a new kernel for this notebook, over IPC like the warm one; stopped below
        engine = {"km": warm_kernels.new_manager(KERNEL)}
    try:
        return _execute(root, reports_dir, job, staging, started, engine)
    finally:
        if execution == "cold":
            warm_kernels.stop(engine["km"])


def _execute(
    root: Path, reports_dir: Path, job: Job, staging: Path, started: float, engine: dict
) -> JobResult:
    import papermill
    from papermill.exceptions import PapermillExecutionError

    analysis = analyses.get(job.analysis)
    executed = staging / analysis.notebook
    failed_path = reports_dir / FAILED / f"{job.key}-{analysis.notebook}"
    try:
        papermill.execute_notebook(
            str(root / "notebooks" / analysis.notebook),
            str(executed),
            parameters={
                "municipality": job.number,
                "output_dir": ".",
                "project_dir": str(root),
                "slides": job.slides,
            },
            cwd=str(staging),
            kernel_name=KERNEL,
            progress_bar=False,
            log_output=False,
            # papermill would otherwise write the whole notebook (with every figure) twice
            # per cell, as it starts and as it ends
            request_save_on_cell_execute=False,
            execution_timeout=CELL_TIMEOUT,
            **engine,
        )
    except PapermillExecutionError as exc:
        if executed.exists():
            _save_notebook(_scrubbed(executed, analysis.notebook), failed_path)
        return JobResult(
            job,
            "failed",
            notebook=failed_path if failed_path.exists() else None,
            message=_error_text(exc.ename, exc.evalue),
            seconds=time.perf_counter() - started,
            invalid_input=exc.ename == InputError.__name__,
        )
    notebook = _scrubbed(executed, analysis.notebook)
    _save_notebook(notebook, executed)
    manifest = _written_manifest(staging)
    title = f"{analysis.title} – {_municipality_title(manifest, job)}"
    omitted = manifest.omitted_sections if manifest is not None else []
    atomic_write_text(staging / f"{job.analysis}.html", export_html(notebook, title, omitted))
    target = reports_dir / job.key / job.analysis
    replace_folder(staging, target)
    failed_path.unlink(missing_ok=True)
    return JobResult(
        job,
        "ok",
        report_dir=target,
        notebook=target / analysis.notebook,
        seconds=time.perf_counter() - started,
    )


def run_deliverables(root: Path, reports_dir: Path, job: Job) -> JobResult:
    """Write a municipality's Excel workbook and slide deck to ``reports/<nr>-<slug>/deliverables/``
    from its written reports (a missing report fails the job with a message naming it)."""
    from workbench import deliverables

    started = time.perf_counter()
    with _workspace(reports_dir, job) as staging:
        try:
            deliverables.build(Project(root), job.number, staging, reports_dir)
            target = reports_dir / job.key / DELIVERABLES
            replace_folder(staging, target)
        except InputError as exc:  # a report or one of its tables is missing
            return JobResult(job, "failed", message=str(exc), seconds=time.perf_counter() - started)
        except Exception as exc:  # one municipality's deliverables never stop the batch
            return _crashed(job, exc, started)
    return JobResult(job, "ok", report_dir=target, seconds=time.perf_counter() - started)


def run_batch(
    project: Project,
    jobs: list[Job],
    *,
    workers: int = 1,
    reports_dir: Path | None = None,
    progress: bool = True,
    retries: int = 1,
    execution: Execution = "warm",
    scheduler: str | None = None,
) -> list[JobResult]:
    """Run jobs and write their reports; a job that crashed (:attr:`JobResult.crashed`) is run
    again (``retries`` times) before it is reported.

    Args:
        workers: Processes: 1 runs in this process, more in a local process pool (or, with
            ``scheduler="local"``, in a local Dask cluster of that many workers).
        execution: Where the notebooks run (:data:`Execution`); the reports are the same.
        scheduler: ``None`` for this machine's processes, ``"local"`` for a Dask
            ``LocalCluster``, or a Dask scheduler's address (``tcp://host:8786``).

    Returns:
        One result per job, in the order given.

    Raises:
        InputError: The Dask scheduler cannot be reached or its workers cannot see the project.
    """
    reports = (reports_dir or project.reports_dir).resolve()
    check_writable(reports)
    # Leftovers of a run that was killed: unfinished folders go, set-aside reports come back.
    shutil.rmtree(reports / STAGING, ignore_errors=True)
    recover_folders(reports)
    results: dict[Job, JobResult] = {}
    if not jobs:
        return []
    # deliverables read the written reports, so they run after every analysis job
    phases = [
        [job for job in jobs if job.analysis != DELIVERABLES],
        [job for job in jobs if job.analysis == DELIVERABLES],
    ]
    try:
        with _backend(project.root, workers, execution, scheduler, len(jobs)) as execute:
            for phase in phases:
                pending = _blocked(phase, results)
                for attempt in range(retries + 1):
                    if not pending:
                        break
                    label = "Rapporter" if attempt == 0 else "Nytt forsøk"
                    results.update(_run_round(execute, reports, pending, progress, label))
                    # only a crash is worth another try: a notebook that stopped on its files
                    # or on an error in a cell stops there again
                    pending = [job for job in pending if results[job].crashed]
    finally:
        shutil.rmtree(reports / STAGING, ignore_errors=True)
    return [results[job] for job in jobs]


def _blocked(jobs: list[Job], results: dict[Job, JobResult]) -> list[Job]:
    """The jobs that can run: a deliverables job whose municipality has a failed report is
    settled as failed (naming the report) instead of being run."""
    runnable = []
    for job in jobs:
        failed = [
            f"«{analyses.get(other.analysis).title}»"
            for other, result in results.items()
            if other.number == job.number and result.status == "failed"
        ]
        if job.analysis == DELIVERABLES and failed:
            reports = "rapportene" if len(failed) > 1 else "rapporten"
            results[job] = JobResult(
                job,
                "failed",
                message=(
                    f"Excel og lysark er ikke laget: {reports} {', '.join(failed)} feilet, "
                    "og leveransen lages av de skrevne rapportene"
                ),
            )
        else:
            runnable.append(job)
    return runnable


Execute = Callable[[Path, list[Job]], Iterator[tuple[Job, JobResult]]]
"""Runs jobs writing to a reports folder, yielding each job's result as it finishes."""


@contextlib.contextmanager
def _backend(
    root: Path, workers: int, execution: Execution, scheduler: str | None, jobs: int
) -> Iterator[Execute]:
    """Where jobs run: this process, or an executor (a local process pool, or a Dask cluster
    through its client's ``concurrent.futures`` executor) with one loop for both."""
    if scheduler is None and (workers <= 1 or jobs <= 1):
        try:
            yield lambda reports, batch: (
                (job, run_job(root, reports, job, execution)) for job in batch
            )
        finally:
            _discard(execution)
        return
    with _executor(root, workers, execution, scheduler) as (executor, stop_running):

        def execute(reports: Path, batch: list[Job]) -> Iterator[tuple[Job, JobResult]]:
            started = time.perf_counter()
            futures: dict = {}
            try:
                for job in batch:
                    try:
                        futures[executor.submit(run_job, root, reports, job, execution)] = job
                    except BrokenProcessPool as exc:  # no worker left to take it
                        yield job, _crashed(job, exc, started)
                for future in as_completed(futures):
                    job = futures[future]
                    try:
                        yield job, future.result()
                    except Exception as exc:  # a lost worker (killed, out of memory)
                        yield job, _crashed(job, exc, started)
            except BaseException:
                # Stopped (Ctrl-C): drop what has not started and stop the running jobs now
                # instead of letting them finish. Their unfinished folders are in staging,
                # which run_batch removes; a warm kernel notices its worker is gone and exits.
                stop_running()
                raise

        yield execute


@contextlib.contextmanager
def _executor(root: Path, workers: int, execution: Execution, scheduler: str | None):
    """A ``concurrent.futures`` executor for the jobs, and how to stop its running jobs."""
    if scheduler is not None:
        from workbench import cluster

        with cluster.connect(scheduler, workers) as client:
            cluster.check_workers(client, root)
            executor = client.get_executor(pure=False)
            try:
                yield executor, lambda: executor.shutdown(wait=False)
            finally:
                if execution == "warm":
                    cluster.stop_warm_kernels(client)
        return
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=get_context("spawn"),
        initializer=_worker_start,
        initargs=(execution,),
    ) as pool:

        def stop_running() -> None:
            running = multiprocessing.active_children()  # the pool's workers
            pool.shutdown(wait=False, cancel_futures=True)
            for process in running:
                process.terminate()
            for process in running:  # gone before run_batch clears their staging
                process.join(timeout=10)

        yield pool, stop_running


def _run_round(
    execute: Execute, reports: Path, jobs: list[Job], progress: bool, label: str
) -> dict[Job, JobResult]:
    from tqdm import tqdm

    results: dict[Job, JobResult] = {}
    with tqdm(total=len(jobs), desc=label, unit="rapport", disable=not progress) as bar:
        for job, result in execute(reports, jobs):
            results[job] = result
            bar.set_postfix_str(job.label)
            bar.update()
    return results


def _worker_start(execution: Execution) -> None:
    """In each worker process: leave Ctrl-C to the main process (which stops the pool), stop
    the warm kernel when the worker exits, and stop at once if the main process is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _worker_stop)
    if execution == "warm":
        import atexit

        from workbench import warm as warm_kernels

        atexit.register(warm_kernels.discard)
    import threading

    threading.Thread(target=_watch_parent, name="workbench-parent-watch", daemon=True).start()


PARENT_CHECK_SECONDS = 0.5


def _watch_parent() -> None:
    """Stop this worker (and its kernel) when the process that started it is gone, however
    it went: killed outright (SIGKILL), a worker would otherwise run on and write reports
    nobody asked for. A worker whose parent died is handed to another process at once (a
    new parent number, where the OS does that), and psutil tells a living parent from a new
    process that got its number (elsewhere)."""
    import psutil

    parent = psutil.Process().parent()
    number = os.getppid()
    while parent is not None and os.getppid() == number and parent.is_running():
        time.sleep(PARENT_CHECK_SECONDS)
    _worker_stop(signal.SIGTERM, None)


def _worker_stop(signum: int, frame: object) -> None:
    """A worker told to stop (the batch was interrupted): kill its kernel, then exit at once."""
    from workbench import warm as warm_kernels

    warm_kernels.kill_now()
    os._exit(1)


def done(reports_dir: Path, job: Job) -> bool:
    """Whether a job's output is complete on disk and no later run of it failed."""
    if job.analysis == DELIVERABLES:
        folder = reports_dir / job.key / DELIVERABLES
        return all(
            (folder / f"{job.key}-innsatstrapp.{suffix}").exists() for suffix in ("xlsx", "pptx")
        )
    analysis = analyses.get(job.analysis)
    failed = reports_dir / FAILED / f"{job.key}-{analysis.notebook}"
    return (
        reports_dir / job.key / job.analysis / f"{job.analysis}.html"
    ).exists() and not failed.exists()


def _written_manifest(staging: Path) -> Manifest | None:
    """What the notebook wrote to ``nokkeltall.json`` (None if it wrote nothing readable)."""
    try:
        return Manifest.model_validate_json((staging / KEY_FIGURES).read_bytes())
    except (OSError, ValueError):
        return None


def _municipality_title(manifest: Manifest | None, job: Job) -> str:
    """The municipality as the report names it («3911 Færder»), from the key figures the
    notebook wrote; its folder name where it wrote none."""
    if manifest is None:
        return job.key
    return f"{manifest.municipality.number} {manifest.municipality.name}"


def export_html(notebook, title: str, omitted: Iterable[str] = ()) -> str:
    """The executed notebook as a standalone HTML page without code.

    Args:
        omitted: Cell tags the report leaves out this time (:meth:`Session.omit_from_report`).
    """
    left_out = set(omitted)
    if left_out:
        notebook = copy.deepcopy(notebook)
        notebook.cells = [
            cell for cell in notebook.cells if not left_out & set(cell.metadata.get("tags", []))
        ]
    body, _ = _html_exporter().from_notebook_node(notebook, resources={"metadata": {"name": title}})
    return body


@functools.cache
def _html_exporter():
    """One exporter per process: building one loads its templates and CSS."""
    from traitlets.config import Config

    config = Config()
    # «Under panseret»: the engine's own tables for the analyst in JupyterLab, with the
    # engine's column names; the report for the municipality leaves them out.
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = {ANALYST_TAG}
    # the notebook is validated once, after its preprocessors, not after each of the twelve
    # (eight are switched off and change nothing); a broken notebook is still refused
    config.Exporter.optimistic_validation = True
    from nbconvert import HTMLExporter

    return HTMLExporter(
        config=config,
        template_file=str(Path(__file__).parent / "templates" / "report.html.j2"),
        language_code="nb",  # the page says it is Norwegian bokmål (<html lang="nb">)
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )


def _scrubbed(path: Path, name: str):
    """The executed notebook without run times and temporary paths, so the same inputs
    give byte-identical files."""
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    meta = notebook.metadata.get("papermill", {})
    for field in ("start_time", "end_time", "duration"):
        meta.pop(field, None)
    meta["input_path"] = name
    meta["output_path"] = name
    count = 0
    for cell in notebook.cells:
        if cell.cell_type == "code" and cell.get("execution_count") is not None:
            # a fresh kernel counts from 1; a reused (warm) kernel goes on from its last notebook
            count += 1
            cell.execution_count = count
            for output in cell.outputs:
                if "execution_count" in output:
                    output.execution_count = count
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = "injected-parameters"  # papermill gives it a random id
        cell.metadata.pop("execution", None)
        for field in ("start_time", "end_time", "duration"):
            cell.metadata.get("papermill", {}).pop(field, None)
    return notebook


def _save_notebook(notebook, path: Path) -> None:
    import nbformat

    atomic_write_text(path, nbformat.writes(notebook) + "\n")


def _error_text(name: str, value: str) -> str:
    return f"{name}: {value}".strip()
