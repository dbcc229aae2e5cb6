"""A local stand-in for SSB's PxWebApi v2 and KLASS, and JSON-stat 2 documents written out by
hand from the documented format (ssb-sources.md §1.4; the metadata as ``/tables/{id}/metadata``
returns it: a dataset with ``id``, ``dimension`` and ``updated`` and no values). Nothing here
reaches the internet."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

DIMENSION_LABELS = {
    "Region": "region",
    "KOKkommuneregion0000": "region",
    "Kjonn": "kjønn",
    "Alder": "alder",
    "ContentsCode": "statistikkvariabel",
    "Tid": "år",
    "TenesteType": "tenestetype",
    "KOKregnskapsomfa0000": "regnskapsomfang",
    "KOKfunksjon0000": "funksjon",
    "KOKart0000": "art",
}


def document(
    table: str,
    dimensions: dict[str, list[tuple[str, str]]],
    values,
    *,
    status=None,
    updated="2024-07-01T08:00:00Z",
    label: str = "testtabell",
) -> dict:
    """A JSON-stat 2 dataset written out by hand from its parts."""
    return {
        "version": "2.0",
        "class": "dataset",
        "label": f"{table}: {label}",
        "source": "Statistisk sentralbyrå",
        "updated": updated,
        "id": list(dimensions),
        "size": [len(v) for v in dimensions.values()],
        "role": {"time": ["Tid"]},
        "dimension": {
            name: {
                "label": DIMENSION_LABELS.get(name, name),
                "category": {
                    "index": {code: i for i, (code, _) in enumerate(cats)},
                    "label": dict(cats),
                },
            }
            for name, cats in dimensions.items()
        },
        "value": values,
        **({"status": status} if status else {}),
    }


def metadata(table: str, dimensions: dict[str, list[tuple[str, str]]], **options) -> dict:
    """A metadata document: the dataset without values (``value: []``, as current servers send)."""
    meta = document(table, dimensions, [], **options)
    meta["value"] = []
    meta["size"] = [len(v) for v in dimensions.values()]
    return meta


class Server:
    """A local PxWebApi stand-in: queued responses per table, and a log of requests."""

    def __init__(self):
        self.queue: dict[str, list[dict]] = {}
        self.default: dict[str, dict] = {}
        self.log: list[tuple[str, str, dict]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args):
                pass

            def _answer(self, body: dict | None = None):
                parsed = urlparse(self.path)
                table = parsed.path.split("/")[-2] if "/tables/" in parsed.path else parsed.path
                if parsed.path.endswith("/metadata") and (
                    f"{table}/metadata" in server.queue or f"{table}/metadata" in server.default
                ):
                    table = f"{table}/metadata"  # else the data document serves as metadata
                server.log.append((self.command, self.path, body or {}))
                queued = server.queue.get(table)
                recorded = server.answer(table, self.path, body)
                response = (
                    queued.pop(0)
                    if queued
                    else recorded
                    if recorded is not None
                    else server.default.get(
                        table,
                        {
                            "status": 404,
                            "json": {
                                "title": "Not Found",
                                "status": 404,
                                "detail": "Table not found",
                            },
                        },
                    )
                )
                time.sleep(response.get("delay", 0))
                payload = response.get("raw") or json.dumps(response.get("json", {})).encode()
                self.send_response(response.get("status", 200))
                for name, value in response.get("headers", {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(response.get("length", len(payload))))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError):
                    self.wfile.write(payload)

            def do_GET(self):
                self._answer()

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                self._answer(json.loads(self.rfile.read(length) or b"{}"))

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def answer(self, table: str, path: str, body: dict | None) -> dict | None:
        """A computed answer to a request (None: use the queue and the defaults)."""
        return None

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def dataset(table: str, dimensions: dict[str, list[tuple[str, str]]], value, **options) -> dict:
    """A document with every cell's value from ``value(cell)``, where ``cell`` maps each
    dimension to the cell's code (row-major order, last dimension fastest)."""
    from itertools import product

    names = list(dimensions)
    values = [
        value(dict(zip(names, codes, strict=True)))
        for codes in product(*[[c for c, _ in dimensions[n]] for n in names])
    ]
    return document(table, dimensions, values, **options)


def subset(doc: dict, selection: dict[str, list[str]]) -> dict:
    """The part of a dataset a query selects (explicit codes; ``*`` keeps all), as SSB
    answers it: the same dimensions, only the chosen categories, values in row-major order."""
    from itertools import product

    ids = doc["id"]
    kept = {}
    for name in ids:
        category = doc["dimension"][name]["category"]
        order = sorted(category["index"], key=category["index"].get)
        wanted = selection.get(name)
        kept[name] = (
            order if not wanted or "*" in wanted else [c for c in order if c in set(wanted)]
        )
    positions = {
        n: {c: i for i, c in enumerate(doc["dimension"][n]["category"]["index"])} for n in ids
    }
    strides, stride = {}, 1
    for name, size in reversed(list(zip(ids, doc["size"], strict=True))):
        strides[name] = stride
        stride *= size
    values = [
        doc["value"][sum(positions[n][c] * strides[n] for n, c in zip(ids, codes, strict=True))]
        for codes in product(*[kept[n] for n in ids])
    ]
    dims = {n: [(c, doc["dimension"][n]["category"]["label"][c]) for c in kept[n]] for n in ids}
    part = document(doc["label"].split(":")[0], dims, values, updated=doc.get("updated"))
    part["label"] = doc["label"]
    return part


class RecordedApi(Server):
    """The stand-in answering each table's data query with the cells asked for, the way
    SSB does, from one whole document per table; metadata is the whole document without
    values. KLASS answers from ``klass`` (path → body)."""

    def __init__(self, tables: dict[str, dict], klass: dict[str, dict]):
        super().__init__()
        self.tables = tables
        for path, body in klass.items():
            self.default[path] = {"json": body}
        for table, doc in tables.items():
            meta = dict(doc)
            meta["value"] = []
            self.default[f"{table}/metadata"] = {"json": meta}

    def answer(self, table: str, path: str, body: dict | None) -> dict | None:
        """The data answer for ``table`` (None: not a recorded data query)."""
        from urllib.parse import parse_qs

        if table not in self.tables or not path.split("?")[0].endswith("/data"):
            return None
        selection: dict[str, list[str]] = {}
        if body:
            for item in body.get("selection", []):
                selection[item["variableCode"]] = item["valueCodes"]
        for key, values in parse_qs(urlparse(path).query).items():
            if key.startswith("valueCodes["):
                selection[key[len("valueCodes[") : -1]] = values[0].split(",")
        return {"json": subset(self.tables[table], selection)}
