"""The four Voilà apps (``notebooks/apps/<key>.ipynb``) driven in a real browser (Debian's
Chromium through Playwright).

Voilà serves a temporary copy of the project holding the demo municipality and Færder, so
the tests do not depend on which municipalities ``parameters/`` holds. For each app: open
it, change a widget, and check that the visible result changes to the right number; a
screenshot of each goes to ``test-artifacts/``. The expected numbers are hand calculations
(calculator, personas) or the engine run in this process on the same inputs (housing,
allocation), whose own arithmetic other tests check by hand.
"""

from __future__ import annotations

import os
import urllib.request
from pathlib import Path

import pytest
from conftest import FORBIDDEN, REPO, make_project

from workbench import formatting
from workbench import server as server_module
from workbench.project import Project
from workbench.session import open_session

pytestmark = [pytest.mark.browser, pytest.mark.slow]
CHROMIUM = Path(os.environ.get("CHROMIUM", server_module.CHROMIUM))
ARTIFACTS = REPO / "test-artifacts"
TIMEOUT_MS = 90_000

if not CHROMIUM.exists():
    if os.environ.get("CI"):
        raise RuntimeError(f"{CHROMIUM} mangler: `make test` installerer Debians chromium med apt")
    pytest.skip("Chromium is not installed (make browser)", allow_module_level=True)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Project:
    return make_project(
        tmp_path_factory.mktemp("browser") / "p", ("9999-demokommune.yaml", "3911-faerder.yaml")
    )


@pytest.fixture(scope="module")
def server(project):
    port = server_module.free_port()
    process = server_module.start(project, port=port, warm=0)
    yield f"http://127.0.0.1:{port}"
    server_module.shutdown(process)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=server_module.CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


LOCAL = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")


def new_page(browser, **options):
    """A page that records every request to a host other than this machine (a town hall
    may have no internet: nothing may depend on it)."""
    context = browser.new_context(**{"viewport": {"width": 1400, "height": 1000}, **options})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.outside = []
    page.on("request", lambda r: None if r.url.startswith(LOCAL) else page.outside.append(r.url))
    return context, page


@pytest.fixture
def page(browser):
    context, page = new_page(browser)
    yield page
    context.close()
    assert page.outside == [], "the page asked for something outside the machine"


def visible_text(page) -> str:
    return page.evaluate("document.body.innerText").replace("\u00a0", " ")


def wait_for_text(page, text: str) -> None:
    """Wait until the page shows ``text`` (non-breaking spaces read as spaces)."""
    page.wait_for_function(
        "t => !!document.body && document.body.innerText.replaceAll('\\u00a0', ' ').includes(t)",
        arg=text,
        timeout=TIMEOUT_MS,
    )


KOMMUNE = ".widget-dropdown:has(label:text-is('Kommune')) select"


def open_app(
    page, server: str, notebook: str, ready: str, municipality: str = "9999 Demokommune"
) -> None:
    """Open an app (it opens on the first real municipality, Færder), switch to
    ``municipality`` if that is another, and wait for ``ready``."""
    page.goto(f"{server}/voila/render/{notebook}", wait_until="domcontentloaded")
    picker = page.locator(KOMMUNE)
    picker.wait_for(timeout=TIMEOUT_MS)
    if municipality not in picker.evaluate("s => s.options[s.selectedIndex].text"):
        picker.select_option(label=municipality)
    wait_for_text(page, f" – {municipality}")  # the banner of the municipality chosen
    wait_for_text(page, ready)


CHARTS = "Array.from(document.querySelectorAll('img.widget-image'))"


def wait_for_charts(page, count: int) -> list[str]:
    """Wait until ``count`` chart images are drawn and visible; their ``src`` values."""
    page.wait_for_function(
        f"n => {CHARTS}.filter(i => i.naturalWidth > 100 && i.offsetWidth > 100).length >= n",
        arg=count,
        timeout=TIMEOUT_MS,
    )
    return page.evaluate(f"{CHARTS}.map(i => i.src)")


def wait_for_new_charts(page, before: list[str]) -> None:
    """Wait until the charts are drawn again (a new image) after a change."""
    page.wait_for_function(
        f"old => {CHARTS}.some(i => !old.includes(i.src) && i.naturalWidth > 100)",
        arg=before,
        timeout=TIMEOUT_MS,
    )


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def first_quantity(page):
    """Open the calculator's first alternative (as a click on its section does) and return
    its first quantity field."""
    page.locator(".jupyter-widget-Collapse-header").first.click()
    quantity = page.locator(".workbench-number input").first
    quantity.wait_for(state="visible", timeout=TIMEOUT_MS)
    return quantity


def plain(text: str) -> str:
    return text.replace("\u00a0", " ")


def assert_no_code(page) -> None:
    text = visible_text(page)
    assert "open_session" not in text and "Traceback" not in text and "import " not in text


def test_landing_page_lists_the_apps_and_municipalities_in_norwegian(page, server):
    from workbench.analyses import ANALYSES

    page.goto(server + "/", wait_until="domcontentloaded")
    wait_for_text(page, "Helhetlig innsatstrapp")
    text = visible_text(page)
    for analysis in ANALYSES.values():
        assert analysis.title in text and analysis.summary in text
    assert "9999 Demokommune (fiktiv kommune, illustrative tall)" in text
    assert "3911 Færder" in text
    assert ".ipynb" not in text and "Select items" not in text
    assert page.evaluate("document.documentElement.lang") == "nb"
    shot(page, "forside")
    page.get_by_role("link", name="Ressurskalkulator").click()
    page.wait_for_url("**/voila/render/calculator.ipynb")
    wait_for_text(page, "Sammenligning per år")


def test_calculator(page, server):
    open_app(page, server, "calculator.ipynb", "Sammenligning per år")
    assert_no_code(page)
    assert "ILLUSTRATIVE TALL" in visible_text(page)
    charts = wait_for_charts(page, 1)
    assert page.locator(".workbench-number input").count() == 0  # closed until opened
    quantity = first_quantity(page)
    quantity.fill("1")
    quantity.press("Enter")
    # Hjemmetjenester: nursing 1 t/dag × 365 × 799 + praktisk bistand 52 × 560 (demo price) + alarm 52 × 55
    expected = formatting.kr(1 * 365 * 799 + 52 * 560 + 52 * 55)
    wait_for_text(page, plain(expected))
    wait_for_new_charts(page, charts)
    shot(page, "kalkulator")


@pytest.mark.parametrize("locale", ["nb-NO", "en-US"])
def test_a_decimal_comma_is_a_decimal_comma_in_any_browser_language(browser, server, locale):
    context, page = new_page(browser, locale=locale, viewport={"width": 1280, "height": 800})
    try:
        open_app(page, server, "calculator.ipynb", "Sammenligning per år")
        quantity = first_quantity(page)
        quantity.fill("1,5")
        quantity.press("Enter")
        # 1,5 t/dag × 365 × 799 kr + praktisk bistand 52 × 560 kr + trygghetsalarm 52 × 55 kr
        wait_for_text(page, plain(formatting.kr(1.5 * 365 * 799 + 52 * 560 + 52 * 55)))
        assert quantity.input_value() == "1,5"
        quantity.fill("25")
        quantity.press("Enter")
        wait_for_text(page, "må være mellom 0 og 24 timer per dag")
        assert quantity.input_value() == "1,5"  # the previous value stays
    finally:
        context.close()
    assert page.outside == []


def test_personas(page, server):
    open_app(page, server, "personas.ipynb", "Første år med besparelse")
    assert_no_code(page)
    # N from prevalence: 14,6 % × 4 325 residents 67+ in 2025 (phase-in year 1) ÷ 18 years
    wait_for_text(page, "fra 35,1 nye personer i år 1")
    charts = wait_for_charts(page, 2)
    persons = page.locator(".workbench-number input").first
    persons.fill("500")
    persons.press("Enter")
    wait_for_text(page, "27,8 nye personer per år")  # one N for every year: 500 ÷ 18
    wait_for_new_charts(page, charts)
    shot(page, "personas")


def test_housing(page, server, project):
    from workbench.analyses.housing import engine
    from workbench.analyses.housing.load import load as load_housing

    open_app(page, server, "housing.ipynb", "Vekst i behov for årsverk")
    assert_no_code(page)
    session = open_session("housing", "9999", project_dir=str(project.root))
    years = session.municipality.base_year, session.municipality.target_year
    result = engine.evaluate(load_housing(session), *years, projection="HHMH")
    expected = result.summary.set_index("key")
    charts = wait_for_charts(page, 2)
    page.locator(".widget-dropdown:has(label:text-is('Framskriving')) select").select_option("HHMH")
    wait_for_text(page, f"{plain(formatting.number(expected.loc['growth', 'value']))} årsverk")
    wait_for_new_charts(page, charts)
    shot(page, "boligprofil")


def test_allocation(page, server, project):
    from workbench.analyses.allocation import engine
    from workbench.analyses.allocation.load import load as load_allocation

    open_app(page, server, "allocation.ipynb", "Flytt en regel")
    assert_no_code(page)
    session = open_session("allocation", "9999", project_dir=str(project.root))
    without = engine.evaluate(load_allocation(session), variant="uten").steps.set_index("step")
    charts = wait_for_charts(page, 1)
    page.locator(".widget-dropdown:has(label:text-is('Variant')) select").select_option(
        label="Uten barnehage, skole og SFO"
    )
    wait_for_text(page, plain(formatting.mill_kr(without.loc[1, "amount"])))
    wait_for_new_charts(page, charts)
    shot(page, "okonomifordeling")


def test_a_query_string_cannot_name_a_file(server):
    url = (
        f"{server}/voila/render/calculator.ipynb?package_file=../../../etc/passwd&municipality=../x"
    )
    page = urllib.request.urlopen(url, timeout=60).read().decode("utf-8")
    assert "root:" not in page and "Traceback" not in page


def test_switching_municipality_brings_its_own_figures_banner_and_sources(page, server):
    open_app(page, server, "allocation.ipynb", "Flytt en regel")
    assert "ILLUSTRATIVE TALL" in visible_text(page)
    page.locator(KOMMUNE).select_option(label="3911 Færder")
    wait_for_text(page, "Kildens tall 2024")
    wait_for_charts(page, 1)
    page.get_by_text("Datagrunnlag").click()
    text = visible_text(page)
    assert "Økonomifordeling – 3911 Færder" in text and "ILLUSTRATIVE TALL" not in text
    sources = page.locator("details").inner_text()
    assert "Færder" in sources and "Demokommune" not in sources and "data/" not in sources
    shot(page, "okonomifordeling-faerder")


def rss_mib(pid: int) -> float:
    """Resident memory of a process and everything below it."""
    total = 0
    for member in {pid} | server_module.descendants(pid):
        try:
            with open(f"/proc/{member}/status") as status:
                total += sum(int(line.split()[1]) for line in status if line.startswith("VmRSS"))
        except OSError:
            continue
    return total / 1024


PAGE_OPENS = 10
KERNEL_MIB = 150
"""Less than one app kernel holds (about 160 MiB measured): ten page opens whose kernels were
never culled would hold more than ``PAGE_OPENS × KERNEL_MIB`` on their own."""


def test_page_opens_keep_memory_bounded_and_an_open_page_keeps_its_kernel(browser, project):
    """Each page open starts a kernel; closed pages' kernels are culled, so a workshop's page
    opens do not add up, while a page still open keeps working."""
    port = server_module.free_port()
    process = server_module.start(project, port=port, warm=0, idle_seconds=5)
    base = f"http://127.0.0.1:{port}"
    try:
        context, kept = new_page(browser)
        open_app(kept, base, "calculator.ipynb", "Sammenligning per år")
        peak = 0.0
        for _ in range(PAGE_OPENS):
            other_context, other = new_page(browser)
            open_app(other, base, "personas.ipynb", "Første år med besparelse")
            other_context.close()
            peak = max(peak, rss_mib(process.pid))
        # the server, the kept page's kernel and the few not culled yet: far below what the
        # closed pages' kernels alone would hold
        limit = PAGE_OPENS * KERNEL_MIB
        assert peak < limit, f"{peak:.0f} MiB after {PAGE_OPENS} page opens"
        quantity = first_quantity(kept)
        quantity.fill("1")
        quantity.press("Enter")
        wait_for_text(kept, plain(formatting.kr(1 * 365 * 799 + 52 * 560 + 52 * 55)))
        context.close()
    finally:
        server_module.shutdown(process)


LAYOUT = """() => {
    const top = e => e.getBoundingClientRect().top + window.scrollY;
    const figures = Array.from(document.querySelectorAll('div'))
        .filter(d => d.style.fontSize === '1.7em');
    const chart = document.querySelector('img.widget-image');
    const labels = Array.from(document.querySelectorAll('label, .widget-label, .widget-html span'))
        .filter(e => e.offsetWidth > 0);
    const cut = labels.filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent.trim());
    return {
        figureTop: figures.length ? top(figures[0]) : null,
        chartTop: top(chart),
        chartRight: chart.getBoundingClientRect().right,
        cut: cut,
        labels: labels.length,
    };
}"""


@pytest.mark.parametrize(
    ("size", "municipality"), [((1024, 768), "9999 Demokommune"), ((1280, 800), "3911 Færder")]
)
@pytest.mark.parametrize(
    ("notebook", "ready"),
    [
        ("calculator.ipynb", "Sammenligning per år"),
        ("personas.ipynb", "Første år med besparelse"),
        ("housing.ipynb", "Vekst i behov for årsverk"),
        ("allocation.ipynb", "Økonomifordeling"),
    ],
)
def test_key_figures_and_a_chart_on_the_first_screen_of_a_projector(
    browser, server, notebook, ready, size, municipality
):
    """Each app on a projector and a laptop, for both default municipalities: key figures
    and a chart on the first screen, padded table cells, a page that says it is Norwegian,
    and no internal word (the scan of the reports, slides and sheets) in its text or options."""
    width, height = size
    context, page = new_page(browser, viewport={"width": width, "height": height})
    try:
        open_app(page, server, notebook, ready, municipality)
        wait_for_charts(page, 1)
        assert page.evaluate("document.documentElement.lang") == "nb"
        text = page.evaluate(
            "() => document.body.innerText + ' ' + Array.from(document.querySelectorAll("
            "'option')).map(o => o.textContent).join(' ')"
        )
        hits = [text[max(0, m.start() - 40) : m.end() + 20] for m in FORBIDDEN.finditer(text)]
        assert hits == []
        layout = page.evaluate(LAYOUT)
        assert layout["figureTop"] is not None, "no key figures in large type"
        assert layout["figureTop"] < layout["chartTop"] < height  # numbers, then the chart
        assert layout["chartRight"] <= width  # the chart fits the screen's width
        assert layout["labels"] > 0
        assert layout["cut"] == [], f"labels cut: {layout['cut']}"
        # every table cell has room around it: «57 653 mill. kr» must not read as one number
        padding = page.evaluate(
            "() => Array.from(document.querySelectorAll('table[id^=T_] td, table[id^=T_] th'))"
            ".map(cell => parseFloat(getComputedStyle(cell).paddingLeft))"
        )
        assert padding and min(padding) >= 4, padding
        if size == (1024, 768):
            shot(page, f"projektor-{notebook.removesuffix('.ipynb')}")
    finally:
        context.close()
    assert page.outside == []


ON_ONE_SCREEN = """([barClass, index]) => {
    const bar = document.querySelector('.' + barClass);
    const chart = bar.parentElement.querySelectorAll('img.widget-image')[index];
    chart.scrollIntoView({block: 'end'});
    const b = bar.getBoundingClientRect(), c = chart.getBoundingClientRect();
    const seen = Math.min(c.bottom, window.innerHeight) - Math.max(c.top, b.bottom);
    return {barTop: b.top, barBottom: b.bottom, seen: seen, height: c.height,
            charts: bar.parentElement.querySelectorAll('img.widget-image').length};
}"""


@pytest.mark.parametrize(
    ("notebook", "ready", "charts"),
    [("housing.ipynb", "Vekst i behov for årsverk", 2), ("allocation.ipynb", "Flytt en regel", 1)],
)
def test_a_control_and_the_chart_it_moves_are_on_one_screen(
    browser, server, notebook, ready, charts
):
    """On a projector (1024 × 768), scrolled to any chart the controls move, the controls
    are on the screen with the whole chart (not 1 300 px above it)."""
    from workbench.apps import CONTROL_BAR

    context, page = new_page(browser, viewport={"width": 1024, "height": 768})
    try:
        open_app(page, server, notebook, ready)
        wait_for_charts(page, charts)
        for index in range(charts):
            seen = page.evaluate(ON_ONE_SCREEN, [CONTROL_BAR, index])
            assert seen["charts"] == charts
            assert seen["barTop"] >= 0 and seen["barBottom"] < 768, seen
            assert seen["seen"] >= seen["height"] - 1, seen  # the whole chart, under the bar
        shot(page, f"kontroller-og-figur-{notebook.removesuffix('.ipynb')}-1024")
    finally:
        context.close()
