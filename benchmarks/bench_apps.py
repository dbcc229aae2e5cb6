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
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from workbench import analyses, formatting
from workbench.project import Project
from workbench.server import CHROMIUM, CHROMIUM_ARGS, free_port, shutdown, start

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--warmup", type=float, default=40.0, help="seconds to let the kernels pre-heat"
    )
    args = parser.parse_args()
    port = free_port()
    server = start(Project(REPO), port=port, preheat=True)
    base = f"http://127.0.0.1:{port}"
    try:
        time.sleep(args.warmup)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for key, ready, charts, selector, value, expected in APPS:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.set_default_timeout(120_000)
                started = time.perf_counter()
                page.goto(url(base, key), wait_until="commit")
                first_byte = time.perf_counter() - started
                page.wait_for_function(WAIT, arg=ready)
                interactive = time.perf_counter() - started
                page.wait_for_function(CHARTS_DRAWN, arg=charts)
                drawn = time.perf_counter() - started
                time.sleep(SETTLE_SECONDS)
                page.evaluate(MEASURE, [selector, value, expected])
                time.sleep(SETTLE_SECONDS)
                again = {"HHMH": "LLML", "2022": "2023"}.get(value, "2")
                numbers, chart = page.evaluate(MEASURE, [selector, again, None])
                print(
                    f"{key:12s} first byte {first_byte * 1000:4.0f} ms  numbers {interactive:4.2f} s  "
                    f"charts {drawn:4.2f} s ({met(drawn <= 1.5)} ≤ 1,5 s)  change → numbers "
                    f"{numbers:4.0f} ms ({met(numbers <= 150)} ≤ 150 ms), → chart {chart:4.0f} ms "
                    f"({met(chart <= 400)} ≤ 400 ms)"
                )
                page.close()
            browser.close()
    finally:
        shutdown(server)


if __name__ == "__main__":
    main()
