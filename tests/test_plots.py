"""Every chart carries its Norwegian title, its source line and, on illustrative data, the
illustrative mark; numbers on the axes and bars are Norwegian.

The charts are drawn from small frames made here by hand, with the columns the engines
give them, so these tests need no data files and no engine.
"""

from __future__ import annotations

import io

import matplotlib.pyplot as plt
import matplotlib.text
import pandas as pd
import PIL.Image
import pytest

from workbench import plots
from workbench.analyses import ANALYSES
from workbench.analyses.allocation.charts import (
    comparison_chart,
    share_trend_chart,
    staircase_chart,
    target_chart,
)
from workbench.analyses.calculator.charts import calculator_chart
from workbench.analyses.housing.charts import (
    need_chart,
    over_80_chart,
    population_chart,
    profile_chart,
    staffing_chart,
    workforce_chart,
)
from workbench.analyses.personas.charts import phase_in_chart, trajectory_chart

NB = "\u00a0"
SOURCE = "Færder kommune/Agenda Kaupang 2025"
HOUSING_STEPS = [f"Boligtrinn {n}" for n in range(1, 7)]


def calculator_summary() -> pd.DataFrame:
    return pd.DataFrame(
        {"alternative": ["Alternativ 1", "Alternativ 2"], "cost": [1_234_567.0, 600_000.0]}
    ).assign(fte=[1.25, 0.5])


def trajectory_yearly() -> pd.DataFrame:
    rows = []
    for trajectory, name, cost in (
        ("reactive", "Reaktivt", 300_000),
        ("proactive", "Proaktivt", 0),
    ):
        for age in (18, 19, 20):
            rows.append(
                {
                    "trajectory": trajectory,
                    "trajectory_name": name,
                    "age": age,
                    "running_cost": cost + 10_000 * age,
                    "investment": 50_000 if age == 18 else 0,
                    "hours": 100 * age,
                }
            )
    return pd.DataFrame(rows)


def phase_in() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": [1, 2, 3],
            "extra_running_cost": [2_000_000, -500_000, -1_500_000],
            "extra_investment": [1_000_000, 1_000_000, 0],
            "cumulative_cost": [3_000_000, 3_500_000, 2_000_000],
        }
    )


def profile() -> pd.DataFrame:
    rows = [
        {"label": label, "step": step, "share": 1 / 6}
        for label in ("67–79 år i dag", "67–79 år alternativ")
        for step in range(1, 7)
    ]
    return pd.DataFrame(rows)


def need_steps() -> pd.DataFrame:
    rows = [
        {"step": step, "year": year, "residents_today": 10 * step, "residents_alt": 8 * step}
        for step in range(1, 7)
        for year in (2024, 2030, 2040)
    ]
    return pd.DataFrame(rows)


def staffing_band() -> pd.DataFrame:
    rows = [
        {
            "alternative": alternative,
            "year": year,
            "fte_sector_today": 10.0 + shift,
            "fte_sector_alt": 8.0 + shift,
            "cost_sector_today": 9_000_000.0 + 1e6 * shift,
            "cost_sector_alt": 7_000_000.0 + 1e6 * shift,
        }
        for alternative, shift in (("MMMM", 0), ("HHMM", 2), ("LLML", -2))
        for year in (2024, 2030, 2040)
    ]
    return pd.DataFrame(rows)


def population() -> pd.DataFrame:
    rows = [
        {"age_group": group, "year": year, "persons": persons, "interpolated": year == 2025}
        for group, base in (("67–79", 4000), ("80–89", 1500), ("90+", 300))
        for year, persons in ((2024, base), (2025, base + 50), (2026, base + 100))
    ]
    return pd.DataFrame(rows)


def over_80() -> pd.DataFrame:
    rows = [
        {"region": region, "year": year, "share": share}
        for region, share in (("Færder", 0.71), ("Landet", 0.66))
        for year in (2022, 2023, 2024)
    ]
    return pd.DataFrame(rows)


def staircase() -> pd.DataFrame:
    amounts = [5_000_000.0, 20_000_000.0, 75_000_000.0]
    return pd.DataFrame(
        {
            "step": [0, 1, 2],
            "name": ["Ikke fordelt", "Trinn én", "Trinn to"],
            "amount": amounts,
            "share": [a / sum(amounts) for a in amounts],
        }
    )


def target_gap() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "step": [1, 2, 3],
            "name": ["En", "To", "Tre"],
            "amount": [60.0, None, 40.0],
            "share": [0.6, None, 0.4],
            "target_2026": [0.5, 0.2, 0.3],
            "move_2026": [-10.0, None, -10.0],
            "target_2030": [0.4, 0.3, 0.3],
            "move_2030": [-20.0, None, -10.0],
        }
    )


def shares_over_years() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "step": [1, 2, 3],
            "name": ["En", "To", "Tre"],
            2023: [0.5, 0.3, 0.2],
            2024: [0.45, 0.33, 0.22],
        }
    )


def workforce() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": [2024, 2030, 2040],
            "needed_today": [100.0, 130.0, 160.0],
            "needed_alt": [100.0, 110.0, 120.0],
            "supply": [100.0, 100.0, 100.0],
            "gap_today": [0.0, 30.0, 60.0],
            "gap_alt": [0.0, 10.0, 20.0],
        }
    )


CHARTS = {
    "workforce_chart": lambda i: workforce_chart(workforce(), "T", SOURCE, illustrative=i),
    "target_chart": lambda i: target_chart(target_gap(), "T", SOURCE, illustrative=i),
    "share_trend_chart": lambda i: share_trend_chart(
        shares_over_years(), "T", SOURCE, illustrative=i
    ),
    "calculator_chart": lambda i: calculator_chart(
        calculator_summary(), "T", SOURCE, illustrative=i
    ),
    "trajectory_chart": lambda i: trajectory_chart(
        trajectory_yearly(), "T", SOURCE, illustrative=i
    ),
    "phase_in_chart": lambda i: phase_in_chart(phase_in(), "T", SOURCE, illustrative=i),
    "profile_chart": lambda i: profile_chart(profile(), HOUSING_STEPS, "T", SOURCE, illustrative=i),
    "need_chart": lambda i: need_chart(need_steps(), HOUSING_STEPS, "T", SOURCE, illustrative=i),
    "staffing_chart": lambda i: staffing_chart(
        staffing_band(), "MMMM", "T", SOURCE, illustrative=i
    ),
    "population_chart": lambda i: population_chart(population(), "T", SOURCE, illustrative=i),
    "over_80_chart": lambda i: over_80_chart(over_80(), "Færder", "T", SOURCE, illustrative=i),
    "staircase_chart": lambda i: staircase_chart(staircase(), "T", SOURCE, illustrative=i),
    "comparison_chart": lambda i: comparison_chart(
        pd.DataFrame(
            {"step": [0, 1, 2], "Færder": [500, 2500, 9000], "Tønsberg": [400, 2000, 8000]}
        ),
        "T",
        SOURCE,
        illustrative=i,
    ),
}


def texts(fig) -> list[str]:
    """Every text on the figure: its own texts, axis titles, tick and bar labels, legends."""
    fig.canvas.draw()  # tick labels are only formatted when drawn
    found = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        found += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        found += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
        found += [t.get_text() for t in ax.texts]
        legend = ax.get_legend()
        if legend is not None:
            found += [t.get_text() for t in legend.get_texts()]
    return found


@pytest.fixture
def draw():
    figures = []

    def make(name: str, illustrative: bool):
        fig = CHARTS[name](illustrative)
        figures.append(fig)
        return fig

    yield make
    for fig in figures:
        plt.close(fig)


@pytest.mark.parametrize("name", list(CHARTS))
@pytest.mark.parametrize("illustrative", [True, False])
def test_title_source_and_illustrative_mark(draw, name, illustrative):
    fig = draw(name, illustrative)
    shown = texts(fig)
    assert "T" in shown
    assert any(text.startswith(f"Kilde: {SOURCE}") for text in shown)
    assert (plots.ILLUSTRATIVE_MARK in shown) is illustrative
    assert plots.title_of(fig) == (f"T. {plots.ILLUSTRATIVE_MARK}" if illustrative else "T")
    ticks = [t.get_text() for ax in fig.axes for t in ax.get_xticklabels() + ax.get_yticklabels()]
    assert not any("." in t and t.replace(".", "").replace("−", "").isdigit() for t in ticks), (
        "no decimal point on an axis"
    )


def test_every_chart_function_is_tested():
    drawn = {
        name
        for analysis in ANALYSES.values()
        for name in dir(analysis.part("charts"))
        if name.endswith("_chart")
    }
    assert drawn == set(CHARTS)
    assert not [name for name in dir(plots) if name.endswith("_chart")]  # plots is the frame


def test_the_workforce_chart_writes_out_the_gap_in_the_last_year(draw):
    shown = texts(draw("workforce_chart", False))
    assert "mangler 60" in shown and "mangler 20" in shown
    assert {"Behov, dagens profil", "Behov, alternativ profil", "Tilgang på årsverk"} <= set(shown)


def test_the_target_chart_shows_today_and_each_target_year(draw):
    fig = draw("target_chart", False)
    shown = texts(fig)
    assert {"I dag", "Mål 2026", "Mål 2030"} <= set(shown)
    assert "ikke oppgitt i dag" in shown  # step 2's share today is unknown
    heights = [round(b.get_height(), 6) for b in fig.axes[0].patches]
    # three series of three steps, in percent: today 60, 0 (unknown), 40, then the targets
    assert heights == [60, 0, 40, 50, 20, 30, 40, 30, 30]


def test_the_share_trend_labels_each_line_with_its_step(draw):
    fig = draw("share_trend_chart", False)
    shown = texts(fig)
    assert {"trinn 1", "trinn 2", "trinn 3"} <= set(shown)
    lines = fig.axes[0].get_lines()
    assert [list(line.get_ydata()) for line in lines] == [[50, 45], [30, 33], [20, 22]]


def test_calculator_bars_are_labelled_in_norwegian(draw):
    shown = texts(draw("calculator_chart", False))
    assert f"1{NB}234{NB}567{NB}kr" in shown and f"600{NB}000{NB}kr" in shown
    assert "1,25" in shown and "0,50" in shown  # årsverk with a decimal comma
    assert {"Årskostnad", "Årsverk", "tusen kr"} <= set(shown)
    # the cost axis in thousands of kroner: 600 000 kr is at the tick «600»
    cost_ticks = [t.get_text() for t in draw("calculator_chart", False).axes[0].get_xticklabels()]
    assert all(t.replace(NB, "").lstrip("−").isdigit() for t in cost_ticks if t)


def test_staircase_labels_each_step_with_its_share_and_millions(draw):
    shown = texts(draw("staircase_chart", False))
    # 5, 20 and 75 million of 100 million: 5 %, 20 % and 75 %
    assert f"5,0{NB}%\n5" in shown and f"20,0{NB}%\n20" in shown and f"75,0{NB}%\n75" in shown
    assert "Ikke\nfordelt" in shown
    assert "Kostnad per trinn (mill. kr) og andel av totalen" in shown


def test_staircase_with_a_reference_shows_both(draw):
    reference = pd.DataFrame({"step": [0, 1, 2], "amount": [None, 18_000_000.0, 80_000_000.0]})
    fig = staircase_chart(staircase(), "T", SOURCE, illustrative=False, reference=reference)
    shown = texts(fig)
    plt.close(fig)
    assert "Modellen" in shown and "Kildens tall" in shown


def test_staffing_names_the_other_projections_in_the_source_line(draw):
    shown = texts(draw("staffing_chart", False))
    assert f"Kilde: {SOURCE} Skravert: HHMM, LLML." in shown
    assert "Dagens profil (MMMM)" in shown and "Alternativ profil (MMMM)" in shown


def test_png_is_stable_and_has_no_software_stamp(draw):
    fig = draw("calculator_chart", False)
    first, second = plots.png_bytes(fig), plots.png_bytes(fig)
    assert first == second and b"matplotlib" not in first.lower()


def test_svg_is_byte_stable_at_the_figures_own_size_and_keeps_its_text(draw):
    fig = draw("phase_in_chart", True)
    first, second = plots.svg_bytes(fig), plots.svg_bytes(fig)
    assert first == second
    text = first.decode("utf-8")
    assert plots.ILLUSTRATIVE_MARK in text and "Kilde:" in text  # text, not glyph outlines
    width, height = fig.get_size_inches()
    assert f'width="{width * 72:g}pt"' in text and f'height="{height * 72:g}pt"' in text


def test_the_report_image_carries_its_alt_text():
    tag = plots.svg_image(b"<svg/>", "Tittel. ILLUSTRATIVE TALL – «fiktiv»")
    assert tag.startswith('<img alt="Tittel. ILLUSTRATIVE TALL – «fiktiv»"')
    assert "data:image/svg+xml;base64,PHN2Zy8+" in tag


@pytest.mark.parametrize("width", [6.0, 11.0, 13.33])
def test_a_long_source_line_is_broken_to_fit_the_figure_and_keeps_every_word(width):
    source = "; ".join(
        f"Befolkningsframskriving 67+ for Demokommune, alternativ {n} (SSB, tabell 14288)"
        for n in range(6)
    )
    fig = plt.figure(figsize=(width, 4))
    plots.finish(fig, "Tittel", source, illustrative=False)
    line = next(t for t in fig.texts if t.get_text().startswith("Kilde: "))
    renderer = fig.canvas.get_renderer()
    extent = line.get_window_extent(renderer)
    assert extent.x1 <= fig.bbox.width  # nothing runs past the right edge
    assert line.get_text().count("\n") >= 1
    assert line.get_text().split() == f"Kilde: {source}".split()  # no word lost
    plt.close(fig)


def test_tick_labels_are_the_ticks_values():
    """The Færder årsverk axis labelled 0,25 as «0,3»: each label now has the decimals its
    step needs."""
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    ax.set_yticks([0, 0.25, 0.5, 0.75, 1.0])
    ax.yaxis.set_major_formatter(plots.TickNumbers())
    fig.canvas.draw()
    assert [t.get_text() for t in ax.get_yticklabels()] == ["0,00", "0,25", "0,50", "0,75", "1,00"]
    ax.set_yticks([0, 500, 1000, 1500])
    fig.canvas.draw()
    assert [t.get_text() for t in ax.get_yticklabels()] == ["0", "500", f"1{NB}000", f"1{NB}500"]
    plt.close(fig)


def test_scaled_and_percent_ticks_carry_the_decimals_their_step_needs():
    """An årsverk axis at 0,25 steps read «0,0 0,3 0,5 0,8»; millions at 0,5 steps read «1»
    for 1,5; shares at 12,5 % read «13 %»."""
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    ax.set_yticks([0, 0.125, 0.25])
    ax.yaxis.set_major_formatter(plots.percent_ticks())
    ax.set_xticks([0, 0.5e6, 1e6, 1.5e6])
    ax.xaxis.set_major_formatter(plots.TickNumbers(1e6))
    fig.canvas.draw()
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        f"0,0{NB}%",
        f"12,5{NB}%",
        f"25,0{NB}%",
    ]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0,0", "0,5", "1,0", "1,5"]
    plt.close(fig)


@pytest.mark.parametrize("name", list(CHARTS))
def test_every_value_axis_labels_its_ticks_with_their_values(draw, name):
    """No value axis rounds its ticks to fewer decimals than their step: each label, read
    back as a number, is its tick (in the axis's unit)."""
    from workbench.formatting import parse_number

    fig = draw(name, False)
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            formatter = axis.get_major_formatter()
            if not isinstance(formatter, plots.TickNumbers):
                continue
            for tick, label in zip(axis.get_majorticklocs(), axis.get_ticklabels(), strict=False):
                text = label.get_text().removesuffix(formatter.suffix)
                if text:
                    assert parse_number(text) == pytest.approx(tick / formatter.scale), (
                        name,
                        text,
                        tick,
                    )


@pytest.mark.parametrize("name", ["staffing_chart", "population_chart", "over_80_chart"])
def test_levels_start_at_zero(draw, name):
    fig = draw(name, False)
    assert all(ax.get_ylim()[0] == 0 for ax in fig.axes if ax.get_ylabel() or ax.get_title())


def test_the_municipality_stands_out_and_the_comparisons_are_grey(draw):
    fig = draw("over_80_chart", False)
    ax = fig.axes[0]
    colours = {line.get_color() for line in ax.get_lines()}
    assert len(colours) == 2  # the municipality, and grey for every comparison
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert len(labels) == 2 and labels[1] == "Sammenligningskommuner og -grupper"


def test_the_phase_in_shows_investments_apart_and_the_payback_year(draw):
    fig = draw("phase_in_chart", False)
    bars = [p for p in fig.axes[0].patches]
    assert bars and all(p.get_y() == 0 or p.get_height() < 0 for p in bars)  # not stacked
    # year 2 saves in running costs (−0,5 mill.) though not with its investment (+0,5 mill.)
    assert "Første år med besparelse i driften: år 2" in texts(fig)
    assert len(fig.axes) == 2 and fig.axes[1].get_ylabel() == "mill. kr akkumulert"


@pytest.mark.parametrize("name", list(CHARTS))
def test_a_slide_figure_is_the_slides_size_without_title_mark_or_source_and_no_text_under_12_pt(
    name,
):
    with plots.slide_style():
        fig = CHARTS[name]("ILLUSTRATIVE TALL – Demokommune er en fiktiv kommune")
    try:
        fig.canvas.draw()
        assert tuple(fig.get_size_inches()) == plots.SLIDE_SIZE
        shown = [t for t in fig.findobj(matplotlib.text.Text) if t.get_visible() and t.get_text()]
        words = [t.get_text() for t in shown]
        assert "T" not in words  # the slide has the title
        assert not any(w.startswith(("Kilde", "ILLUSTRATIVE")) for w in words)
        small = [(t.get_text(), t.get_fontsize()) for t in shown if t.get_fontsize() < 12]
        assert small == []
        # nothing drawn outside the figure: the slide places it at its own size, uncropped
        drawn = fig.get_tightbbox(fig.canvas.get_renderer())  # inches
        width, height = plots.SLIDE_SIZE
        assert drawn.x0 >= -0.01 and drawn.y0 >= -0.01, drawn
        assert drawn.x1 <= width + 0.01 and drawn.y1 <= height + 0.01, drawn
    finally:
        plt.close(fig)
    # and the report's version still has them
    fig = CHARTS[name]("ILLUSTRATIVE TALL")
    assert "T" in texts(fig)
    plt.close(fig)


def _boxes_overlap(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


@pytest.mark.parametrize("name", list(CHARTS))
@pytest.mark.parametrize("illustrative", [True, False])
def test_nothing_is_cut_off_or_drawn_over_the_title_mark_or_source(draw, name, illustrative):
    """The layout measures tick labels, axis titles and legends, not the spines on the axes'
    edges: every axes with its labels stays inside the figure and clear of the figure's own
    texts (title, illustrative mark, source line)."""
    fig = draw(name, "ILLUSTRATIVE TALL – Demokommune er en fiktiv kommune" * illustrative)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    figure_box = fig.bbox
    own_texts = [t.get_window_extent(renderer) for t in fig.texts if t.get_text()]
    for ax in fig.axes:
        drawn = ax.get_tightbbox(renderer)
        assert drawn.x0 >= figure_box.x0 - 1 and drawn.x1 <= figure_box.x1 + 1, (ax, drawn)
        assert drawn.y0 >= figure_box.y0 - 1 and drawn.y1 <= figure_box.y1 + 1, (ax, drawn)
        for text in own_texts:
            assert not _boxes_overlap(drawn, text), (ax.get_title(), drawn, text)


def test_a_png_at_the_figures_own_size_has_the_pixels_savefig_draws(draw):
    fig = draw("staircase_chart", True)
    ours = PIL.Image.open(io.BytesIO(plots.png_bytes(fig, plots.SLIDE_DPI, tight=False)))
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=plots.SLIDE_DPI)
    theirs = PIL.Image.open(buffer).convert("RGB")
    assert ours.mode == "RGB" and ours.size == theirs.size
    assert ours.tobytes() == theirs.tobytes()
    assert fig.dpi == 100  # the figure keeps the resolution it is shown at


@pytest.mark.parametrize("name", list(CHARTS))
def test_a_reports_svg_has_the_layout_and_bytes_of_tight_layout(name, monkeypatch):
    """The report's figures are laid out by the tight layout engine without leaving it on the
    figure: the margins ``tight_layout`` gives, and the same SVG bytes."""
    fig = CHARTS[name](True)
    ours = plots.svg_bytes(fig)
    layout = {key: getattr(fig.subplotpars, key) for key in plots.LAYOUT}
    plt.close(fig)
    monkeypatch.setattr(plots, "laid_out", lambda fig, **params: fig.tight_layout(**params))
    fig = CHARTS[name](True)
    assert {key: getattr(fig.subplotpars, key) for key in plots.LAYOUT} == layout
    assert plots.svg_bytes(fig) == ours
    plt.close(fig)
