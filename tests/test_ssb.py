"""The SSB client against a local HTTP server serving hand-written JSON-stat 2 documents.

The documents follow the JSON-stat 2.0 format as SSB's PxWebApi v2 returns it (ssb-sources.md
§1.4): ``id``/``size``/``dimension``/``value`` in row-major order (last dimension fastest),
``status`` for SSB's symbols. Nothing here reaches the internet.
"""

from __future__ import annotations

import json
from itertools import product
from pathlib import Path

import pandas as pd
import pytest
from ssb_fixtures import Server, document, metadata

from workbench import ssb
from workbench.cli import main

POPULATION_DIMS = {
    "Region": [("3911", "Færder"), ("3811", "Færder (-2023)")],
    "Kjonn": [("1", "Menn"), ("2", "Kvinner")],
    "Alder": [("067", "67 år"), ("085", "85 år"), ("095", "95 år")],
    "ContentsCode": [("Personer1", "Personer")],
    "Tid": [("2023", "2023"), ("2024", "2024")],
}


def population_values() -> list:
    """Row-major values: 3911 has people only in 2024, 3811 only in 2023 (the renumbering)."""
    values = []
    for region, sex, age, _, year in product(
        *[[c for c, _ in v] for v in POPULATION_DIMS.values()]
    ):
        counts = {"067": 100, "085": 40, "095": 5}
        live = (region == "3911" and year == "2024") or (region == "3811" and year == "2023")
        values.append(counts[age] + (1 if sex == "2" else 0) if live else None)
    return values


PROJECTION_DIMS = {
    "Region": [("3911", "Færder")],
    "Kjonn": [("1", "Menn"), ("2", "Kvinner")],
    "Alder": [
        ("070", "70 år"),
        ("079", "79 år"),
        ("080", "80 år"),
        ("089", "89 år"),
        ("090", "90 år"),
        ("105+", "105 år eller eldre"),
    ],
    "ContentsCode": [
        ("Personer", "Hovedalternativet (MMMM)"),
        ("Personer1", "Lav nasjonal vekst (LLML)"),
        ("Personer2", "Høy nasjonal vekst (HHMH)"),
    ],
    "Tid": [("2024", "2024"), ("2040", "2040")],
}

KOSTRA_DIMS = {
    "KOKkommuneregion0000": [("3911", "Færder")],
    "KOKregnskapsomfa0000": [("A", "Konsern")],
    "KOKfunksjon0000": [("201", "Barnehage"), ("254", "Hjemmeboende"), ("FGK9", "Helse og omsorg")],
    "KOKart0000": [("AGD2", "Netto driftsutgifter")],
    "ContentsCode": [("KOSbelop0000", "Beløp (1000 kr)")],
    "Tid": [("2023", "2023"), ("2024", "2024")],
}


@pytest.fixture
def server():
    server = Server()
    server.default["07459"] = {"json": document("07459", POPULATION_DIMS, population_values())}
    yield server
    server.close()


@pytest.fixture
def sleeps():
    return []


def client(tmp_path: Path, server: Server, sleeps: list, **options) -> ssb.Client:
    return ssb.Client(
        tmp_path / "cache",
        base_url=server.url,
        klass_url=server.url + "/klass",
        timeout=0.5,
        sleep=sleeps.append,
        **options,
    )


POPULATION_QUERY = ssb.Query.of(
    "07459",
    Region=("3911", "3811"),
    Kjonn=("1", "2"),
    Alder="*",
    ContentsCode="Personer1",
    Tid=("2023", "2024"),
)


def test_decode_row_major_with_labels_and_status():
    doc = document(
        "t",
        {
            "A": [("a1", "A en"), ("a2", "A to")],
            "B": [("b1", "B en"), ("b2", "B to"), ("b3", "B tre")],
        },
        [1, 2, 3, 4, None, 6],
        status={"4": ".."},
    )
    frame = ssb.decode(doc)
    assert list(zip(frame["A"], frame["B"], strict=True)) == [
        ("a1", "b1"),
        ("a1", "b2"),
        ("a1", "b3"),
        ("a2", "b1"),
        ("a2", "b2"),
        ("a2", "b3"),
    ]
    assert (
        frame.loc[4, "status"] == ".."
        and pd.isna(frame.loc[4, "value"])
        and frame.loc[5, "value"] == 6
    )
    assert frame.loc[3, "A_label"] == "A to"


def test_decode_accepts_sparse_values_and_list_index():
    doc = document("t", {"A": [("x", "X"), ("y", "Y")]}, {"1": 7})
    doc["dimension"]["A"]["category"]["index"] = ["x", "y"]
    frame = ssb.decode(doc)
    assert pd.isna(frame.loc[0, "value"]) and frame.loc[1, "value"] == 7


def test_decode_refuses_a_wrong_number_of_values():
    with pytest.raises(ssb.SsbError, match="har 3 verdier, men dimensjonene gir 2"):
        ssb.decode(document("t", {"A": [("x", "X"), ("y", "Y")]}, [1, 2, 3]))


def test_fetch_caches_and_serves_offline(tmp_path, server, sleeps):
    online = client(tmp_path, server, sleeps)
    first = online.fetch(POPULATION_QUERY, tuple(POPULATION_DIMS))
    assert not first.from_cache and first.updated == "2024-07-01T08:00:00Z" and len(server.log) == 1
    offline = client(tmp_path, server, sleeps, offline=True)
    again = offline.fetch(POPULATION_QUERY, tuple(POPULATION_DIMS))
    assert again.from_cache and len(server.log) == 1
    assert again.fetched_at == first.fetched_at
    pd.testing.assert_frame_equal(again.frame, first.frame)


def test_offline_and_not_cached_says_what_to_fetch(tmp_path, server, sleeps):
    with pytest.raises(
        ssb.SsbError, match="tabell 07459 er ikke hentet ennå .* kjør `workbench fetch`"
    ):
        client(tmp_path, server, sleeps, offline=True).fetch(POPULATION_QUERY)
    assert server.log == []


def test_bad_request_shows_ssbs_message_without_retrying(tmp_path, server, sleeps):
    server.queue["07459"] = [
        {
            "status": 400,
            "json": {
                "title": "Bad Request",
                "status": 400,
                "detail": "Value, 9999 is not a valid value code for variable Region",
            },
        }
    ]
    with pytest.raises(
        ssb.SsbError, match="HTTP 400.*9999 is not a valid value code for variable Region"
    ):
        client(tmp_path, server, sleeps).fetch(POPULATION_QUERY)
    assert len(server.log) == 1


def test_too_many_requests_waits_as_told_then_succeeds(tmp_path, server, sleeps):
    server.queue["07459"] = [
        {
            "status": 429,
            "headers": {"Retry-After": "7"},
            "json": {
                "title": "Too many requests",
                "status": 429,
                "detail": "30 request per minute.",
            },
        }
    ]
    dataset = client(tmp_path, server, sleeps).fetch(POPULATION_QUERY)
    assert len(server.log) == 2 and sleeps == [7.0]
    assert dataset.frame["value"].notna().sum() == 12


def test_server_errors_are_retried_with_backoff_then_reported(tmp_path, server, sleeps):
    server.queue["07459"] = [{"status": 503, "json": {"title": "Service Unavailable"}}] * 3
    with pytest.raises(ssb.SsbError, match="etter 3 forsøk: HTTP 503"):
        client(tmp_path, server, sleeps, max_retries=2).fetch(POPULATION_QUERY)
    assert sleeps == [1.0, 2.0, 4.0]


def test_timeout_then_success(tmp_path, server, sleeps):
    server.queue["07459"] = [{"delay": 1.5, "json": {}}]
    dataset = client(tmp_path, server, sleeps).fetch(POPULATION_QUERY)
    assert len(server.log) == 2 and dataset.frame["value"].sum() == (100 + 40 + 5) * 4 + 6


def test_truncated_body_is_retried(tmp_path, server, sleeps):
    whole = json.dumps(document("07459", POPULATION_DIMS, population_values())).encode()
    server.queue["07459"] = [{"raw": whole[:120]}, {"raw": whole[:50], "length": len(whole)}]
    dataset = client(tmp_path, server, sleeps).fetch(POPULATION_QUERY)
    assert len(server.log) == 3 and len(dataset.frame) == 24


def test_a_table_whose_dimensions_changed_is_an_error(tmp_path, server, sleeps):
    changed = dict(POPULATION_DIMS)
    changed["Kjonnsidentitet"] = changed.pop("Kjonn")
    server.queue["07459"] = [{"json": document("07459", changed, population_values())}]
    with pytest.raises(
        ssb.SsbError, match="tabell 07459 har endret dimensjoner: forventet Region, Kjonn"
    ):
        client(tmp_path, server, sleeps).fetch(POPULATION_QUERY, tuple(POPULATION_DIMS))


def test_the_metadata_is_read_before_the_data_and_names_what_is_gone(tmp_path, server, sleeps):
    """SSB renames the sex variable: the metadata says so before any data is asked for."""
    changed = dict(POPULATION_DIMS)
    changed["Kjonnsidentitet"] = changed.pop("Kjonn")
    server.default["07459/metadata"] = {"json": metadata("07459", changed)}
    with pytest.raises(
        ssb.SsbError, match=r"tabell 07459 \(Befolkning.*\) har ikke lenger variabelen kjønn"
    ):
        ssb.population(client(tmp_path, server, sleeps), "3911", _changes(), (2024,))
    assert [path.split("?")[0] for _, path, _ in server.log] == ["/tables/07459/metadata"]


def test_a_statistics_variable_whose_label_moved_is_an_error(tmp_path, server, sleeps):
    """14288's ContentsCode «Personer» is read as MMMM only while its label says so."""
    dims = dict(PROJECTION_DIMS)
    dims["ContentsCode"] = [
        ("Personer", "Personer, lav nasjonal vekst (LLML)"),
        ("Personer1", "Personer, hovedalternativet (MMMM)"),
        ("Personer2", "Personer, høy nasjonal vekst (HHMH)"),
    ]
    server.default["14288/metadata"] = {"json": metadata("14288", dims)}
    # the labels still name each alternative once: the workbench follows the labels
    resolved = ssb.resolve(
        ssb.TABLES["projection"], client(tmp_path, server, sleeps).metadata("14288")
    )
    assert resolved.contents == {"MMMM": "Personer1", "LLML": "Personer", "HHMH": "Personer2"}
    dims["ContentsCode"] = [
        ("Personer", "Personer"),
        ("Personer1", "Personer"),
        ("Personer2", "Personer"),
    ]
    server.default["14288/metadata"] = {"json": metadata("14288", dims)}
    with pytest.raises(
        ssb.SsbError,
        match=r"tabell 14288 \(.*\) har ikke lenger statistikkvariabelen hovedalternativet \(MMMM\)",
    ):
        ssb.population_projection(client(tmp_path / "ny", server, sleeps), "3911", _changes())


def test_metadata_is_cached_and_its_updated_time_recorded(tmp_path, server, sleeps):
    server.default["07459/metadata"] = {
        "json": metadata("07459", POPULATION_DIMS, updated="2025-02-20T07:00:00Z")
    }
    _, dataset = ssb.population(client(tmp_path, server, sleeps), "3911", _changes(), (2023, 2024))
    assert dataset.updated == "2025-02-20T07:00:00Z"
    offline = client(tmp_path, server, sleeps, offline=True)
    assert offline.metadata("07459").updated == "2025-02-20T07:00:00Z"
    assert len(server.log) == 2  # metadata and data, once each


def _changes() -> pd.DataFrame:
    return pd.DataFrame({"old": ["3811"], "new": ["3911"], "valid_from": ["2024-01-01"]})


def test_large_queries_are_split_under_the_cell_limit(tmp_path, server, sleeps):
    query = ssb.Query.of(
        "07459",
        Region=("3911", "3811"),
        Kjonn=("1", "2"),
        Alder=("067", "085", "095"),
        ContentsCode="Personer1",
        Tid=("2023", "2024"),
    )
    assert query.cells() == 24
    parts = query.split(8)
    # Alder (3 values) is halved into 1 + 2; the 16-cell half is halved again on Region
    assert [p.cells() for p in parts] == [8, 8, 8]
    client(tmp_path, server, sleeps, max_cells=8).fetch(query)
    assert (
        len(server.log) == 3
    )  # one request per part (the stand-in answers each with the whole table)


def test_long_queries_are_posted(tmp_path, server, sleeps):
    regions = tuple(f"{n:04d}" for n in range(1, 600))
    query = ssb.Query.of(
        "07459", Region=regions, Kjonn=("1", "2"), Alder="*", ContentsCode="Personer1", Tid="2024"
    )
    assert len(query.url(server.url)) > ssb.MAX_URL_LENGTH
    client(tmp_path, server, sleeps).fetch(query)
    method, path, body = server.log[0]
    assert method == "POST" and "valueCodes" not in path
    assert body["selection"][0] == {"variableCode": "Region", "valueCodes": list(regions)}


def test_requests_are_throttled_to_30_a_minute(tmp_path, server, sleeps):
    now = [0.0]
    throttled = ssb.Client(
        tmp_path / "c",
        base_url=server.url,
        sleep=lambda s: (sleeps.append(s), now.__setitem__(0, now[0] + s)),
        clock=lambda: now[0],
    )
    for _ in range(31):
        throttled._throttle()
        now[0] += 0.5
    assert sleeps == [pytest.approx(60 - 15.0)]


def test_number_changes_span_the_reform(repo):
    changes = ssb.read_number_changes(repo.data_dir / "reference/kommunenummer-endringer.csv")
    assert ssb.numbers_over_time("3911", changes) == ["3911", "3811"]
    frame = pd.DataFrame({"Region": ["3811", "3911", "0301"]})
    assert list(ssb.to_current(frame, "Region", changes)["Region"]) == ["3911", "3911", "0301"]


def test_population_spans_the_renumbering(tmp_path, server, sleeps, repo):
    changes = ssb.read_number_changes(repo.data_dir / "reference/kommunenummer-endringer.csv")
    table, _ = ssb.population(client(tmp_path, server, sleeps), "3911", changes, (2023, 2024))
    # 2023 is reported under 3811, 2024 under 3911: both years sum on today's number
    men, women = 100 + 40 + 5, 101 + 41 + 6
    assert table.set_index("year")["inhabitants"].to_dict() == {
        2023: men + women,
        2024: men + women,
    }


def test_projection_in_the_housing_format(tmp_path, server, sleeps, repo):
    values = []
    for _region, _sex, _age, alternative, year in product(
        *[[c for c, _ in v] for v in PROJECTION_DIMS.values()]
    ):
        values.append(
            {"Personer": 10, "Personer1": 8, "Personer2": 12}[alternative]
            * (2 if year == "2040" else 1)
        )
    server.default["14288"] = {"json": document("14288", PROJECTION_DIMS, values)}
    changes = ssb.read_number_changes(repo.data_dir / "reference/kommunenummer-endringer.csv")
    table, _ = ssb.population_projection(client(tmp_path, server, sleeps), "3911", changes)
    rows = table.set_index(["alternative", "year", "age_group"])["persons"]
    # 67–79: ages 70 and 79, two sexes → 4 cells of 10 (MMMM, 2024); 90+: 90 and 105+
    assert rows[("MMMM", 2024, "67-79")] == 40 and rows[("LLML", 2040, "90+")] == 4 * 16
    assert set(table["alternative"]) == {"MMMM", "LLML", "HHMH"}


def test_kostra_accounts_in_kroner_per_function(tmp_path, server, sleeps, repo):
    server.default["12367"] = {
        "json": document(
            "12367", KOSTRA_DIMS, [1000, 1100, 500, None, 9000, 9100], status={"3": ":"}
        )
    }
    changes = ssb.read_number_changes(repo.data_dir / "reference/kommunenummer-endringer.csv")
    table, _ = ssb.kostra_accounts(client(tmp_path, server, sleeps), "3911", changes, (2023, 2024))
    assert table.to_dict("records") == [
        {"region": "3911", "year": 2023, "funksjon": "201", "amount": 1_000_000.0},
        {"region": "3911", "year": 2023, "funksjon": "254", "amount": 500_000.0},
        {"region": "3911", "year": 2024, "funksjon": "201", "amount": 1_100_000.0},
    ]  # suppressed cell and the FGK9 group left out


def test_klass_changes(tmp_path, server, sleeps):
    server.default["/klass/classifications/131/changes.json"] = {
        "json": {
            "codeChanges": [
                {
                    "oldCode": "3811",
                    "newCode": "3911",
                    "changeOccurred": "2024-01-01",
                    "newName": "Færder",
                }
            ]
        }
    }
    changes = ssb.klass_changes(client(tmp_path, server, sleeps))
    assert changes.to_dict("records")[0] == {
        "old": "3811",
        "new": "3911",
        "valid_from": "2024-01-01",
        "name": "Færder",
        "confidence": "klass",
    }


def test_fetch_command_writes_input_files_with_sources(tmp_path, server, repo, capsys):
    from conftest import make_project

    from workbench.population import read_population
    from workbench.provenance import check_manifests

    project = make_project(tmp_path / "p", ("3911-faerder.yaml",))
    values = [5] * (1 * 2 * 6 * 3 * 2)
    server.default["14288"] = {"json": document("14288", PROJECTION_DIMS, values)}
    server.default["12367"] = {"json": document("12367", KOSTRA_DIMS, [1, 2, 3, 4, 5, 6])}
    code = main(["--project", str(project.root), "fetch", "-m", "3911", "--base-url", server.url])
    out = capsys.readouterr().out
    assert code == 0 and "befolkning.csv" in out
    folder = project.data_dir / "municipalities/3911-faerder/ssb"
    assert check_manifests(project.data_dir) == []
    population = read_population(folder / "befolkning.csv")
    assert set(population["alternative"]) == {"MMMM", "LLML", "HHMH"}
    sources = (folder / "sources.yaml").read_text(encoding="utf-8")
    assert "SSB tabell 14288" in sources and "Statistisk sentralbyrå" in sources
    # offline, from the cache: the same files again without the server
    server.close()
    assert main(["--project", str(project.root), "fetch", "-m", "3911", "--offline"]) == 0


def test_fetch_merges_sources_instead_of_replacing_them(tmp_path, server, repo, capsys):
    """A file a person put in ssb/ keeps its entry; fetching only some tables keeps the others'."""
    import yaml
    from conftest import make_project

    project = make_project(tmp_path / "p", ("3911-faerder.yaml",))
    folder = project.data_dir / "municipalities/3911-faerder/ssb"
    folder.mkdir(parents=True)
    (folder / "notat.csv").write_text("year;inhabitants\n2024;1\n", encoding="utf-8")
    own = {"title": "Eget notat", "source": "Skrevet av kommunen", "status": "real"}
    (folder / "sources.yaml").write_text(yaml.safe_dump({"notat.csv": own}), encoding="utf-8")
    values = [5] * (1 * 2 * 6 * 3 * 2)
    server.default["14288"] = {"json": document("14288", PROJECTION_DIMS, values)}
    base = ["--project", str(project.root), "fetch", "-m", "3911", "--base-url", server.url]
    assert main([*base, "--tables", "projection"]) == 0
    assert main([*base, "--tables", "population"]) == 0
    sources = yaml.safe_load((folder / "sources.yaml").read_text(encoding="utf-8"))
    assert sources["notat.csv"] == own
    assert {"befolkning.csv", "innbyggere.csv"} <= set(sources)
    assert (folder / "notat.csv").read_text(encoding="utf-8") == "year;inhabitants\n2024;1\n"


def test_kostra_group_from_klass(tmp_path, server, sleeps):
    server.default["/klass/classifications/131/corresponds"] = {
        "json": {
            "correspondenceItems": [
                {"sourceCode": "3907", "targetCode": "EKG13", "targetName": "KOSTRA-gruppe 13"},
                {"sourceCode": "3911", "targetCode": "EKG09", "targetName": "KOSTRA-gruppe 9"},
            ]
        }
    }
    assert ssb.kostra_group(client(tmp_path, server, sleeps), "3911", 2024) == "KOSTRA-gruppe 9"
    _, path, _ = server.log[0]
    assert "targetClassificationId=112" in path and "from=2024-01-01" in path


def test_no_network_is_said_as_the_users_situation_with_a_way_forward(tmp_path):
    """`workbench new` without network reported a bug in the tool («Feil i workbench … send
    den filen»): it now says SSB cannot be reached and what to do without network."""
    client = ssb.Client(tmp_path, klass_url="http://127.0.0.1:9/klass", max_retries=0)
    with pytest.raises(ssb.SsbError) as error:
        client.klass("classifications/131/codesAt.json?date=2026-12-06")
    text = str(error.value)
    assert text.startswith("Får ikke kontakt med SSB")
    assert "--offline" in text and "Uten nett: en kommune for hånd" in text
