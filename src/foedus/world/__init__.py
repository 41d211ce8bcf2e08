"""``foedus.world``: the world as arrays (:class:`World`), its file format and synthetic worlds
(:class:`WorldSpec`, :func:`generate_world`). Worlds built from data are in :mod:`foedus.data`."""

from .._public import publish
from .synthetic import MAX_STATES, WorldSpec, generate_world
from .world import (
    CONSULTATION,
    DEFENCE,
    DISPUTE_HALF_LIFE,
    FORMAT_VERSION,
    NEUTRALITY,
    NONAGGRESSION,
    OBLIGATIONS,
    OFFENCE,
    World,
    load_world,
)

__all__ = ["CONSULTATION", "DEFENCE", "DISPUTE_HALF_LIFE", "FORMAT_VERSION", "MAX_STATES", "NEUTRALITY",
           "NONAGGRESSION", "OBLIGATIONS", "OFFENCE", "World", "WorldSpec", "generate_world",
           "load_world"]

publish(__name__, globals(), __all__)
