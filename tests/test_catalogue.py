import pytest

from workbench.catalogue import merge, read_catalogue, service_label
from workbench.errors import InputError

HEADER = "service_id;step;category;service;unit;unit_price;staff_hours_per_unit;user_payment_per_unit;ambulatory;price_version;source\n"


def test_national_catalogue_holds_the_seed_prices(national):
    # unit prices as the seed's calculator table (version 23-11) prints them
    seed = {
        "dagaktivitet-bf10": 500,
        "dagaktivitet-bf03": 219,
        "stottekontakt-bf01": 61,
        "praktisk-bistand-opplaering-natt": 1080,
        "digitalt-tilsyn": 212,
        "helsetjenester-ambulerende-dag": 799,
    }
    for service, price in seed.items():
        assert national.loc[service, "unit_price"] == price, service
    assert set(national["price_version"]) == {"23-11"}
    assert national["step"].between(4, 7).all()


def test_unknown_hours_stay_unknown(national):
    assert national["staff_hours_per_unit"].isna()["trygghetsalarm"]
    assert national.loc["dagaktivitet-bf03", "staff_hours_per_unit"] == pytest.approx(
        0.3 / 0.95, rel=1e-5
    )


def test_override_replaces_and_adds(tmp_path, national):
    path = tmp_path / "lokal.csv"
    path.write_text(
        HEADER
        + "dagaktivitet-bf03;4;Dagaktivitetstilbud;Bemanningsfaktor 0,3;time;230;0,3;;nei;lokal;test\n"
        + "sykehjem;11;Sykehjem;Per døgn;døgn;4 100;7,5;600;nei;lokal;test\n",
        encoding="utf-8",
    )
    merged = merge(national, read_catalogue(path, "lokal.csv"))
    assert len(merged) == len(national) + 1
    assert merged.loc["dagaktivitet-bf03", "unit_price"] == 230
    assert merged.loc["dagaktivitet-bf03", "origin"] == "lokal.csv"
    assert merged.loc["sykehjem", "user_payment_per_unit"] == 600
    assert merged.index[-1] == "sykehjem"
    assert national.loc["dagaktivitet-bf03", "unit_price"] == 219  # the national table is untouched


def test_bad_rows_are_named(tmp_path):
    path = tmp_path / "feil.csv"
    path.write_text(
        HEADER
        + "a;4;K;S;time;10;1;;nei;v;test\n"
        + "a;4;K;S;timer;10;1;;nei;v;test\n"
        + "b;13;K;S;uke;-5;1;;nei;v;test\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        read_catalogue(path, "feil.csv")
    message = str(caught.value)
    assert "rad 3, kolonne «service_id»: tjenesten «a» står to ganger (også på rad 2)" in message
    assert "rad 3, kolonne «unit»: ukjent enhet «timer»" in message
    assert "rad 4, kolonne «step»: trinn 13 finnes ikke" in message
    assert "rad 4, kolonne «unit_price»: kan ikke være negativ" in message


def test_service_label(national):
    label = service_label(national.loc["dagaktivitet-bf03"])
    assert label == "Trinn 4 · Dagaktivitetstilbud · Bemanningsfaktor 0,3 (219\u00a0kr/time)"
