"""Real data: worlds built from the Correlates of War and ATOP for any year, and peace-science
tools (dyad-years, capability concentration, UN membership, Security Council vetoes).

Files come from their original publishers (``foedus data fetch``) or a local copy
(``foedus data import PATH``); see ``docs/data.md`` for sources, citations and quirks.
"""

from __future__ import annotations

from .._public import publish
from .build import (
    COW_TO_GW_FALLBACK,
    DEFAULT_REVISIONISM,
    DataSet,
    Record,
    alliance_blocs,
    dataset,
    equirectangular_km,
    great_circle_km,
    nonaligned_flags,
    portfolio_levels,
    region_of,
    s_scores,
    world_for_year,
    world_on_record,
    worlds,
)
from .files import (
    ChecksumError,
    MissingDataError,
    data_dir,
    fetch,
    find_file,
    import_data,
    require_file,
    sha256_file,
    status,
)
from .loaders import (
    load_atop_dyads,
    load_atop_members,
    load_capdist,
    load_capitals,
    load_contiguity,
    load_majors,
    load_mid_disputes,
    load_mid_participants,
    load_nmc,
    load_states,
    load_vetoes,
    load_wars,
    read_table,
)
from .peacesci import (
    capability_concentration,
    concentration,
    conflict_onsets,
    dyad_year_range,
    dyad_years,
    un_members,
    veto_statistics,
)
from .plots import plot_concentration, plot_vetoes
from .revisionism import REVISIONISM_RULES
from .sources import SOURCES, DataFile, Source
from .un import UN_ADMITTED

__all__ = [
    "COW_TO_GW_FALLBACK",
    "DEFAULT_REVISIONISM",
    "REVISIONISM_RULES",
    "SOURCES",
    "UN_ADMITTED",
    "ChecksumError",
    "DataFile",
    "DataSet",
    "MissingDataError",
    "Record",
    "Source",
    "alliance_blocs",
    "capability_concentration",
    "concentration",
    "conflict_onsets",
    "data_dir",
    "dataset",
    "dyad_year_range",
    "dyad_years",
    "equirectangular_km",
    "fetch",
    "find_file",
    "great_circle_km",
    "import_data",
    "load_atop_dyads",
    "load_atop_members",
    "load_capdist",
    "load_capitals",
    "load_contiguity",
    "load_majors",
    "load_mid_disputes",
    "load_mid_participants",
    "load_nmc",
    "load_states",
    "load_vetoes",
    "load_wars",
    "nonaligned_flags",
    "plot_concentration",
    "plot_vetoes",
    "portfolio_levels",
    "read_table",
    "region_of",
    "require_file",
    "s_scores",
    "sha256_file",
    "status",
    "un_members",
    "veto_statistics",
    "world_for_year",
    "world_on_record",
    "worlds",
]

publish(__name__, globals(), __all__)
