"""``foedus.seeding``: the one seeding scheme of every run, comparison and experiment (see
:mod:`foedus._seeding` for the scheme and its reference)."""

from ._seeding import (
    children,
    design_rng,
    replication_seeds,
    replication_sequence,
    seed_label,
    split,
)

__all__ = ["children", "design_rng", "replication_seeds", "replication_sequence", "seed_label",
           "split"]
