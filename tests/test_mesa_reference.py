"""The Mesa reference (benchmarks/mesa_reference) reproduces foedus's crisis sequence event for
event, so that benchmarks/bench_vs_mesa.py compares the same model (issue 16). A change of the
model that this test catches must be made in the reference too."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

import foedus

pytest.importorskip("mesa", reason="the Mesa reference needs the optional extra: "
                                   "pip install -e '.[mesa]' (mesa>=3.3,<3.4)")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from mesa_reference import SUPPORTED, event_key, run_reference

SEEDS = (1, 2, 5)  # 5: a state dies (conquest is rare under the norm against conquest)
N_STATES, YEARS = 40, 30


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("system", SUPPORTED)
def test_the_reference_reproduces_the_crisis_sequence(system: str, seed: int) -> None:
    ours = foedus.simulate(system, n_states=N_STATES, years=YEARS, rng=seed)
    ref = run_reference(system, n_states=N_STATES, years=YEARS, seed=seed)
    got = [event_key(e) for e in ref.events]
    want = [event_key(e) for e in ours.events]
    assert want, "no crisis: the comparison would be empty"
    assert got == want
    deterred = list(ref.datacollector.get_model_vars_dataframe()["deterred"])
    assert deterred == list(ours.series["deterred"])
    assert [round(c, 12) for c in ref.datacollector.get_model_vars_dataframe()["credibility"]
            if c == c] == [round(c, 12) for c in ours.series["credibility"] if c == c]


def test_the_compared_sequences_exercise_the_council_and_war() -> None:
    """The seeds above meet vetoes or determinations, wars and disputes short of war, wars that
    last and spread, peacekeeping and state deaths, so that equality checks the votes, the
    responses and the war, not only who attacks whom."""
    seen: Counter[str] = Counter()
    for seed in SEEDS:
        for e in run_reference("un-1965", n_states=N_STATES, years=YEARS, seed=seed).events:
            seen["council"] += bool(e.determined or e.vetoed)
            seen["war"] += e.war
            seen["short of war"] += not e.war
            seen["helped"] += bool(e.contributors or e.sanctioners)
            seen["peacekeeping"] += e.peacekeeping
        for system in ("self-help", "collective-security"):
            for e in run_reference(system, n_states=N_STATES, years=YEARS, seed=seed).events:
                seen["death"] += e.target_died
                seen["long war"] += e.war_rounds > 1
                seen["spread"] += bool(e.spread_defenders or e.spread_aggressors)
    assert min(seen.values()) > 0, seen


def test_another_generator_gives_another_sequence() -> None:
    """The equality above is not a property of any two runs: another seed differs."""
    a = [event_key(e) for e in run_reference("self-help", n_states=N_STATES, years=YEARS,
                                             seed=1).events]
    b = [event_key(e) for e in foedus.simulate("self-help", n_states=N_STATES, years=YEARS,
                                               rng=2).events]
    assert a != b


def test_the_reference_refuses_systems_it_does_not_implement() -> None:
    with pytest.raises(ValueError, match="balance-of-power"):
        run_reference("balance-of-power", n_states=10, years=1)
