"""Every municipality × the four analyses to HTML reports: notebooks per second, engine
time and peak memory, and the ratio against running papermill one notebook at a time.

Builds a synthetic project (``workbench.synthetic``, deterministic) with N municipalities,
each with all four analyses, then times:

1. baseline: the ``papermill`` command then ``jupyter nbconvert --to html --no-input`` for one
   notebook of each analysis, one after another (the per-notebook cost of doing it by hand);
2. the batch with 1 process, with ``--workers 2``, and on a Dask ``LocalCluster`` with 2
   workers (one warm kernel per worker, the default) over the first ``--sample``
   municipalities of each run (all N when ``--sample`` is 0; ``--modes ""`` skips them);
3. ``workbench fleet`` (:mod:`workbench.fleet`, the reports' own engine functions) for all
   N municipalities: loading and computing apart, CPU seconds;
4. where a report's CPU goes: a batch worker's run against the same notebooks' code run bare
   in this process (``bench_figures.measure``), measured interleaved, split into
   figures, the rest of the code (engines, tables, files) and what lies outside the code
   (cell messages, papermill, the HTML export, folders).

Each batch run also prints the CPU seconds its process tree used per municipality, and how
much of the machine's time the hypervisor gave to other machines meanwhile (steal, from
``/proc/stat``): on a shared host the wall-clock figures count that time as the batch's.

Peak memory is the largest total resident memory of this process and all its descendants
(worker processes included), sampled every 0,2 s.

    .venv/bin/python benchmarks/bench_fleet.py [--municipalities 357] [--sample 0]
        [--modes 1,2,dask]   (--modes "": only the baseline, the fleet and the split)
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

from workbench import analyses, fleet, synthetic
from workbench.batch import plan, run_batch
from workbench.project import Project

BIN = Path(sys.executable).parent
ANALYSES = tuple(analyses.ANALYSES)


class PeakMemory:
    """Largest summed RSS of this process tree while in the ``with`` block, and the CPU
    seconds the tree used in it (``cpu``: each process's user + system time when last seen,
    less this process's at the start; a process that ends between two samples loses at most
    one interval)."""

    def __init__(self, interval: float = 0.2) -> None:
        self.interval = interval
        self.peak = 0
        self.cpu = 0.0
        self._stop = threading.Event()
        self._cpu: dict[int, float] = {}

    def _sample(self) -> None:
        me = psutil.Process()
        while True:
            total = 0
            for process in [me, *me.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):
                    total += process.memory_info().rss
                    times = process.cpu_times()
                    self._cpu[process.pid] = times.user + times.system
            self.peak = max(self.peak, total)
            if self._stop.wait(self.interval):
                return

    def __enter__(self) -> PeakMemory:
        times = psutil.Process().cpu_times()
        self._start = times.user + times.system
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.cpu = sum(self._cpu.values()) - self._start


def stolen() -> tuple[int, int]:
    """(steal, all) clock ticks of the machine since it started (``/proc/stat``): the time
    the hypervisor gave the cores to another machine, which a wall-clock measurement counts
    as this one's."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return fields[7], sum(fields[:8])


def baseline(project: Project, number: str, out: Path) -> float:
    """Seconds per notebook with the papermill and nbconvert commands, one of each analysis."""
    env = dict(os.environ)
    started = time.perf_counter()
    for analysis in ANALYSES:
        folder = out / analysis
        folder.mkdir(parents=True)
        notebook = analyses.get(analysis).notebook
        executed = folder / notebook
        papermill = [BIN / "papermill", project.notebooks_dir / notebook, executed]
        papermill += ["-r", "municipality", number, "-r", "project_dir", str(project.root)]
        papermill += ["-r", "output_dir", str(folder), "--cwd", str(folder)]
        nbconvert = [BIN / "jupyter", "nbconvert", "--to", "html", "--no-input", executed]
        for command in (papermill, nbconvert):
            subprocess.run(command, check=True, env=env, capture_output=True)
    return (time.perf_counter() - started) / len(ANALYSES)


def batch(
    project: Project, municipalities: int, out: Path, deliver: bool = False, **options
) -> tuple[int, float, int, float]:
    """(notebooks, seconds, peak bytes, CPU seconds of the process tree) for the batch over
    the first municipalities; with ``deliver`` also each municipality's workbook and deck
    (and the slide figures)."""
    numbers = [f"{5001 + i}" for i in range(municipalities)]
    keys = [*ANALYSES, "deliverables"] if deliver else list(ANALYSES)
    jobs = plan(project, numbers, keys).jobs
    with PeakMemory() as memory:
        started = time.perf_counter()
        results = run_batch(project, jobs, reports_dir=out, progress=False, **options)
        elapsed = time.perf_counter() - started
    failed = [r for r in results if r.status != "ok"]
    if failed:
        raise SystemExit(f"{failed[0].job.label} failed: {failed[0].message}")
    return len(jobs), elapsed, memory.peak, memory.cpu


def engines(project: Project) -> tuple[float, float, int, int]:
    """(load CPU s, compute CPU s, municipalities, peak bytes) of `workbench fleet`."""
    with PeakMemory() as memory:
        started = time.process_time()
        inputs = fleet.load(project)
        loaded = time.process_time()
        fleet.compute(inputs)
        computed = time.process_time()
    return loaded - started, computed - loaded, len(inputs.municipalities), memory.peak


@dataclass
class Split:
    """Seconds per report: a batch worker running it in its warm kernel (wall clock: the
    kernel is another process), and the same notebooks' code run in this process without
    papermill (its figures among it)."""

    total: float
    code: float
    figures: float

    @property
    def outside(self) -> float:
        """What running the code as a notebook adds: cell and display messages, papermill,
        nbclient, the HTML export and the report folders."""
        return max(self.total - self.code, 0.0)


def split(project: Project, numbers: list[str], out: Path) -> Split:
    """Where a report's CPU goes, measured interleaved: a municipality's four reports run as a
    batch worker runs them (in this process, without deliverables), then another
    municipality's notebook code run bare in this process (``benchmarks/bench_figures.py``),
    and so on. The machine's speed drifts by tenths from minute to minute, so the two are
    measured side by side, not minutes apart; each municipality is run once, so its own
    files are read as in the batch. The first pair warms up; the rest are summed. (The code's
    seconds are ``measure``'s clock time, as its figures are: one busy thread, so its CPU.)"""
    if len(numbers) < 4:
        raise SystemExit("the time split needs at least 4 municipalities (--municipalities 4)")
    sys.path.insert(0, str(Path(__file__).parent))
    import bench_figures

    from workbench import warm
    from workbench.batch import run_job

    jobs = plan(project, numbers, list(ANALYSES)).jobs
    reports = out / "reports"
    sums = [0.0, 0.0, 0.0]
    pairs = list(zip(numbers[::2], numbers[1::2], strict=False))
    try:
        for index, (batch_number, code_number) in enumerate(pairs):
            before = time.perf_counter()
            for job in jobs:
                if job.number == batch_number:
                    run_job(project.root, reports, job, execution="warm")
            report = time.perf_counter() - before
            with contextlib.redirect_stdout(io.StringIO()):  # tables printed as text
                found, code = bench_figures.measure(
                    code_number, project.root, str(out), slides=False
                )
            if index:
                figures = sum(r["build"] + r["svg"] for r in found.values())
                for i, value in enumerate((report, code, figures)):
                    sums[i] += value
    finally:
        warm.discard()
    reports_measured = (len(pairs) - 1) * len(ANALYSES)
    total_s, code_s, figures_s = (v / reports_measured for v in sums)
    return Split(total_s, code_s, figures_s)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--municipalities", type=int, default=357)
    parser.add_argument(
        "--sample", type=int, default=0, help="municipalities per batch run (0: all)"
    )
    parser.add_argument("--modes", default="1,2,dask", help="batch runs: 1, 2, dask")
    args = parser.parse_args()
    n = args.municipalities
    sample = args.sample or n
    mib = 1024**2
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        project = synthetic.project(root / "project", n)
        load, compute, counted, peak = engines(project)
        print(f"{n} synthetic municipalities × {len(ANALYSES)} analyses; 2 cores")
        print(
            f"workbench fleet, {counted} municipalities: load {load:.2f} s CPU, "
            f"compute {compute:.3f} s CPU, peak {peak / mib:.0f} MiB"
        )
        per_notebook = baseline(project, "5001", root / "baseline")
        print(
            f"papermill + nbconvert commands, one notebook at a time: {per_notebook:.2f} s/notebook "
            f"({n * len(ANALYSES) * per_notebook / 60:.0f} min for all {n * len(ANALYSES)})"
        )
        runs = {
            "1": ("batch, 1 process", {"workers": 1}),
            "2": ("batch, --workers 2", {"workers": 2}),
            "deliver": ("batch + workbook and deck, --workers 2", {"workers": 2, "deliver": True}),
            "dask": ("batch, Dask LocalCluster, 2 workers", {"workers": 2, "scheduler": "local"}),
        }
        measured = {}
        peak_of = {}
        cpu_of = {}
        for mode in filter(None, args.modes.split(",")):  # --modes "": the engines only
            label, options = runs[mode]
            steal_before = stolen()
            jobs, seconds, peak, cpu = batch(project, sample, root / f"run-{mode}", **options)
            per_municipality = seconds / sample
            cpu_per_municipality = cpu / sample
            startup = 0.0
            if 2 < sample < n:  # a slope needs a smaller run of at least 2
                # a run pays once for starting its workers: a second, smaller
                # run separates that from what each municipality costs (the slope)
                small = max(2, sample // 3)
                _, first, _, first_cpu = batch(
                    project, small, root / f"run-{mode}-small", **options
                )
                per_municipality = max((seconds - first) / (sample - small), 0.0)
                cpu_per_municipality = max((cpu - first_cpu) / (sample - small), 0.0)
                startup = max(first - small * per_municipality, 0.0)
                print(
                    f"{label:40s} {small} municipalities in {first:.1f} s, {sample} in "
                    f"{seconds:.1f} s: start-up {startup:.1f} s, then {per_municipality:.2f} s per "
                    "municipality"
                )
            steal = [b - a for a, b in zip(steal_before, stolen(), strict=True)]
            cpu_of[mode] = cpu_per_municipality
            print(
                f"{label:40s} CPU of the process tree: {cpu_per_municipality:.2f} s per "
                f"municipality, {n * cpu_per_municipality / 2 / 60:.1f} min for all {n} on two "
                f"cores nobody else uses; the hypervisor took {steal[0] / max(steal[1], 1):.0%} "
                "of the machine's time during these runs"
            )
            total = startup + n * per_municipality
            measured[mode] = total
            peak_of[mode] = peak
            print(
                f"{label:40s} {jobs} jobs in {seconds:6.1f} s: {sample * len(ANALYSES) / seconds:5.2f} "
                f"notebooks/s, {per_notebook * len(ANALYSES) / per_municipality:4.1f}× the "
                f"baseline; all {n} municipalities: {total / 60:4.1f} min"
                f"{'' if sample == n else ' (extrapolated)'}; peak {peak / mib:.0f} MiB"
            )
        # four pairs (the first to warm up) from the project's municipalities, whatever the
        # batch runs sampled
        parts = split(project, [f"{5001 + i}" for i in range(min(n, 8))], root / "split")
        batch_tree = (
            f"; the batch's tree of two workers used {cpu_of['2'] / len(ANALYSES):.2f} s per report"
            if "2" in cpu_of
            else ""
        )
        print(
            f"one report, where its CPU goes (interleaved, one process{batch_tree}): "
            f"{parts.total:.2f} s as a batch worker runs it; the "
            f"same code in one process {parts.code:.2f} s, of it figures {parts.figures:.2f} s "
            f"({parts.figures / parts.total:.0%} of the report), the rest (engines, tables, "
            f"files) {parts.code - parts.figures:.2f} s "
            f"({(parts.code - parts.figures) / parts.total:.0%}); outside the code (cell "
            f"messages, papermill, HTML export, folders) {parts.outside:.2f} s "
            f"({parts.outside / parts.total:.0%})"
        )
        print(
            "targets (issue: all municipalities in minutes; set for 357"
            + ("):" if n == 357 else f", so a run over {n} says little):")
        )
        rows = [
            (f"{n} × 4 reports, 2 workers", measured.get("2"), 5 * 60, "s"),
            (f"{n} × (4 reports + workbook + deck)", measured.get("deliver"), 8 * 60, "s"),
            ("load + validate all", load, 3.0, "s CPU"),
        ]
        if peak_of:
            rows.append(
                ("peak memory, whole process tree", max(peak_of.values()) / mib, 1536, "MiB")
            )
        rows.append(
            ("share outside figures and engines", parts.outside / parts.total, 0.25, "share")
        )
        if "2" in measured:
            ratio = n * len(ANALYSES) * per_notebook / measured["2"]
            print(f"  ratio to papermill + nbconvert one at a time: {ratio:.1f}× (target ≥ 30×)")
        for label, value, target, unit in rows:
            if value is None:
                continue
            if unit == "s":
                shown, wanted = f"{value / 60:.1f} min", f"{target / 60:.0f} min"
            elif unit == "share":
                shown, wanted = f"{value:.0%}", f"{target:.0%}"
            else:
                shown, wanted = f"{value:.1f} {unit}", f"{target:.0f} {unit}"
            verdict = "met" if value <= target else "NOT met"
            print(f"  {label:40s} {shown:>12} (target ≤ {wanted}): {verdict}")


if __name__ == "__main__":
    main()
