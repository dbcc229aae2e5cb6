"""The batch on Dask distributed: a local cluster, a scheduler by address, and clear errors.

The cluster runs the same job function as the process pool, so its reports must equal a
cold, isolated run of each notebook byte for byte.
"""

import dataclasses

import pytest
from conftest import make_project
from test_batch import tree_digest

from workbench import batch, cluster
from workbench.batch import run_batch, run_job
from workbench.cli import main
from workbench.errors import InputError
from workbench.server import free_port

pytestmark = pytest.mark.slow
DEMO = batch.Job("9999", "9999-demokommune", "calculator")
BROKEN = batch.Job("9998", "9998-feilkommune", "calculator")


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return make_project(
        tmp_path_factory.mktemp("cluster") / "project",
        ("9999-demokommune.yaml", "9998-feilkommune.yaml"),
    )


@pytest.fixture(scope="module")
def cold(project, tmp_path_factory):
    """The demo's calculator report from a new kernel running that notebook alone."""
    reports = tmp_path_factory.mktemp("cold")
    assert run_job(project.root, reports, DEMO, execution="cold").status == "ok"
    return tree_digest(reports / DEMO.key / DEMO.analysis)


def test_local_cluster_gives_the_same_reports_and_reports_failures(project, cold, tmp_path):
    personas = batch.Job("9999", "9999-demokommune", "personas")
    results = run_batch(
        project,
        [BROKEN, DEMO, personas],
        workers=2,
        scheduler=cluster.LOCAL,
        reports_dir=tmp_path,
        progress=False,
    )
    assert [r.status for r in results] == ["failed", "ok", "ok"]
    assert "filen data/packages/finnes-ikke.yaml finnes ikke" in results[0].message
    assert results[0].notebook == tmp_path / batch.FAILED / "9998-feilkommune-calculator.ipynb"
    assert tree_digest(tmp_path / DEMO.key / DEMO.analysis) == cold
    assert (tmp_path / DEMO.key / "personas" / "personas.html").exists()
    assert not (tmp_path / batch.STAGING).exists()


@pytest.fixture(scope="module")
def cold_without_slides(project, tmp_path_factory):
    """The same report as `workbench run -a calculator` makes it: no deck, no slide figures."""
    reports = tmp_path_factory.mktemp("cold-without-slides")
    job = dataclasses.replace(DEMO, slides=False)
    assert run_job(project.root, reports, job, execution="cold").status == "ok"
    return tree_digest(reports / DEMO.key / DEMO.analysis)


def test_cli_sends_jobs_to_a_scheduler_by_address(project, cold_without_slides, tmp_path, capsys):
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
    ) as running:
        code = main(
            [
                "--project",
                str(project.root),
                "run",
                "--no-progress",
                "--scheduler",
                running.scheduler_address,
                "--reports",
                str(tmp_path),
                "-m",
                "9999",
                "-a",
                "calculator",
            ]
        )
    out = capsys.readouterr().out
    assert code == 0, out
    assert (
        "1 av 1 rapporter laget på" in out and f"på Dask-klyngen {running.scheduler_address}" in out
    )
    assert tree_digest(tmp_path / DEMO.key / DEMO.analysis) == cold_without_slides


def test_unreachable_scheduler_is_a_clear_error(project, tmp_path, monkeypatch):
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", "1s")
    address = f"tcp://127.0.0.1:{free_port()}"
    with pytest.raises(InputError, match=f"får ikke kontakt med Dask-planleggeren på {address}"):
        run_batch(project, [DEMO], scheduler=address, reports_dir=tmp_path, progress=False)
    assert not any(tmp_path.rglob("*.html"))


@pytest.mark.parametrize("value", ["localhost:8786", "tcp://maskin", "http://maskin:8786", ""])
def test_scheduler_must_be_local_or_an_address(project, value, capsys):
    code = main(["--project", str(project.root), "run", "--scheduler", value])
    assert code == 2
    assert "må være «local»" in capsys.readouterr().err


class FakeClient:
    def __init__(self, seen):
        self.seen = seen

    def run(self, function, *args):
        return self.seen


def test_workers_must_see_the_project_folder(project):
    seen = {"tcp://10.0.0.7:40001": True, "tcp://10.0.0.8:40001": False}
    with pytest.raises(InputError, match=r"tcp://10\.0\.0\.8:40001 ser ikke prosjektmappa"):
        cluster.check_workers(FakeClient(seen), project.root)
    with pytest.raises(InputError, match="ingen arbeidere"):
        cluster.check_workers(FakeClient({}), project.root)
    assert cluster.check_workers(FakeClient({"tcp://10.0.0.7:40001": True}), project.root) == 1


class BrokenClient:
    def run(self, function, *args):
        raise ModuleNotFoundError("No module named 'workbench'")


def test_workers_without_the_workbench_are_a_clear_error(project):
    with pytest.raises(InputError, match="installer den på hver maskin") as caught:
        cluster.check_workers(BrokenClient(), project.root)
    assert "No module named 'workbench'" in str(caught.value)


def test_a_worker_sees_a_project_by_its_folders(project, tmp_path):
    assert cluster._sees(str(project.root))
    assert not cluster._sees(str(tmp_path))
