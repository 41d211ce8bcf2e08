"""Synthetic worlds: seeded, skewed, saved and loaded safely."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import foedus


def test_same_seed_same_world_different_seed_different_world() -> None:
    a, b = foedus.generate_world(40, rng=7), foedus.generate_world(40, rng=7)
    c = foedus.generate_world(40, rng=8)
    assert np.array_equal(a.capability, b.capability) and np.array_equal(a.affinity, b.affinity)
    assert not np.array_equal(a.capability, c.capability)


def test_synthetic_world_has_the_documented_structure() -> None:
    w = foedus.generate_world(60, rng=1)
    assert w.n == 60 and w.major.sum() == 5
    assert w.capability[w.major].sum() == pytest.approx(0.5)
    assert w.capability.sum() == pytest.approx(1.0)
    assert np.allclose(w.affinity, w.affinity.T) and np.all(np.diag(w.affinity) == 1)
    assert np.all(np.abs(w.affinity) <= 1)
    assert np.allclose(w.distance, w.distance.T) and np.all(np.diag(w.distance) == 0)
    assert set(np.unique(w.bloc)) <= {-1, 0, 1}
    # Bloc members are closer in interest than members of different blocs.
    same = (w.bloc[:, None] == w.bloc[None, :]) & (w.bloc[:, None] >= 0) & ~np.eye(60, dtype=bool)
    diff = (w.bloc[:, None] != w.bloc[None, :]) & (w.bloc[:, None] >= 0) & (w.bloc[None, :] >= 0)
    assert w.affinity[same].mean() > 0.3 > -0.1 > w.affinity[diff].mean()
    assert (w.alliances & foedus.world.DEFENCE).any()


def test_world_round_trips_through_its_file(tmp_path: Path) -> None:
    w = foedus.generate_world(25, rng=3)
    path = w.save(tmp_path / "w.npz")
    back = foedus.load_world(path)
    assert back.codes == w.codes and back.meta == w.meta
    for name in ("capability", "affinity", "distance", "alliances", "contiguity", "bloc"):
        assert np.array_equal(getattr(back, name), getattr(w, name))


def test_bad_world_files_give_clear_errors(tmp_path: Path) -> None:
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"not a zip")
    with pytest.raises(foedus.InputError, match=r"junk\.npz"):
        foedus.load_world(junk)
    with pytest.raises(foedus.InputError, match="file not found"):
        foedus.load_world(tmp_path / "missing.npz")
    w = foedus.generate_world(5, rng=0)
    arrays = {k: getattr(w, k) for k in ("ccodes", "capability", "pos", "region", "major",
                                         "alive", "nonaligned", "bloc", "distance",
                                         "contiguity", "affinity", "alliances")}
    arrays["revisionism"] = np.full(5, 2.0)  # out of range
    import json

    bad = tmp_path / "bad.npz"
    np.savez(bad, _meta=np.array(json.dumps({"format": "foedus-world", "codes": w.codes,
                                              "names": w.names})), **arrays)
    with pytest.raises(foedus.InputError, match="revisionism"):
        foedus.load_world(bad)


def test_world_copy_is_independent() -> None:
    w = foedus.generate_world(10, rng=0)
    c = w.copy()
    c.capability[0] = 99.0
    c.alive[1] = False
    assert w.capability[0] != 99.0 and w.alive[1]


def test_tiny_and_degenerate_worlds() -> None:
    w = foedus.generate_world(1, rng=0)
    assert w.n == 1 and w.capability[0] == pytest.approx(1.0)
    with pytest.raises(ValueError):
        foedus.generate_world(0)


def test_an_unknown_state_in_a_synthetic_world_suggests_a_data_year() -> None:
    w = foedus.generate_world(12, rng=1)
    with pytest.raises(foedus.FoedusError, match=r"synthetic world: its 12 states are named S01…S12.*--year"):
        w.index("RUS")


def test_a_world_file_with_an_unknown_compression_method_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "w.npz"
    foedus.generate_world(6, rng=1).save(path)
    raw = bytearray(path.read_bytes())
    central = raw.find(b"PK\x01\x02")  # the first member's entry in the central directory
    assert central > 0
    raw[central + 10:central + 12] = (99).to_bytes(2, "little")  # compression method: unknown
    path.write_bytes(bytes(raw))
    with pytest.raises(foedus.FoedusError, match="damaged or truncated"):
        foedus.load_world(path)
