"""The birth process of synthetic worlds (issue 11, item 3): new states by secession and in
regional waves, off by default (engine/births.py, docs/world.md)."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import numpy as np
import pytest
from click.testing import CliRunner

from foedus import FoedusError, ModelSettings, generate_world, simulate
from foedus.cli import main
from foedus.engine.births import RADIUS, BirthProcess, admits, reserve
from foedus.engine.model import Model
from foedus.parameters import SettingsError


def _process(n: int = 40, seed: int = 1, **settings: float) -> tuple[BirthProcess, object]:
    world = generate_world(n, rng=seed)
    got = BirthProcess.start(world, ModelSettings(**settings), np.random.default_rng(seed))
    assert got is not None
    return got


def _run(proc: BirthProcess, world, years: int, seed: int = 7) -> tuple[float, list[int]]:
    """Years of births alone (no war): state-years at risk and births per year."""
    rng = np.random.default_rng(seed)
    at_risk, per_year = 0.0, []
    for year in range(1, years + 1):
        at_risk += float(world.alive.sum())
        per_year.append(len(proc.step(world, year, rng)))
    return at_risk, per_year


@pytest.mark.parametrize(("rate", "waves"), [(1.0, 0.0), (2.0, 0.5)])
def test_births_come_at_the_set_rate(rate: float, waves: float) -> None:
    proc, world = _process(births=rate, birth_waves=waves, birth_slots=1000)
    at_risk, per_year = _run(proc, world, 150)
    assert proc.short == 0  # the reserve held every birth
    observed = 100.0 * sum(per_year) / at_risk
    assert observed == pytest.approx(rate, rel=0.2)
    assert int(world.alive.sum()) == 40 + sum(per_year)


def test_a_newborn_sits_next_to_its_parent_and_takes_its_share() -> None:
    proc, world = _process(births=1.0, birth_share=0.25)
    before = world.capability.copy()
    total = float(before.sum())
    parent, child = int(np.argmax(before)), proc.free[0]
    proc.secede(world, parent, child, np.random.default_rng(3))
    assert world.capability[child] == pytest.approx(0.25 * before[parent], rel=1e-15)
    assert world.capability[parent] + world.capability[child] == pytest.approx(before[parent],
                                                                               rel=1e-15)
    assert float(world.capability.sum()) == pytest.approx(total, rel=1e-14)
    assert world.alive[child] and world.contiguity[child, parent] and world.contiguity[parent, child]
    lo, hi = RADIUS[0] * proc.contiguity_km, RADIUS[1] * proc.contiguity_km
    assert lo <= world.distance[child, parent] <= hi
    # the plane's distances, both ways, in a synthetic world
    plane = np.sqrt(((world.pos - world.pos[child]) ** 2).sum(-1))
    alive = world.alive
    np.testing.assert_allclose(world.distance[child, alive], plane[alive], atol=1e-6)
    np.testing.assert_array_equal(world.distance[child], world.distance[:, child])
    assert world.region[child] == world.region[parent]
    assert not world.alliances[child].any() and not world.alliances[:, child].any()
    assert world.bloc[child] == -1 and not world.major[child]
    np.testing.assert_array_equal(world.affinity[child], world.affinity[:, child])
    world.validate()


def test_waves_cluster_births_in_one_region() -> None:
    def births_per_region_year(waves: float) -> float:
        proc, world = _process(births=2.0, birth_waves=waves, birth_wave_size=5.0,
                               birth_slots=1000)
        _run(proc, world, 60)
        cells = Counter((year, int(world.region[child])) for year, child, _, _ in proc.log)
        for _, child, parent, region in proc.log:
            assert world.region[child] == world.region[parent]
            assert region in (-1, world.region[child])
        return float(np.mean(list(cells.values())))

    assert births_per_region_year(1.0) > 3.0  # waves of 5 on average
    assert births_per_region_year(0.0) < 1.6  # single secessions scatter


def test_off_by_default_and_off_means_no_slots_and_no_draws() -> None:
    assert ModelSettings().births == 0
    world = generate_world(30, rng=4)
    default = Model("un-1945", world, rng=5)
    off = Model("un-1945", world, rng=5, births=0, birth_slots=300, birth_waves=1.0)
    assert off.world.n == default.world.n == 30 and off._births is None
    a, b = default.run(25), off.run(25)
    assert a.series.equals(b.series)
    assert (a.series["births"] == 0).all()
    assert default.rng.bit_generator.state == off.rng.bit_generator.state


def test_same_seed_same_births_and_numbers() -> None:
    a = simulate("un-1945", n_states=30, years=40, rng=9, births=3.0)
    b = simulate("un-1945", n_states=30, years=40, rng=9, births=3.0)
    assert a.series.equals(b.series) and a.metrics == b.metrics
    assert int(a.series["births"].sum()) > 0
    assert any(n.startswith("births: ") for n in a.notes)


@pytest.mark.parametrize("ref", ["un-1945", "nato", "un-1945+nato"])
def test_institutions_treat_the_newborn_by_their_charter(ref: str) -> None:
    m = Model(ref, generate_world(40, rng=2), rng=3, births=3.0)
    res = m.run(40)
    born = [child for _, child, _, _ in m._births.log]
    assert len(born) == int(res.series["births"].sum()) > 0
    insts = [m.institution, *([] if m.partners is None else
                              [p.institution for p in m.partners.items])]
    alive = [i for i in born if m.world.alive[i]]
    for inst in insts:
        if admits(inst.charter):  # a universal institution admits new states
            assert all(inst.members[i] for i in alive if i not in m._withdrew)
        else:  # a pact of a bloc does not
            assert not any(inst.members[i] for i in born)
    assert admits(m.institution.charter) == (ref == "un-1945" or m.institution.charter.id
                                             == "un-1945")


def test_the_series_counts_births_and_the_reserve_bounds_them() -> None:
    m = Model("self-help", generate_world(30, rng=6), rng=6, births=10.0, birth_slots=5)
    res = m.run(30)
    assert m.world.n == 35
    assert int(res.series["births"].sum()) == 5 == len(m._births.log)
    assert m._births.short > 0
    assert any("reserve of unborn slots was used up" in n for n in res.notes)


def test_reserve_keeps_the_world_and_adds_unborn_slots() -> None:
    world = generate_world(12, rng=1)
    grown = reserve(world, 4)
    assert grown.n == 16 and world.n == 12
    assert not grown.alive[12:].any() and (grown.capability[12:] == 0).all()
    assert grown.codes[:12] == world.codes and len(set(grown.codes)) == 16
    np.testing.assert_array_equal(grown.distance[:12, :12], world.distance)
    grown.validate()


@pytest.mark.parametrize(("field", "value"), [("births", -1.0), ("births", 21.0),
                                              ("birth_waves", 1.5), ("birth_share", 0.0),
                                              ("birth_wave_size", 0.5), ("birth_slots", 1001)])
def test_bad_settings_are_refused_by_name(field: str, value: float) -> None:
    with pytest.raises(SettingsError, match=field):
        ModelSettings(**{field: value})


def test_births_on_a_data_world_following_the_record_are_refused() -> None:
    data_like = replace(generate_world(10, rng=1), source="cow", year=1950)
    with pytest.raises(FoedusError, match="births: a data world that follows the record"):
        Model("self-help", data_like, rng=1, births=1.0)


def test_a_reserve_over_the_state_bound_is_refused() -> None:
    with pytest.raises(FoedusError, match="birth_slots"):
        Model("self-help", generate_world(4500, rng=1), rng=1, births=1.0, birth_slots=600)


def test_cli_takes_births_and_refuses_bad_values() -> None:
    runner = CliRunner()
    ok = runner.invoke(main, ["simulate", "--charter", "un-1945", "--years", "30", "--births",
                              "3", "--states", "30"])
    assert ok.exit_code == 0, ok.output
    assert "births: " in ok.output and "birth process: 3 new states" in ok.output
    bad = runner.invoke(main, ["simulate", "--charter", "un-1945", "--births", "25"])
    assert bad.exit_code == 2 and "--births" in bad.output and "Traceback" not in bad.output
