"""Arms racing (issue 18): Richardson's action-reaction burdens, off by default."""

from __future__ import annotations

import math

import numpy as np
import pytest

import foedus
from foedus.engine.arms import B0, B_MAX, ArmsRace
from foedus.world.world import DEFENCE


def _pair(hostile: bool) -> foedus.World:
    w = foedus.generate_world(2, rng=1)
    w.capability = np.array([0.5, 0.5])
    w.affinity = np.array([[1.0, -1.0], [-1.0, 1.0]]) if hostile else np.ones((2, 2))
    w.alliances = np.zeros((2, 2), dtype=w.alliances.dtype)
    return w


def _race() -> ArmsRace:
    s = foedus.ModelSettings(arms_race="on")
    return ArmsRace(2, reaction=s.arms_reaction, fatigue=s.arms_fatigue,
                    grievance=s.arms_grievance)


def test_without_a_threat_the_burden_stays_at_the_worlds_level() -> None:
    w, race = _pair(hostile=False), _race()
    for _ in range(20):
        race.step(w, foedus.Behaviour(), 0.0, np.zeros(2, bool))
    assert race.burden == pytest.approx([B0, B0])
    assert w.capability == pytest.approx([0.5, 0.5])
    assert race.summary()["arms_race_intensity"] == 0.0


def test_rivals_race_unless_their_institution_or_allies_assure_them() -> None:
    w, race = _pair(hostile=True), _race()
    for _ in range(10):
        race.step(w, foedus.Behaviour(), 0.0, np.zeros(2, bool))
    assert (race.burden > 2 * B0).all() and (race.burden <= B_MAX).all()
    assert race.summary()["arms_race_intensity"] > 0  # a mutual build-up, years running
    assured, calm = _pair(hostile=True), _race()
    for _ in range(10):
        calm.step(assured, foedus.Behaviour(), 1.0, np.ones(2, bool))  # fully credible
    assert calm.burden == pytest.approx([B0, B0])
    allied, half = _pair(hostile=True), _race()
    allied.alliances = np.full((2, 2), DEFENCE, dtype=allied.alliances.dtype)  # odd, but allied
    for _ in range(10):
        half.step(allied, foedus.Behaviour(), 0.0, np.zeros(2, bool))
    assert (half.burden < race.burden).all()


def test_capability_follows_the_burden_up_and_down() -> None:
    w, race = _pair(hostile=True), _race()
    race.step(w, foedus.Behaviour(), 1.0, np.array([False, True]))  # only 1 is assured
    assert race.burden[0] > B0 == pytest.approx(race.burden[1])
    assert w.capability[0] > 0.5 > w.capability[1]
    assert w.capability.sum() == pytest.approx(1.0)
    w, race = _pair(hostile=True), _race()
    race.burden = np.array([0.2, B0])  # far above what its rival's arms call for: it sheds
    race.step(w, foedus.Behaviour(), 0.0, np.zeros(2, bool))
    assert race.burden[0] < 0.2 and w.capability[0] < 0.5


def test_off_by_default_and_bad_settings_are_refused() -> None:
    assert foedus.ModelSettings().arms_race == "off"
    res = foedus.simulate("self-help", years=5, n_states=12, rng=1)
    assert math.isnan(res.metrics["military_burden"])
    assert math.isnan(res.metrics["arms_race_intensity"])
    with pytest.raises(foedus.FoedusError, match="arms_race"):
        foedus.ModelSettings(arms_race="maybe")
    with pytest.raises(foedus.FoedusError, match="arms_reaction"):
        foedus.ModelSettings(arms_reaction=2.0)


def test_the_worked_experiment_at_small_size_has_its_documented_shape() -> None:
    """docs/arms.md: with arms racing on, the burden is lowest under collective security and
    highest under self-help."""
    comp = foedus.compare(["self-help", "un-1965-ufp"], replications=3, years=30, n_states=60,
                          seed=1, workers=1, progress=False, arms_race="on")
    table = comp.table.set_index(["charter", "metric"])["mean"]
    selfhelp = table[("self-help", "military_burden")]
    un = table[("un-1965-ufp", "military_burden")]
    assert B0 < un < selfhelp < B_MAX
    assert 0.0 <= table[("self-help", "arms_race_intensity")] <= 1.0
