"""The batch end to end: papermill, HTML, figures, tables, failures, atomicity, stability.

These run real notebooks (a few seconds each), so one batch run is shared by several tests.
"""

import hashlib
from pathlib import Path

import pytest
from conftest import make_project

from workbench import analyses, batch
from workbench.batch import plan, run_batch, run_job
from workbench.cli import main
from workbench.errors import InputError
from workbench.index_page import write_index
from workbench.project import Project

MUNICIPALITIES = ("9999-demokommune.yaml", "9998-feilkommune.yaml", "9997-ugyldig.yaml")


@pytest.fixture(scope="module")
def ran(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("batch") / "project", MUNICIPALITIES)
    chosen = plan(project)
    results = run_batch(project, chosen.jobs, workers=2, progress=False)
    write_index(project, project.reports_dir)
    by_key = {(r.job.key, r.job.analysis): r for r in chosen.settled + results}
    return project, by_key


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.slow
def test_a_report_page_says_it_is_norwegian_and_names_the_municipality(ran):
    project, _ = ran
    page = (project.reports_dir / "9999-demokommune/housing/housing.html").read_text("utf-8")
    assert '<html lang="nb">' in page
    assert "<title>Boligprofil – 9999 Demokommune</title>" in page


@pytest.mark.slow
def test_good_municipality_gets_a_complete_report(ran):
    project, results = ran
    result = results[("9999-demokommune", "calculator")]
    assert result.status == "ok"
    folder = project.reports_dir / "9999-demokommune" / "calculator"
    assert result.report_dir == folder
    files = set(tree_digest(folder))
    assert {"calculator.ipynb", "calculator.html"} <= files
    for stem in ("hjemme-eller-institusjon", "eksempelpakker-faerder"):
        assert {
            f"figures/{stem}-kostnad-og-arsverk-lysark.png",
            f"figures/{stem}-kostnad-og-arsverk.svg",
        } <= files
        assert {
            f"tables/{stem}-sammendrag.csv",
            f"tables/{stem}-linjer.csv",
            f"tables/{stem}-rad-til.csv",
        } <= files


@pytest.mark.slow
def test_html_report_has_no_code_and_says_it_is_illustrative(ran):
    project, _ = ran
    page = (project.reports_dir / "9999-demokommune/calculator/calculator.html").read_text(
        encoding="utf-8"
    )
    assert "open_session" not in page and "import " not in page
    # the analyst's «Under panseret» tables stay in the notebook, not in the report
    assert "Under panseret" not in page and "hours_per_fte=1500" not in page
    notebook = project.reports_dir / "9999-demokommune/calculator/calculator.ipynb"
    assert "## Under panseret" in notebook.read_text(encoding="utf-8")
    assert "ILLUSTRATIVE TALL" in page
    assert "603\u00a0382\u00a0kr" in page  # the seed example, formatted the Norwegian way
    assert "Kilde:" in page
    # figures carry their title and the illustrative marker as alt text
    assert (
        'alt="Regneeksempel fra ressurskalkulatoren. '
        'ILLUSTRATIVE TALL – Demokommune er en fiktiv kommune"'
    ) in page
    assert "No description has been provided" not in page


@pytest.mark.slow
def test_tables_hold_numbers_for_excel(ran):
    project, _ = ran
    text = (
        project.reports_dir
        / "9999-demokommune/calculator/tables/eksempelpakker-faerder-sammendrag.csv"
    ).read_bytes()
    assert text.startswith("\ufeffAlternativ;Årskostnad (kr);".encode())
    assert ";603382;" in text.decode("utf-8-sig")  # whole kroner, without ",0"


@pytest.mark.slow
def test_failing_notebook_is_reported_with_its_executed_notebook(ran):
    project, results = ran
    failed = results[("9998-feilkommune", "calculator")]
    assert failed.status == "failed"
    assert failed.notebook == project.reports_dir / "_failed" / "9998-feilkommune-calculator.ipynb"
    assert "filen data/packages/finnes-ikke.yaml finnes ikke" in failed.message
    assert "finnes-ikke.yaml finnes ikke" in failed.notebook.read_text(encoding="utf-8")
    assert not (project.reports_dir / "9998-feilkommune").exists()


@pytest.mark.slow
def test_deliverables_wait_for_the_reports_and_name_the_failed_one(ran):
    project, results = ran
    demo = results[("9999-demokommune", batch.DELIVERABLES)]
    assert demo.status == "ok"
    assert (demo.report_dir / "9999-demokommune-innsatstrapp.xlsx").exists()
    blocked = results[("9998-feilkommune", batch.DELIVERABLES)]
    assert blocked.status == "failed"
    assert "rapporten «Ressurskalkulator» feilet" in blocked.message
    assert not (project.reports_dir / "9998-feilkommune").exists()


@pytest.mark.slow
def test_invalid_parameter_file_fails_without_a_kernel(ran):
    _, results = ran
    invalid = results[("9997-ugyldig", "calculator")]
    assert invalid.status == "failed" and invalid.notebook is None
    assert "9997-ugyldig.yaml: ugyldig YAML" in invalid.message


@pytest.mark.slow
def test_persona_report_for_the_demo(ran):
    project, _ = ran
    folder = project.reports_dir / "9999-demokommune" / "personas"
    files = set(tree_digest(folder))
    assert {
        "personas.html",
        "figures/johs-tjenester-forlop.svg",
        "figures/johs-tjenester-innfasing-lysark.png",
        "tables/johs-tjenester-innfasing.csv",
    } <= files
    page = (folder / "personas.html").read_text(encoding="utf-8")
    assert "ILLUSTRATIVE TALL" in page and "Første år med besparelse" in page


@pytest.mark.slow
def test_housing_report_for_the_demo(ran):
    project, _ = ran
    folder = project.reports_dir / "9999-demokommune" / "housing"
    files = set(tree_digest(folder))
    assert {
        "housing.html",
        "figures/profil.svg",
        "figures/arsverk-og-kostnader-lysark.png",
        "tables/sammendrag.csv",
    } <= files
    page = (folder / "housing.html").read_text(encoding="utf-8")
    assert "ILLUSTRATIVE TALL" in page and "Dagens bemanning, 2024" in page


@pytest.mark.slow
def test_allocation_report_for_the_demo(ran):
    project, _ = ran
    folder = project.reports_dir / "9999-demokommune" / "allocation"
    files = set(tree_digest(folder))
    assert {
        "allocation.html",
        "figures/trapp-2024.svg",
        "tables/avstemming.csv",
        "tables/ikke-fordelt-linjer.csv",
    } <= files
    page = (folder / "allocation.html").read_text(encoding="utf-8")
    assert "ILLUSTRATIVE TALL" in page and "Avstemming" in page and "Ikke fordelt" in page


@pytest.mark.slow
def test_no_staging_left_and_index_links_everything(ran):
    project, _ = ran
    assert not (project.reports_dir / batch.STAGING).exists()
    index = (project.reports_dir / "index.html").read_text(encoding="utf-8")
    assert "href='9999-demokommune/calculator/calculator.html'" in index
    assert "href='_failed/9998-feilkommune-calculator.ipynb'" in index
    assert "9997-ugyldig" in index and "Ugyldig parameterfil" in index
    assert "fiktiv kommune" in index


@pytest.mark.slow
def test_cold_isolated_runs_give_the_batch_byte_for_byte(ran, tmp_path):
    """The batch runs the notebooks one after another in each worker's warm kernel (the
    default); each report must be exactly what a new kernel running that one notebook alone
    produces (and the deliverables, read from those
    reports, the same bytes)."""
    project, _ = ran
    warm_batch = tree_digest(project.reports_dir / "9999-demokommune")
    again = tmp_path / "again"
    for analysis in (*analyses.ANALYSES, batch.DELIVERABLES):
        job = batch.Job("9999", "9999-demokommune", analysis)
        result = run_job(project.root, again, job, execution="cold")
        assert result.status == "ok", result.message
    assert tree_digest(again / "9999-demokommune") == warm_batch


@pytest.mark.slow
def test_a_reused_warm_kernel_gives_the_same_reports_as_cold_kernels(ran, tmp_path):
    project, _ = ran
    cold = tree_digest(project.reports_dir / "9999-demokommune")
    jobs = [batch.Job("9998", "9998-feilkommune", "calculator")]  # fails first, in the same process
    jobs += [
        batch.Job("9999", "9999-demokommune", a)
        for a in ("calculator", "personas", "housing", "allocation")
    ]
    jobs.append(batch.Job("9999", "9999-demokommune", batch.DELIVERABLES))
    results = run_batch(
        project, jobs, reports_dir=tmp_path / "r", progress=False, retries=0, execution="warm"
    )  # one process: every notebook after the failure runs where the failure ran
    assert [r.status for r in results] == ["failed", "ok", "ok", "ok", "ok", "ok"]
    assert tree_digest(tmp_path / "r" / "9999-demokommune") == cold


@pytest.mark.slow
def test_a_crash_while_writing_leaves_the_old_report(ran, monkeypatch):
    project, _ = ran
    folder = project.reports_dir / "9999-demokommune"
    before = tree_digest(folder)

    def crash(*_args):
        raise OSError("disk full")

    monkeypatch.setattr(batch, "export_html", crash)
    result = run_job(
        project.root,
        project.reports_dir,
        batch.Job("9999", "9999-demokommune", "calculator"),
        execution="cold",
    )
    assert result.status == "failed" and "disk full" in result.message
    assert tree_digest(folder) == before
    assert not any((project.reports_dir / batch.STAGING).glob("*"))


@pytest.mark.slow
def test_a_failed_job_is_retried_once(ran, tmp_path, monkeypatch):
    project, _ = ran
    calls = []
    real = batch.run_job

    def flaky(root, reports, job, execution="cold"):
        calls.append(job.label)
        if len(calls) == 1:
            return batch.JobResult(job, "failed", message="kjernen døde", crashed=True)
        return real(root, reports, job, execution)

    monkeypatch.setattr(batch, "run_job", flaky)
    job = batch.Job("9999", "9999-demokommune", "calculator")
    [result] = run_batch(project, [job], reports_dir=tmp_path / "r", progress=False)
    assert result.status == "ok" and calls == [job.label, job.label]


@pytest.mark.slow
def test_resume_runs_only_what_failed_or_is_missing(ran, capsys):
    project, _ = ran
    code = main(
        [
            "--project",
            str(project.root),
            "run",
            "--no-progress",
            "--resume",
            "-m",
            "9999",
            "-m",
            "9998",
        ]
    )
    out = capsys.readouterr().out
    # the demo's five outputs exist; the failing municipality's two jobs run again (and fail again)
    assert "5 rapporter er allerede laget; kjører 2." in out
    assert code == 1 and "FEILET 9998-feilkommune/calculator" in out
    assert batch.done(project.reports_dir, batch.Job("9999", "9999-demokommune", "housing"))
    assert not batch.done(project.reports_dir, batch.Job("9998", "9998-feilkommune", "calculator"))


@pytest.mark.slow
def test_cli_exit_code_and_summary(ran, capsys):
    project, _ = ran
    code = main(["--project", str(project.root), "run", "--no-progress", "-m", "9997"])
    printed = capsys.readouterr()
    out = printed.out
    assert code == 2  # stopped on an invalid file, as validate would
    assert "0 av 4 rapporter laget" in out  # every analysis of the invalid file
    assert "FEILET 9997-ugyldig/calculator:" in out
    assert "Stoppet på ugyldige inndata" in printed.err


def test_a_job_that_failed_on_its_files_is_not_run_again(tmp_path, monkeypatch):
    job = batch.Job("9999", "9999-demokommune", "calculator")
    calls = []

    def invalid(root, reports, job, execution="cold"):
        calls.append(job.label)
        return batch.JobResult(job, "failed", message="InputError: …", invalid_input=True)

    monkeypatch.setattr(batch, "run_job", invalid)
    results = batch.run_batch(
        Project(tmp_path), [job], reports_dir=tmp_path / "r", progress=False, execution="cold"
    )
    assert calls == [job.label] and results[0].invalid_input


def test_a_notebook_that_stopped_on_an_error_in_a_cell_is_not_run_again(tmp_path, monkeypatch):
    job = batch.Job("9999", "9999-demokommune", "calculator")
    calls = []

    def stopped(root, reports, job, execution="cold"):
        calls.append(job.label)
        return batch.JobResult(job, "failed", message="ZeroDivisionError: division by zero")

    monkeypatch.setattr(batch, "run_job", stopped)
    [result] = batch.run_batch(
        Project(tmp_path), [job], reports_dir=tmp_path / "r", progress=False, execution="cold"
    )
    assert calls == [job.label] and result.status == "failed" and not result.crashed


def test_a_kernel_that_died_is_reported_as_a_crash():
    from nbclient.exceptions import DeadKernelError

    job = batch.Job("9999", "9999-demokommune", "calculator")
    result = batch._crashed(job, DeadKernelError("Kernel died"), 0.0)
    assert result.crashed and result.status == "failed"


class FakeJobs:
    """Stands in for ``run_job``: records the order jobs run in; chosen jobs fail."""

    def __init__(self, failing: dict[batch.Job, int]):
        self.failing = dict(failing)  # job → how many times it fails before it succeeds
        self.calls: list[str] = []

    def __call__(self, root, reports, job, execution="cold"):
        self.calls.append(job.label)
        if self.failing.get(job, 0) > 0:
            self.failing[job] -= 1
            return batch.JobResult(job, "failed", message="kjernen døde", crashed=True)
        return batch.JobResult(job, "ok", report_dir=reports / job.key / job.analysis)


def test_deliverables_run_after_every_report_and_its_retries(tmp_path, monkeypatch):
    demo = [batch.Job("9999", "9999-demokommune", a) for a in ("calculator", "personas")]
    broken = batch.Job("9998", "9998-feilkommune", "calculator")
    demo_deliverables = batch.Job("9999", "9999-demokommune", batch.DELIVERABLES)
    broken_deliverables = batch.Job("9998", "9998-feilkommune", batch.DELIVERABLES)
    fake = FakeJobs({demo[0]: 1, broken: 2})  # the demo's calculator fails once, then works
    monkeypatch.setattr(batch, "run_job", fake)
    jobs = [demo_deliverables, demo[0], broken_deliverables, broken, demo[1]]
    results = run_batch(
        Project(tmp_path), jobs, reports_dir=tmp_path / "r", progress=False, execution="cold"
    )
    assert fake.calls == [
        "9999-demokommune/calculator",
        "9998-feilkommune/calculator",
        "9999-demokommune/personas",
        "9999-demokommune/calculator",  # the retry round, still before any deliverables
        "9998-feilkommune/calculator",
        "9999-demokommune/deliverables",
    ]
    assert [r.status for r in results] == ["ok", "ok", "failed", "failed", "ok"]
    assert results[2].message == (
        "Excel og lysark er ikke laget: rapporten «Ressurskalkulator» feilet, og leveransen "
        "lages av de skrevne rapportene"
    )


def test_blocked_deliverables_name_every_failed_report(tmp_path, monkeypatch):
    reports = [batch.Job("9999", "9999-demokommune", a) for a in ("housing", "personas")]
    fake = FakeJobs({job: 2 for job in reports})
    monkeypatch.setattr(batch, "run_job", fake)
    deliverables = batch.Job("9999", "9999-demokommune", batch.DELIVERABLES)
    *_, result = run_batch(
        Project(tmp_path),
        [*reports, deliverables],
        reports_dir=tmp_path / "r",
        progress=False,
        execution="cold",
    )
    assert result.status == "failed" and "deliverables" not in " ".join(fake.calls)
    assert "rapportene «Boligprofil», «Personas og forløp» feilet" in result.message


def test_the_notebooks_get_municipality_output_project_folder_and_slides(tmp_path, monkeypatch):
    import papermill

    given = {}

    def execute(input_path, output_path, parameters, **kwargs):
        given.update(parameters, input_path=input_path, cwd=kwargs["cwd"])
        raise RuntimeError("stopp her")

    monkeypatch.setattr(papermill, "execute_notebook", execute)
    project = make_project(tmp_path / "p")
    job = batch.Job("9999", "9999-demokommune", "housing")
    result = run_job(project.root, tmp_path / "r", job, execution="cold")
    assert result.status == "failed" and "RuntimeError: stopp her" in result.message
    assert given.pop("input_path") == str(project.notebooks_dir / "housing_profile.ipynb")
    assert Path(given.pop("cwd")).parent == tmp_path / "r" / batch.STAGING
    assert given == {
        "municipality": "9999",
        "output_dir": ".",
        "project_dir": str(project.root),
        "slides": True,
    }


def test_plan_finds_files_by_number_and_adds_the_deliverables(tmp_path):
    project = make_project(tmp_path / "p", ("9999-demokommune.yaml", "3911-faerder.yaml"))
    chosen = plan(project, ["9999"])
    assert [job.label for job in chosen.jobs] == [
        *(f"9999-demokommune/{key}" for key in analyses.ANALYSES),
        "9999-demokommune/deliverables",
    ]
    only = plan(project, ["3911", "9999", "3911"], ["housing"])
    assert [job.label for job in only.jobs] == ["3911-faerder/housing", "9999-demokommune/housing"]
    # slide figures are drawn only where a deck is made from the report
    assert all(job.slides for job in chosen.jobs)
    assert not any(job.slides for job in only.jobs)
    assert all(job.slides for job in plan(project, ["9999"], ["housing", "deliverables"]).jobs)
    with pytest.raises(InputError, match="ingen parameterfil for kommune 0301"):
        plan(project, ["0301"])


@pytest.mark.slow
def test_a_warm_kernel_keeps_no_history_in_the_users_ipython_folder(tmp_path, monkeypatch):
    """IPython stores every cell it runs in ``history.sqlite`` under the user's IPython
    folder; the batch's kernels run thousands of cells and must leave nothing there."""
    from jupyter_core.utils import run_sync

    from workbench import warm

    home = tmp_path / "ipython"
    monkeypatch.setenv("IPYTHONDIR", str(home))
    warm.discard()  # a kernel started by another test has another IPython folder
    try:
        _, kc = warm.kernel(batch.KERNEL)
        warm.prepare(kc, tmp_path)
        for code in ("x = 1", "y = x + 1", "print(y)"):
            reply = run_sync(kc.execute_interactive)(code, timeout=60, output_hook=lambda m: None)
            assert reply["content"]["status"] == "ok"
    finally:
        warm.discard()
    assert home.is_dir()  # the kernel did use the folder it was given
    assert not list(home.rglob("history.sqlite*"))


def test_the_html_export_refuses_a_broken_notebook():
    import nbformat

    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# Tittel"), nbformat.v4.new_code_cell("1 + 1")]
    )
    assert "Tittel" in batch.export_html(notebook, "T")
    notebook.cells[1]["outputs"] = [{"output_type": "no-such-output"}]
    with pytest.raises(nbformat.ValidationError):
        batch.export_html(notebook, "T")


def test_the_warm_engine_is_registered_through_papermills_entry_points():
    """papermill finds the engine in the package's metadata (``pyproject.toml``), not
    through a registration run as a side effect of importing the workbench."""
    from importlib.metadata import entry_points

    from papermill.engines import papermill_engines

    from workbench import warm, warm_engine

    (entry,) = entry_points(group="papermill.engine", name=warm.ENGINE)
    assert entry.load() is warm_engine.WarmEngine
    assert papermill_engines.get_engine(warm.ENGINE) is warm_engine.WarmEngine


def test_a_full_disk_found_by_the_write_check_leaves_no_stray_file(tmp_path, monkeypatch):
    import errno
    from pathlib import Path

    real_write = Path.write_bytes

    def half_then_full(self, data):
        real_write(self, data[: len(data) // 2])  # what reached the disk before it was full
        raise OSError(errno.ENOSPC, "No space left on device", str(self))

    monkeypatch.setattr(Path, "write_bytes", half_then_full)
    with pytest.raises(InputError, match="disken er full"):
        batch.check_writable(tmp_path / "reports")
    assert list((tmp_path / "reports").iterdir()) == []
