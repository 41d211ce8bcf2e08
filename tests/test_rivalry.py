"""Rivalry (issue 12): the pairs' dispute history, in the world, the data, the decisions and
the calibration. Tests that need the reference data skip when ../shared/data is absent."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from foedus import FoedusError, Model, World, generate_world, load_world
from foedus.cli import main
from foedus.world import DISPUTE_HALF_LIFE


@pytest.fixture()
def world() -> World:
    return generate_world(40, rng=3)


def test_a_world_without_a_dispute_history_has_none(world: World) -> None:
    assert world.disputes.shape == (world.n, world.n)
    assert not world.disputes.any()


def test_a_negative_dispute_history_is_refused_naming_the_field(world: World) -> None:
    from foedus._errors import InputError

    bad = world.disputes.copy()
    bad[0, 1] = -1.0
    with pytest.raises(InputError, match="disputes"):
        World(**{**_fields(world), "disputes": bad})


def test_the_dispute_history_is_saved_and_an_older_file_without_it_loads(world: World,
                                                                         tmp_path: Path) -> None:
    world.disputes[2, 5] = world.disputes[5, 2] = 1.5
    path = world.save(tmp_path / "w.npz")
    assert load_world(path).disputes[2, 5] == 1.5
    old = tmp_path / "old.npz"  # a file written before the field existed
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(old, "w") as dst:
        for item in src.infolist():
            if item.filename != "disputes.npy":
                dst.writestr(item, src.read(item.filename))
    assert not load_world(old).disputes.any()


def test_rivalry_adds_its_documented_value_to_a_rival_pair(world: World) -> None:
    w = world.copy()
    m0 = Model("self-help", w, rng=np.random.default_rng(0), behaviour={"rivalry": 0.5})
    sel = m0.forecast.active(np.zeros(0, np.int64))
    a, t = int(m0.forecast.pairs.a[sel[0]]), int(m0.forecast.pairs.t[sel[0]])
    w.disputes[a, t] = w.disputes[t, a] = 3.0
    m1 = Model("self-help", w, rng=np.random.default_rng(0), behaviour={"rivalry": 0.5})
    gap = m1.expected_utility(sel)[0] - m0.expected_utility(sel)[0]
    pa, pt = m1.forecast.pairs.a[sel], m1.forecast.pairs.t[sel]
    rival = ((pa == a) & (pt == t)) | ((pa == t) & (pt == a))
    assert np.allclose(gap[rival], 0.5 * 3.0 / 4.0)  # both directions: h / (1 + h) = 3/4
    assert np.allclose(gap[~rival], 0.0)


def test_a_distant_rival_becomes_a_relevant_target(world: World) -> None:
    w = world.copy()
    m = Model("self-help", w, rng=np.random.default_rng(0))
    pairs = set(zip(m.forecast.pairs.a.tolist(), m.forecast.pairs.t.tolist(), strict=True))
    a, t = next((i, j) for i in range(w.n) for j in range(w.n)
                if i != j and (i, j) not in pairs and not w.major[i] and not w.major[j])
    w.disputes[a, t] = w.disputes[t, a] = 0.5
    m = Model("self-help", w, rng=np.random.default_rng(0))
    pairs = set(zip(m.forecast.pairs.a.tolist(), m.forecast.pairs.t.tolist(), strict=True))
    assert (a, t) in pairs and (t, a) in pairs


def test_the_year_s_disputes_join_a_fading_history(world: World) -> None:
    m = Model("self-help", world, rng=np.random.default_rng(1), settings={"attack_threshold": 0.0})
    before = m.world.disputes.copy()
    rec = m.step()
    assert rec["attempts"] > 0
    idx = {c: i for i, c in enumerate(m.world.codes)}
    expected = before * 0.5 ** (1.0 / DISPUTE_HALF_LIFE)
    for ev in m.events:
        i, j = idx[ev.aggressor], idx[ev.target]
        expected[i, j] += 1.0
        expected[j, i] += 1.0
    assert np.allclose(m.world.disputes, expected)
    assert np.allclose(m.world.disputes, m.world.disputes.T)


def test_a_rival_pair_disputes_more_often() -> None:
    # the same world twice, once with a dispute history between two neighbours
    runs = []
    for history in (0.0, 5.0):
        counts = 0
        for seed in range(6):
            w = generate_world(30, rng=11)
            a, t = 0, int(np.argsort(w.distance[0])[1])
            w.disputes[a, t] = w.disputes[t, a] = history
            m = Model("self-help", w, rng=np.random.default_rng(seed), behaviour={"rivalry": 1.0})
            m.run(5)
            counts += sum({e.aggressor, e.target} == {w.codes[a], w.codes[t]} for e in m.events)
        runs.append(counts)
    assert runs[1] > runs[0]


def test_data_worlds_carry_the_record_s_dispute_history(shared_data: Path) -> None:
    from foedus.data import world_for_year

    w = world_for_year(1900, data_dir=shared_data)
    assert np.allclose(w.disputes, w.disputes.T) and (w.disputes >= 0).all()
    ukg, frn = w.codes.index("UKG"), w.codes.index("FRN")
    assert w.disputes[ukg, frn] > 1.0  # Fashoda and the colonial disputes before 1900
    assert "MID" in w.meta["disputes"]
    early = world_for_year(1817, data_dir=shared_data)
    assert early.disputes.sum() < w.disputes.sum()


def test_calibrating_a_subset_names_unknown_parameters(shared_data: Path) -> None:
    from foedus.validation import subspace

    assert set(subspace(["behaviour.rivalry"])) == {"behaviour.rivalry"}
    with pytest.raises(FoedusError, match=r"behaviour\.nonsense"):
        subspace(["behaviour.nonsense"])
    r = CliRunner().invoke(main, ["calibrate", "--params", "behaviour.nonsense", "--trials", "1",
                                  "--data-dir", str(shared_data)])
    assert r.exit_code == 2 and "behaviour.nonsense" in r.output and "Traceback" not in r.output


def test_the_calibration_scores_how_the_model_ranks_dyads(shared_data: Path) -> None:
    from foedus.validation import evaluate, mid_auc

    a = mid_auc([1880, 1885], data_dir=shared_data)
    assert 0.0 <= a <= 1.0
    out = evaluate({"run.attack_threshold": 0.2}, [(1880, 6)], replications=1, data_dir=shared_data)
    period = out["periods"][0]
    assert 0.0 <= period["model"]["mid_auc"] <= 1.0
    assert json.dumps(out)  # JSON-ready


def _fields(w: World) -> dict[str, object]:
    from dataclasses import fields

    return {f.name: getattr(w, f.name) for f in fields(w)}
