"""Statistics Norway (SSB): the statistics bank API (PxWebApi v2, JSON-stat 2) and KLASS.

A client that builds queries, keeps under the API's limits (800 000 cells per request,
30 requests a minute: large queries are split, requests throttled, 429/5xx/time-outs
retried with backoff honouring ``Retry-After``), decodes JSON-stat 2 into tidy DataFrames
and caches every response on disk with its table id and fetch time, so a workshop runs
offline once fetched. Offline, an uncached query fails with a message saying what to fetch.

The decoder is our own (about 40 lines) rather than pyjstat: pyjstat drops the ``status``
symbols SSB uses for suppressed and missing cells, and its last release predates pandas 2
(see ``../shared/ssb-sources.md`` §3).

Table ids and dimension codes (``TABLES``) come from ``ssb-sources.md`` §2 with the
confidence stated there; check the metadata on the first online run.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import pandas as pd

from workbench.outputs import atomic_write_text

BASE_URL = "https://data.ssb.no/api/pxwebapi/v2"
KLASS_URL = "https://data.ssb.no/api/klass/v1"
MAX_CELLS = 800_000
CALLS_PER_WINDOW = 30
WINDOW_SECONDS = 60.0
MAX_URL_LENGTH = 2000
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
SOURCE = "Kilde: Statistisk sentralbyrå (CC BY 4.0)"


class SsbError(RuntimeError):
    """A request to SSB failed or cannot be served; the message is for the consultant."""


@dataclass(frozen=True)
class TableSpec:
    """One statistics bank table as the workbench uses it."""

    table: str
    title: str
    dimensions: tuple[str, ...]
    confidence: str
    note: str = ""


TABLES: dict[str, TableSpec] = {
    "population": TableSpec(
        "07459",
        "Befolkning, etter region, kjønn, alder, statistikkvariabel og år",
        ("Region", "Kjonn", "Alder", "ContentsCode", "Tid"),
        "verifisert",
        "Region: kommunenummer; Kjonn 1/2; Alder 000–; ContentsCode Personer1; Tid: år (1. januar).",
    ),
    "projection": TableSpec(
        "14288",
        "Framskrevet folkemengde 1. januar, etter region, kjønn, alder, år og statistikkvariabel",
        ("Region", "Kjonn", "Alder", "ContentsCode", "Tid"),
        "id og Region/Alder verifisert; ContentsCode antatt",
        "ContentsCode er framskrivingsalternativet: Personer = MMMM, Personer1 = LLML, Personer2 = HHMH (antatt "
        "fra tabell 12882; kontroller mot metadata).",
    ),
    "kostra": TableSpec(
        "12367",
        "Detaljerte regnskapstall driftsregnskapet, etter region, regnskapsomfang, funksjon, art, "
        "statistikkvariabel og år",
        (
            "KOKkommuneregion0000",
            "KOKregnskapsomfa0000",
            "KOKfunksjon0000",
            "KOKart0000",
            "ContentsCode",
            "Tid",
        ),
        "verifisert",
        "Beløp i 1 000 kr (KOSbelop0000). Art AGD2 = netto driftsutgifter, AGD10 = brutto. Regnskapsomfang A = konsern.",
    ),
    "care": TableSpec(
        "11645",
        "Brukarar av omsorgstenester per 31.12., etter alder og detaljert teneste",
        ("KOKkommuneregion0000", "Alder", "Tenestetype", "ContentsCode", "Tid"),
        "tittel verifisert; dimensjoner antatt",
        "Lagret kopi slutter i 2018; finn etterfølgeren med /tables?query=kostra pleie før bruk.",
    ),
}
PROJECTION_ALTERNATIVES = {"Personer": "MMMM", "Personer1": "LLML", "Personer2": "HHMH"}
"""ContentsCode → projection alternative in 14288 (INFERRED from 12882, ssb-sources.md §2a)."""


@dataclass(frozen=True)
class Query:
    """A data request: a table and the value codes per variable.

    Args:
        table: Table id, e.g. ``07459``.
        selection: Variable code → value codes or selection expressions (``*``, ``top(3)``).
        codelists: Variable code → code list id (e.g. ``agg_KommSummer``).
    """

    table: str
    selection: dict[str, tuple[str, ...]]
    codelists: dict[str, str] = field(default_factory=dict)

    @staticmethod
    def of(
        table: str, codelists: dict[str, str] | None = None, **selection: Iterable[str] | str
    ) -> Query:
        values = {k: (v,) if isinstance(v, str) else tuple(v) for k, v in selection.items()}
        return Query(table, values, dict(codelists or {}))

    def key(self) -> str:
        """A stable key for the cache: the same query always has the same key."""
        canonical = json.dumps(
            {
                "table": self.table,
                "selection": {k: list(v) for k, v in sorted(self.selection.items())},
                "codelists": dict(sorted(self.codelists.items())),
            },
            sort_keys=True,
        )
        return hashlib.sha256(canonical.encode()).hexdigest()[:20]

    def cells(self) -> float:
        """Cells the query asks for; unknown (infinite) when a variable uses an expression."""
        total = 1.0
        for values in self.selection.values():
            if any(_is_expression(v) for v in values):
                return math.inf
            total *= len(values)
        return total

    def url(self, base: str) -> str:
        parts = [f"{base}/tables/{self.table}/data?lang=no&outputFormat=json-stat2"]
        for variable, values in self.selection.items():
            parts.append(f"valueCodes[{variable}]={quote(','.join(values), safe='*(),+-')}")
        for variable, codelist in self.codelists.items():
            parts.append(f"codelist[{variable}]={quote(codelist)}")
        return "&".join(parts)

    def body(self) -> dict:
        """The POST body, for queries whose URL would be too long."""
        return {
            "selection": [
                {
                    "variableCode": k,
                    "valueCodes": list(v),
                    **({"codelist": self.codelists[k]} if k in self.codelists else {}),
                }
                for k, v in self.selection.items()
            ]
        }

    def split(self, limit: int) -> list[Query]:
        """Queries under ``limit`` cells each, splitting the longest explicit list. A query
        with a selection expression (``*``) has no known size and goes as it is; SSB answers
        403 if it is too large, and that is reported."""
        cells = self.cells()
        if math.isinf(cells) or cells <= limit:
            return [self]
        splittable = {
            k: v
            for k, v in self.selection.items()
            if not any(_is_expression(x) for x in v) and len(v) > 1
        }
        if not splittable:
            raise SsbError(
                f"spørringen mot tabell {self.table} er for stor ({self.cells():.0f} celler) og kan ikke deles"
            )
        variable = max(splittable, key=lambda k: len(splittable[k]))
        values = splittable[variable]
        middle = len(values) // 2
        halves = [values[:middle], values[middle:]]
        return [
            part
            for half in halves
            for part in Query(self.table, {**self.selection, variable: half}, self.codelists).split(
                limit
            )
        ]


def _is_expression(value: str) -> bool:
    return "*" in value or "(" in value or "?" in value


def decode(dataset: dict) -> pd.DataFrame:
    """A JSON-stat 2 dataset as a tidy table.

    Returns:
        One column per dimension (codes), ``<dimension>_label`` with the labels, ``value``
        (missing where SSB has a symbol) and ``status`` (the symbol: ``.``, ``..``, ``:``).
        Accepts ``value``/``status`` as list or object and ``index`` as list or object,
        as the JSON-stat 2 format allows.

    Raises:
        SsbError: The document is not a JSON-stat 2 dataset.
    """
    if dataset.get("class") != "dataset" or "id" not in dataset or "dimension" not in dataset:
        raise SsbError("svaret er ikke et JSON-stat 2-datasett")
    ids, sizes = dataset["id"], dataset["size"]
    codes = []
    for dimension in ids:
        index = dataset["dimension"][dimension]["category"].get("index")
        labels = dataset["dimension"][dimension]["category"].get("label", {})
        if index is None:
            ordered = list(labels)
        elif isinstance(index, list):
            ordered = index
        else:
            ordered = sorted(index, key=index.get)
        codes.append((ordered, labels))
    total = math.prod(sizes)
    values = _dense(dataset.get("value", []), total)
    status = (
        _dense(dataset.get("status", {}), total)
        if dataset.get("status") is not None
        else [None] * total
    )
    grid = pd.MultiIndex.from_product([c for c, _ in codes], names=ids).to_frame(index=False)
    for dimension, (_, labels) in zip(ids, codes, strict=True):
        grid[f"{dimension}_label"] = grid[dimension].map(lambda c, labels=labels: labels.get(c, c))
    grid["value"] = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce")
    grid["status"] = status if not isinstance(status, str) else [status] * total
    return grid


def _dense(values, total: int) -> list:
    if isinstance(values, list):
        if len(values) != total:
            raise SsbError(f"datasettet har {len(values)} verdier, men dimensjonene gir {total}")
        return values
    if isinstance(values, dict):
        dense = [None] * total
        for position, value in values.items():
            dense[int(position)] = value
        return dense
    return [values] * total


@dataclass(frozen=True)
class Dataset:
    """A decoded response and where it came from (for citing in reports)."""

    table: str
    frame: pd.DataFrame
    fetched_at: str
    updated: str | None
    label: str
    from_cache: bool


class Client:
    """PxWebApi v2 with a disk cache.

    Args:
        cache_dir: Where responses are kept (``.cache/ssb`` in the project by default).
        base_url, klass_url: The APIs (tests point them at a local server).
        offline: Serve only from the cache.
        timeout: Seconds per request.
        max_retries: Retries for 429, 5xx, time-outs and broken bodies.
        max_cells: Cell limit per request (SSB's is 800 000).
        sleep, clock: Injected for tests.
    """

    def __init__(
        self,
        cache_dir: Path,
        *,
        base_url: str = BASE_URL,
        klass_url: str = KLASS_URL,
        offline: bool = False,
        timeout: float = 30.0,
        max_retries: int = 4,
        max_cells: int = MAX_CELLS,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ):
        import requests

        self.cache_dir = cache_dir
        self.base_url = base_url.rstrip("/")
        self.klass_url = klass_url.rstrip("/")
        self.offline = offline
        self.timeout = timeout
        self.max_retries = max_retries
        self.max_cells = max_cells
        self.sleep = sleep
        self.clock = clock
        self.http = requests.Session()
        self.calls: deque[float] = deque()
        self.requests_made = 0

    def fetch(self, query: Query, expected: Iterable[str] | None = None) -> Dataset:
        """A query's data, from the cache when there, else from SSB (then cached).

        Args:
            query: The query.
            expected: Dimension ids the table must have; a changed table is an error.

        Raises:
            SsbError: Offline and not cached, a request SSB refuses, or a changed table.
        """
        cached = self._cache_path(query)
        if cached.exists():
            record = json.loads(cached.read_text(encoding="utf-8"))
            return self._dataset(record, expected, from_cache=True)
        if self.offline:
            raise SsbError(
                f"tabell {query.table} er ikke hentet ennå (ingen kopi i {self.cache_dir}); "
                "kjør `workbench fetch` når maskinen er på nett"
            )
        parts = [self._request(part) for part in query.split(self.max_cells)]
        response = parts[0] if len(parts) == 1 else {"parts": parts}
        record = {
            "table": query.table,
            "query": {
                "selection": {k: list(v) for k, v in query.selection.items()},
                "codelists": query.codelists,
            },
            "fetched_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
            "response": response,
        }
        atomic_write_text(cached, json.dumps(record, ensure_ascii=False))
        return self._dataset(record, expected, from_cache=False)

    def _dataset(
        self, record: dict, expected: Iterable[str] | None, *, from_cache: bool
    ) -> Dataset:
        response = record["response"]
        documents = response.get("parts", [response])
        if expected is not None:
            wanted = list(expected)
            for document in documents:
                if list(document.get("id", [])) != wanted:
                    raise SsbError(
                        f"tabell {record['table']} har endret dimensjoner: forventet {', '.join(wanted)}, fikk "
                        f"{', '.join(document.get('id', []))}; kontroller tabellen og oppdater workbench.ssb.TABLES"
                    )
        frame = pd.concat([decode(d) for d in documents], ignore_index=True)
        first = documents[0]
        return Dataset(
            record["table"],
            frame,
            record["fetched_at"],
            first.get("updated"),
            first.get("label", ""),
            from_cache,
        )

    def _cache_path(self, query: Query) -> Path:
        return self.cache_dir / query.table / f"{query.key()}.json"

    def _throttle(self) -> None:
        now = self.clock()
        while self.calls and now - self.calls[0] >= WINDOW_SECONDS:
            self.calls.popleft()
        if len(self.calls) >= CALLS_PER_WINDOW:
            self.sleep(WINDOW_SECONDS - (now - self.calls[0]))
            self.calls.popleft()
        self.calls.append(self.clock())

    def _request(self, query: Query) -> dict:
        import requests

        url = query.url(self.base_url)
        last = ""
        for attempt in range(self.max_retries + 1):
            self._throttle()
            self.requests_made += 1
            try:
                if len(url) > MAX_URL_LENGTH:
                    post = (
                        f"{self.base_url}/tables/{query.table}/data?lang=no&outputFormat=json-stat2"
                    )
                    response = self.http.post(post, json=query.body(), timeout=self.timeout)
                else:
                    response = self.http.get(url, timeout=self.timeout)
            except (
                requests.RequestException
            ) as exc:  # time-outs, refused connections, cut-off bodies
                last = f"ingen svar ({type(exc).__name__})"
                self.sleep(_backoff(attempt))
                continue
            if response.status_code in RETRY_STATUS:
                last = f"HTTP {response.status_code}: {_detail(response)}"
                self.sleep(_retry_after(response) or _backoff(attempt))
                continue
            if response.status_code != 200:
                raise SsbError(
                    f"SSB avviste spørringen mot tabell {query.table} (HTTP {response.status_code}): "
                    f"{_detail(response)}"
                )
            try:
                return response.json()
            except ValueError:
                last = "svaret var ufullstendig (ikke gyldig JSON)"
                self.sleep(_backoff(attempt))
        raise SsbError(
            f"tabell {query.table} kunne ikke hentes etter {self.max_retries + 1} forsøk: {last}"
        )

    def klass(self, path: str) -> dict:
        """A KLASS request (``classifications/131/changes.json?...``), cached like the tables."""
        cached = (
            self.cache_dir / "klass" / (hashlib.sha256(path.encode()).hexdigest()[:20] + ".json")
        )
        if cached.exists():
            return json.loads(cached.read_text(encoding="utf-8"))["response"]
        if self.offline:
            raise SsbError(
                "KLASS-data er ikke hentet ennå; kjør `workbench fetch` når maskinen er på nett"
            )
        self._throttle()
        response = self.http.get(
            f"{self.klass_url}/{path}", timeout=self.timeout, headers={"Accept": "application/json"}
        )
        if response.status_code != 200:
            raise SsbError(f"KLASS svarte HTTP {response.status_code}: {_detail(response)}")
        data = response.json()
        atomic_write_text(cached, json.dumps({"path": path, "response": data}, ensure_ascii=False))
        return data


def _backoff(attempt: int) -> float:
    return min(2.0**attempt, 30.0)


def _retry_after(response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return max(float(value), 0.0) if value is not None else None
    except ValueError:
        return None


def _detail(response) -> str:
    try:
        problem = response.json()
        return str(problem.get("detail") or problem.get("title") or problem)
    except ValueError:
        return response.text[:200] or response.reason or ""


# --- Municipality numbers --------------------------------------------------------------------


def read_number_changes(path: Path) -> pd.DataFrame:
    """Known municipality number changes (``old``, ``new``, ``valid_from``)."""
    return pd.read_csv(path, sep=";", dtype=str)


def numbers_over_time(number: str, changes: pd.DataFrame) -> list[str]:
    """The current number and every earlier number that became it (3911 → 3911, 3811)."""
    found = [number]
    frontier = [number]
    while frontier:
        current = frontier.pop()
        for old in changes.loc[changes["new"] == current, "old"]:
            if old not in found:
                found.append(old)
                frontier.append(old)
    return found


def to_current(frame: pd.DataFrame, column: str, changes: pd.DataFrame) -> pd.DataFrame:
    """Relabel old municipality numbers in ``column`` with today's, so series span reforms."""
    mapping = dict(zip(changes["old"], changes["new"], strict=True))
    current = frame[column].astype(str)
    for _ in range(len(mapping)):
        current = current.map(lambda c: mapping.get(c, c))
    return frame.assign(**{column: current})


def klass_changes(client: Client, since: str = "2019-01-01") -> pd.DataFrame:
    """Municipality number changes from KLASS 131 (``changes.json``)."""
    data = client.klass(f"classifications/131/changes.json?from={since}&includeFuture=true")
    rows = [
        (c["oldCode"], c["newCode"], c.get("changeOccurred", ""), c.get("newName", ""), "klass")
        for c in data.get("codeChanges", [])
    ]
    return pd.DataFrame(rows, columns=["old", "new", "valid_from", "name", "confidence"])


def kostra_group(client: Client, number: str, year: int) -> str | None:
    """The municipality's KOSTRA group that year (KLASS 131 → 112 correspondence), e.g.
    ``KOSTRA-gruppe 9``, or None when KLASS has none."""
    data = client.klass(
        f"classifications/131/corresponds?targetClassificationId=112&from={year}-01-01&to={year}-12-31"
    )
    for row in data.get("correspondenceItems", []):
        if row.get("sourceCode") == number:
            return row.get("targetName") or row.get("targetCode")
    return None


# --- The workbench's inputs from SSB ---------------------------------------------------------

AGE_GROUPS = (("67-79", 67, 79), ("80-89", 80, 89), ("90+", 90, 200))


def _age(code: str) -> int:
    return int("".join(ch for ch in str(code) if ch.isdigit()) or 0)


def to_age_groups(frame: pd.DataFrame, age: str = "Alder") -> pd.DataFrame:
    """Sum one-year ages into the housing profile's age groups (67–79, 80–89, 90+)."""
    ages = frame[age].map(_age)
    groups = pd.Series(pd.NA, index=frame.index, dtype=object)
    for name, low, high in AGE_GROUPS:
        groups[(ages >= low) & (ages <= high)] = name
    return frame.assign(age_group=groups).dropna(subset=["age_group"])


def population_projection(
    client: Client, number: str, changes: pd.DataFrame
) -> tuple[pd.DataFrame, Dataset]:
    """Projected population 67+ by alternative, year and age group (table 14288), in the
    housing profile's input format: ``alternative``, ``year``, ``age_group``, ``persons``."""
    spec = TABLES["projection"]
    query = Query.of(
        spec.table,
        Region=numbers_over_time(number, changes),
        Kjonn=("1", "2"),
        Alder="*",
        ContentsCode=tuple(PROJECTION_ALTERNATIVES),
        Tid="*",
    )
    dataset = client.fetch(query, spec.dimensions)
    frame = to_age_groups(dataset.frame)
    frame = frame.assign(
        alternative=frame["ContentsCode"].map(PROJECTION_ALTERNATIVES),
        year=frame["Tid"].astype(int),
    )
    table = frame.groupby(["alternative", "year", "age_group"], as_index=False)["value"].sum()
    return table.rename(columns={"value": "persons"}), dataset


def population(
    client: Client, number: str, changes: pd.DataFrame, years: Iterable[int]
) -> tuple[pd.DataFrame, Dataset]:
    """Registered population by year: total and 67+ age groups (table 07459), on today's number."""
    spec = TABLES["population"]
    query = Query.of(
        spec.table,
        Region=numbers_over_time(number, changes),
        Kjonn=("1", "2"),
        Alder="*",
        ContentsCode="Personer1",
        Tid=tuple(str(y) for y in years),
    )
    dataset = client.fetch(query, spec.dimensions)
    frame = to_current(dataset.frame, "Region", changes)
    totals = (
        frame.groupby("Tid", as_index=False)["value"]
        .sum()
        .rename(columns={"Tid": "year", "value": "inhabitants"})
    )
    totals["year"] = totals["year"].astype(int)
    return totals, dataset


def kostra_accounts(
    client: Client,
    number: str,
    changes: pd.DataFrame,
    years: Iterable[int],
    *,
    art: str = "AGD2",
    scope: str = "A",
) -> tuple[pd.DataFrame, Dataset]:
    """Operating accounts by KOSTRA function (table 12367), in kroner, on today's number:
    ``year``, ``funksjon``, ``amount``. Net (AGD2) by default; AGD10 for gross."""
    spec = TABLES["kostra"]
    query = Query.of(
        spec.table,
        KOKkommuneregion0000=numbers_over_time(number, changes),
        KOKregnskapsomfa0000=scope,
        KOKfunksjon0000="*",
        KOKart0000=art,
        ContentsCode="KOSbelop0000",
        Tid=tuple(str(y) for y in years),
    )
    dataset = client.fetch(query, spec.dimensions)
    frame = dataset.frame
    frame = frame[frame["KOKfunksjon0000"].str.fullmatch(r"\d{3}") & frame["value"].notna()]
    table = frame.assign(
        year=frame["Tid"].astype(int),
        funksjon=frame["KOKfunksjon0000"],
        amount=frame["value"] * 1000,
    )[["year", "funksjon", "amount"]]
    return table.groupby(["year", "funksjon"], as_index=False)["amount"].sum(), dataset


def _citation(dataset: Dataset) -> str:
    updated = f", sist oppdatert {dataset.updated}" if dataset.updated else ""
    return f"SSB tabell {dataset.table} ({dataset.label}), hentet {dataset.fetched_at}{updated}. {SOURCE}."


def write_inputs(
    client: Client,
    municipality,
    folder: Path,
    changes: pd.DataFrame,
    tables: Iterable[str] = ("population", "projection", "kostra"),
) -> list[Path]:
    """Fetch a municipality's tables and write them as workbench input files with sources.

    Files (semicolons, decimal comma, as the loaders read them): ``innbyggere.csv``
    (year, inhabitants), ``befolkning.csv`` (the housing profile's projection input) and
    ``kostra-funksjon.csv`` (accounts per function in the allocation's comparison format).
    A ``sources.yaml`` cites each table with its fetch time.

    Raises:
        SsbError: A table could not be fetched (offline and not cached, refused, changed).
    """
    from workbench.outputs import write_table

    years = range(municipality.base_year - 4, municipality.base_year + 1)
    written: dict[str, tuple[Path, Dataset, str]] = {}
    inhabitants = None
    if "population" in tables or "kostra" in tables:
        inhabitants, dataset = population(client, municipality.number, changes, years)
        path = folder / "innbyggere.csv"
        write_table(inhabitants, path)
        written[path.name] = (path, dataset, f"Innbyggere i {municipality.title} per år")
    if "projection" in tables:
        projection, dataset = population_projection(client, municipality.number, changes)
        path = folder / "befolkning.csv"
        write_table(projection, path)
        written[path.name] = (
            path,
            dataset,
            f"Befolkningsframskriving 67+ for {municipality.title}",
        )
    if "kostra" in tables:
        accounts, dataset = kostra_accounts(client, municipality.number, changes, years)
        counts = inhabitants.set_index("year")["inhabitants"]
        accounts = accounts.assign(
            municipality=municipality.title, inhabitants=accounts["year"].map(counts)
        )
        path = folder / "kostra-funksjon.csv"
        write_table(accounts[["municipality", "year", "funksjon", "amount", "inhabitants"]], path)
        written[path.name] = (
            path,
            dataset,
            f"Netto driftsutgifter per KOSTRA-funksjon, {municipality.title}",
        )
    manifest = {
        name: {"title": title, "source": _citation(dataset), "status": "real"}
        for name, (_, dataset, title) in written.items()
    }
    import yaml

    atomic_write_text(
        folder / "sources.yaml", yaml.safe_dump(manifest, allow_unicode=True, sort_keys=True)
    )
    return [path for path, _, _ in written.values()]
