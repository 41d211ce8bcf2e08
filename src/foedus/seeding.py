"""Seeding (``foedus.seeding``): the one scheme every run, comparison and experiment draws its randomness from.

Replication ``r`` of design point ``p`` under root seed ``s`` draws from
``SeedSequence(s, spawn_key=(p, r))``; its child 0 builds the synthetic world and its child 1
drives the run, so every system meets the same worlds and the same draws (common random numbers;
Law, *Simulation Modeling and Analysis*, 5th ed., 2015, §11.2). A comparison is design point 0.
Designs (Latin hypercube, Sobol) draw from the root sequence itself, whose spawn key is empty,
so they never collide with a run. Everything takes a ``numpy.random.SeedSequence`` or an int and
returns new objects; no global random state is read or written.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def children(seq: np.random.SeedSequence, k: int = 2) -> list[np.random.SeedSequence]:
    """Children ``0..k-1`` of ``seq`` (what ``seq.spawn(k)`` gives on a fresh copy; ``seq``
    itself is never mutated, so asking twice gives the same children)."""
    return [np.random.SeedSequence(seq.entropy, spawn_key=(*seq.spawn_key, i),
                                   pool_size=seq.pool_size) for i in range(k)]


def replication_sequence(seed: int, point: int, replication: int) -> np.random.SeedSequence:
    """The seed sequence of replication ``replication`` of design point ``point``."""
    return np.random.SeedSequence(int(seed), spawn_key=(int(point), int(replication)))


def replication_seeds(seed: int, point: int, replication: int
                      ) -> tuple[np.random.SeedSequence, np.random.SeedSequence]:
    """``(world seed, run seed)`` of a replication: children 0 and 1 of
    :func:`replication_sequence`."""
    world, run = children(replication_sequence(seed, point, replication))
    return world, run


def split(rng: int | np.random.SeedSequence) -> tuple[np.random.SeedSequence,
                                                      np.random.SeedSequence]:
    """``(world seed, run seed)`` of a single run seeded by ``rng``: its children 0 and 1."""
    seq = rng if isinstance(rng, np.random.SeedSequence) else np.random.SeedSequence(int(rng))
    world, run = children(seq)
    return world, run


def design_rng(seed: int) -> np.random.Generator:
    """The generator a design (Latin hypercube, Sobol scrambling) draws its points from."""
    return np.random.default_rng(np.random.SeedSequence(int(seed)))


def seed_label(rng: Any) -> Any:
    """A JSON-ready label of the randomness a run used (int, spawn key or None)."""
    if isinstance(rng, int | np.integer):
        return int(rng)
    if isinstance(rng, np.random.SeedSequence):
        ent = rng.entropy
        return {"entropy": int(ent) if isinstance(ent, int | np.integer) else ent,
                "spawn_key": [int(k) for k in rng.spawn_key]}
    return None


__all__ = ["children", "design_rng", "replication_seeds", "replication_sequence", "seed_label",
           "split"]
