"""A batch stopped halfway (Ctrl-C, ``kill -9``) or unable to write loses nothing.

The end-to-end test runs ``workbench run`` as a separate process, as a consultant would, stops
it once the first report of the run is written, and checks every report folder a reader can
see. The disk tests simulate a full or read-only disk, which cannot be made for real here.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import interruptible, make_project

from workbench import batch, outputs
from workbench.analyses import ANALYSES
from workbench.cli import EXIT_INPUT, EXIT_INTERRUPTED, main
from workbench.errors import InputError
from workbench.outputs import ReportOutput, recover_folders, replace_folder

ANALYSIS_KEYS = tuple(ANALYSES)
KEY = "9999-demokommune"
ALL_JOBS = len(ANALYSIS_KEYS) + 1  # the analyses and the workbook and deck


def visible_problems(reports: Path) -> list[str]:
    """What is wrong with the report folders a reader sees (hidden folders are not seen)."""
    problems = []
    for folder in sorted(finished(reports)):
        if folder.name == batch.DELIVERABLES:
            for suffix in ("xlsx", "pptx"):
                if not (folder / f"{folder.parent.name}-innsatstrapp.{suffix}").is_file():
                    problems.append(f"{folder}: mangler {suffix}")
            continue
        if not (folder / f"{folder.name}.html").is_file():
            problems.append(f"{folder}: mangler HTML")
            continue
        try:
            ReportOutput.read(folder).check()
        except InputError as exc:
            problems.append(str(exc))
    return problems


def finished(reports: Path) -> list[Path]:
    """The report folders a reader sees: ``<nr>-<navn>/<analyse>``, neither hidden."""
    return [
        f
        for f in reports.glob("*/*")
        if f.is_dir() and not f.name.startswith(".") and not f.parent.name.startswith(".")
    ]


def start(root: Path, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "MPLCONFIGDIR": str(root / ".cache/matplotlib")}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "workbench",
            "--project",
            str(root),
            "run",
            "--no-progress",
            "--workers",
            "2",
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,  # its own process group, as a terminal gives a command
        preexec_fn=interruptible,
    )


def _newer(path: Path, since: float) -> bool:
    try:
        return path.stat().st_mtime > since
    except FileNotFoundError:  # the report folder was being replaced as we looked
        return False


def stop_after_first_report(process: subprocess.Popen, reports: Path, since: float, sig: int):
    """Send ``sig`` to the run's process group once a report newer than ``since`` is written."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        # a finished report, not one still being written in the hidden staging folder
        try:
            written = [
                p
                for p in reports.glob("*/*/*.html")
                if not any(part.startswith(".") for part in p.relative_to(reports).parts)
            ]
        except FileNotFoundError:  # a folder renamed (staging, replaced) while glob walked it
            written = []
        if any(_newer(p, since) for p in written):
            break
        assert process.poll() is None, process.communicate()
        time.sleep(0.05)
    else:
        pytest.fail("ingen rapport ble skrevet innen 120 s")
    os.killpg(process.pid, sig)
    return process.communicate(timeout=60)


@pytest.mark.slow
def test_ctrl_c_and_kill_lose_nothing_and_resume_finishes(tmp_path):
    project = make_project(tmp_path / "p")
    reports = project.reports_dir

    # Ctrl-C once the first report is written: it stays, the rest is not half there.
    run = start(project.root)
    out, err = stop_after_first_report(run, reports, 0, signal.SIGINT)
    assert run.returncode == EXIT_INTERRUPTED, err
    kept = finished(reports)
    assert 1 <= len(kept) < ALL_JOBS
    assert f"Avbrutt. {len(kept)} av {ALL_JOBS} rapporter er ferdige" in err
    assert "workbench run --resume" in err and "Traceback" not in err
    assert visible_problems(reports) == []
    assert not (reports / batch.STAGING).exists()

    # --resume makes only the rest.
    resumed = start(project.root, "--resume")
    out, err = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, err
    # a quiet run: the progress bar and nothing from the kernels (they talk over IPC)
    assert "Kernel is running" not in err and "Traceback" not in err and "WARNING" not in err
    assert f"{len(kept)} rapporter er allerede laget; kjører {ALL_JOBS - len(kept)}." in out
    assert len(finished(reports)) == ALL_JOBS and visible_problems(reports) == []

    # kill -9 of the whole run while it replaces the reports: every earlier report is still
    # there and complete (the old version or the new one), and the next run cleans up.
    before = time.time()
    time.sleep(0.05)
    killed = start(project.root)
    stop_after_first_report(killed, reports, before, signal.SIGKILL)
    assert len(finished(reports)) == ALL_JOBS
    assert visible_problems(reports) == []
    again = start(project.root, "--resume")
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    assert f"{ALL_JOBS} rapporter er allerede laget; kjører 0." in out
    assert not (reports / batch.STAGING).exists()
    assert not list(reports.glob("*/.*"))
    # reports are readable by others, as any file written there (not private temp files)
    html = reports / KEY / "housing" / "housing.html"
    assert html.stat().st_mode & 0o777 == outputs.FILE_MODE
    assert (reports / KEY / "housing").stat().st_mode & 0o777 == outputs.FOLDER_MODE


@pytest.mark.slow
def test_workbench_run_killed_alone_leaves_no_worker_or_kernel_behind(tmp_path):
    """SIGKILL to `workbench run` only (not its process group), as a stuck terminal or an
    out-of-memory killer does it: its pool workers, their kernels and the resource tracker
    stop within seconds instead of running on and writing reports."""
    import psutil

    project = make_project(tmp_path / "p")
    run = start(project.root)
    parent = psutil.Process(run.pid)
    deadline = time.monotonic() + 60
    while not [p for p in parent.children(recursive=True) if "ipykernel" in " ".join(p.cmdline())]:
        assert time.monotonic() < deadline and run.poll() is None, "no kernel started"
        time.sleep(0.1)
    family = parent.children(recursive=True)
    os.kill(run.pid, signal.SIGKILL)
    run.wait(timeout=30)
    _, alive = psutil.wait_procs(family, timeout=15)
    # a process that has exited but is not yet reaped (a zombie, where nothing adopts the
    # orphans of the killed parent, as in a container) runs no code and writes nothing
    running = [p for p in alive if _running(p)]
    for process in running:  # leave the machine clean even when the test fails
        process.kill()
    assert running == [], [" ".join(p.cmdline()) for p in running]


def _running(process) -> bool:
    import psutil

    try:
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_a_report_set_aside_by_a_killed_swap_comes_back(tmp_path, monkeypatch):
    reports = tmp_path / "reports"
    target = reports / KEY / "housing"
    target.mkdir(parents=True)
    (target / "housing.html").write_text("gammel", encoding="utf-8")
    staging = tmp_path / "ny"
    staging.mkdir()
    (staging / "housing.html").write_text("ny", encoding="utf-8")
    # Where the folders cannot be exchanged in one step, the old one is renamed aside first;
    # a kill right after that leaves only the set-aside copy.
    monkeypatch.setattr(outputs, "_exchange", lambda *_: False)
    real_replace = os.replace
    calls = []

    def killed_after_first(source, destination):
        calls.append(source)
        if len(calls) == 2:
            raise KeyboardInterrupt  # stands in for the kill between the two renames
        real_replace(source, destination)

    monkeypatch.setattr(outputs.os, "replace", killed_after_first)
    with pytest.raises(KeyboardInterrupt):
        replace_folder(staging, target)
    monkeypatch.setattr(outputs.os, "replace", real_replace)
    assert (target / "housing.html").read_text(encoding="utf-8") == "gammel"  # put back at once

    # the same after a real kill: only the set-aside folder is left
    aside = target.parent / ".housing.old-1a2b3c4d"
    real_replace(target, aside)
    assert recover_folders(reports) == [target]
    assert (target / "housing.html").read_text(encoding="utf-8") == "gammel"
    assert not aside.exists()


def test_a_set_aside_copy_of_a_replaced_report_is_removed(tmp_path):
    reports = tmp_path / "reports"
    (reports / KEY / "housing").mkdir(parents=True)
    (reports / KEY / ".housing.old-1a2b3c4d").mkdir()
    assert recover_folders(reports) == []
    assert sorted(p.name for p in (reports / KEY).iterdir()) == ["housing"]


def test_replacing_a_report_exchanges_the_folders_in_one_step(tmp_path):
    target = tmp_path / "housing"
    target.mkdir()
    (target / "gammel.html").write_text("", encoding="utf-8")
    staging = tmp_path / "ny"
    staging.mkdir()
    (staging / "ny.html").write_text("", encoding="utf-8")
    assert outputs._exchange(staging, target)  # Linux: renameat2(RENAME_EXCHANGE)
    assert [p.name for p in target.iterdir()] == ["ny.html"]
    replace_folder(staging, target)  # staging now holds the old one: swapped back, removed
    assert [p.name for p in target.iterdir()] == ["gammel.html"]
    assert not staging.exists()


def test_a_read_only_reports_folder_is_a_clear_message(project, monkeypatch, capsys):
    def refused(self, data):
        raise OSError(errno.EROFS, "Read-only file system", str(self))

    monkeypatch.setattr(Path, "write_bytes", refused)
    code = main(["--project", str(project.root), "run", "--no-progress"])
    err = capsys.readouterr().err
    assert code == EXIT_INPUT
    assert "reports: rapportmappen ligger på en disk som bare kan leses" in err
    assert "ingen rapporter er laget" in err
    assert not list(project.reports_dir.glob("*/*"))


def test_reports_that_is_a_file_is_a_clear_message(project, capsys):
    (project.root / "reports").write_text("", encoding="utf-8")
    code = main(["--project", str(project.root), "run", "--no-progress"])
    err = capsys.readouterr().err
    assert code == EXIT_INPUT
    assert "reports: finnes som en fil, ikke en mappe" in err


def test_a_full_disk_fails_the_job_in_norwegian_and_keeps_the_old_report(tmp_path, monkeypatch):
    reports = tmp_path / "reports"
    old = reports / KEY / "calculator"
    old.mkdir(parents=True)
    (old / "calculator.html").write_text("gammel", encoding="utf-8")
    job = batch.Job("9999", KEY, "calculator")

    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(reports / ".staging/x"))

    monkeypatch.setattr(batch, "_run_notebook", full)
    result = batch.run_job(tmp_path, reports, job, execution="cold")
    assert result.status == "failed"
    assert result.message.startswith(
        "disken er full; frigjør plass og kjør `workbench run --resume`"
    )
    assert (old / "calculator.html").read_text(encoding="utf-8") == "gammel"
    assert not any((reports / batch.STAGING).iterdir())
