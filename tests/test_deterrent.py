"""A deterrent of one's own (issue 18; engine/deterrent.py, docs/arms.md): programmes, the lag,
guarantees that hold them back, the aggressor's expected utility, and the settings."""

from __future__ import annotations

import math

import numpy as np
import pytest

import foedus
from foedus.engine.deterrent import Deterrents
from foedus.engine.model import Model

FAITH, THREAT, YEARS, LAG = 0.5, 0.25, 3, 4


def _world(shares: list[float]) -> foedus.World:
    w = foedus.generate_world(len(shares), rng=1)
    w.capability = np.array(shares, dtype=float)
    return w


def _det(n: int) -> Deterrents:
    return Deterrents(n, faith=FAITH, threat=THREAT, years=YEARS, lag=LAG, cost=0.5)


def _years(d: Deterrents, w: foedus.World, k: int, threat: list[float],
           assurance: list[float], rival: list[int] | None = None) -> None:
    r = np.array(rival if rival is not None else [1, 0][: w.n] + [0] * (w.n - 2), np.int64)
    for _ in range(k):
        d.step(w, r, np.array(threat, float), np.array(assurance, float))


def test_a_threatened_unassured_state_starts_after_its_years_and_holds_after_the_lag() -> None:
    w, d = _world([0.5, 0.5]), _det(2)
    _years(d, w, YEARS - 1, [0.4, 0.0], [0.1, 0.1])
    assert d.programmes == 0  # not yet: the motive must last YEARS years
    _years(d, w, 1, [0.4, 0.0], [0.1, 0.1])
    assert d.programmes == 1 and d.started[0] >= 0 and not d.holds.any()
    _years(d, w, LAG - 1, [0.4, 0.0], [0.1, 0.1])
    assert not d.holds[0]
    _years(d, w, 1, [0.4, 0.0], [0.1, 0.1])
    assert d.holds.tolist() == [True, False] and d.acquired == 1
    s = d.summary(np.ones(2, bool))
    assert s == {"deterrent_programmes": 1.0, "deterrents_acquired": 1.0, "deterrent_share": 0.5}


def test_guarantees_hold_programmes_back_and_end_running_ones() -> None:
    """Bleek & Lorber (2014): an assured state does not start; one whose assurance returns
    abandons its programme before the deterrent."""
    w, d = _world([0.5, 0.5]), _det(2)
    _years(d, w, 20, [0.9, 0.9], [FAITH, 0.9])  # threatened, but assured
    assert d.programmes == 0
    _years(d, w, YEARS, [0.9, 0.0], [0.1, 0.9])
    assert d.programmes == 1
    _years(d, w, 1, [0.9, 0.0], [0.8, 0.9])  # a guarantee arrives before the lag is over
    _years(d, w, 10, [0.9, 0.0], [0.8, 0.9])
    assert d.abandoned == 1 and d.acquired == 0 and not d.holds.any()


def test_no_programme_without_a_threat_or_without_the_capacity() -> None:
    w, d = _world([0.5, 0.5]), _det(2)
    _years(d, w, 20, [THREAT / 2, 0.0], [0.0, 0.0])  # unassured, but not threatened
    assert d.programmes == 0
    small = _world([0.004, 0.996])  # below a middle power's 0.5% share: no latent capacity
    d = _det(2)
    _years(d, small, 20, [0.9, 0.0], [0.0, 0.9])
    assert d.programmes == 0


def test_a_rivals_deterrent_is_a_threat_the_chain_of_proliferation() -> None:
    w, d = _world([0.4, 0.6]), _det(2)
    d.holds[1] = True  # the rival holds one; its military threat alone would not count
    _years(d, w, YEARS + LAG, [0.01, 0.0], [0.1, 0.9])
    assert d.programmes == 1 and d.holds.all()
    gone, d = _world([0.4, 0.6]), _det(2)
    d.holds[1] = True
    gone.alive = np.array([True, False])  # a dead holder threatens nobody
    _years(d, gone, YEARS + LAG, [0.01, 0.0], [0.1, 0.9])
    assert d.programmes == 0


def test_an_attack_on_a_holder_is_worth_escalation_times_cost_less() -> None:
    """The aggressor's expected utility against a state with a deterrent falls by
    escalation x cost (deterrence by punishment), with and without the institution; other
    pairs are unchanged; the threshold shortcut gives the same numbers."""
    world = foedus.generate_world(30, rng=3)
    m = Model("un-1965-ufp", world, rng=1, arms_race="on", deterrent="on")
    sel = m._active()
    t = m.forecast.pairs.t[sel]
    eu1, eu0 = m.expected_utility(sel)
    target = int(np.bincount(t).argmax())
    dets = m.deterrents
    assert dets is not None
    dets.holds[target] = True
    m.forecast.new_period()
    nu1, nu0 = m.expected_utility(sel)
    cut = float(m.behaviour.escalation) * 0.5
    hit = t == target
    assert hit.any() and (~hit).any()
    assert nu1[hit] == pytest.approx(eu1[hit] - cut)
    assert nu0[hit] == pytest.approx(eu0[hit] - cut)
    assert nu1[~hit] == pytest.approx(eu1[~hit]) and nu0[~hit] == pytest.approx(eu0[~hit])
    theta = np.full(sel.size, -0.01)
    s1, s0 = m.expected_utility(sel, threshold=theta)
    assert s0 == pytest.approx(nu0)
    attack = nu1 > theta
    assert ((s1 > theta) == attack).all()
    assert s1[attack] == pytest.approx(nu1[attack])


def test_off_by_default_needs_arms_racing_and_reports_its_metrics() -> None:
    assert foedus.ModelSettings().deterrent == "off"
    off = foedus.simulate("self-help", years=5, n_states=12, rng=1, arms_race="on")
    for k in ("deterrent_programmes", "deterrents_acquired", "deterrent_share"):
        assert math.isnan(off.metrics[k])
    with pytest.raises(foedus.FoedusError, match=r"deterrent.*arms_race"):
        foedus.ModelSettings(deterrent="on")
    with pytest.raises(foedus.FoedusError, match="deterrent_lag"):
        foedus.ModelSettings(arms_race="on", deterrent="on", deterrent_lag=-1)
    res = foedus.simulate("self-help", years=40, n_states=40, rng=1, arms_race="on",
                          deterrent="on")
    met = res.metrics
    assert met["deterrent_programmes"] >= met["deterrents_acquired"] >= 0
    assert 0.0 <= met["deterrent_share"] <= 1.0
    held = res.series["deterrents"].to_numpy(float)
    assert (np.diff(held) >= 0).all() or met["state_deaths"] > 0  # kept once acquired
    assert held[-1] == pytest.approx(met["deterrent_share"] * res.series["alive"].iloc[-1],
                                     abs=1.0)


def test_the_worked_experiment_at_small_size_has_its_documented_shape() -> None:
    """docs/arms.md, "Lack of faith and deterrents of one's own", at small size: more
    programmes under self-help than under the UN, and under the UN (on the same worlds) more
    with its credibility held low than held high, where none start."""
    kw = {"replications": 3, "years": 40, "n_states": 60, "seed": 1, "workers": 1,
          "progress": False, "arms_race": "on", "deterrent": "on"}
    comp = foedus.compare(["self-help", "un-1965-ufp"], **kw)
    tab = comp.table.set_index(["charter", "metric"])["mean"]
    assert tab[("self-help", "deterrent_programmes")] > tab[("un-1965-ufp", "deterrent_programmes")]
    assert tab[("self-help", "deterrents_acquired")] > 0

    def held(cred: float) -> float:
        c = foedus.compare(["un-1965-ufp"], behaviour={"initial_credibility": cred,
                                                       "learning_rate": 0.0}, **kw)
        return float(c.table.set_index("metric").loc["deterrent_programmes", "mean"])

    low, high = held(0.2), held(0.8)
    assert low > high == 0.0
