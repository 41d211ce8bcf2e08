"""Dated membership (issue 11): real members on the day, anachronisms refused, bad histories
reported by file, field and problem, and a data world that follows the record."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import foedus
from foedus import FoedusError
from foedus.cli import main
from foedus.rules import charter_from_dict, load_charter

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
needs_data = pytest.mark.skipif(not (DATA / "cow_states").is_dir(),
                                reason=f"real data not found at {DATA}")


def test_histories_answer_by_year() -> None:
    league = load_charter("league-1920")
    assert not league.membership.member_in("USA", 1920)
    assert league.membership.member_in("GMY", 1926) and not league.membership.member_in("GMY", 1925)
    assert league.membership.member_in("RUS", 1939) and not league.membership.member_in("RUS", 1940)
    assert league.membership.member_in("ITA", 1937) and not league.membership.member_in("ITA", 1938)
    nato = load_charter("nato")
    assert not nato.membership.member_in("POL", 1950) and nato.membership.member_in("POL", 1999)
    csto = load_charter("csto")
    assert not csto.membership.member_in("ARM", 2024)  # suspended (froze its participation)
    assert load_charter("un-1965").anachronism(1950) is not None
    assert load_charter("un-1945").anachronism(1950) is None
    assert "did not exist in 1950" in (load_charter("warsaw-pact").anachronism(1950) or "")


def _pact(history: list[dict[str, object]]) -> dict[str, object]:
    data = load_charter("bilateral-pact").resolved()
    data["membership"]["history"] = history
    return data


@pytest.mark.parametrize("history, problem", [
    ([{"state": "USA", "joined": "1950-01-01", "source": "x"},
      {"state": "USA", "joined": "1960-01-01", "source": "x"}], "overlaps"),
    ([{"state": "XYZ", "joined": "1950-01-01", "source": "x"}], "unknown state"),
    ([{"state": "USA", "joined": "1700-01-01", "source": "x"}], "beyond the data"),
    ([{"state": "USA", "joined": "1950-01-01", "left": "1940-01-01", "source": "x"}], "not after"),
])
def test_bad_histories_name_field_and_problem(history: list[dict[str, object]],
                                              problem: str) -> None:
    with pytest.raises(FoedusError) as err:
        charter_from_dict(_pact(history), source="pact.toml")
    assert "pact.toml" in str(err.value) and "membership" in str(err.value)
    assert problem in str(err.value)


def test_bad_history_file_exits_2(tmp_path: Path) -> None:
    f = tmp_path / "bad.toml"
    f.write_text('extends = "bilateral-pact"\nid = "bad"\n[membership]\nhistory = [\n'
                 '  {state = "USA", joined = 1950-01-01, source = "x"},\n'
                 '  {state = "USA", joined = 1955-01-01, source = "x"},\n]\n', encoding="utf-8")
    r = CliRunner().invoke(main, ["charter", "show", str(f)])
    assert r.exit_code == 2 and "overlaps" in r.output and "bad.toml" in r.output


@needs_data
def test_members_on_the_day_of_data_worlds() -> None:
    w50 = foedus.world_for_year(1950, data_dir=DATA)
    nato = foedus.engine.Institution.in_world("nato", w50).member_codes()
    assert sorted(nato) == sorted(["USA", "CAN", "UKG", "FRN", "ITA", "NTH", "BEL", "LUX", "NOR", "DEN", "ICE", "POR"])
    un = foedus.engine.Institution.in_world("un-1945", w50).member_codes()
    assert sorted(un) == sorted(w50.meta["un_members"])
    w20 = foedus.world_for_year(1920, data_dir=DATA)
    assert "USA" not in foedus.engine.Institution.in_world("league-1920", w20).member_codes()


@needs_data
def test_anachronism_refused_unless_allowed_and_a_run_follows_the_record() -> None:
    w = foedus.world_for_year(1946, data_dir=DATA)
    with pytest.raises(FoedusError, match="did not exist in 1946"):
        foedus.simulate("nato", world=w, years=1, rng=0)
    r = foedus.simulate("nato", world=w, years=1, rng=0, anachronism="allow")
    assert any(n.startswith("anachronism") for n in r.notes)
    run = foedus.simulate("un-1945", world=w, years=20, rng=1)
    alive = run.series["alive"].to_numpy()
    assert alive[0] < alive[-1] and alive[-1] > 100  # decolonisation enters as recorded
    members = run.series.set_index("year")["members"]
    assert members[1956] > members[1947]  # admissions on their dates (1955 package deal)


@needs_data
def test_cli_refuses_an_anachronism_with_exit_2() -> None:
    r = CliRunner().invoke(main, ["simulate", "--charter", "warsaw-pact", "--year", "1950",
                                  "--data-dir", str(DATA), "--years", "1"])
    assert r.exit_code == 2 and "did not exist in 1950" in r.output
