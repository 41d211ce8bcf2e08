"""Real data: loaders and their quirks, worlds for a year, peace-science tools, fetch/import.

The reference files live in ../shared/data (or $FOEDUS_TEST_DATA); these tests skip when it is
absent and never touch the network (fetching is tested with file:// URLs and a fake opener).
Expectations are computed independently from the raw CSV files with the ``csv`` module.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import urllib.error
import zipfile
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import foedus
from foedus import FoedusError, InputError
from foedus.cli import main
from foedus.data import (
    SOURCES,
    ChecksumError,
    MissingDataError,
    capability_concentration,
    data_dir,
    dyad_years,
    fetch,
    import_data,
    load_capdist,
    load_nmc,
    load_states,
    load_vetoes,
    load_wars,
    s_scores,
    status,
    un_members,
    veto_statistics,
    world_for_year,
)
from foedus.world import DEFENCE, OFFENCE

DATA = Path(os.environ.get("FOEDUS_TEST_DATA",
                           Path(__file__).resolve().parents[2] / "shared" / "data"))
needs_data = pytest.mark.skipif(not (DATA / "cow_states" / "states2016.csv").is_file(),
                                reason=f"reference data not found at {DATA} (set FOEDUS_TEST_DATA)")


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def members_from_csv(year: int) -> set[int]:
    return {int(r["ccode"]) for r in rows(DATA / "cow_states" / "states2016.csv")
            if int(r["styear"]) <= year <= int(r["endyear"])}


def mirror(tmp: Path, skip: tuple[str, ...] = ()) -> Path:
    """A data dir with the reference files (symlinked or copied), minus ``skip`` (relative paths)."""
    root = tmp / "data"
    for f in DATA.rglob("*.csv"):
        rel = f.relative_to(DATA)
        if str(rel) in skip or rel.parts[0] in skip:
            continue
        dest = root / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            dest.symlink_to(f)
        except OSError:
            shutil.copyfile(f, dest)
    return root


# --- loaders and quirks -------------------------------------------------------------------------

@needs_data
def test_nmc_v6_minus_nine_becomes_na() -> None:
    path = DATA / "cow_nmc" / "NMC-60-abridged.csv"
    raw = rows(path)
    minus9 = Counter(k for r in raw for k, v in r.items() if v.strip() == "-9")
    df = load_nmc(path)
    assert len(df) == len(raw) == 15951
    assert df.attrs["layout"] == "cow" and df.attrs["version"] == "6.0"
    for col, count in minus9.items():
        assert df[col].isna().sum() == count
    assert sum(minus9.values()) == 3185
    num = df.select_dtypes("number")
    assert not (num == -9).any().any()


@needs_data
def test_nmc_v7_layout_detected_from_header() -> None:
    df = load_nmc(DATA / "cow_nmc" / "nmc_v7.0_via_peacesciencer.csv")
    assert df.attrs["layout"] == "peacesciencer" and df.attrs["version"] == "7.0"
    assert len(df) == 17121 and int(df["year"].max()) == 2022


@needs_data
def test_cr_only_war_file_parses_with_337_rows() -> None:
    path = DATA / "cow_war" / "Inter-StateWarData_v4.0.csv"
    raw = path.read_bytes()
    assert b"\n" not in raw and b"\r" in raw  # the quirk is really there
    expected = rows(path)
    df = load_wars(path)
    assert len(df) == len(expected) == 337
    assert df["warnum"].nunique() == len({r["WarNum"] for r in expected})
    minus8 = sum(r["StartYear2"] == "-8" for r in expected)
    assert df["startyear2"].isna().sum() == minus8 > 0
    assert not (df.select_dtypes("number") < -7).any().any()


@needs_data
def test_states_file_without_final_newline_keeps_last_row() -> None:
    path = DATA / "cow_states" / "states2016.csv"
    assert not path.read_bytes().endswith(b"\n")
    df = load_states(path)
    assert len(df) == 243 and df["ccode"].nunique() == 217
    assert df.iloc[-1]["stateabb"] == rows(path)[-1]["stateabb"]


@needs_data
def test_capdist_bad_cell_is_na_and_distances_kept() -> None:
    df = load_capdist(DATA / "capitals" / "capdist.csv")
    assert df["midist"].isna().sum() == 1
    assert df["kmdist"].notna().all()
    usa_can = df[(df["numa"] == 2) & (df["numb"] == 20)]["kmdist"].iloc[0]
    assert usa_can == 731


@needs_data
def test_veto_member_totals_match_the_un_record() -> None:
    df = veto_statistics("member", data_dir=DATA)
    totals = dict(zip(df["member"], df["vetoes"], strict=True))
    assert totals == {"USSR": 90, "USA": 82, "Russia": 31, "UK": 29, "China": 17, "France": 16}
    v = load_vetoes(DATA / "unsc" / "unsc_vetoes_1946_sept2022.csv")
    assert str(v["date"].min().date()) == "1946-02-16"
    by_decade = veto_statistics("decade", data_dir=DATA)
    assert by_decade["total"].sum() == sum(totals.values())


def test_missing_column_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "states2016.csv"
    bad.write_text("stateabb,ccode,styear,endyear\nUSA,2,1816,2016\n")
    with pytest.raises(InputError) as exc:
        load_states(bad)
    assert "states2016.csv" in str(exc.value) and "statenme" in str(exc.value)


def test_garbage_and_text_in_numbers_are_clear_errors(tmp_path: Path) -> None:
    junk = tmp_path / "NMC-60-abridged.csv"
    junk.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(InputError, match="not a text"):
        load_nmc(junk)
    text = tmp_path / "NMC-70-abridged.csv"
    text.write_text("ccode,year,cinc\r2,1816,0.03\r20,1816,lots\r")
    with pytest.raises(InputError) as exc:
        load_nmc(text)
    assert "cinc" in str(exc.value) and "'lots'" in str(exc.value)
    ragged = tmp_path / "contdird.csv"
    ragged.write_text("state1no,state2no,year,conttype\n2,20,1920,1\n2,20,1921,1,9,9\n")
    with pytest.raises(InputError, match="not a valid CSV"):
        foedus.data.load_contiguity(ragged)


# --- worlds for a year --------------------------------------------------------------------------

@needs_data
@pytest.mark.parametrize("year", [1816, 1900, 1950, 2000])
def test_world_members_and_leading_cinc_agree_with_the_files(year: int) -> None:
    w = world_for_year(year, data_dir=DATA)
    assert w.source == "cow" and w.year == year
    assert set(w.ccodes.tolist()) == members_from_csv(year)
    assert w.n == len(members_from_csv(year))
    # the world uses NMC v7.0 when present; leading state computed from the raw file
    nmc = [r for r in rows(DATA / "cow_nmc" / "nmc_v7.0_via_peacesciencer.csv")
           if int(r["year"]) == year]
    lead = max(nmc, key=lambda r: float(r["cinc"]))
    assert int(w.ccodes[np.argmax(w.capability)]) == int(lead["ccode"])
    raw = {int(r["ccode"]): float(r["cinc"]) for r in nmc}
    expected = np.array([raw[int(c)] for c in w.ccodes])
    assert np.allclose(w.capability, expected / expected.sum())
    abb = {int(r["ccode"]): r["stateabb"] for r in rows(DATA / "cow_states" / "states2016.csv")}
    assert w.codes == [abb[int(c)] for c in w.ccodes]
    assert "cow-states" in w.meta["citations"] and "atop5" in w.meta["citations"]


@needs_data
def test_world_from_nmc_v6_when_v7_is_absent(tmp_path: Path) -> None:
    root = mirror(tmp_path, skip=("cow_nmc/nmc_v7.0_via_peacesciencer.csv",))
    w = world_for_year(1900, data_dir=root)
    assert "NMC 6.0" in w.meta["sources"]["capability"]
    nmc = [r for r in rows(DATA / "cow_nmc" / "NMC-60-abridged.csv") if int(r["year"]) == 1900]
    lead = max(nmc, key=lambda r: float(r["cinc"]))
    assert w.codes[int(np.argmax(w.capability))] == lead["stateabb"]


@needs_data
def test_world_fields_are_consistent() -> None:
    w = world_for_year(1960, data_dir=DATA)
    w.validate()
    n = w.n
    assert np.isclose(w.capability.sum(), 1.0) and np.all(w.capability > 0)
    assert np.allclose(w.affinity, w.affinity.T) and np.all(np.diag(w.affinity) == 1.0)
    assert np.all(np.abs(w.affinity) <= 1.0)
    assert np.allclose(w.distance, w.distance.T) and np.all(np.diag(w.distance) == 0)
    assert np.all(w.distance[~np.eye(n, dtype=bool)] > 0)
    assert np.array_equal(w.contiguity, w.contiguity.T) and not w.contiguity.diagonal().any()
    i = w.index
    assert w.alliances[i("USA"), i("UKG")] & DEFENCE  # NATO
    assert w.affinity[i("USA"), i("UKG")] > w.affinity[i("USA"), i("RUS")]
    assert w.contiguity[i("USA"), i("CAN")] and w.contiguity[i("USA"), i("MEX")]
    assert {w.codes[k] for k in np.flatnonzero(w.major)} == {"USA", "UKG", "FRN", "RUS", "CHN"}
    assert w.region_name(i("FRN")) == "europe" and w.region_name(i("JPN")) == "asia"
    # Washington-London great-circle distance is about 5,900 km
    assert 5800 < w.distance[i("USA"), i("UKG")] < 6000
    assert w.bloc[i("USA")] >= 0 and w.bloc[i("POL")] == w.bloc[i("RUS")] != w.bloc[i("USA")]
    assert np.all((w.revisionism >= 0) & (w.revisionism <= 1))
    assert not w.nonaligned.any() and w.alive.all()  # 1950: before the movement (1961)


@needs_data
def test_nonaligned_states_hold_no_pact_from_1961() -> None:
    w = world_for_year(1970, data_dir=DATA)
    i = w.index
    assert w.nonaligned[i("IND")] and w.nonaligned[i("YUG")] and w.nonaligned[i("INS")]
    for code in ("USA", "RUS", "UKG", "GFR", "POL", "BRA"):  # majors, NATO, Warsaw Pact, Rio
        assert not w.nonaligned[i(code)], code
    pact = ((w.alliances | w.alliances.T) & (DEFENCE | OFFENCE)) != 0
    np.fill_diagonal(pact, False)
    assert not pact[w.nonaligned].any()
    assert pact[~w.nonaligned & ~w.major].any(axis=1).all()  # every other minor holds one
    assert not world_for_year(1970, data_dir=DATA, nonaligned="none").nonaligned.any()
    with pytest.raises(FoedusError, match="nonaligned"):
        world_for_year(1970, data_dir=DATA, nonaligned="nam")


@needs_data
def test_world_from_atop4_matches_atop5(tmp_path: Path) -> None:
    root = mirror(tmp_path, skip=("atop/atop5.1_ddyr_via_peacesciencer.csv",))
    a = world_for_year(1950, data_dir=DATA)
    b = world_for_year(1950, data_dir=root)
    assert "ATOP 4.01" in b.meta["sources"]["alliances"]
    assert np.array_equal(a.alliances != 0, b.alliances != 0)


@needs_data
def test_world_without_optional_sources(tmp_path: Path) -> None:
    root = mirror(tmp_path, skip=("cow_mid", "capitals/capdist.csv"))
    w = world_for_year(1950, data_dir=root)
    assert np.all(w.revisionism == foedus.data.DEFAULT_REVISIONISM)
    assert w.meta["sources"]["distance"] == "great circle"
    assert "cow-mid" not in w.meta["citations"]


@needs_data
def test_world_saves_and_loads(tmp_path: Path) -> None:
    w = world_for_year(1914, data_dir=DATA)
    back = foedus.load_world(w.save(tmp_path / "w1914.npz"))
    assert back.codes == w.codes and back.year == 1914 and back.source == "cow"
    assert np.array_equal(back.alliances, w.alliances) and np.allclose(back.affinity, w.affinity)


@needs_data
def test_year_outside_the_data_is_a_clear_error() -> None:
    with pytest.raises(foedus.FoedusError, match="1816-2016"):
        world_for_year(1700, data_dir=DATA)


def test_missing_data_says_how_to_get_it(tmp_path: Path) -> None:
    with pytest.raises(MissingDataError, match="foedus data import"):
        world_for_year(1950, data_dir=tmp_path)


# --- S scores -----------------------------------------------------------------------------------

def naive_s(x: np.ndarray, w: np.ndarray, dmax: float = 3.0) -> np.ndarray:
    n = x.shape[0]
    out = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            out[i, j] = 1 - 2 * np.sum(w * np.abs(x[i] - x[j])) / (dmax * w.sum())
    return out


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 9), st.integers(0, 2**32 - 1), st.booleans())
def test_s_scores_properties(n: int, seed: int, weighted: bool) -> None:
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 4, size=(n, n)).astype(float)
    np.fill_diagonal(x, 3.0)
    w = rng.random(n) + 0.01 if weighted else np.ones(n)
    s = s_scores(x, w if weighted else None)
    assert np.allclose(s, s.T) and np.all(np.diag(s) == 1.0)
    assert np.all((s >= -1) & (s <= 1))
    expect = naive_s(x, w)
    off = ~np.eye(n, dtype=bool)
    assert np.allclose(s[off], expect[off])


def test_s_scores_extremes() -> None:
    x = np.array([[3.0, 3.0], [3.0, 3.0]])
    assert np.allclose(s_scores(x), 1.0)
    y = np.array([[3.0, 0.0], [0.0, 3.0]])
    assert s_scores(y)[0, 1] == pytest.approx(-1.0)


# --- peace-science tools ------------------------------------------------------------------------

@needs_data
def test_dyad_years_over_a_range_carry_onsets_and_peace_years() -> None:
    from foedus.data import conflict_onsets, dyad_year_range

    mids, wars = conflict_onsets(DATA)
    assert (1950, 731, 732) in mids
    assert (1950, 731, 732) in wars  # North Korea against South Korea, June 1950
    df = dyad_year_range(1949, 1950, relevant=True, data_dir=DATA)
    korea = df[(df["ccode1"] == 731) & (df["ccode2"] == 732)].set_index("year")
    assert korea.loc[1950, "war_onset"] == 1 and korea.loc[1950, "mid_onset"] == 1
    assert korea.loc[1950, "peace_years"] == 1  # the last MID before 1950 began in 1949
    assert set(df["year"]) == {1949, 1950}
    assert (df["peace_years"] >= 0).all()
    assert df["war_onset"].le(df["mid_onset"] | df["war_onset"]).all()


def test_dyad_years_and_politically_relevant_filter() -> None:
    w = world_for_year(1914, data_dir=DATA)
    all_ = dyad_years(1914, data_dir=DATA)
    assert len(all_) == w.n * (w.n - 1) // 2
    assert (all_["ccode1"] < all_["ccode2"]).all()
    rel = dyad_years(1914, relevant=True, data_dir=DATA)
    expect = all_[(all_["conttype"] > 0) | all_["major1"] | all_["major2"]]
    assert len(rel) == len(expect) and rel["relevant"].all()
    directed = dyad_years(1914, directed=True, data_dir=DATA)
    assert len(directed) == w.n * (w.n - 1)
    fr = all_[(all_["stateabb1"] == "FRN") & (all_["stateabb2"] == "RUS")].iloc[0]
    assert fr["defense"] == 1  # Franco-Russian alliance


@needs_data
def test_capability_concentration_matches_an_independent_computation() -> None:
    df = capability_concentration(1950, 1952, data_dir=DATA)
    assert list(df["year"]) == [1950, 1951, 1952]
    majors = {2, 200, 220, 365, 710}
    cinc = [float(r["cinc"]) for r in rows(DATA / "cow_nmc" / "nmc_v7.0_via_peacesciencer.csv")
            if int(r["year"]) == 1950 and int(r["ccode"]) in majors]
    s = np.array(cinc) / sum(cinc)
    con = np.sqrt((np.sum(s**2) - 1 / 5) / (1 - 1 / 5))
    assert df.iloc[0]["con"] == pytest.approx(con)
    assert df.iloc[0]["leader"] == "USA" and df.iloc[0]["n"] == 5
    every = capability_concentration(1816, 2016, among="all", data_dir=DATA)
    assert ((every["con"] >= 0) & (every["con"] <= 1)).all()


@needs_data
def test_un_members() -> None:
    m1950 = set(un_members(1950, data_dir=DATA))
    assert {"USA", "RUS", "UKG", "FRN", "TAW", "IND"} <= m1950
    assert not {"ITA", "CHN", "SWZ"} & m1950
    assert "SWZ" not in un_members(2001, data_dir=DATA) and "SWZ" in un_members(2002, data_dir=DATA)
    m1975 = set(un_members(1975, data_dir=DATA))
    assert "CHN" in m1975 and "TAW" not in m1975 and "GFR" in m1975 and "RVN" not in m1975
    assert un_members(1939, data_dir=DATA) == []
    assert len(un_members(2016, data_dir=DATA)) == 193


# --- data dir, fetch, import, list --------------------------------------------------------------

def test_data_dir_resolution(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FOEDUS_DATA_DIR", str(tmp_path / "env"))
    assert data_dir(tmp_path / "arg") == tmp_path / "arg"
    assert data_dir() == tmp_path / "env"
    monkeypatch.delenv("FOEDUS_DATA_DIR")
    import platformdirs

    assert data_dir() == Path(platformdirs.user_cache_dir("foedus"))


def test_checksum_mismatch_stores_nothing(tmp_path: Path) -> None:
    fake = tmp_path / "states2016.csv"
    fake.write_text("stateabb,ccode\nUSA,2\n")
    with pytest.raises(ChecksumError, match="does not match"):
        fetch("cow-states", data_dir=tmp_path / "d", url=fake.as_uri())
    assert not (tmp_path / "d" / "cow_states" / "states2016.csv").exists()
    result = CliRunner().invoke(main, ["data", "fetch", "cow-states", "--url", fake.as_uri(),
                                       "--data-dir", str(tmp_path / "d")])
    assert result.exit_code == 2 and "does not match" in result.output
    assert "Traceback" not in result.output


@needs_data
def test_fetch_verifies_and_unzips_nested_zips(tmp_path: Path) -> None:
    src = DATA / "cow_states" / "states2016.csv"
    got = fetch("cow-states", data_dir=tmp_path, url=src.as_uri())
    assert got[0].read_bytes() == src.read_bytes()
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.write(DATA / "cow_nmc" / "NMC-60-abridged.csv", "NMC-60-abridged.csv")
    outer = tmp_path / "NMC_Documentation-6.0.zip"
    with zipfile.ZipFile(outer, "w") as z:
        z.writestr("NMC_Documentation-6.0/NMC-60-abridged.zip", inner.getvalue())
        z.writestr("NMC_Documentation-6.0/readme.txt", "codebook")
    got = fetch("cow-nmc", data_dir=tmp_path, url=outer.as_uri())
    assert hashlib.sha256(got[0].read_bytes()).hexdigest() == SOURCES["cow-nmc"].files[0].sha256


def test_network_failure_is_a_clear_error(tmp_path: Path) -> None:
    def offline(url: str, timeout: float) -> bytes:
        raise urllib.error.URLError("Name or service not known")

    with pytest.raises(foedus.FoedusError, match=r"could not download cow-war.*foedus data import"):
        fetch("cow-war", data_dir=tmp_path, opener=offline)

    def html(url: str, timeout: float) -> bytes:
        return b"<!DOCTYPE html><html>moved</html>"

    with pytest.raises(foedus.FoedusError, match="web page"):
        fetch("cow-war", data_dir=tmp_path, opener=html)
    result = CliRunner().invoke(main, ["data", "fetch", "capitals", "--data-dir", str(tmp_path)])
    assert result.exit_code == 2 and "no direct download" in result.output


@needs_data
def test_import_then_list(tmp_path: Path) -> None:
    recs = import_data(DATA, data_dir=tmp_path)
    assert {r["source"] for r in recs} == set(SOURCES)
    st_ = {s["id"]: s for s in status(tmp_path)}
    assert all(s["present"] for s in st_.values())
    assert st_["cow-states"]["files"][0]["checksum"] == "verified"
    assert st_["atop5"]["files"][0]["checksum"] == "known derived copy"
    a, b = world_for_year(1950, data_dir=tmp_path), world_for_year(1950, data_dir=DATA)
    assert np.array_equal(a.capability, b.capability)
    result = CliRunner().invoke(main, ["data", "list", "--json", "--data-dir", str(tmp_path)])
    assert result.exit_code == 0
    assert {s["id"] for s in json.loads(result.output)["sources"]} == set(SOURCES)


@needs_data
def test_import_rejects_a_malformed_file(tmp_path: Path) -> None:
    src = tmp_path / "src" / "cow_states"
    src.mkdir(parents=True)
    (src / "states2016.csv").write_text("stateabb,ccode,statenme\nUSA,2,United States\n")
    result = CliRunner().invoke(main, ["data", "import", str(tmp_path / "src"),
                                       "--data-dir", str(tmp_path / "d")])
    assert result.exit_code == 2 and "styear" in result.output and "states2016.csv" in result.output


# --- CLI ------------------------------------------------------------------------------------------

@needs_data
def test_cli_world_json(tmp_path: Path) -> None:
    out = tmp_path / "w.npz"
    result = CliRunner().invoke(main, ["world", "--year", "1950", "--data-dir", str(DATA),
                                       "--json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["year"] == 1950 and doc["n"] == len(members_from_csv(1950))
    first = doc["states"][0]
    assert {"ccode", "stateabb", "name", "cinc", "major", "region"} <= set(first)
    assert first["stateabb"] == "USA" and first["major"] is True
    assert sum(s["cinc"] for s in doc["states"]) == pytest.approx(1.0)
    assert foedus.load_world(out).n == doc["n"]
    text = CliRunner().invoke(main, ["world", "--year", "1950", "--data-dir", str(DATA)])
    assert text.exit_code == 0 and "USA" in text.output


@needs_data
def test_cli_malformed_file_exits_2(tmp_path: Path) -> None:
    root = mirror(tmp_path, skip=("cow_states/states2016.csv",))
    (root / "cow_states" / "states2016.csv").write_text("stateabb,ccode,statenme,styear\nUSA,2,x,1816\n")
    result = CliRunner().invoke(main, ["world", "--year", "1900", "--data-dir", str(root)])
    assert result.exit_code == 2
    assert "states2016.csv" in result.output and "endyear" in result.output
    assert "Traceback" not in result.output


def test_cli_missing_data_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["world", "--year", "1950", "--data-dir", str(tmp_path)])
    assert result.exit_code == 2 and "foedus data import" in result.output


@needs_data
def test_cli_peace_science_tools(tmp_path: Path) -> None:
    r = CliRunner()
    res = r.invoke(main, ["vetoes", "--json", "--data-dir", str(DATA)])
    assert res.exit_code == 0
    totals = {row["member"]: row["vetoes"] for row in json.loads(res.output)["rows"]}
    assert totals["USSR"] == 90 and totals["France"] == 16
    for by in ("decade", "region"):
        assert r.invoke(main, ["vetoes", "--by", by, "--data-dir", str(DATA)]).exit_code == 0
    out = tmp_path / "dyads.csv"
    res = r.invoke(main, ["dyads", "--year", "1914", "--relevant", "--out", str(out),
                          "--data-dir", str(DATA)])
    assert res.exit_code == 0 and out.is_file()
    with out.open(newline="") as fh:
        assert len(list(csv.DictReader(fh))) == len(dyad_years(1914, relevant=True, data_dir=DATA))
    res = r.invoke(main, ["con", "--from", "1900", "--to", "1910", "--json", "--data-dir", str(DATA)])
    assert res.exit_code == 0 and len(json.loads(res.output)["years"]) == 11
    res = r.invoke(main, ["con", "--from", "1910", "--to", "1900", "--data-dir", str(DATA)])
    assert res.exit_code == 2


@needs_data
def test_plots_of_concentration_and_vetoes(tmp_path: Path) -> None:
    r = CliRunner()
    png = tmp_path / "con.png"
    res = r.invoke(main, ["con", "--from", "1900", "--to", "1950", "--plot", str(png),
                          "--data-dir", str(DATA)])
    assert res.exit_code == 0, res.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for by in ("member", "decade"):
        svg = tmp_path / f"vetoes-{by}.svg"
        res = r.invoke(main, ["vetoes", "--by", by, "--plot", str(svg), "--data-dir", str(DATA)])
        assert res.exit_code == 0, res.output
        assert "<svg" in svg.read_text()
    res = r.invoke(main, ["vetoes", "--plot", str(tmp_path / "v.txt"), "--data-dir", str(DATA)])
    assert res.exit_code == 2 and "v.txt" in res.output


@needs_data
def test_revisionism_signal_weights_decays_and_has_a_prior() -> None:
    """docs/world.md §Revisionism: WWII defenders are not top revisionists in 1946; 1816
    separates the great powers by their prior; the earlier signal and the constant remain."""
    from foedus.data.revisionism import PRIOR_RATE, base_rates, decay, revisionist_events

    w1816 = world_for_year(1816, data_dir=DATA)
    assert np.allclose(w1816.revisionism[w1816.major], w1816.revisionism[w1816.major][0])
    assert w1816.revisionism[w1816.major].min() > w1816.revisionism[~w1816.major].max()
    w = world_for_year(1946, data_dir=DATA)
    i = w.index
    assert w.revisionism[i("RUS")] > w.revisionism[i("UKG")]  # 1939-40 annexations count
    old = world_for_year(1946, data_dir=DATA, revisionism="mid-decade")
    assert old.revisionism[i("UKG")] > 0.7 > w.revisionism[i("UKG")]  # wartime disputes do not
    assert "half-life" in w.meta["revisionism"] and w.meta["revisionism_rule"] == "mid"
    const = world_for_year(1946, data_dir=DATA, revisionism="constant")
    assert np.all(const.revisionism == foedus.data.DEFAULT_REVISIONISM)
    with pytest.raises(FoedusError, match="revisionism"):
        world_for_year(1946, data_dir=DATA, revisionism="mids")
    assert float(decay(20.0)) == pytest.approx(0.5)
    ds = foedus.data.dataset(DATA)
    ev = revisionist_events(ds.mid_participants, ds.wars)
    a = ds._state_arrays
    import pandas as pd
    rates = base_rates(ev, pd.DataFrame({"ccode": a["ccode"], "st": a["st"], "en": a["en"]}),
                       ds.majors)
    assert rates["major"] == pytest.approx(PRIOR_RATE["major"], abs=0.05)
    assert rates["minor"] == pytest.approx(PRIOR_RATE["minor"], abs=0.05)


@needs_data
def test_a_constant_world_stays_constant_on_the_record() -> None:
    w = world_for_year(1946, data_dir=DATA, revisionism="constant")
    grown, rec = foedus.data.world_on_record(w, end=1950)
    assert rec.revisionism == "constant"
    rec.apply(grown, 1947, 0.2)
    assert np.all(grown.revisionism == foedus.data.DEFAULT_REVISIONISM)
