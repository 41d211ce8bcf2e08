"""Strength and war: the loss-of-strength gradient and the contest success function.

Both the crisis engine (a war's real outcome) and the aggressor's forecast (the outcome it
expects) use these, so each is defined here once.

- :class:`Gradient`: capability projected over a distance loses strength (Boulding 1962). In
  the ``"bdm"`` form of Bueno de Mesquita (1981, *The War Trap*) a capability share ``c <= 1``
  projected over ``miles`` becomes ``c ** log10(miles / miles_per_day + (10 - e))``
  (capabilities above 1 are scaled to the largest before and after); ``"exponential"``
  multiplies by ``exp(-d / gradient_km)``; ``"none"`` keeps ``c``. The distance part (the
  *token*) is computed once per distance and applied to any capability.
- :func:`contest_success`: the ratio form of Tullock (1980) and Hirshleifer (1989),
  ``P(first wins) = E_1^g / (E_1^g + E_2^g)``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, overload

import numpy as np
from numpy.typing import ArrayLike, NDArray

if TYPE_CHECKING:
    from .behaviour import Behaviour

FloatArray = NDArray[np.float64]

KM_PER_MILE = 1.609344
#: Square distance matrices of at least this many entries have their gradient token memoised, and how
#: many such tokens are kept (a few worlds at a time).
MEMO_MIN_SIZE = 4096
TOKEN_MEMO = 4
_MEMO: dict[tuple[str, float, float, int], tuple[Any, NDArray[np.float64], FloatArray]] = {}


class Gradient:
    """The loss-of-strength gradient of a :class:`~foedus.engine.Behaviour`.

    ``token(distance)`` is the distance part (the exponent for ``"bdm"``, the decay factor
    otherwise); ``project(cap, token, scale)`` applies it to capabilities, and
    ``project_log(log_cap, token, scale)`` does the same from ``log(capability)`` (which the
    forecast keeps for a whole period). ``scale`` is the largest capability (at least 1).
    """

    def __init__(self, behaviour: Behaviour) -> None:
        self.kind = str(behaviour.gradient)
        self.miles_per_day = float(behaviour.miles_per_day)
        self.gradient_km = float(behaviour.gradient_km)

    def token(self, distance: ArrayLike) -> FloatArray:
        """The distance part of the gradient, elementwise over ``distance`` (km).

        A world's distance matrix is asked for again at every crisis: the token of the last
        few large matrices is kept (:data:`TOKEN_MEMO` entries), and reused when the same
        array comes back with the same contents (compared, so that a matrix changed in place
        is computed again)."""
        if isinstance(distance, np.ndarray) and distance.dtype == np.float64 \
                and distance.ndim == 2 and distance.shape[0] == distance.shape[1] \
                and distance.size >= MEMO_MIN_SIZE:
            return self._memo_token(distance)
        return self._token(distance)

    def _memo_token(self, d: NDArray[np.float64]) -> FloatArray:
        key = (self.kind, self.miles_per_day, self.gradient_km, id(d))
        hit = _MEMO.get(key)
        if hit is not None and hit[0] is d and np.array_equal(hit[1], d):
            _MEMO[key] = _MEMO.pop(key)  # the most recently used last
            return hit[2]
        tok = self._token(d)
        tok.flags.writeable = False  # shared between calls
        _MEMO[key] = (d, d.copy(), tok)
        while len(_MEMO) > TOKEN_MEMO:
            _MEMO.pop(next(iter(_MEMO)))
        return tok

    def _token(self, distance: ArrayLike) -> FloatArray:
        d = np.maximum(np.asarray(distance, dtype=float), 0.0)
        if self.kind == "bdm":
            return np.asarray(np.log10(d / KM_PER_MILE / self.miles_per_day + (10.0 - math.e)))
        if self.kind == "exponential":
            return np.asarray(np.exp(-d / self.gradient_km))
        return np.ones_like(d)

    def project(self, cap: ArrayLike, token: ArrayLike, scale: float) -> FloatArray:
        """Capability ``cap`` projected with ``token`` (broadcast together); none projects none."""
        c = np.asarray(cap, dtype=np.float64)
        tok = np.asarray(token, dtype=np.float64)
        if self.kind == "bdm":
            with np.errstate(divide="ignore", invalid="ignore"):
                out = np.where(c > 0, (np.maximum(c, 0.0) / scale) ** tok * scale, 0.0)
            return np.asarray(out, dtype=np.float64)
        return np.asarray(c * tok, dtype=np.float64)

    def project_log(self, log_cap: ArrayLike, token: ArrayLike, scale: float) -> FloatArray:
        """Like :meth:`project`, from ``log(capability)`` (``-inf`` for none)."""
        lc = np.asarray(log_cap, dtype=np.float64)
        tok = np.asarray(token, dtype=np.float64)
        if self.kind == "bdm":
            return np.asarray(np.exp(tok * (lc - math.log(scale))) * scale, dtype=np.float64)
        return np.asarray(np.exp(lc) * tok, dtype=np.float64)


@overload
def contest_success(first: float, second: float, gamma: float) -> float: ...


@overload
def contest_success(first: ArrayLike, second: ArrayLike, gamma: float) -> FloatArray: ...


def contest_success(first: ArrayLike, second: ArrayLike, gamma: float) -> float | FloatArray:
    """Chance that the first side wins: ``E_1^g / (E_1^g + E_2^g)`` (Tullock 1980;
    Hirshleifer 1989), in log space for large ``gamma``.

    1/2 when neither side has any strength, 0 when only the second has, 1 when only the first
    has; 0 when the odds overflow (``g log(E_2 / E_1) >= 700``). Two floats give a float
    (computed with :mod:`math`, as a war is fought); arrays are evaluated elementwise.
    """
    if np.ndim(first) == 0 and np.ndim(second) == 0:
        return _contest(float(first), float(second), gamma)  # type: ignore[arg-type]
    e1, e2 = np.asarray(first, dtype=float), np.asarray(second, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        z = gamma * (np.log(np.maximum(e2, 1e-300)) - np.log(np.maximum(e1, 1e-300)))
        p = np.where(z < 700, 1.0 / (1.0 + np.exp(np.clip(z, -700, 700))), 0.0)
    p = np.where(e2 <= 0, 1.0, p)
    p = np.where(e1 <= 0, 0.0, p)
    return np.asarray(np.where((e1 <= 0) & (e2 <= 0), 0.5, p), dtype=float)


def _contest(first: float, second: float, gamma: float) -> float:
    if first <= 0 and second <= 0:
        return 0.5
    if second <= 0:
        return 1.0
    if first <= 0:
        return 0.0
    z = gamma * (math.log(second) - math.log(first))
    return 1.0 / (1.0 + math.exp(z)) if z < 700 else 0.0


__all__ = ["KM_PER_MILE", "Gradient", "contest_success"]
