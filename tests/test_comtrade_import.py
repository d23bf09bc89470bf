"""kzaf import comtrade: Comtrade CSV exports become observations; bad rows are named by line."""

import gzip
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from kzaf import comtrade, data
from kzaf.paths import PROJECT_ROOT

FIXTURE_DIR = PROJECT_ROOT / "tests" / "fixtures" / "comtrade"
FIXTURE = FIXTURE_DIR / "comtrade_KAZ_AFG_monthly_2019-2024_SYNTHETIC.csv"
HEADER = (
    "freqCode,refYear,refMonth,period,reporterCode,partnerCode,flowCode,cmdCode,"
    "primaryValue,netWgt,isNetWgtEstimated,motCode"
)


def _row(period="202301", reporter="398", partner="4", flow="X", cmd="TOTAL", value="1000000",
         weight="", estimated="False", freq=None, mot="0"):  # fmt: skip
    freq = freq or ("A" if len(period) == 4 else "M")
    year, month = period[:4], (period[4:] or "52").lstrip("0")
    cells = [freq, year, month, period, reporter, partner, flow, cmd, value, weight, estimated]
    return ",".join([*cells, mot])


def _write(tmp_path: Path, rows, header=HEADER, name="export.csv") -> Path:
    path = tmp_path / name
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _import(path: Path, tmp_path: Path, **kwargs):
    return comtrade.import_file(path, tmp_path / "imported", **kwargs)


def _load(tmp_path: Path):
    return comtrade.load_imported(tmp_path / "imported")


def _failure(path: Path, tmp_path: Path, **kwargs) -> str:
    with pytest.raises(comtrade.ComtradeImportError) as caught:
        _import(path, tmp_path, **kwargs)
    assert not list((tmp_path / "imported").glob("*.parquet")), "a failed import left output"
    return str(caught.value)


# --- the synthetic fixture -------------------------------------------------------------------


def test_fixture_is_regenerated_byte_for_byte(tmp_path):
    spec = importlib.util.spec_from_file_location("make_fixture", FIXTURE_DIR / "make_fixture.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    regenerated = module.main(tmp_path / FIXTURE.name)
    assert regenerated.read_bytes() == FIXTURE.read_bytes()
    assert "SYNTHETIC" in FIXTURE.name
    assert "SYNTHETIC" in (FIXTURE_DIR / "README.md").read_text(encoding="utf-8")


def test_fixture_import_has_the_model_columns_dtypes_and_a_synthetic_source(tmp_path):
    summary = _import(FIXTURE, tmp_path)
    assert summary.synthetic and summary.rows_read == summary.rows_imported == 552
    imported = _load(tmp_path)
    observations, sources = imported  # unpacks like a plain pair
    published = data.load()
    assert list(observations.columns) == list(published.observations.columns)
    assert observations.dtypes.to_dict() == published.observations.dtypes.to_dict()
    assert list(sources.columns) == list(published.sources.columns)
    assert sources.dtypes.to_dict() == published.sources.dtypes.to_dict()
    assert imported.synthetic is True
    assert sources["title"].iloc[0].startswith("SYNTHETIC TEST FIXTURE")
    assert sources["kind"].iloc[0] == "international_database"
    assert set(observations["source_id"]) == set(sources["source_id"])
    assert observations["obs_id"].is_unique
    assert set(observations["reporter"]) == {"KAZ", "AFG"}
    assert set(observations["commodity"]) == {"TOTAL", "1001", "1101", "8602"}
    assert (observations["precision"] == "exact").all()
    assert (observations["basis"] == "calendar").all()
    # Monthly figures: one month each, from 2019-01 to 2024-12.
    assert (observations["period_start"] == observations["period_end"]).all()
    assert str(observations["period_start"].min()) == "2019-01"
    assert str(observations["period_end"].max()) == "2024-12"
    meta = comtrade.import_metadata(tmp_path / "imported")[0]
    assert meta["synthetic"] is True
    assert meta["inputs"][0]["sha256"] == _sha256(FIXTURE)
    # The published tables and the import combine into one set of figures.
    figures = pd.concat([published.observations, observations], ignore_index=True)
    assert figures["obs_id"].is_unique


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_real_looking_name_is_not_synthetic_unless_told(tmp_path):
    path = _write(tmp_path, [_row()], name="kaz-afg.csv")
    _import(path, tmp_path)
    imported = _load(tmp_path)
    assert imported.synthetic is False
    assert imported.sources["title"].iloc[0] == "UN Comtrade database extract (kaz-afg.csv)"
    assert imported.sources["url"].iloc[0] == "https://comtradeplus.un.org/"
    _import(path, tmp_path / "other", synthetic=True)
    assert comtrade.load_imported(tmp_path / "other" / "imported").synthetic is True


# --- mapping ----------------------------------------------------------------------------------


def test_hs_codes_keep_their_leading_zeros(tmp_path):
    rows = [_row(cmd=c) for c in ("0101", "010121", "02", "TOTAL")]
    _import(_write(tmp_path, rows), tmp_path)
    assert sorted(_load(tmp_path).observations["commodity"]) == ["0101", "010121", "02", "TOTAL"]


def test_a_code_that_lost_its_leading_zero_is_reported_with_its_line(tmp_path):
    message = _failure(_write(tmp_path, [_row(cmd="0101"), _row(cmd="101")]), tmp_path)
    assert "line 3: column cmdCode: '101'" in message
    assert "lost leading zero" in message


def test_flows_map_to_import_and_export_and_sub_flows_are_left_out_and_counted(tmp_path):
    rows = [_row(flow="M"), _row(flow="X"), _row(flow="RX"), _row(flow="RM"), _row(flow="RX",
            period="202302")]  # fmt: skip
    summary = _import(_write(tmp_path, rows), tmp_path)
    assert summary.sub_flows == {"RX": 2, "RM": 1}
    assert any("re-exports and re-imports" in line for line in summary.lines())
    observations = _load(tmp_path).observations
    assert sorted(observations["flow"]) == ["export", "import"]


def test_an_unknown_flow_is_an_error(tmp_path):
    message = _failure(_write(tmp_path, [_row(), _row(flow="Q")]), tmp_path)
    assert "line 3: column flowCode: unknown flow 'Q'" in message


def test_value_in_usd_million_and_net_weight_in_thousand_tonnes(tmp_path):
    rows = [
        _row(cmd="1101", value="1234567.0", weight="2500000"),
        _row(cmd="1001", value="5000000", weight=""),  # no weight: no quantity figure
        _row(cmd="8602", value="7000000", weight="0"),  # zero weight beside a value: suspect
        _row(cmd="1512", value="2e6", weight="1000000", estimated="True"),
    ]
    _import(_write(tmp_path, rows), tmp_path)
    obs = _load(tmp_path).observations.set_index(["commodity", "measure"])
    assert obs.loc[("1101", "value"), "value"] == pytest.approx(1.234567)
    assert obs.loc[("1101", "value"), "unit"] == "USD million"
    assert obs.loc[("1101", "quantity"), "value"] == pytest.approx(2.5)
    assert obs.loc[("1101", "quantity"), "unit"] == "thousand tonnes"
    assert ("1001", "quantity") not in obs.index
    assert obs.loc[("8602", "quantity"), "suspect"]
    assert not obs.loc[("8602", "value"), "suspect"]
    assert obs.loc[("1512", "value"), "value"] == pytest.approx(2.0)
    assert "estimated" in obs.loc[("1512", "quantity"), "note"]


def test_countries_map_to_iso3_through_the_countries_table(tmp_path):
    rows = [_row(reporter="398", partner="0"), _row(reporter="699", partner="842")]
    _import(_write(tmp_path, rows), tmp_path)
    obs = _load(tmp_path).observations
    assert set(zip(obs["reporter"], obs["partner"], strict=True)) == {("KAZ", "WLD"),
                                                                      ("IND", "USA")}  # fmt: skip


def test_an_unknown_country_code_names_the_code_and_the_line(tmp_path):
    message = _failure(_write(tmp_path, [_row(), _row(), _row(partner="999")]), tmp_path)
    assert "line 4: column partnerCode: unknown UN Comtrade code '999'" in message
    assert "data/countries.csv" in message
    assert "unknown codes in partnerCode: '999' (1 rows)" in message


def test_an_m49_code_is_not_read_as_a_comtrade_code(tmp_path):
    # India is 356 in M49 but 699 in Comtrade; 356 in a Comtrade file is not silently India.
    message = _failure(_write(tmp_path, [_row(reporter="356")]), tmp_path)
    assert "unknown UN Comtrade code '356'" in message


def test_annual_periods_cover_the_year(tmp_path):
    _import(_write(tmp_path, [_row(period="2023")]), tmp_path)
    obs = _load(tmp_path).observations
    assert str(obs["period_start"].iloc[0]) == "2023-01"
    assert str(obs["period_end"].iloc[0]) == "2023-12"
    assert obs["obs_id"].iloc[0] == "CT-KAZ-AFG-X-TOTAL-2023-V"


def test_periods_from_ref_year_and_month_when_there_is_no_period_column(tmp_path):
    header = "refYear,refMonth,reporterCode,partnerCode,flowCode,cmdCode,primaryValue"
    rows = ["2022,7,398,4,X,TOTAL,1e6", "2022,52,398,4,X,TOTAL,2e6"]
    _import(_write(tmp_path, rows, header=header), tmp_path)
    obs = _load(tmp_path).observations.sort_values("value")
    assert [str(p) for p in obs["period_start"]] == ["2022-07", "2022-01"]
    assert [str(p) for p in obs["period_end"]] == ["2022-07", "2022-12"]


def test_a_frequency_that_does_not_fit_the_period_is_reported(tmp_path):
    message = _failure(_write(tmp_path, [_row(period="202301", freq="A")]), tmp_path)
    assert "line 2: column freqCode: 'A' does not fit the period '202301'" in message


def test_breakdown_rows_are_left_out_so_totals_are_not_doubled(tmp_path):
    rows = [_row(mot="0"), _row(mot="2100"), _row(mot="9000")]
    summary = _import(_write(tmp_path, rows), tmp_path)
    assert summary.breakdown_rows == 2
    assert len(_load(tmp_path).observations) == 1


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12,5x", None),  # a comma splits the row: reported as a malformed row
        ("12.5x", "line 3: column primaryValue: '12.5x' is not a number"),
        ("", "line 3: column primaryValue is empty: a missing value is not zero trade"),
        ("-4", "line 3: column primaryValue: negative value -4"),
    ],
)
def test_a_bad_number_is_reported_by_line(tmp_path, value, expected):
    message = _failure(_write(tmp_path, [_row(), _row(value=value), _row()]), tmp_path)
    if expected is None:
        expected = "line 3: 13 cells where the header has 12"
    assert expected in message


def test_a_missing_required_column_is_named(tmp_path):
    header = HEADER.replace(",primaryValue", "")
    path = _write(tmp_path, ["M,2023,1,202301,398,4,X,TOTAL,,False,0"], header=header)
    with pytest.raises(comtrade.ComtradeFormatError, match=r"required column.*primaryValue"):
        _import(path, tmp_path)
    header = "reporterCode,partnerCode,flowCode,cmdCode,primaryValue,refYear"
    path = _write(tmp_path, ["398,4,X,TOTAL,1,2023"], header=header)
    with pytest.raises(comtrade.ComtradeFormatError, match=r"period \(or refMonth\)"):
        _import(path, tmp_path)


def test_extra_columns_are_tolerated(tmp_path):
    header = "reporterDesc," + HEADER + ",somethingNew"
    rows = ['"Kazakhstan, Republic of",' + _row() + ",x"]
    _import(_write(tmp_path, rows, header=header), tmp_path)
    assert len(_load(tmp_path).observations) == 1


def test_line_numbers_stay_right_after_blank_and_malformed_lines_and_across_blocks(tmp_path):
    rows = [_row(period=f"{2000 + i // 12}{i % 12 + 1:02d}") for i in range(300)]
    rows[10] = ""  # line 12: blank
    rows[20] = "398,4"  # line 22: malformed
    rows[250] = _row(period="205001", value="abc")  # line 252
    message = _failure(_write(tmp_path, rows), tmp_path, block_bytes=2048)
    assert "line 22: 2 cells where the header has 12" in message
    assert "line 252: column primaryValue: 'abc' is not a number" in message
    assert "line 12" not in message  # a blank line is not a problem


def test_duplicate_rows_are_reported_with_both_lines(tmp_path):
    rows = [_row(), _row(cmd="1001"), _row(cmd="1001"), _row()]
    message = _failure(_write(tmp_path, rows), tmp_path)
    assert "line 4: same reporter, partner, flow, commodity and period as line 3" in message
    assert "line 5: same reporter, partner, flow, commodity and period as line 2" in message


def test_problems_are_capped_and_every_kind_counted(tmp_path):
    rows = [_row(period=f"20{i:02d}01", value="x") for i in range(60)] + [_row(reporter="7")]
    message = _failure(_write(tmp_path, rows), tmp_path, max_problems=5)
    assert "61 problem(s); nothing was imported" in message
    assert "primaryValue-not-a-number: 60" in message
    assert "unknown-reporterCode: 1" in message
    assert message.count("\n  - ") == 5
    assert "... and 56 more" in message
    assert "line 2: column primaryValue: 'x' is not a number" in message


def test_a_file_with_nothing_to_import_says_so(tmp_path):
    path = _write(tmp_path, [_row(flow="RX")])
    with pytest.raises(comtrade.ComtradeFormatError, match="not zero trade"):
        _import(path, tmp_path)


def test_tab_separated_gzipped_exports_are_read(tmp_path):
    text = HEADER.replace(",", "\t") + "\n" + _row(cmd="0101").replace(",", "\t") + "\n"
    path = tmp_path / "bulk.txt.gz"
    path.write_bytes(gzip.compress(text.encode()))
    summary = _import(path, tmp_path)
    assert summary.name == "bulk"
    assert list(_load(tmp_path).observations["commodity"]) == ["0101"]
    meta = comtrade.import_metadata(tmp_path / "imported")[0]
    assert meta["inputs"][0]["sha256"] == _sha256(path)  # the file as stored


# --- the derived folder -----------------------------------------------------------------------


def test_load_imported_says_what_to_run_when_nothing_was_imported(tmp_path):
    with pytest.raises(FileNotFoundError, match="run `kzaf import comtrade FILE`"):
        comtrade.load_imported(tmp_path)


def test_an_edited_import_is_refused(tmp_path):
    _import(_write(tmp_path, [_row()]), tmp_path)
    parquet = next((tmp_path / "imported").glob("*.parquet"))
    parquet.write_bytes(parquet.read_bytes() + b"edited")
    with pytest.raises(ValueError, match="changed after it was imported"):
        _load(tmp_path)


def test_an_import_is_rebuilt_only_when_asked(tmp_path):
    path = _write(tmp_path, [_row()])
    _import(path, tmp_path)
    with pytest.raises(comtrade.ComtradeFormatError, match="already exists"):
        _import(path, tmp_path)
    path.write_text(HEADER + "\n" + _row(value="5e6") + "\n", encoding="utf-8")
    _import(path, tmp_path, replace=True)
    assert _load(tmp_path).observations["value"].tolist() == [5.0]


def test_two_imports_holding_the_same_figure_are_not_combined_silently(tmp_path):
    _import(_write(tmp_path, [_row()], name="a.csv"), tmp_path)
    _import(_write(tmp_path, [_row()], name="b.csv"), tmp_path)
    with pytest.raises(ValueError, match="more than one import"):
        _load(tmp_path)
    only = comtrade.load_imported(tmp_path / "imported", names=["b"])
    assert list(only.sources["source_id"]) == ["un-comtrade-b"]


def test_kzaf_import_comtrade_command(tmp_path):
    out = tmp_path / "imported"
    command = [sys.executable, "-m", "kzaf.cli", "import", "comtrade"]
    result = subprocess.run([*command, str(FIXTURE), "--out-dir", str(out)],
                            capture_output=True, text=True, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "imported 552 of 552 rows" in result.stdout
    assert "SYNTHETIC" in result.stdout
    meta = json.loads(next(out.glob("*.json")).read_text(encoding="utf-8"))
    assert meta["output"]["rows"] == len(comtrade.load_imported(out).observations)
    bad = _write(tmp_path, [_row(reporter="12345")])
    result = subprocess.run([*command, str(bad), "--out-dir", str(out)],
                            capture_output=True, text=True, check=False)  # fmt: skip
    assert result.returncode == 2  # a bad file is bad input: nothing imported
    assert "line 2: column reporterCode: unknown UN Comtrade code '12345'" in result.stderr


def test_the_text_reading_path_gives_the_same_observations(tmp_path, monkeypatch):
    # Numbers and periods are parsed while reading; when that fails the file is read again as
    # text. Forcing the text path on the fixture must give exactly the same figures.
    from kzaf.comtrade import reading

    _import(FIXTURE, tmp_path / "typed")
    monkeypatch.setattr(reading, "TYPED", {})
    _import(FIXTURE, tmp_path / "text")
    typed = comtrade.load_imported(tmp_path / "typed" / "imported").observations
    text = comtrade.load_imported(tmp_path / "text" / "imported").observations
    pd.testing.assert_frame_equal(typed, text)


def test_a_malformed_last_line_is_found_whichever_way_the_file_is_read(tmp_path):
    rows = [_row(period=f"{2000 + i // 12}{i % 12 + 1:02d}") for i in range(300)]
    rows.append("398,4,X")  # line 302
    message = _failure(_write(tmp_path, rows), tmp_path, block_bytes=2048)
    assert "line 302: 3 cells where the header has 12" in message


def test_load_imported_filters_before_building_the_frame(tmp_path):
    _import(FIXTURE, tmp_path)
    locomotives = comtrade.load_imported(tmp_path / "imported", reporters=["KAZ"],
                                         commodities=["8602"]).observations  # fmt: skip
    assert set(locomotives["reporter"]) == {"KAZ"}
    assert set(locomotives["commodity"]) == {"8602"}
    assert len(locomotives) == 8  # four made-up shipments, each with a value and a weight
    assert str(locomotives["period_start"].dtype) == "period[M]"


def test_yearly_totals_sum_complete_years_only_and_label_them_derived(tmp_path):
    _import(FIXTURE, tmp_path)
    observations = _load(tmp_path).observations
    years = comtrade.yearly_totals(observations)
    assert years.dtypes.to_dict() == observations.dtypes.to_dict()
    assert years["obs_id"].is_unique
    assert years["note"].str.startswith("derived by kzaf").all()
    value = years.set_index(["reporter", "flow", "commodity", "measure", "obs_id"])["value"]
    months = observations[(observations["reporter"] == "KAZ") & (observations["flow"] == "export")
                          & (observations["commodity"] == "TOTAL")]  # fmt: skip
    in_2022 = months[[p.year == 2022 for p in months["period_start"]]]
    assert len(in_2022) == 12
    exported = value.loc[("KAZ", "export", "TOTAL", "value", "CT-KAZ-AFG-X-TOTAL-V-Y2022")]
    assert exported == pytest.approx(in_2022["value"].sum())
    imported = value.loc[("KAZ", "import", "TOTAL", "value", "CT-KAZ-AFG-M-TOTAL-V-Y2022")]
    turnover = value.loc[("KAZ", "turnover", "TOTAL", "value", "CT-KAZ-AFG-T-TOTAL-V-Y2022")]
    assert turnover == pytest.approx(exported + imported)
    # Afghanistan's reports miss 2021-08 to 2022-03: no 2021 or 2022 total from its side.
    afghan = years[years["reporter"] == "AFG"]
    assert {p.year for p in afghan["period_start"]} == {2019, 2020, 2023, 2024}
    whole = years[years["flow"] == "turnover"]
    assert {str(p)[5:] for p in whole["period_start"]} == {"01"}
    assert {str(p)[5:] for p in whole["period_end"]} == {"12"}
