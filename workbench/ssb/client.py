"""Statistics Norway's statistics bank API (PxWebApi v2) and KLASS over HTTP.

A client that builds queries, keeps under the API's limits (800 000 cells per request,
30 requests a minute: large queries are split, requests throttled, 429/5xx/time-outs
retried with backoff honouring ``Retry-After``), decodes the JSON-stat 2 answers
(:mod:`workbench.ssb.jsonstat`) and caches every response on disk with its table id and
fetch time, so a workshop runs offline once fetched. Offline, an uncached query fails with
a message saying what to fetch.
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
from workbench.ssb.jsonstat import SsbError, decode
from workbench.ssb.metadata import Metadata

BASE_URL = "https://data.ssb.no/api/pxwebapi/v2"
KLASS_URL = "https://data.ssb.no/api/klass/v1"
MAX_CELLS = 800_000
CALLS_PER_WINDOW = 30
WINDOW_SECONDS = 60.0
MAX_URL_LENGTH = 2000
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


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
            parts.append(f"valueCodes[{variable}]={quote(','.join(values), safe='*(),-')}")
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
        self._metadata: dict[str, Metadata] = {}

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
                f"tabell {query.table} er ikke hentet ennå (ingen kopi i {self.cache_dir}). "
                "På nett: kjør `workbench fetch` (en ny kommune: `workbench new`). "
                + WITHOUT_NETWORK
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

    def metadata(self, table: str) -> Metadata:
        """A table's metadata (``/tables/{id}/metadata``), from the cache when there.

        Raises:
            SsbError: Offline and not cached, or SSB refuses.
        """
        if table not in self._metadata:  # read once per client: every query needs it
            self._metadata[table] = self._read_metadata(table)
        return self._metadata[table]

    def _read_metadata(self, table: str) -> Metadata:
        cached = self.cache_dir / table / "metadata.json"
        if cached.exists():
            return Metadata.parse(table, json.loads(cached.read_text(encoding="utf-8"))["response"])
        if self.offline:
            raise SsbError(
                f"metadata for tabell {table} er ikke hentet ennå (ingen kopi i {self.cache_dir}); "
                "kjør kommandoen uten --offline når maskinen er på nett"
            )
        document = self._get(
            f"{self.base_url}/tables/{table}/metadata?lang=no&outputFormat=json-stat2",
            f"metadata for tabell {table}",
        )
        metadata = Metadata.parse(table, document)
        record = {
            "table": table,
            "fetched_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
            "response": document,
        }
        atomic_write_text(cached, json.dumps(record, ensure_ascii=False))
        return metadata

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
        url = query.url(self.base_url)
        if len(url) > MAX_URL_LENGTH:
            post = f"{self.base_url}/tables/{query.table}/data?lang=no&outputFormat=json-stat2"
            return self._get(post, f"tabell {query.table}", body=query.body())
        return self._get(url, f"tabell {query.table}")

    def _get(self, url: str, what: str, body: dict | None = None) -> dict:
        """One answer from the API (POST when ``body`` is given), retried on 429, 5xx,
        time-outs and broken bodies."""
        import requests

        last = ""
        for attempt in range(self.max_retries + 1):
            self._throttle()
            self.requests_made += 1
            try:
                if body is not None:
                    response = self.http.post(url, json=body, timeout=self.timeout)
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
                    f"SSB avviste spørringen mot {what} (HTTP {response.status_code}): "
                    f"{_detail(response)}"
                )
            try:
                return response.json()
            except ValueError:
                last = "svaret var ufullstendig (ikke gyldig JSON)"
                self.sleep(_backoff(attempt))
        hint = f" {no_contact('ingen svar')}" if last.startswith("ingen svar") else ""
        raise SsbError(
            f"{what} kunne ikke hentes etter {self.max_retries + 1} forsøk: {last}.{hint}"
        )

    def klass(self, path: str) -> dict:
        """A KLASS request (``classifications/131/changes.json?...``), cached like the tables."""
        cached = (
            self.cache_dir / "klass" / (hashlib.sha256(path.encode()).hexdigest()[:20] + ".json")
        )
        if cached.exists():
            return json.loads(cached.read_text(encoding="utf-8"))["response"]
        if self.offline:
            raise SsbError(f"KLASS-data for dette er ikke hentet ennå. {WITHOUT_NETWORK}")
        import requests

        self._throttle()
        try:
            response = self.http.get(
                f"{self.klass_url}/{path}",
                timeout=self.timeout,
                headers={"Accept": "application/json"},
            )
        except requests.RequestException as exc:  # no network, a name that does not resolve
            raise SsbError(no_contact(type(exc).__name__)) from None
        if response.status_code != 200:
            raise SsbError(f"KLASS svarte HTTP {response.status_code}: {_detail(response)}")
        data = response.json()
        atomic_write_text(cached, json.dumps({"path": path, "response": data}, ensure_ascii=False))
        return data


WITHOUT_NETWORK = (
    "Uten nett: kopier mappen .cache/ssb/ fra en maskin som har hentet tallene (kommandoen "
    "på nett, `workbench new -m <nr>`, legger dem der) og kjør med --offline, eller legg inn "
    "kommunen for hånd: en parameterfil i parameters/ og datafilene under "
    "data/municipalities/ (se README, «Uten nett: en kommune for hånd»)."
)


def no_contact(reason: str) -> str:
    """No network is the user's situation, not a fault in the tool: what to do then."""
    return (
        f"Får ikke kontakt med SSB (data.ssb.no; {reason}): er maskinen på nett? {WITHOUT_NETWORK}"
    )


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
