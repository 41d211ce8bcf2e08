"""UN membership by year for COW states: admissions after COW entry, never-members and the China
seat. A leaf of the data package: world building and the peace-science tools both read it."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

#: Year of UN admission for COW states that entered the COW system before joining the UN (UN,
#: "Growth in United Nations membership", https://www.un.org/en/about-us/growth-in-un-membership).
#: Every other COW member counts from 1945 or from its COW entry, whichever is later.
UN_ADMITTED: dict[int, int] = {
    380: 1946, 395: 1946, 700: 1946, 800: 1946,          # Sweden, Iceland, Afghanistan, Thailand
    678: 1947, 666: 1949, 850: 1950,                     # Yemen Arab Rep., Israel, Indonesia
    # the package deal of 14 December 1955
    205: 1955, 230: 1955, 235: 1955, 310: 1955, 325: 1955, 339: 1955, 355: 1955, 360: 1955,
    375: 1955, 620: 1955, 663: 1955, 780: 1955, 790: 1955, 811: 1955, 812: 1955,
    740: 1956, 435: 1961, 712: 1961, 690: 1963,          # Japan, Mauritania, Mongolia, Kuwait
    260: 1973, 265: 1973, 771: 1974, 540: 1976, 816: 1977,  # the two Germanies, Bangladesh, ...
    57: 1980, 552: 1980,                                 # St Vincent, Zimbabwe (COW from 1965)
    731: 1991, 732: 1991,                                # the two Koreas
    359: 1992, 371: 1992, 372: 1992, 373: 1992, 701: 1992, 702: 1992, 703: 1992, 704: 1992,
    705: 1992,                                           # former Soviet republics (2 Mar 1992)
    225: 2002,                                           # Switzerland
}
#: COW states never UN members: Kosovo, the Republic of Vietnam.
UN_NEVER = frozenset({347, 817})
#: China's seat: held by the Republic of China (COW 710 until 1949, then Taiwan, COW 713) until
#: General Assembly resolution 2758 of 25 October 1971 gave it to the People's Republic (COW 710).
_CHINA_SPELLS = {710: ((1945, 1949), (1971, 9999)), 713: ((1949, 1971),)}


def _un_member(ccode: int, year: int) -> bool:
    if year < 1945 or ccode in UN_NEVER:
        return False
    if ccode in _CHINA_SPELLS:
        return any(a <= year <= b for a, b in _CHINA_SPELLS[ccode])
    return year >= UN_ADMITTED.get(ccode, 1945)


def un_members_for(year: int, codes: Sequence[str], ccodes: NDArray[np.int64]) -> list[str]:
    """UN members among the given COW states in ``year`` (see :func:`foedus.data.un_members`)."""
    return [c for c, cc in zip(codes, ccodes, strict=True) if _un_member(int(cc), year)]


__all__ = ["UN_ADMITTED", "UN_NEVER", "un_members_for"]
