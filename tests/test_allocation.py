"""Allocation: precedence, exact splits, reconciliation (a property over generated ledgers),
the 254 → 257/258 change and bad files."""

import re
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.analyses.allocation import engine as a
from workbench.analyses.allocation.load import (
    read_ledger,
    read_rules,
    read_services,
    read_steps,
    read_target_profile,
)
from workbench.errors import InputError

REPO = Path(__file__).resolve().parent.parent

STEPS = set(range(1, 13))
HEADER = "ansvar;funksjon;art;valid_from;valid_to;step;fraction;area;target_group\n"


def rules_file(tmp_path: Path, text: str, name: str = "regler.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + text, encoding="utf-8")
    return path


def ledger(rows: list[tuple]) -> pd.DataFrame:
    table = pd.DataFrame(rows, columns=["year", "ansvar", "funksjon", "art", "amount"])
    table["ansvar_name"] = None
    table["amount_ore"] = np.rint(table["amount"] * 100).astype(np.int64)
    table["line"] = np.arange(len(table))
    table["source_row"] = np.arange(2, len(table) + 2)
    return table


def compile_(tmp_path, municipal: str = "", default: str = ""):
    tables = []
    if municipal:
        tables.append(
            read_rules(rules_file(tmp_path, municipal, "kommune.csv"), a.MUNICIPAL, STEPS)
        )
    if default:
        tables.append(read_rules(rules_file(tmp_path, default, "standard.csv"), a.DEFAULT, STEPS))
    return a.compile_rules(*tables)


def test_most_specific_rule_wins(tmp_path):
    rules, parts = compile_(
        tmp_path,
        default=(
            ";254;;;;7;1;Pleie og omsorg;\n"
            "31*;254;;;;6;1;Pleie og omsorg;\n"
            "3100;254;;;;10;1;Pleie og omsorg;\n"
            "3100;254;050;;;11;1;Pleie og omsorg;\n"
        ),
    )
    lines = ledger(
        [
            (2023, "3100", "254", "050", 1.0),
            (2023, "3100", "254", "010", 1.0),
            (2023, "3150", "254", "010", 1.0),
            (2023, "4000", "254", "010", 1.0),
        ]
    )
    result = a.allocate(lines, rules, parts)
    assert list(result["step"]) == [11, 10, 6, 7]


def test_municipal_rules_go_before_default_rules(tmp_path):
    rules, parts = compile_(
        tmp_path, municipal="23*;;;;;4;1;Oppvekst;\n", default=";201;;;;1;1;Oppvekst;\n"
    )
    result = a.allocate(ledger([(2024, "2300", "201", None, 10.0)]), rules, parts)
    assert list(result["step"]) == [4]


def test_municipal_rule_with_the_same_keys_replaces_the_default(tmp_path):
    rules, parts = compile_(
        tmp_path, municipal=";201;;;;2;1;Oppvekst;\n", default=";201;;;;1;1;Oppvekst;\n"
    )
    assert len(rules) == 1
    assert list(a.allocate(ledger([(2024, "1", "201", None, 1.0)]), rules, parts)["step"]) == [2]


def test_an_exact_key_beats_a_prefix(tmp_path):
    rules, parts = compile_(tmp_path, default=";254;;;;7;1;P;\n31*;;;;;6;1;P;\n")
    assert list(a.allocate(ledger([(2023, "3100", "254", None, 1.0)]), rules, parts)["step"]) == [7]


def test_two_equally_specific_rules_are_an_error_naming_both(tmp_path):
    rules, parts = compile_(
        tmp_path, default=";254;;;;7;1;Pleie og omsorg;\n3100;;;;;6;1;Pleie og omsorg;\n"
    )
    with pytest.raises(InputError) as caught:
        a.allocate(ledger([(2023, "3100", "254", None, 1.0)]), rules, parts)
    message = str(caught.value)
    assert (
        "rad 2: to like spesifikke regler treffer samme linje (2023, ansvar 3100, funksjon 254)"
        in message
    )
    assert (
        "standard.csv rad 2 (funksjon 254)" in message
        and "standard.csv rad 3 (ansvar 3100)" in message
    )


def test_the_same_codes_in_different_years_follow_the_rules_valid_each_year(tmp_path):
    """Funksjon 254 goes to step 7 up to 2022 and to step 5 from 2023; ansvar 3100 with 254 has
    its own rule from 2024. The same line in 2022, 2023 and 2024, in two orders, lands on
    7, 5 and 10: what matched one year is not reused for another."""
    rules, parts = compile_(
        tmp_path,
        default=";254;;;2022;7;1;P;\n;254;;2023;;5;1;P;\n3100;254;;2024;;10;1;P;\n",
    )
    years = [2022, 2023, 2024, 2024, 2023, 2022]
    result = a.allocate(ledger([(y, "3100", "254", None, 1.0) for y in years]), rules, parts)
    assert list(result.sort_values("line")["step"]) == [7, 5, 10, 10, 5, 7]


def test_unmatched_lines_are_kept_as_not_allocated(tmp_path):
    rules, parts = compile_(tmp_path, default=";201;;;;1;1;Oppvekst;\n")
    lines = ledger([(2024, "1", "201", None, 100.0), (2024, "9", "290", None, 55.55)])
    result = a.allocate(lines, rules, parts)
    missing = result[result["step"] == a.NOT_ALLOCATED]
    assert list(missing["funksjon"]) == ["290"] and missing["amount_ore"].sum() == 5555
    table = a.reconcile(lines, result).iloc[0]
    assert (
        table["ledger_ore"],
        table["allocated_ore"],
        table["not_allocated_ore"],
        table["difference_ore"],
    ) == (15555, 10000, 5555, 0)


def test_split_hands_out_the_remaining_ore_by_largest_remainder(tmp_path):
    rules, parts = compile_(
        tmp_path, default=(";253;;;;9;0,2;P;\n;253;;;;11;0,7;P;\n;253;;;;12;0,1;P;\n")
    )
    result = a.allocate(
        ledger([(2024, "1", "253", None, 0.10), (2024, "1", "253", None, -1.0)]), rules, parts
    )
    # 10 øre: exact 2 / 7 / 1 → 2, 7, 1; −100 øre: −20, −70, −10
    assert list(result["amount_ore"]) == [2, 7, 1, -20, -70, -10]
    result = a.allocate(ledger([(2024, "1", "253", None, 0.09)]), rules, parts)
    # 9 øre: exact 1,8 / 6,3 / 0,9 → floors 1, 6, 0 (7); remainders 0,8, 0,3, 0,9 → +1 to steps 12 and 9
    assert list(result["amount_ore"]) == [2, 6, 1]


def test_rules_span_the_change_from_254_to_257_and_258(repo):
    """The same spending in 2023 (all on 254) and 2024 (30 % on 257, 70 % on 258, the split
    the default rules assume) puts the same amount on each step both years, so no step jumps
    at the change: by hand, step 10 = 300, step 6 = 0,70 × 0,35 × 1 000 = 245 and step 7 =
    0,70 × 0,65 × 1 000 = 455."""
    default = read_rules(repo.data_dir / "reference/standardregler.csv", a.DEFAULT, STEPS)
    rules, parts = a.compile_rules(default)
    lines = ledger(
        [
            (2023, "1", "254", None, 1000.0),
            (2024, "1", "257", None, 300.0),
            (2024, "1", "258", None, 700.0),
            (2024, "1", "254", None, 5.0),
        ]
    )
    result = a.allocate(lines, rules, parts)
    by_year = result.groupby(["year", "step"])["amount_ore"].sum() / 100
    for step, hand in ((6, 245), (7, 455), (10, 300)):
        assert by_year[(2023, step)] == by_year[(2024, step)] == hand
    # 254 is not valid in 2024: that line is listed as not allocated
    assert by_year[(2024, a.NOT_ALLOCATED)] == 5


def test_bad_rule_files_name_the_rows(tmp_path):
    path = rules_file(
        tmp_path,
        (
            ";201;;;;13;1;Oppvekst;\n"
            ";253;;;;9;0,5;P;\n;253;;;;11;0,4;P;\n"
            ";254;;;;7;0,5;P;\n;254;;;;7;0,5;P;\n"
            ";;;;;1;1;Oppvekst;\n"
            ";265;;2025;2024;5;1;Bolig;\n"
        ),
    )
    with pytest.raises(InputError) as caught:
        read_rules(path, a.DEFAULT, STEPS)
    message = str(caught.value)
    assert "rad 2, kolonne «step»: trinn 13 finnes ikke" in message
    assert (
        "rad 3: andelene i regelen summerer til 0,9, ikke 1 (rad 3, 4; høyst 0,000000001 fra 1 "
        "godtas)" in message
    )
    assert "rad 6: regelen står mer enn én gang for trinn 7 (rad 5, 6)" in message
    assert "rad 7: regelen må ha minst én av ansvar, funksjon og art" in message
    assert "rad 8, kolonne «valid_from»: valid_from er etter valid_to" in message


def test_non_numeric_amount_names_the_row(tmp_path):
    path = tmp_path / "regnskap.csv"
    path.write_text(
        "year;ansvar;funksjon;art;amount\n2024;1;201;010;12 345,50\n2024;1;201;010;tolv\n",
        encoding="utf-8",
    )
    with pytest.raises(
        InputError, match=r"regnskap.csv: rad 3, kolonne «amount»: «tolv» er ikke et tall"
    ):
        read_ledger(path)


def test_ledger_amounts_become_whole_ore(tmp_path):
    path = tmp_path / "regnskap.csv"
    path.write_text(
        "year;ansvar;funksjon;art;amount\n2024;1;201;010;12 345,67\n2024;1;201;620;-0,1\n",
        encoding="utf-8",
    )
    table = read_ledger(path)
    assert list(table["amount_ore"]) == [1234567, -10]


def test_gross_keeps_expense_arts():
    lines = ledger([(2024, "1", "201", "010", 100.0), (2024, "1", "201", "620", -40.0)])
    assert list(a.gross(lines)["amount"]) == [100.0]
    with pytest.raises(ValueError, match="1 linjer mangler art"):
        a.gross(ledger([(2024, "1", "201", None, 1.0)]))


def test_by_step_share_and_price_per_recipient(tmp_path):
    rules, parts = compile_(tmp_path, default=";234;;;;4;1;P;\n;201;;;;1;1;O;\n")
    lines = ledger([(2024, "1", "234", None, 300_000.0), (2024, "1", "201", None, 700_000.0)])
    steps = pd.DataFrame({"step": list(range(1, 13)), "name": [f"T{i}" for i in range(1, 13)]})
    recipients = pd.DataFrame({"year": [2024], "step": [4], "recipients": [3]})
    table = a.by_step(a.allocate(lines, rules, parts), steps, 2024, recipients).set_index("step")
    assert table.loc[4, "share"] == pytest.approx(0.3)
    assert table.loc[4, "per_recipient"] == pytest.approx(100_000)
    without = a.by_step(
        a.allocate(lines, rules, parts), steps, 2024, exclude_functions=("201",)
    ).set_index("step")
    assert without.loc[4, "share"] == 1 and without.loc[1, "amount"] == 0


def test_own_steps_map_to_the_canonical_twelve(tmp_path):
    path = tmp_path / "trinn.csv"
    path.write_text(
        "step;name;canonical_step\n1;Felles;1\n2;Forebygging;2\n3;Forebygging 2;3\n4;Hjemme;7\n5;Døgn;11\n",
        encoding="utf-8",
    )
    steps = read_steps(path, STEPS)
    table = pd.DataFrame({"step": [1, 2, 3, 4, 5, 0], "amount": [10.0, 5, 5, 20, 40, 1]})
    canonical = a.to_canonical(table, steps).set_index("step")["amount"]
    assert canonical[7] == 20 and canonical[11] == 40 and canonical[0] == 1


def test_comparison_per_inhabitant(repo):
    default = read_rules(repo.data_dir / "reference/standardregler.csv", a.DEFAULT, STEPS)
    canonical = a.compile_rules(default)
    steps = pd.DataFrame({"step": list(range(1, 13)), "name": ""})
    own = pd.DataFrame({"step": [1, 4], "amount": [1_000_000.0, 500_000.0]})
    others = pd.DataFrame(
        {
            "municipality": ["B", "B", "B"],
            "year": [2024, 2024, 2024],
            "funksjon": ["201", "234", "120"],
            "amount": [4_000_000.0, 1_000_000.0, 500_000.0],
            "inhabitants": [1000, 1000, 1000],
        }
    )
    shared = a.SharedCosts("pro_rata", ("120",))
    table = a.compare(own, "A", 100, others, canonical, steps, 2024, shared).set_index("step")
    assert table.loc[1, "A"] == 10_000 and table.loc[4, "A"] == 5_000
    # B's administration (500 000 kr) follows its other costs, 4 : 1 over steps 1 and 4
    assert table.loc[1, "B"] == 4_400 and table.loc[4, "B"] == 1_100
    ruled = a.SharedCosts("as_ruled", ("120",))
    table = a.compare(own, "A", 100, others, canonical, steps, 2024, ruled).set_index("step")
    assert table.loc[1, "B"] == 4_500 and table.loc[4, "B"] == 1_000


def shared_ledger(tmp_path) -> tuple[pd.DataFrame, list, pd.DataFrame]:
    """Two years: 2023 has 600 kr on step 1, 300 kr on step 4 and 100 kr not allocated;
    2024 has only administration. Administration is 100,01 kr in 2023 (120) and 10 kr in 2024."""
    ledger = pd.DataFrame(
        {
            "line": [0, 1, 2, 3, 4],
            "year": [2023, 2023, 2023, 2023, 2024],
            "ansvar": ["1", "1", "1", "1", "1"],
            "ansvar_name": None,
            "funksjon": ["201", "234", "120", "999", "120"],
            "art": None,
            "amount_ore": [60_000, 30_000, 10_001, 10_000, 1_000],
        }
    )
    path = tmp_path / "regler.csv"
    path.write_text(
        "ansvar;funksjon;art;valid_from;valid_to;step;fraction;area;target_group;note\n"
        ";201;;;;1;1;Skole;Barn;\n;234;;;;4;1;Pleie;Eldre;\n"
        ";120;;;;1;1;Administrasjon og styring;Alle;\n",
        encoding="utf-8",
    )
    rules = read_rules(path, a.DEFAULT, STEPS)
    compiled, parts = a.compile_rules(rules)
    return ledger, compiled, parts


def test_shared_administration_follows_the_other_costs_to_the_ore(tmp_path):
    """2023: the 100,01 kr of administration go 2 : 1 to steps 1 and 4 (the other costs are
    600 and 300 kr; the 100 kr not allocated carry no weight): 66,67 and 33,34 kr, the odd øre
    to the larger remainder. 2024 has nothing else, so its 10 kr stay on the rules' step 1."""
    ledger, rules, parts = shared_ledger(tmp_path)
    placed = a.place_shared(a.allocate(ledger, rules, parts), a.SharedCosts("pro_rata", ("120",)))
    admin = placed[placed["funksjon"] == "120"].set_index(["year", "step"])["amount_ore"]
    assert admin[(2023, 1)] == 6_667 and admin[(2023, 4)] == 3_334
    assert admin[(2024, 1)] == 1_000 and len(admin) == 3
    assert (a.reconcile(ledger, placed)["difference_ore"] == 0).all()
    shares = a.by_step(placed, pd.DataFrame({"step": [1, 4], "name": ["Én", "Fire"]}), 2023)
    assert list(shares["amount_ore"]) == [66_667, 33_334, 10_000]


def test_shared_administration_outside_the_staircase_or_as_ruled(tmp_path):
    ledger, rules, parts = shared_ledger(tmp_path)
    allocated = a.allocate(ledger, rules, parts)
    outside = a.place_shared(allocated, a.SharedCosts("outside", ("120",)))
    admin = outside[outside["funksjon"] == "120"]
    assert set(admin["step"]) == {a.NOT_ALLOCATED}
    assert list(admin["amount_ore"]) == [10_001, 1_000]
    assert set(admin["area"]) == {a.NOT_ALLOCATED_NAME}
    assert (a.reconcile(ledger, outside)["difference_ore"] == 0).all()
    ruled = a.place_shared(allocated, a.SharedCosts("as_ruled", ("120",)))
    pd.testing.assert_frame_equal(ruled, allocated)


AMOUNTS = st.integers(min_value=-(10**12), max_value=10**12)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    amounts=st.lists(AMOUNTS, min_size=1, max_size=40),
    functions=st.lists(
        st.sampled_from(["201", "253", "254", "258", "290"]), min_size=40, max_size=40
    ),
    years=st.lists(st.sampled_from([2023, 2024]), min_size=40, max_size=40),
    weights=st.lists(st.integers(min_value=1, max_value=997), min_size=3, max_size=3),
)
def test_reconciliation_is_exact_for_any_ledger(tmp_path, amounts, functions, years, weights):
    fractions = [w / sum(weights) for w in weights]
    fractions[-1] = 1 - sum(fractions[:-1])
    split = "".join(f";253;;;;{s};{f!r};P;\n" for s, f in zip((9, 11, 12), fractions, strict=True))
    rules, parts = compile_(
        tmp_path, default=";201;;;;1;1;O;\n" + split + ";254;;;2023;7;1;P;\n;258;;2024;;7;1;P;\n"
    )
    rows = [(years[i], "1", functions[i], None, amount / 100) for i, amount in enumerate(amounts)]
    lines = ledger(rows)
    lines["amount_ore"] = np.array(amounts, dtype=np.int64)
    result = a.allocate(lines, rules, parts)
    # every line's parts add up to the line, to the øre, and no part strays a whole øre from its exact share
    per_line = result.groupby("line")["amount_ore"].sum()
    assert (per_line.to_numpy() == lines["amount_ore"].to_numpy()).all()
    merged = result.merge(parts, on=["rule_id", "step"], how="left")
    exact = lines["amount_ore"].to_numpy()[merged["line"]] * merged["fraction"].fillna(1).to_numpy()
    assert (np.abs(merged["amount_ore"].to_numpy() - exact) < 1 + 1e-6).all()
    assert (a.reconcile(lines, result)["difference_ore"] == 0).all()


def three_way(fractions: tuple[str, str, str]) -> str:
    return "".join(f";253;;;;{s};{f};P;\n" for s, f in zip((9, 11, 12), fractions, strict=True))


@pytest.mark.parametrize("third", ["0,333333333", "0,3333333334", "1/3", "33,3333333333 %"])
def test_a_100_million_line_split_in_thirds_is_whole_to_the_ore(tmp_path, third):
    rules, parts = compile_(tmp_path, default=three_way((third, third, third)))
    lines = ledger(
        [(2024, "1", "253", None, 100_000_000.0), (2024, "1", "253", None, -100_000_000.0)]
    )
    result = a.allocate(lines, rules, parts)
    # 10 000 000 000 øre ÷ 3 = 3 333 333 333 1/3: one part gets the øre left over
    third = [3_333_333_334, 3_333_333_333, 3_333_333_333]
    assert list(result["amount_ore"]) == [*third, *(-part for part in third)]
    assert (a.reconcile(lines, result)["difference_ore"] == 0).all()


def test_shares_as_people_write_them(tmp_path):
    rules, parts = compile_(tmp_path, default=three_way(("50 %", "1/4", "0,25")))
    result = a.allocate(ledger([(2024, "1", "253", None, 100.0)]), rules, parts)
    assert list(result["amount_ore"]) == [5000, 2500, 2500]


@pytest.mark.parametrize(
    ("fractions", "shown"),
    [
        (("0,33333333", "0,33333333", "0,33333333"), "0,99999999"),  # :g once printed «1»
        (("33,3 %", "33,3 %", "33,3 %"), "0,999"),
        (("0,3333333337", "0,3333333337", "0,3333333337"), "1,0000000011"),
        (("1/3", "1/3", "1/7"), "om lag 0,809523809524"),
    ],
)
def test_fractions_outside_the_tolerance_are_refused_with_their_exact_sum(
    tmp_path, fractions, shown
):
    with pytest.raises(InputError) as caught:
        read_rules(rules_file(tmp_path, three_way(fractions)), a.DEFAULT, STEPS)
    assert f"andelene i regelen summerer til {shown}, ikke 1 (rad 2, 3, 4;" in str(caught.value)


def test_fractions_at_the_tolerance_edge_are_accepted(tmp_path):
    # 0,3333333336 + 0,3333333337 + 0,3333333337 = 1,000000001: exactly at the edge
    table = read_rules(
        rules_file(tmp_path, three_way(("0,3333333336", "0,3333333337", "0,3333333337"))),
        a.DEFAULT,
        STEPS,
    )
    assert table["fraction"].sum() == pytest.approx(1, abs=1e-15)


def test_a_share_that_is_not_a_share_names_the_forms_it_may_take(tmp_path):
    with pytest.raises(InputError) as caught:
        read_rules(rules_file(tmp_path, three_way(("en tredel", "1/3", "1/0"))), a.DEFAULT, STEPS)
    message = str(caught.value)
    assert (
        "rad 2, kolonne «fraction»: «en tredel» er ikke en andel (skriv 0,25, 25 % eller 1/4)"
        in message
    )
    assert "rad 4, kolonne «fraction»: «1/0» er ikke en andel" in message


EDGE_DIGITS = st.integers(min_value=9, max_value=11)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    amounts=st.lists(AMOUNTS, min_size=1, max_size=30),
    weights=st.lists(st.integers(min_value=1, max_value=997), min_size=2, max_size=5),
    digits=EDGE_DIGITS,
    nudge=st.integers(min_value=-1, max_value=1),
)
def test_splits_are_whole_for_fractions_at_the_tolerance_edge(
    tmp_path, amounts, weights, digits, nudge
):
    from decimal import ROUND_DOWN, Decimal

    # each weight's share cut to `digits` decimals, the last one nudged up to 1e-9 off 1
    unit = Decimal(1).scaleb(-digits)
    cut = [(Decimal(w) / Decimal(sum(weights))).quantize(unit, ROUND_DOWN) for w in weights]
    cut[-1] = Decimal(1) - sum(cut[:-1]) + nudge * Decimal("1e-9")
    assert abs(sum(cut) - 1) <= Decimal("1e-9")
    rule = "".join(
        f";253;;;;{s};{str(f).replace('.', ',')};P;\n"
        for s, f in zip(range(1, 13), cut, strict=False)
    )
    rules, parts = compile_(tmp_path, default=rule)
    lines = ledger([(2024, "1", "253", None, 0.0) for _ in amounts])
    lines["amount_ore"] = np.array(amounts, dtype=np.int64)
    result = a.allocate(lines, rules, parts)
    per_line = result.groupby("line")["amount_ore"].sum()
    assert (per_line.to_numpy() == lines["amount_ore"].to_numpy()).all()
    # each part within one øre of its exact share of the line (the rule's fractions over their sum)
    total = sum(Fraction(f) for f in cut)
    shares = [Fraction(f) / total for f in cut]
    for row in result.itertuples():
        exact = amounts[row.line] * shares[row.step - 1]
        assert abs(row.amount_ore - exact) < 1


def test_a_wide_table_leaves_out_the_steps_without_cost_and_says_which():
    from workbench.analyses.allocation.report import without_empty_steps

    table = pd.DataFrame(
        {"Tjenesteområde": ["Helse", "Sosial"], "Trinn 1": [0.0, 0.0], "Trinn 2": [5.0, 0.0]}
    )
    shown, note = without_empty_steps(table, "Tjenesteområde")
    assert list(shown.columns) == ["Tjenesteområde", "Trinn 2"]
    assert note == "; uten kostnad, ikke vist: Trinn 1"
    assert without_empty_steps(shown, "Tjenesteområde")[1] == ""


def test_without_school_shows_the_share_of_the_whole_ledger_first(tmp_path):
    """As in the Færder presentation, where trinn 1 without school is «140 mill. / 6,7 %» of
    the whole ledger: 600 kr school and 140 kr other on step 1, 260 kr on step 4. Without
    school, step 1 is 140 of 1 000 kr (14 %) of everything, 140 of 400 kr (35 %) of the rest."""
    from workbench.analyses.allocation.report import without_school_frame

    rules, parts = compile_(tmp_path, default=";202;;;;1;1;O;\n;233;;;;1;1;H;\n;254;;;;4;1;P;\n")
    lines = ledger(
        [
            (2024, "1", "202", None, 600.0),
            (2024, "1", "233", None, 140.0),
            (2024, "1", "254", None, 260.0),
        ]
    )
    steps = pd.DataFrame({"step": [1, 4], "name": ["Trinn 1", "Trinn 4"]})
    allocated = a.allocate(lines, rules, parts)
    full = a.by_step(allocated, steps, 2024)
    without = a.by_step(allocated, steps, 2024, exclude_functions=("202",))
    table, formats = without_school_frame(without, int(full["amount_ore"].sum()))
    assert list(table.columns[2:5]) == [
        "Kostnad (kr)",
        "Andel av hele regnskapet",
        "Andel uten barnehage, skole og SFO",
    ]
    rows = table.set_index("Trinn")
    assert rows.loc["1", "Andel av hele regnskapet"] == pytest.approx(0.14)
    assert rows.loc["1", "Andel uten barnehage, skole og SFO"] == pytest.approx(0.35)
    assert rows.loc["4", "Andel av hele regnskapet"] == pytest.approx(0.26)
    assert rows.loc["4", "Andel uten barnehage, skole og SFO"] == pytest.approx(0.65)
    assert formats["Andel av hele regnskapet"] == "percent"


def test_the_default_rules_place_every_kostra_function_or_say_why_not(repo):
    """One 1 000 kr line per KOSTRA function and year it is valid (2020–2025), allocated with
    the default rules alone: the only lines left in «Ikke fordelt» are the functions the
    reference list keeps off the staircase on purpose, each with its reason."""
    from workbench import reference

    default = read_rules(repo.data_dir / "reference/standardregler.csv", a.DEFAULT, STEPS)
    rules, parts = a.compile_rules(default)
    functions = reference.kostra_functions(repo.data_dir)
    outside = reference.outside_staircase(repo.data_dir)
    rows = []
    for f in functions.itertuples():
        first = 2020 if pd.isna(f.valid_from) else max(2020, int(f.valid_from))
        last = 2025 if pd.isna(f.valid_to) else min(2025, int(f.valid_to))
        rows += [(year, "1", f.function, None, 1000.0) for year in range(first, last + 1)]
    result = a.allocate(ledger(rows), rules, parts)
    left = result[result["step"] == a.NOT_ALLOCATED]
    assert sorted(set(left["funksjon"])) == sorted(outside)
    assert all(len(reason) > 20 for reason in outside.values())
    # what is placed is placed whole: every line's parts add up to its 1 000 kr
    placed = result[result["step"] != a.NOT_ALLOCATED].groupby("line")["amount_ore"].sum()
    assert (placed == 100_000).all()
    # and administration and culture are among the functions with a step
    assert {"120", "370", "383"} <= set(result.loc[result["step"] == 1, "funksjon"])


def test_unallocated_lines_say_why(repo):
    from workbench import reference
    from workbench.analyses.allocation.report import NO_RULE, unallocated_frame

    result = pd.DataFrame(
        {
            "year": [2024, 2024],
            "step": [a.NOT_ALLOCATED, a.NOT_ALLOCATED],
            "ansvar": ["1", "2"],
            "ansvar_name": ["Sentralt", "Annet"],
            "funksjon": ["800", "999"],
            "line": [0, 1],
            "amount_ore": [-100_00, 5_00],
        }
    )
    table, _ = unallocated_frame(result, 2024, reference.outside_staircase(repo.data_dir))
    why = dict(zip(table["Funksjon"], table["Hvorfor"], strict=True))
    assert why["800"].startswith("Skatt på inntekt og formue") and why["999"] == NO_RULE


def test_reconciliation_with_every_line_placed_for_many_municipalities():
    """Grouped by a categorical key with more than 127 values (the fleet's 357
    municipalities) and nothing left unallocated, the reconciliation still adds up."""
    names = [f"K{i:03d}" for i in range(200)]
    ledger_ = pd.DataFrame(
        {
            "municipality": pd.Categorical(names, categories=names),
            "year": 2024,
            "amount_ore": np.arange(200, dtype=np.int64) * 100,
        }
    )
    parts = ledger_.assign(step=4)
    table = a.reconcile(ledger_, parts, by=["municipality", "year"])
    assert len(table) == 200
    assert (table["allocated_ore"] == table["ledger_ore"]).all()
    assert (table["not_allocated_ore"] == 0).all() and (table["difference_ore"] == 0).all()


def test_cost_per_target_group_and_step(tmp_path):
    """300 kr to «Eldre» on step 4, 700 kr to «Barn» on step 1, 50 kr by a rule without a
    target group on step 1, 5 kr no rule matched."""
    rules, parts = compile_(
        tmp_path, default=";234;;;;4;1;P;Eldre\n;201;;;;1;1;O;Barn\n;233;;;;1;1;H;\n"
    )
    lines = ledger(
        [
            (2024, "1", "234", None, 300.0),
            (2024, "1", "201", None, 700.0),
            (2024, "1", "233", None, 50.0),
            (2024, "1", "999", None, 5.0),
        ]
    )
    table = a.by_target_group(a.allocate(lines, rules, parts), 2024).set_index("target_group")
    assert table.loc["Eldre", 4] == 300 and table.loc["Eldre", 1] == 0
    assert table.loc["Barn", 1] == 700
    assert table.loc[a.NO_TARGET_GROUP, 1] == 50
    assert table.loc[a.NOT_ALLOCATED_NAME, a.NOT_ALLOCATED] == 5
    assert table.to_numpy().sum() == 1055


def test_services_per_step_and_the_gaps_in_the_staircase():
    """Gaps are found from money and recipients, not from how many services a list names:
    step 2 has recipients 0, step 3 costs nothing, step 4 lists no service but has a cost and
    recipients, and step 5's cost is unknown; steps 2 and 3 are the gaps."""
    from workbench.analyses.allocation.report import gap_sentence

    services = pd.DataFrame(
        {
            "step": [1, 1, 1, 2],
            "category": ["Møteplasser", "Møteplasser", "Digitalt", "Råd"],
            "service": ["Bibliotek", "Kulturhus", "Nettside", "Frisklivssentral"],
        }
    )
    steps = pd.DataFrame({"step": [1, 2, 3, 4, 5], "name": ["Én", "To", "Tre", "Fire", "Fem"]})
    costs = pd.DataFrame(
        {
            "step": [1, 2, 3, 4],
            "amount": [5e6, 2e6, 0.0, 1e6],
            "recipients": [np.nan, 0, 10, 40],
        }
    )
    table = a.services_per_step(services, steps, costs).set_index("step")
    assert list(table["count"]) == [3, 1, 0, 0, 0]
    assert table.loc[1, "categories"] == "Møteplasser, Digitalt"
    assert table.loc[1, "services"] == "Bibliotek; Kulturhus; Nettside"
    assert list(table["gap"]) == [False, True, True, False, False]
    assert table.loc[2, "amount"] == 2e6 and np.isnan(table.loc[5, "amount"])
    assert gap_sentence(table.reset_index()) == (
        "Hull i trappa, trinn uten kostnad eller uten mottakere: trinn 2 To (ingen mottakere)"
        " og trinn 3 Tre (ingen kostnad)."
    )
    none = a.services_per_step(services, steps, None)
    assert not none["gap"].any()
    assert gap_sentence(none) == "Ingen trinn står uten kostnad eller uten mottakere."


def test_the_faerder_services_cover_every_step(repo):
    services = read_services(repo.data_dir / "reference/tjenester-per-trinn.csv", STEPS)
    counts = services.groupby("step").size()
    assert set(counts.index) == STEPS
    # the presentation's step 8 (samlokaliserte boliger uten personalbase) lists three
    # headings: råd og veiledning (3), boliger (3) and virkemidler (1); step 12 lists boliger
    # (2), spesialiserte institusjonsplasser (3) and digitale løsninger (2)
    assert counts[8] == 7 and counts[12] == 7


FAERDER_PRESENTATION = REPO.parent / "shared/seeds/002_327f78a4d4466792.txt"


def words(text: str) -> list[str]:
    return re.findall(r"[0-9a-zæøåé]+", text.lower())


def test_every_faerder_service_is_whole_text_from_the_presentation(repo):
    """Each listed service is a run of the presentation's own words (punctuation aside), with a
    bullet that the text extraction broke over two lines joined again: none ends in a dangling
    «og», «nedsatt» or dash, and no heading the extraction made from a bullet's second line
    («### barnevernstiltak», in small letters) is a group of its own."""
    source = FAERDER_PRESENTATION.read_text(encoding="utf-8")
    body = " ".join(words(re.sub(r"(?m)^\s*(#+|-)\s*", " ", source)))
    services = read_services(repo.data_dir / "reference/tjenester-per-trinn.csv", STEPS)
    for service in services["service"]:
        assert " ".join(words(service)) in body, service
        assert not re.search(r"(\bog|\bnedsatt|[-–])$", service.strip()), service
    small_headings = {
        h.strip("* ").lower()
        for h in re.findall(r"(?m)^#+ (.+)$", source)
        if h.strip("* ")[:1].islower()
    }
    assert "barnevernstiltak" in small_headings
    assert not small_headings & set(services["category"].str.lower())
    # the two bullets the extraction broke, joined again, each once
    joined = services.set_index("service")["step"]
    assert joined["Ergo: kurs og info om hverdagsmestring og tilrettelegging av bolig"] == 2
    assert joined["Hybel med oppfølging til ungdom – barnevernstiltak"] == 5


def test_a_service_on_a_step_that_does_not_exist_names_the_row(tmp_path):
    path = tmp_path / "tjenester.csv"
    path.write_text("step;category;service\n1;Råd;Frisklivssentral\n13;Råd;Noe\n", encoding="utf-8")
    with pytest.raises(InputError, match="rad 3.*trinn 13 finnes ikke"):
        read_services(path, STEPS)


def test_target_shares_are_read_as_people_type_them_and_must_sum_to_one(tmp_path):
    path = tmp_path / "mal.csv"
    path.write_text("year;step;share\n2026;1;60 %\n2026;4;0,4\n2030;1;1/2\n2030;4;50 %\n")
    table = read_target_profile(path, STEPS)
    assert list(table["share"]) == [0.6, 0.4, 0.5, 0.5]
    path.write_text("year;step;share\n2026;1;60 %\n2026;4;30 %\n2026;13;10 %\n")
    with pytest.raises(InputError) as caught:
        read_target_profile(path, STEPS)
    text = str(caught.value)
    assert "rad 4" in text and "13" in text
    assert "summerer" not in text  # 60 + 30 + 10 % is whole


def test_target_shares_that_do_not_sum_to_one_name_the_year_and_the_sum(tmp_path):
    path = tmp_path / "mal.csv"
    path.write_text("year;step;share\n2026;1;60 %\n2026;4;30 %\n")
    with pytest.raises(InputError, match="andelene for 2026 summerer til 0,9000, ikke 1"):
        read_target_profile(path, STEPS)


def test_kroner_to_move_to_reach_the_target_profile():
    """Today 600 on step 1, 300 on step 4, 100 on step 11 (total 1 000). Target 2030: 50 %,
    40 %, 10 %: move −100 from step 1 and +100 to step 4; step 11 stays."""
    current = pd.DataFrame({"step": [1, 4, 11], "name": ["E", "F", "L"], "amount": [600, 300, 100]})
    targets = pd.DataFrame({"year": [2030] * 3, "step": [1, 4, 11], "share": [0.5, 0.4, 0.1]})
    gap = a.target_gap(current, 1000.0, targets).set_index("step")
    assert list(gap["share"]) == [0.6, 0.3, 0.1]
    assert list(gap["move_2030"]) == pytest.approx([-100, 100, 0])
    assert gap["move_2030"].sum() == pytest.approx(0)


def test_shares_per_step_over_the_ledger_years(tmp_path):
    rules, parts = compile_(tmp_path, default=";234;;;;4;1;P;\n;201;;;;1;1;O;\n")
    lines = ledger(
        [
            (2023, "1", "234", None, 100.0),
            (2023, "1", "201", None, 300.0),
            (2024, "1", "234", None, 300.0),
            (2024, "1", "201", None, 300.0),
            (2024, "1", "999", None, 50.0),  # not allocated: not in the shares
        ]
    )
    steps = pd.DataFrame({"step": [1, 4], "name": ["E", "F"]})
    shares = a.shares_over_years(a.allocate(lines, rules, parts), steps).set_index("step")
    assert shares.loc[1, 2023] == 0.75 and shares.loc[4, 2023] == 0.25
    assert shares.loc[1, 2024] == 0.5 and shares.loc[4, 2024] == 0.5


def test_the_default_rules_put_special_education_in_202_on_step_4(repo):
    """1 000 000 kr of grunnskole (202): 18 % (teachers' hours on special education nationally,
    Utdanningsspeilet 2014) on step 4, the rest on step 1; without school both parts go."""
    default = read_rules(repo.data_dir / "reference/standardregler.csv", a.DEFAULT, STEPS)
    rules, parts = a.compile_rules(default)
    lines = ledger([(2024, "1", "202", None, 1_000_000.0), (2024, "1", "233", None, 10.0)])
    allocated = a.allocate(lines, rules, parts)
    school = allocated[allocated["funksjon"] == "202"].set_index("step")["amount_ore"]
    assert school.to_dict() == {1: 82_000_000, 4: 18_000_000}
    steps = pd.DataFrame({"step": list(range(1, 13)), "name": ""})
    without = a.by_step(allocated, steps, 2024, exclude_functions=("202",)).set_index("step")
    assert without.loc[4, "amount_ore"] == 0 and without["amount_ore"].sum() == 1_000
