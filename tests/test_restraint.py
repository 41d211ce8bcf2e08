"""Third states' restraint in the nuclear age (issue 12): where it holds, third states fight in
another's war less often, and the aggressors' forecast knows it."""

from __future__ import annotations

import numpy as np
import pytest

from foedus import Model, generate_world

RESTRAINED = {"restraint": 2.0, "war_cost": 0.8, "war_spread": 0.3}


def test_a_synthetic_world_has_the_restraint_throughout() -> None:
    m = Model("nato", generate_world(20, rng=1), rng=np.random.default_rng(0), behaviour=RESTRAINED)
    era = m.era_behaviour(m.year)
    assert era.war_cost == pytest.approx(0.8 * 3.0)
    assert era.war_spread == pytest.approx(0.3 / 3.0)
    assert m.forecast.behaviour is era  # the aggressors expect fewer helpers
    assert m.behaviour.war_cost == 0.8  # the run's own behaviour is unchanged


def test_a_data_world_has_it_from_its_year_and_the_forecast_follows() -> None:
    w = generate_world(20, rng=1)
    w.year = 1940
    m = Model("nato", w, rng=np.random.default_rng(0), behaviour=RESTRAINED,
              settings={"record": "fixed", "restraint_from": 1943})
    assert m.era_behaviour(1942).war_cost == 0.8
    assert m.forecast.behaviour is m.behaviour
    m.run(3)  # 1941, 1942, 1943
    assert m.forecast.behaviour.war_cost == pytest.approx(2.4)
    assert m.era_behaviour(1944) is m.era_behaviour(1943)  # one behaviour per era, kept


def test_no_restraint_keeps_the_model_as_it_was() -> None:
    m = Model("nato", generate_world(20, rng=1), rng=np.random.default_rng(0),
              behaviour={"restraint": 0.0, "conquest_norm": 0.0})
    assert m.era_behaviour(m.year) is m.behaviour


def _helpers(restraint: float) -> int:
    helped = 0
    for seed in range(3):
        m = Model("nato", generate_world(40, rng=seed), rng=np.random.default_rng(seed),
                  behaviour={"restraint": restraint, "escalation": 1.0},
                  settings={"attack_threshold": 0.0})
        m.run(15)
        helped += sum(len(e.contributors) + len(e.spread_defenders) for e in m.events)
    return helped


def test_restraint_keeps_allies_out_of_wars() -> None:
    free, restrained = _helpers(0.0), _helpers(3.0)
    assert free > 0
    assert restrained < 0.7 * free
