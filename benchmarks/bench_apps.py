"""Time the Voilà apps in a real browser and print the figures.

For each app: from page request to the app's first numbers being visible ("interactive"),
and from a widget change to the updated numbers. Voilà runs as ``workbench app`` does
(pre-heated kernels); the script waits for the kernels to warm before measuring. Targets:
at most 1,5 s to interactive and at most 150 ms from widget change to updated numbers.

    .venv/bin/python benchmarks/bench_apps.py [--warmup 40]
"""

from __future__ import annotations

import argparse
import subprocess
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

from workbench import formatting
from workbench.project import Project
from workbench.server import CHROMIUM, CHROMIUM_ARGS, environment, free_port, voila_command

REPO = Path(__file__).resolve().parent.parent
WAIT = "t => !!document.body && document.body.innerText.replaceAll('\\u00a0', ' ').includes(t)"


MEASURE = """([label, value, expected]) => new Promise(resolve => {
    const box = Array.from(document.querySelectorAll('.widget-inline-hbox'))
        .find(element => element.querySelector('label')?.textContent.trim() === label);
    const control = box.querySelector('select, input');
    const before = document.body.innerText;
    const done = () => expected
        ? document.body.innerText.replaceAll('\\u00a0', ' ').includes(expected)
        : document.body.innerText !== before;
    const started = performance.now();
    const observer = new MutationObserver(() => {
        if (done()) { observer.disconnect(); resolve(performance.now() - started); }
    });
    observer.observe(document.body, {subtree: true, childList: true, characterData: true});
    control.value = value;
    control.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', bubbles: true}));
    control.dispatchEvent(new Event('change', {bubbles: true}));
})"""


def nb(text: str) -> str:
    return text.replace("\u00a0", " ")


APPS = (
    # notebook, text that shows the app is ready, control's label, new value, expected text (None: any change)
    (
        "calculator.ipynb",
        "Sammenligning per år",
        "Antall",
        "1",
        nb(formatting.kr(365 * 799 + 52 * 560 + 52 * 55)),
    ),
    ("personas.ipynb", "nye personer per år", "Personer (N)", "500", "27,8 nye personer per år"),
    ("housing.ipynb", "Vekst i behov for årsverk", "Framskriving", "HHMH", None),
    ("allocation.ipynb", "Flytt en regel", "År", "2022", None),
)
SETTLE_SECONDS = 2.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--warmup", type=float, default=40.0, help="seconds to let the kernels pre-heat"
    )
    args = parser.parse_args()
    port = free_port()
    project = Project(REPO)
    server = subprocess.Popen(
        voila_command(project, None, port=port, preheat=True),
        cwd=project.root,
        env=environment(project),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/", timeout=2)
                break
            except OSError:
                time.sleep(0.3)
        time.sleep(args.warmup)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for notebook, ready, selector, value, expected in APPS:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.set_default_timeout(120_000)
                started = time.perf_counter()
                page.goto(f"{base}/voila/render/{notebook}", wait_until="commit")
                first_byte = time.perf_counter() - started
                page.wait_for_function(WAIT, arg=ready)
                interactive = time.perf_counter() - started
                busy = page.evaluate(
                    MEASURE, [selector, value, expected]
                )  # charts of the first render still drawing
                time.sleep(SETTLE_SECONDS)
                again = {"HHMH": "LLML", "2022": "2023"}.get(value, "2")
                idle = page.evaluate(MEASURE, [selector, again, None])
                print(
                    f"{notebook:24s} first byte {first_byte * 1000:5.0f} ms  interactive {interactive:4.2f} s "
                    f"({'met' if interactive <= 1.5 else 'MISSED'} ≤ 1,5 s)  change → numbers {idle:4.0f} ms "
                    f"({'met' if idle <= 150 else 'MISSED'} ≤ 150 ms; {busy:4.0f} ms while charts still draw)"
                )
                page.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=15)


if __name__ == "__main__":
    main()
