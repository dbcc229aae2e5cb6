import pytest

from workbench.errors import InputError
from workbench.provenance import check_manifests, provenance_of


def test_every_repository_data_file_states_its_source(repo):
    assert check_manifests(repo.data_dir) == []


def test_demo_data_is_illustrative_and_the_source_catalogue_real(repo):
    demo = provenance_of(
        repo.data_dir / "municipalities/9999-demokommune/prices.csv", repo.data_dir
    )
    national = provenance_of(repo.data_dir / "prices/national-23-11.csv", repo.data_dir)
    assert demo.illustrative and demo.relative == "municipalities/9999-demokommune/prices.csv"
    assert national.status == "real"
    assert national.source.startswith(
        "Agenda Kaupang: ressurskalkulator, enhetspriser versjon 23-11 (november 2023)"
    )


def test_every_repository_source_names_its_publisher_and_date(repo):
    """The sources table shows who published each dataset and when."""
    from workbench.provenance import MANIFEST, read_manifest

    for manifest in repo.data_dir.rglob(MANIFEST):
        for name, entry in read_manifest(manifest).items():
            assert entry.publisher and entry.published, f"{manifest}: {name}"


def test_file_without_entry_is_named(project):
    extra = project.data_dir / "prices/lokal.csv"
    extra.write_text("x\n1\n", encoding="utf-8")
    errors = check_manifests(project.data_dir)
    assert len(errors) == 1
    assert "sources.yaml: nøkkel «lokal.csv»: datafilen mangler kildeopplysning" in str(errors[0])
    with pytest.raises(InputError, match="nøkkel «lokal.csv»: datafilen mangler kildeopplysning"):
        provenance_of(extra, project.data_dir)


def test_entry_without_file_and_bad_status(project):
    manifest = project.data_dir / "prices/sources.yaml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8")
        + "borte.csv:\n  title: Borte\n  source: Ingen steder\n  status: tja\n",
        encoding="utf-8",
    )
    message = str(check_manifests(project.data_dir)[0])
    assert "nøkkel «borte.csv.status»: ugyldig verdi «tja»" in message
