from conftest import make_project

from workbench.cli import main


def test_validate_the_repository(repo, capsys):
    assert main(["--project", str(repo.root), "validate"]) == 0
    assert "filer er i orden" in capsys.readouterr().out


def test_validate_reports_every_broken_file(tmp_path, capsys):
    project = make_project(tmp_path / "p", ("9999-demokommune.yaml", "9997-ugyldig.yaml"))
    (project.data_dir / "prices/national-23-11.csv").write_text(
        (project.data_dir / "prices/national-23-11.csv")
        .read_text(encoding="utf-8")
        .replace(",219,", ",to hundre,"),
        encoding="utf-8",
    )
    assert main(["--project", str(project.root), "validate"]) == 2
    err = capsys.readouterr().err
    assert "9997-ugyldig.yaml: ugyldig YAML" in err
    assert "national-23-11.csv: rad 5, kolonne «unit_price»: «to hundre» er ikke et tall" in err


def test_unknown_municipality_is_a_usage_error(repo, capsys):
    assert main(["--project", str(repo.root), "run", "-m", "0301"]) == 2
    assert "ingen parameterfil for kommune 0301" in capsys.readouterr().err


def test_list(repo, capsys):
    assert main(["--project", str(repo.root), "list"]) == 0
    out = capsys.readouterr().out
    assert "3911 Færder: calculator" in out
    assert "9999 Demokommune (fiktiv): calculator" in out


def test_python_dash_m(repo):
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "workbench", "--project", str(repo.root), "list"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "3911 Færder" in done.stdout
