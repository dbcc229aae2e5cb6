"""The generator for illustrative ledgers and municipalities is deterministic and valid."""

import hashlib

import pandas as pd

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
    first, again = synthetic.ledger(200, random_state=1), synthetic.ledger(200, random_state=1)
    assert first.equals(again) and not first.equals(synthetic.ledger(200, random_state=2))
    assert "254" not in set(first.loc[first["year"] == 2024, "funksjon"])
    assert not {"257", "258"} & set(first.loc[first["year"] < 2024, "funksjon"])


def test_demokommune_administration_is_the_generators_own(repo):
    """The ledger's shared administration (functions 100–180) is what
    synthetic.administration(40) makes, as its source entry says: 130 mill. kr in 2022 and 3 %
    more each year, none of it typed in."""
    from workbench.analyses.allocation.load import read_ledger

    ledger = read_ledger(repo.data_dir / "municipalities/9999-demokommune/okonomi/regnskap.csv")
    stored = ledger[ledger["funksjon"].str.startswith("1")].reset_index(drop=True)
    made = synthetic.administration(40)
    assert list(stored["funksjon"]) == list(made["funksjon"])
    assert list(stored["amount_ore"]) == [round(v * 100) for v in made["amount"]]
    per_year = stored.groupby("year")["amount_ore"].sum() / 100
    assert abs(per_year[2022] - 130e6) < 1 and abs(per_year[2024] - 130e6 * 1.03**2) < 1


def test_project_with_n_municipalities_is_valid_and_reproducible(tmp_path, repo):
    made = synthetic.project(tmp_path / "a", 3, source=repo.root)
    again = synthetic.project(tmp_path / "b", 3, source=repo.root)
    errors, checked, _ = validate_project(made)
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


def test_synthetic_residents_come_from_the_derivation_of_their_care_statistics(tmp_path, repo):
    made = synthetic.project(tmp_path / "a", 2, source=repo.root)
    folder = made.data_dir / "municipalities/5001-synt-1"
    read = {"sep": ";", "decimal": ",", "encoding": "utf-8-sig"}
    care = pd.read_csv(folder / "omsorgstjenester.csv", **read)
    residents = pd.read_csv(folder / "beboere.csv", **read).set_index(["age_group", "step"])
    population = pd.read_csv(folder / "befolkning.csv", **read)
    base = population[(population["alternative"] == "MMMM") & (population["year"] == 2024)]
    for row in care.itertuples():
        group = residents.loc[row.age_group, "residents"]
        assert group[6] == row.institution_long and group[4] == row.institution_short
        assert group[3] + group[5] == row.care_housing
        assert group[2] == row.home_services - row.care_housing
        assert group.sum() == base.set_index("age_group").loc[row.age_group, "persons"]
