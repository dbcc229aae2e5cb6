import pytest

from workbench import reference
from workbench.config import Municipality, StepOverride
from workbench.errors import InputError


def test_twelve_steps_with_the_seed_names(repo):
    steps = reference.steps(repo.data_dir)
    assert list(steps["step"]) == list(range(1, 13))
    # names as seed 002 prints them
    assert steps.loc[0, "name"] == "Attraktiv og inkluderende kommune"
    assert steps.loc[6, "name"] == "Helsehjelp til hjemmeboende"
    assert steps.loc[3, "label"] == "4 Meningsfull og inkluderende hverdag"


def test_municipality_renames_a_step(repo):
    faerder = Municipality.from_file(repo.parameters_dir / "3911-faerder.yaml")
    renamed = faerder.model_copy(
        update={"step_names": {4: StepOverride(name="Mestring i hverdagen")}}
    )
    steps = reference.steps(repo.data_dir, renamed)
    assert steps.loc[3, "name"] == "Mestring i hverdagen"
    assert steps.loc[3, "subtitle"] == "Opplæring, aktivitet og arbeid"


def test_six_housing_steps(repo):
    housing = reference.housing_steps(repo.data_dir)
    assert list(housing["step"]) == list(range(1, 7))
    assert housing.loc[0, "name"] == "Private boliger med livsløpsstandard"


def test_function_254_ends_where_257_and_258_begin(repo):
    functions = reference.kostra_functions(repo.data_dir).set_index("function")
    assert functions.loc["254", "valid_to"] == 2023
    assert functions.loc["257", "valid_from"] == functions.loc["258", "valid_from"] == 2024


def test_missing_step_is_an_error(project):
    path = project.data_dir / "reference/innsatstrapp.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"kolonne «step»: trinnene må være 1–12"):
        reference.steps(project.data_dir)
