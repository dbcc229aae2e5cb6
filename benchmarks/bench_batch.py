"""Time the batch against running papermill and nbconvert as commands, and print the figures.

Builds a throwaway project with N copies of the demo municipality and makes the same HTML
reports several ways:

1. baseline: for each notebook, the ``papermill`` command then ``jupyter nbconvert --to html
   --no-input``, one notebook after another (how it is done by hand);
2. ``workbench run --cold`` logic in one process (papermill and nbconvert as libraries, a new
   kernel per notebook);
3. the same with ``--workers 2``;
4. both again with warm kernels (the default: one kernel per process, reused).

    .venv/bin/python benchmarks/bench_batch.py [--municipalities 6]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from workbench.batch import plan, run_batch
from workbench.project import Project

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def build_project(root: Path, count: int) -> Project:
    shutil.copytree(REPO / "data", root / "data")
    shutil.copytree(REPO / "notebooks", root / "notebooks")
    (root / "parameters").mkdir()
    shutil.copy(REPO / "parameters/defaults.yaml", root / "parameters")
    demo = (REPO / "parameters/9999-demokommune.yaml").read_text(encoding="utf-8")
    for i in range(count):
        number = f"{9001 + i}"
        text = demo.replace('number: "9999"', f'number: "{number}"').replace(
            "name: Demokommune", f"name: Demo {i + 1}"
        )
        (root / "parameters" / f"{number}-demo-{i + 1}.yaml").write_text(text, encoding="utf-8")
    return Project(root)


def baseline(project: Project, numbers: list[str], out: Path) -> float:
    env = dict(os.environ)
    started = time.perf_counter()
    for number in numbers:
        folder = out / number
        folder.mkdir(parents=True)
        executed = folder / "calculator.ipynb"
        subprocess.run(
            [
                BIN / "papermill",
                project.notebooks_dir / "calculator.ipynb",
                executed,
                "-r",
                "municipality",
                number,
                "-r",
                "project_dir",
                str(project.root),
                "-r",
                "output_dir",
                str(folder),
                "--cwd",
                str(folder),
            ],
            check=True,
            env=env,
            capture_output=True,
        )
        subprocess.run(
            [BIN / "jupyter", "nbconvert", "--to", "html", "--no-input", executed],
            check=True,
            env=env,
            capture_output=True,
        )
    return time.perf_counter() - started


def ours(project: Project, workers: int, out: Path, execution: str = "cold") -> float:
    jobs = [job for job in plan(project).jobs if job.analysis == "calculator"]
    started = time.perf_counter()
    results = run_batch(
        project, jobs, workers=workers, reports_dir=out, progress=False, execution=execution
    )
    elapsed = time.perf_counter() - started
    failed = [r for r in results if r.status != "ok"]
    if failed:
        raise SystemExit(f"benchmark run failed: {failed[0].message}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--municipalities", type=int, default=6)
    args = parser.parse_args()
    n = args.municipalities
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        project = build_project(root / "project", n)
        numbers = [f"{9001 + i}" for i in range(n)]
        timings = {
            "papermill + nbconvert commands, sequential": baseline(
                project, numbers, root / "baseline"
            ),
            "workbench batch, new kernel per notebook, 1 process": ours(project, 1, root / "seq"),
            "workbench batch, new kernel per notebook, --workers 2": ours(project, 2, root / "par"),
            "workbench batch, warm kernel (default), 1 process": ours(
                project, 1, root / "warm1", "warm"
            ),
            "workbench batch, warm kernels (default), --workers 2": ours(
                project, 2, root / "warm2", "warm"
            ),
        }
    reference = timings["papermill + nbconvert commands, sequential"]
    print(
        f"{n} notebooks (calculator, demo municipality), each to executed notebook + HTML + figures + CSV"
    )
    for label, seconds in timings.items():
        print(
            f"{label:45s} {seconds:6.1f} s   {seconds / n:5.2f} s/notebook   "
            f"{n / seconds:5.2f} notebooks/s   {reference / seconds:4.2f}× the baseline"
        )


if __name__ == "__main__":
    main()
