"""Provenance and citation: what a result was computed from, and how to cite it.

:func:`provenance` describes a comparison or sweep: the foedus version, the seed, the world's
source (a synthetic world with its generator settings, or the data year with every dataset
used and its citation, from :data:`foedus.data.SOURCES`), and the charters with the articles
they encode. :func:`citations` and :func:`bibtex` turn it into references: foedus itself
(:data:`FOEDUS_CITATION`, as in ``CITATION.cff``), each dataset, and the papers behind the
mechanisms and measures used (:data:`MECHANISMS`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .._errors import FoedusError
from .._version import __version__
from ..data.sources import SOURCES, WORLD_OPTIONAL, WORLD_REQUIRED
from ..rules.architecture import Architecture
from ..rules.charter import Charter
from ..world.world import World

#: How to cite foedus (kept in step with CITATION.cff).
FOEDUS_CITATION = (f"foedus developers. foedus: a laboratory for collective security, version "
                   f"{__version__}. Software, MIT licence.")

#: Papers behind the model's mechanisms (key -> reference), cited by every run.
MECHANISMS: dict[str, str] = {
    "bdm1981": "Bueno de Mesquita, B. (1981). The War Trap. Yale University Press.",
    "claude1962": "Claude, I. L. (1962). Power and International Relations. Random House.",
    "diekmann1985": "Diekmann, A. (1985). Volunteer's dilemma. Journal of Conflict Resolution "
                    "29(4): 605-610.",
    "duffy1992": "Duffy, G. (1992). Concurrent interstate conflict simulations: testing the "
                 "effects of the serial assumption. Mathematical and Computer Modelling "
                 "16(8-9): 241-270.",
    "hubermanglance1993": "Huberman, B. A. & Glance, N. S. (1993). Evolutionary games and "
                          "computer simulations. PNAS 90(16): 7716-7718.",
    "jervis1976": "Jervis, R. (1976). Perception and Misperception in International Politics. "
                  "Princeton University Press.",
    "lemkereed2001": "Lemke, D. & Reed, W. (2001). The relevance of politically relevant "
                     "dyads. Journal of Conflict Resolution 45(1): 126-144.",
    "olsonzeckhauser1966": "Olson, M. & Zeckhauser, R. (1966). An economic theory of "
                           "alliances. Review of Economics and Statistics 48(3): 266-279.",
    "sbs1972": "Singer, J. D., Bremer, S. & Stuckey, J. (1972). Capability distribution, "
               "uncertainty, and major power war, 1820-1965. In Russett (ed.), Peace, War, and "
               "Numbers. Sage.",
    "walt1987": "Walt, S. M. (1987). The Origins of Alliances. Cornell University Press.",
    "efron1987": "Efron, B. (1987). Better bootstrap confidence intervals. Journal of the "
                 "American Statistical Association 82(397): 171-185.",
    "wilson1927": "Wilson, E. B. (1927). Probable inference, the law of succession, and "
                  "statistical inference. Journal of the American Statistical Association "
                  "22(158): 209-212.",
}


def data_sources(year: int | None, world: World | None = None,
                 data_dir: str | Path | None = None) -> dict[str, str]:
    """Dataset id -> citation for a world built from data (empty for a synthetic one).

    The world's own record (``world.meta["citations"]``) is used when given; otherwise the
    world for ``year`` is built from ``data_dir`` to learn which datasets it used, and if the
    data cannot be read, every dataset a world can be built from is listed.
    """
    if world is not None:
        return dict(world.meta.get("citations") or {})
    if year is None:
        return {}
    try:
        from ..data import world_for_year

        built = world_for_year(int(year), data_dir=data_dir)
    except (FoedusError, OSError):
        ids = [sid for group in WORLD_REQUIRED for sid in group] + list(WORLD_OPTIONAL)
        return {sid: SOURCES[sid].citation for sid in ids if sid in SOURCES}
    return dict(built.meta.get("citations") or {})


def charter_articles(charter: Charter) -> list[str]:
    """The articles a charter encodes (every ``article`` field, in order, without repeats)."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "article" and isinstance(value, str) and value.strip():
                    found.append(value.strip())
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(charter.model_dump(mode="json"))
    return list(dict.fromkeys(found))


def charter_record(charter: Charter | Architecture) -> dict[str, Any]:
    """A charter's id, name, the treaty it encodes, its sources and articles; for an
    architecture, its sources and the record of each institution."""
    if isinstance(charter, Architecture):
        return {"id": charter.id, "name": charter.name, "sources": list(charter.sources),
                "institutions": [charter_record(c) for c in charter.charters()]}
    return {"id": charter.id, "name": charter.name, "citation": charter.citation,
            "sources": list(charter.sources), "articles": charter_articles(charter)}


def world_record(year: int | None, world: World | None, world_params: dict[str, Any],
                 n_states: int | None, datasets: dict[str, str]) -> dict[str, Any]:
    """Where the world came from: synthetic with its spec, given, or built from data."""
    if world is not None:
        return {"kind": "given", "source": world.source, "year": world.year, "n_states": world.n,
                "datasets": datasets}
    if year is not None:
        return {"kind": "data", "year": int(year), "datasets": datasets,
                "text": f"built from data for year {int(year)}"}
    return {"kind": "synthetic", "generator": "foedus.generate_world",
            "spec": {"n": n_states, **world_params},
            "text": f"generated (synthetic, {n_states} states)"}


def provenance(*, seed: int, charters: Iterable[Charter | Architecture], year: int | None = None,
               world: World | None = None, world_params: dict[str, Any] | None = None,
               n_states: int | None = None, data_dir: str | Path | None = None,
               settings: dict[str, Any] | None = None) -> dict[str, Any]:
    """What a result was computed from (JSON-ready): version, seed, world, charters, settings."""
    datasets = data_sources(year, world, data_dir)
    return {"foedus_version": __version__, "seed": int(seed),
            "world": world_record(year, world, dict(world_params or {}), n_states, datasets),
            "charters": [charter_record(c) for c in charters],
            "settings": dict(settings or {})}


def citations(prov: dict[str, Any] | None = None) -> dict[str, str]:
    """Key -> reference: foedus, the datasets of ``prov`` and the model's mechanisms."""
    out = {"foedus": FOEDUS_CITATION}
    if prov:
        out.update(prov.get("world", {}).get("datasets", {}))
    out.update(MECHANISMS)
    return out


def _bib_escape(text: str) -> str:
    return re.sub(r"([&%#_])", r"\\\1", text)


def _entry(key: str, text: str) -> str:
    if key == "foedus":
        return ("@software{foedus,\n  author = {{foedus developers}},\n"
                "  title = {foedus: a laboratory for collective security},\n"
                f"  version = {{{__version__}}},\n  license = {{MIT}}\n}}")
    source = SOURCES.get(key)
    fields = {"note": _bib_escape(text)}
    if source is not None:
        fields = {"title": _bib_escape(source.title), "version": source.version,
                  "url": source.url, **fields}
    year = re.search(r"\b(1[89]\d\d|20\d\d)\b", text)
    if year:
        fields["year"] = year.group(1)
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields.items())
    return f"@misc{{{key},\n{body}\n}}"


def bibtex(prov: dict[str, Any] | None = None) -> str:
    """The :func:`citations` as BibTeX entries (datasets and papers as ``@misc`` with the full
    reference in ``note``)."""
    return "\n\n".join(_entry(k, v) for k, v in citations(prov).items()) + "\n"


__all__ = ["FOEDUS_CITATION", "MECHANISMS", "bibtex", "charter_articles", "charter_record",
           "citations", "data_sources", "provenance", "world_record"]
