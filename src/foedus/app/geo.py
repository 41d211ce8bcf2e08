"""Geography for the map: COW abbreviations to ISO 3166-1 alpha-3 (the map's country ids),
and capital positions back to latitude and longitude.

Historical states are drawn on the territory of their present-day successor (Austria-Hungary
on Austria, the German states and both Germanies on Germany, Yugoslavia on Serbia, the Papal
States and the Italian states on Italy): the 1:110m map has only today's borders. Codes follow
COW State System Membership v2016 and ISO 3166-1.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["COW_TO_ISO3", "iso3", "lat_lon"]

#: COW abbreviation -> ISO 3166-1 alpha-3 of the territory drawn for it.
COW_TO_ISO3: dict[str, str] = {
    "USA": "USA", "CAN": "CAN", "BHM": "BHS", "CUB": "CUB", "HAI": "HTI", "DOM": "DOM", "JAM":
    "JAM", "TRI": "TTO", "BAR": "BRB", "DMA": "DMA", "GRN": "GRD", "SLU": "LCA", "SVG": "VCT",
    "AAB": "ATG", "SKN": "KNA", "MEX": "MEX", "BLZ": "BLZ", "GUA": "GTM", "HON": "HND", "SAL":
    "SLV", "NIC": "NIC", "COS": "CRI", "PAN": "PAN", "COL": "COL", "VEN": "VEN", "GUY": "GUY",
    "SUR": "SUR", "ECU": "ECU", "PER": "PER", "BRA": "BRA", "BOL": "BOL", "PAR": "PRY", "CHL":
    "CHL", "ARG": "ARG", "URU": "URY", "UKG": "GBR", "IRE": "IRL", "NTH": "NLD", "BEL": "BEL",
    "LUX": "LUX", "FRN": "FRA", "MNC": "MCO", "LIE": "LIE", "SWZ": "CHE", "SPN": "ESP", "AND":
    "AND", "POR": "PRT", "HAN": "DEU", "BAV": "DEU", "GMY": "DEU", "GFR": "DEU", "GDR": "DEU",
    "BAD": "DEU", "SAX": "DEU", "WRT": "DEU", "HSE": "DEU", "HSG": "DEU", "MEC": "DEU", "POL":
    "POL", "AUH": "AUT", "AUS": "AUT", "HUN": "HUN", "CZE": "CZE", "CZR": "CZE", "SLO": "SVK",
    "ITA": "ITA", "PAP": "ITA", "SIC": "ITA", "SNM": "SMR", "MOD": "ITA", "PMA": "ITA", "TUS":
    "ITA", "MLT": "MLT", "ALB": "ALB", "MNG": "MNE", "MAC": "MKD", "CRO": "HRV", "YUG": "SRB",
    "BOS": "BIH", "KOS": "XKX", "SLV": "SVN", "GRC": "GRC", "CYP": "CYP", "BUL": "BGR", "MLD":
    "MDA", "ROM": "ROU", "RUS": "RUS", "EST": "EST", "LAT": "LVA", "LIT": "LTU", "UKR": "UKR",
    "BLR": "BLR", "ARM": "ARM", "GRG": "GEO", "AZE": "AZE", "FIN": "FIN", "SWD": "SWE", "NOR":
    "NOR", "DEN": "DNK", "ICE": "ISL", "CAP": "CPV", "STP": "STP", "GNB": "GNB", "EQG": "GNQ",
    "GAM": "GMB", "MLI": "MLI", "SEN": "SEN", "BEN": "BEN", "MAA": "MRT", "NIR": "NER", "CDI":
    "CIV", "GUI": "GIN", "BFO": "BFA", "LBR": "LBR", "SIE": "SLE", "GHA": "GHA", "TOG": "TGO",
    "CAO": "CMR", "NIG": "NGA", "GAB": "GAB", "CEN": "CAF", "CHA": "TCD", "CON": "COG", "DRC":
    "COD", "UGA": "UGA", "KEN": "KEN", "TAZ": "TZA", "ZAN": "TZA", "BUI": "BDI", "RWA": "RWA",
    "SOM": "SOM", "DJI": "DJI", "ETH": "ETH", "ERI": "ERI", "ANG": "AGO", "MZM": "MOZ", "ZAM":
    "ZMB", "ZIM": "ZWE", "MAW": "MWI", "SAF": "ZAF", "NAM": "NAM", "LES": "LSO", "BOT": "BWA",
    "SWA": "SWZ", "MAG": "MDG", "COM": "COM", "MAS": "MUS", "SEY": "SYC", "MOR": "MAR", "ALG":
    "DZA", "TUN": "TUN", "LIB": "LBY", "SUD": "SDN", "SSD": "SSD", "IRN": "IRN", "TUR": "TUR",
    "IRQ": "IRQ", "EGY": "EGY", "SYR": "SYR", "LEB": "LBN", "JOR": "JOR", "ISR": "ISR", "SAU":
    "SAU", "YAR": "YEM", "YEM": "YEM", "YPR": "YEM", "KUW": "KWT", "BAH": "BHR", "QAT": "QAT",
    "UAE": "ARE", "OMA": "OMN", "AFG": "AFG", "TKM": "TKM", "TAJ": "TJK", "KYR": "KGZ", "UZB":
    "UZB", "KZK": "KAZ", "CHN": "CHN", "MON": "MNG", "TAW": "TWN", "KOR": "KOR", "PRK": "PRK",
    "ROK": "KOR", "JPN": "JPN", "IND": "IND", "BHU": "BTN", "PAK": "PAK", "BNG": "BGD", "MYA":
    "MMR", "SRI": "LKA", "MAD": "MDV", "NEP": "NPL", "THI": "THA", "CAM": "KHM", "LAO": "LAO",
    "DRV": "VNM", "RVN": "VNM", "MAL": "MYS", "SIN": "SGP", "BRU": "BRN", "PHI": "PHL", "INS":
    "IDN", "ETM": "TLS", "AUL": "AUS", "PNG": "PNG", "NEW": "NZL", "VAN": "VUT", "SOL": "SLB",
    "KIR": "KIR", "TUV": "TUV", "FIJ": "FJI", "TON": "TON", "NAU": "NRU", "MSI": "MHL", "PAL":
    "PLW", "FSM": "FSM", "WSM": "WSM",
}



def iso3(code: str) -> str | None:
    """The map id for a COW abbreviation (None for synthetic states)."""
    return COW_TO_ISO3.get(code)


def lat_lon(world: Any) -> tuple[np.ndarray, np.ndarray]:
    """Capitals' latitude and longitude, inverting the world's equirectangular projection
    (recorded in ``world.meta['projection']`` for worlds built from data)."""
    proj = world.meta.get("projection", {})
    radius = float(proj.get("radius_km", 6371.0088))
    parallel = math.radians(float(proj.get("standard_parallel", 30.0)))
    pos = np.asarray(world.pos, float)
    lat = np.degrees(pos[:, 1] / radius)
    lon = np.degrees(pos[:, 0] / (radius * math.cos(parallel)))
    return lat, lon
