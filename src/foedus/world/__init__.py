"""``foedus.world``: the world as arrays (:class:`World`), its file format and synthetic worlds."""

from .synthetic import MAX_STATES, WorldSpec, generate_world
from .world import (
    CONSULTATION,
    DEFENCE,
    FORMAT_VERSION,
    NEUTRALITY,
    NONAGGRESSION,
    OBLIGATIONS,
    OFFENCE,
    World,
    load_world,
)

__all__ = ["CONSULTATION", "DEFENCE", "FORMAT_VERSION", "MAX_STATES", "NEUTRALITY",
           "NONAGGRESSION", "OBLIGATIONS", "OFFENCE", "World", "WorldSpec", "generate_world",
           "load_world"]
