"""Time the Voilà apps in a real browser and print the figures.

For each app: from page request to the first numbers and to every chart drawn, and from a
widget change to the updated numbers and to a redrawn chart. Voilà runs as ``workbench app``
does (pre-heated kernels); the script waits for the kernels to warm before measuring.
Targets: numbers and charts within 1,5 s of the request; a change shows new numbers within
150 ms and a new chart within 400 ms.

    .venv/bin/python benchmarks/bench_apps.py [--warmup 40]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from workbench import analyses, formatting
from workbench.project import Project
from workbench.server import (
    CHROMIUM,
    CHROMIUM_ARGS,
    environment,
    free_port,
    shutdown,
    start,
    voila_command,
)

REPO = Path(__file__).resolve().parent.parent
WAIT = "t => !!document.body && document.body.innerText.replaceAll('\\u00a0', ' ').includes(t)"


MEASURE = """([label, value, expected]) => new Promise(resolve => {
    const control = label === null
        ? document.querySelector('.workbench-number input')
        : Array.from(document.querySelectorAll('.widget-inline-hbox'))
            .find(element => element.querySelector('label')?.textContent.trim() === label)
            .querySelector('select, input');
    const before = document.body.innerText;
    const images = () => Array.from(document.querySelectorAll('img.widget-image'));
    const old = images().map(i => i.src);
    const numbers = () => expected
        ? document.body.innerText.replaceAll('\\u00a0', ' ').includes(expected)
        : document.body.innerText !== before;
    const chart = () => images().some(i => !old.includes(i.src) && i.complete && i.naturalWidth > 0);
    const started = performance.now();
    let numbersAt = null, chartAt = null;
    const poll = setInterval(() => {
        const now = performance.now() - started;
        if (numbersAt === null && numbers()) numbersAt = now;
        if (chartAt === null && chart()) chartAt = now;
        if (numbersAt !== null && chartAt !== null) { clearInterval(poll); resolve([numbersAt, chartAt]); }
    }, 2);
    control.value = value;
    control.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', bubbles: true}));
    control.dispatchEvent(new Event('change', {bubbles: true}));
})"""
CHARTS_DRAWN = """n => Array.from(document.querySelectorAll('img.widget-image'))
    .filter(i => i.complete && i.naturalWidth > 0).length >= n"""


def met(ok: bool) -> str:
    return "met" if ok else "MISSED"


def nb(text: str) -> str:
    return text.replace("\u00a0", " ")


APPS = (
    # analysis key, text that shows the app is ready, charts, control's label (None: the
    # first number field), new value, expected text (None: any change)
    (
        "calculator",
        "Sammenligning per år",
        1,
        None,
        "1",
        nb(formatting.kr(365 * 799 + 52 * 560 + 52 * 55)),
    ),
    ("personas", "nye personer per år", 2, None, "500", "27,8 nye personer per år"),
    ("housing", "Vekst i behov for årsverk", 2, "Framskriving", "HHMH", None),
    ("allocation", "Flytt en regel", 1, "År", "2022", None),
)


def url(base: str, key: str) -> str:
    """The page of an app when Voilà serves ``notebooks/apps/`` (as ``workbench app`` does)."""
    return f"{base}/voila/render/{Path(analyses.get(key).app_notebook).name}"


SETTLE_SECONDS = 2.0
BETWEEN_APPS_SECONDS = 12.0
"""Pause after an app, so its refilling kernel has started before the next app is timed."""
OPEN_SECTION = "() => document.querySelector('.jupyter-widget-Collapse-header').click()"
SECTION_OPEN = "() => !!document.querySelector('.workbench-number input')"
REFERENCE = {
    "cells": [
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "reference",
            "metadata": {},
            "outputs": [],
            "source": ["import ipywidgets\n", "ipywidgets.HTML('<h3>Referanseside</h3>')"],
        }
    ],
    "metadata": {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}
    },
    "nbformat": 4,
    "nbformat_minor": 5,
}
"""A page with one widget: what Voilà itself takes on this machine, before any app."""


def reference_server(folder: Path, port: int):
    """Voilà as ``workbench app`` runs it, serving only the one-widget reference page."""
    notebook = folder / "referanse.ipynb"
    notebook.write_text(json.dumps(REFERENCE), encoding="utf-8")
    project = Project(REPO)
    command = voila_command(project, port=port)
    command[1] = str(notebook)
    process = subprocess.Popen(
        command,
        cwd=folder,
        env=environment(project),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    return process, f"http://127.0.0.1:{port}/"


def open_page(browser, address: str, ready: str, charts: int):
    """Open ``address`` in a new browser context (nothing cached); seconds to the first
    numbers and to every chart drawn."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(120_000)
    started = time.perf_counter()
    page.goto(address, wait_until="commit")
    page.wait_for_function(WAIT, arg=ready)
    interactive = time.perf_counter() - started
    page.wait_for_function(CHARTS_DRAWN, arg=charts)
    return page, interactive, time.perf_counter() - started


def summary(name: str, values: list[float], limit: float, unit: str) -> str:
    shown = [formatting.number(v, 2 if unit == "s" else 0) for v in (min(values), max(values))]
    hits = sum(v <= limit for v in values)
    return (
        f"{name}: {shown[0]}–{shown[1]} {unit}, mål ≤ {formatting.number(limit, 1 if unit == 's' else 0)}"
        f" {unit} nådd i {hits} av {len(values)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--warmup", type=float, default=40.0, help="seconds to let the kernels pre-heat"
    )
    parser.add_argument("--rounds", type=int, default=3, help="times each app is opened")
    args = parser.parse_args()
    port, reference_port = free_port(), free_port()
    server = start(Project(REPO), port=port, warm=1)
    folder = Path(tempfile.mkdtemp(prefix="bench-apps-"))
    reference, reference_url = reference_server(folder, reference_port)
    base = f"http://127.0.0.1:{port}"
    loads: dict[str, list[float]] = {"referanse": []}
    numbers_ms: list[float] = []
    charts_ms: list[float] = []
    try:
        time.sleep(args.warmup)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for round_ in range(1, args.rounds + 1):
                page, _, drawn = open_page(browser, reference_url, "Referanseside", 0)
                page.close()
                loads["referanse"].append(drawn)
                print(f"runde {round_} referanseside med én widget: {drawn:4.2f} s")
                time.sleep(BETWEEN_APPS_SECONDS)
                for key, ready, charts, selector, value, expected in APPS:
                    page, interactive, drawn = open_page(browser, url(base, key), ready, charts)
                    loads.setdefault(key, []).append(drawn)
                    time.sleep(SETTLE_SECONDS)
                    if selector is None and key == "calculator":
                        page.evaluate(OPEN_SECTION)  # the alternatives open on a click
                        page.wait_for_function(SECTION_OPEN)
                        time.sleep(SETTLE_SECONDS)
                    page.evaluate(MEASURE, [selector, value, expected])
                    time.sleep(SETTLE_SECONDS)
                    again = {"HHMH": "LLML", "2022": "2023"}.get(value, "2")
                    numbers, chart = page.evaluate(MEASURE, [selector, again, None])
                    numbers_ms.append(numbers)
                    charts_ms.append(chart)
                    print(
                        f"runde {round_} {key:12s} numbers {interactive:4.2f} s  charts "
                        f"{drawn:4.2f} s ({met(drawn <= 1.5)} ≤ 1,5 s)  change → numbers "
                        f"{numbers:4.0f} ms ({met(numbers <= 150)} ≤ 150 ms), → chart "
                        f"{chart:4.0f} ms ({met(chart <= 400)} ≤ 400 ms)"
                    )
                    page.close()
                    time.sleep(BETWEEN_APPS_SECONDS)
            browser.close()
    finally:
        shutdown(server)
        shutdown(reference)
        shutil.rmtree(folder, ignore_errors=True)
    print()
    print(summary("Referanseside (Voilà alene)", loads.pop("referanse"), 1.5, "s"))
    for key, values in loads.items():
        print(summary(f"{key}: forespørsel → tall og figurer", values, 1.5, "s"))
    every = [v for values in loads.values() for v in values]
    print(summary("Alle appene: forespørsel → tall og figurer", every, 1.5, "s"))
    print(summary("Endring → nye tall", numbers_ms, 150, "ms"))
    print(summary("Endring → ny figur", charts_ms, 400, "ms"))


if __name__ == "__main__":
    main()
