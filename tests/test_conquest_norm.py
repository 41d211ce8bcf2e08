"""The norm against conquest (issue 12): where it holds, a defeated state dies less often."""

from __future__ import annotations

import numpy as np

from foedus import Model, generate_world


def _deaths(behaviour: dict[str, float], world_year: int | None, settings: dict[str, object]) -> int:
    deaths = 0
    for seed in range(4):
        w = generate_world(40, rng=seed)
        w.year = world_year
        m = Model("self-help", w, rng=np.random.default_rng(seed), behaviour=behaviour,
                  settings={"attack_threshold": 0.0, "record": "fixed", **settings})
        m.run(15)
        deaths += m.deaths_total
    return deaths


LOOSE = {"escalation": 1.0, "conquest_probability": 1.0, "viability_floor": 0.95}


def test_a_full_norm_ends_conquest_in_a_synthetic_world() -> None:
    assert _deaths(LOOSE, None, {}) > 0
    assert _deaths({**LOOSE, "conquest_norm": 1.0}, None, {}) == 0


def test_the_norm_holds_in_a_data_world_only_from_its_year() -> None:
    normed = {**LOOSE, "conquest_norm": 1.0}
    before = _deaths(normed, 1900, {"conquest_norm_from": 1945})
    after = _deaths(normed, 1900, {"conquest_norm_from": 1800})
    assert before > 0 and after == 0


def test_the_war_behaviour_scales_the_conquest_probability() -> None:
    m = Model("self-help", generate_world(20, rng=1), rng=np.random.default_rng(0),
              behaviour={"conquest_probability": 0.4, "conquest_norm": 0.75})
    assert m.era_behaviour(m.year).conquest_probability == 0.4 * (1.0 - 0.75)
    assert m.behaviour.conquest_probability == 0.4  # the run's own behaviour is unchanged
