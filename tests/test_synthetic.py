"""The generator for illustrative ledgers and municipalities is deterministic and valid."""

import hashlib

from workbench import synthetic
from workbench.cli import main
from workbench.validation import validate_project


def digest(folder):
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_ledger_is_deterministic_and_follows_the_254_change():
    first, again = synthetic.ledger(200, seed=1), synthetic.ledger(200, seed=1)
    assert first.equals(again) and not first.equals(synthetic.ledger(200, seed=2))
    assert "254" not in set(first.loc[first["year"] == 2024, "funksjon"])
    assert not {"257", "258"} & set(first.loc[first["year"] < 2024, "funksjon"])


def test_project_with_n_municipalities_is_valid_and_reproducible(tmp_path, repo):
    made = synthetic.project(tmp_path / "a", 3, source=repo.root)
    again = synthetic.project(tmp_path / "b", 3, source=repo.root)
    errors, checked = validate_project(made)
    assert errors == [] and checked > 10
    assert sorted(p.stem for p in made.parameters_dir.glob("5*.yaml")) == [
        "5001-synt-1",
        "5002-synt-2",
        "5003-synt-3",
    ]
    assert digest(made.root / "data") == digest(again.root / "data")
    assert digest(made.parameters_dir) == digest(again.parameters_dir)


def test_synth_command_refuses_a_folder_in_use(tmp_path, repo, capsys):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "noe.txt").write_text("x")
    assert main(["--project", str(repo.root), "synth", "-n", "2", "--to", str(tmp_path / "x")]) == 2
    assert "mappen finnes og er ikke tom" in capsys.readouterr().err
