"""Appeasement (issue 18): concessions short of war, their sequels, off by default."""

from __future__ import annotations

import math

import numpy as np
import pytest

import foedus
from foedus.engine.appeasement import Appeasement, Concessions, discredit, whet_appetite
from foedus.engine.crisis import CrisisResult, run_crisis
from foedus.engine.model import Model, simulate

_AP = Appeasement(share=0.5, appetite=0.2, discredit=0.2)
_KEYS = ("concessions_per_100", "concession_share", "pressed_concessions",
         "appeasement_sequels_per_100")


def _conceded(charter: str, ap: Appeasement) -> tuple[foedus.World, foedus.World, CrisisResult,
                                                      CrisisResult]:
    """The first crisis of a synthetic world settled by a concession, played with and without
    appeasement from the same seed (worlds before and after, results on and off)."""
    w0 = foedus.generate_world(30, rng=3)
    for a in range(w0.n):
        for t in range(w0.n):
            if a == t:
                continue
            on_w, off_w = w0.copy(), w0.copy()
            on = run_crisis(on_w, charter, a, t, rng=np.random.default_rng(a * 100 + t),
                            appeasement=ap)
            if on.conceded:
                off = run_crisis(off_w, charter, a, t, rng=np.random.default_rng(a * 100 + t))
                return w0, on_w, on, off
    raise AssertionError("no crisis settled by a concession")


def test_a_concession_transfers_a_share_of_the_spoils_and_ends_the_crisis_short_of_war() -> None:
    w0, w1, on, off = _conceded("un-1945", _AP)
    a, t = w0.codes.index(on.aggressor), w0.codes.index(on.target)
    spoils = float(foedus.Behaviour().spoils)
    offer = _AP.share * spoils * float(w0.capability[t])
    assert on.concession == pytest.approx(offer)
    assert w1.capability[a] == pytest.approx(w0.capability[a] + offer)
    assert w1.capability[t] == pytest.approx(w0.capability[t] - offer)
    assert w1.capability.sum() == pytest.approx(w0.capability.sum())  # nothing destroyed
    assert not on.war and on.aggressor_won and on.capability_destroyed == 0.0
    assert on.concession_by in ("target", "institution")
    assert any(e.step == "appeasement" for e in on.trace)
    # the crisis up to the response is the one played without appeasement
    assert (on.in_scope, on.determined, on.vetoed) == (off.in_scope, off.determined, off.vetoed)
    assert not off.conceded and off.concession == 0.0


def test_an_institution_that_pressed_a_concession_loses_credibility() -> None:
    _, _, on, off = _conceded("un-1945", _AP)
    assert on.concession_by == "institution"  # the vetoed Council, seized and idle
    # the crisis's own learning is the same as when fought; then the institution is discredited
    assert on.credibility_after == pytest.approx(off.credibility_after * (1.0 - _AP.discredit))
    res = CrisisResult(**{**on.to_dict(), "trace": []})
    res.concession_by, res.credibility_after = "institution", 0.5
    discredit(res, _AP)
    assert res.credibility_after == pytest.approx(0.4)
    res.concession_by, res.credibility_after = "target", 0.5
    discredit(res, _AP)
    assert res.credibility_after == 0.5  # a target's own concession costs the institution none


def test_a_concession_that_gives_the_aggressor_less_than_fighting_is_refused() -> None:
    # a zero concession never beats fighting: nothing is ever conceded
    w0 = foedus.generate_world(30, rng=3)
    none = Appeasement(share=0.0, appetite=0.2, discredit=0.2)
    for a, t in [(0, 1), (2, 5), (4, 9), (7, 3)]:
        res = run_crisis(w0.copy(), "un-1945", a, t, rng=np.random.default_rng(a), appeasement=none)
        assert not res.conceded


def test_appetite_grows_after_a_gain_by_concession() -> None:
    r = np.array([0.2, 0.9])
    whet_appetite(r, 0, Appeasement(share=0.5, appetite=0.5, discredit=0.0))
    assert r[0] == pytest.approx(0.6) and r[1] == 0.9
    whet_appetite(r, 1, Appeasement(share=0.5, appetite=1.0, discredit=0.0))
    assert r[1] == 1.0


def test_sequels_count_later_demands_by_states_that_gained_by_concession() -> None:
    c = Concessions(3)
    yes = CrisisResult(**{**_conceded("un-1945", _AP)[2].to_dict(), "trace": []})
    no = CrisisResult(**{**yes.to_dict(), "trace": []})
    no.conceded, no.concession_by = False, None
    c.note(0, no)      # not yet a sequel
    c.note(0, yes)     # gains by concession
    c.note(0, no)      # a sequel
    c.note(1, no)      # another state: no sequel
    s = c.summary(200.0)
    assert c.sequels == 1 and c.conceded == 1
    assert s["concession_share"] == pytest.approx(0.25)
    assert s["concessions_per_100"] == pytest.approx(0.5)
    assert s["appeasement_sequels_per_100"] == pytest.approx(0.5)
    assert math.isnan(Concessions(2).summary(0.0)["concessions_per_100"])


def test_off_by_default_changes_nothing_and_reports_nan() -> None:
    assert foedus.ModelSettings().appeasement == "off"
    default = simulate("un-1945", years=10, n_states=30, rng=5).metrics
    off = simulate("un-1945", years=10, n_states=30, rng=5, appeasement="off").metrics
    for k, v in default.items():
        assert (math.isnan(v) and math.isnan(off[k])) or v == off[k], k
    assert all(math.isnan(default[k]) for k in _KEYS)


def test_a_run_with_appeasement_counts_concessions_and_raises_the_appeasers_revisionism() -> None:
    world = foedus.generate_world(60, rng=11)
    m = Model("un-1945", world, rng=11, appeasement="on")
    before = m.world.revisionism.copy()
    res = m.run(50)
    assert m.concessions.conceded > 0
    gained = m.concessions.gained
    assert np.all(m.world.revisionism[gained] > before[gained])
    assert np.array_equal(m.world.revisionism[~gained], before[~gained])
    met = res.metrics
    assert met["concessions_per_100"] == pytest.approx(100 * m.concessions.conceded
                                                       / m.state_years)
    assert 0.0 < met["concession_share"] <= 1.0
    assert met["pressed_concessions"] == m.concessions.pressed


def test_settings_bound_the_appeasement_parameters() -> None:
    with pytest.raises(foedus.FoedusError):
        foedus.ModelSettings(appeasement="sometimes")
    with pytest.raises(foedus.FoedusError):
        foedus.ModelSettings(appeasement_share=1.5)


def test_the_docs_worked_experiment_league_unchanged_un_pressed_and_discredited() -> None:
    # docs/appeasement.md, one seed of the ten: the League's members act, so nothing is
    # conceded; the vetoed Council presses concessions and loses credibility
    league = [simulate("league-1920", years=50, n_states=60, rng=1, appeasement=ap).metrics
              for ap in ("off", "on")]
    assert league[0]["attempts_per_100"] == league[1]["attempts_per_100"]
    assert league[1]["concessions_per_100"] == 0.0
    off, on = (simulate("un-1945", years=50, n_states=60, rng=1, appeasement=ap).metrics
               for ap in ("off", "on"))
    assert on["pressed_concessions"] > 0 and on["appeasement_sequels_per_100"] > 0
    assert on["mean_credibility"] < off["mean_credibility"]
    assert on["aggressor_success_rate"] > off["aggressor_success_rate"]
