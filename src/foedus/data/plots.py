"""Plots of the peace-science tables: capability concentration over time, vetoes by member.

Both take the DataFrame the table function returns (so a user can filter it first) and write a
PNG or SVG with matplotlib's Agg backend (no display needed).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from .._errors import FoedusError

_FORMATS = (".png", ".svg", ".pdf")


def _figure(path: str | Path, size: tuple[float, float]) -> tuple[Any, Any, Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = Path(path)
    if out.suffix.lower() not in _FORMATS:
        raise FoedusError(f"{out}: plots are written as {', '.join(_FORMATS)}")
    out.parent.mkdir(parents=True, exist_ok=True)
    fig, ax = plt.subplots(figsize=size)
    return fig, ax, out


def _save(fig: Any, out: Path) -> Path:
    import matplotlib.pyplot as plt

    fig.tight_layout()
    fig.savefig(out, dpi=120)
    plt.close(fig)
    return out


def plot_concentration(table: pd.DataFrame, path: str | Path) -> Path:
    """Plot CON and the effective number of poles by year (the table of
    :func:`capability_concentration`), shading unipolar and bipolar years."""
    need = {"year", "con", "effective_poles", "major_polarity"}
    if not need <= set(table.columns):
        raise FoedusError(f"plot_concentration needs the columns {sorted(need)} of "
                          "capability_concentration()")
    fig, ax, out = _figure(path, (9, 4))
    years = table["year"].to_numpy()
    ax.plot(years, table["con"], color="tab:blue", label="CON (Singer, Bremer & Stuckey 1972)")
    ax.set_ylabel("CON", color="tab:blue")
    ax.set_ylim(0, 1)
    ax.set_xlabel("year")
    for kind, colour in (("unipolar", "tab:red"), ("bipolar", "tab:green")):
        mask = (table["major_polarity"] == kind).to_numpy()
        if mask.any():
            ax.fill_between(years, 0, 1, where=mask, step="mid", color=colour, alpha=0.12,
                            label=kind, transform=ax.get_xaxis_transform())
    ax2 = ax.twinx()
    ax2.plot(years, table["effective_poles"], color="tab:orange", lw=1,
             label="effective poles (Laakso & Taagepera 1979)")
    ax2.set_ylabel("effective number of poles", color="tab:orange")
    handles = ax.get_legend_handles_labels()
    more = ax2.get_legend_handles_labels()
    ax.legend(handles[0] + more[0], handles[1] + more[1], loc="upper right", fontsize=8)
    ax.set_title("Capability concentration among the major powers (COW NMC)"
                 if table.attrs.get("among", "majors") == "majors"
                 else "Capability concentration among all states (COW NMC)")
    return _save(fig, out)


def plot_vetoes(table: pd.DataFrame, path: str | Path) -> Path:
    """Plot a table of :func:`veto_statistics`: bars per member (``by="member"``) or stacked
    bars of each member's vetoes per decade, region or year."""
    if "vetoes" in table.columns and "member" in table.columns:
        fig, ax, out = _figure(path, (7, 4))
        ax.bar(table["member"].astype(str), table["vetoes"], color="tab:blue", label="vetoes")
        if "sole" in table.columns:
            ax.bar(table["member"].astype(str), table["sole"], color="tab:orange",
                   label="cast alone")
        ax.set_ylabel("vetoed drafts")
        ax.legend()
        ax.set_title("Security Council vetoes by member")
        return _save(fig, out)
    if "total" not in table.columns or table.columns[0] not in ("decade", "region", "year"):
        raise FoedusError("plot_vetoes needs a table of veto_statistics()")
    key = str(table.columns[0])
    members = [c for c in table.columns[1:] if c != "total"]
    fig, ax, out = _figure(path, (9, 4))
    labels = table[key].astype(str)
    bottom = pd.Series(0, index=table.index, dtype=float)
    for m in members:
        ax.bar(labels, table[m], bottom=bottom, label=str(m))
        bottom = bottom + table[m]
    ax.set_ylabel("vetoes")
    ax.set_xlabel(key)
    ax.legend(fontsize=8)
    if key != "decade":
        ax.tick_params(axis="x", labelrotation=90, labelsize=7)
    ax.set_title(f"Security Council vetoes by {key} and member")
    return _save(fig, out)


__all__ = ["plot_concentration", "plot_vetoes"]
