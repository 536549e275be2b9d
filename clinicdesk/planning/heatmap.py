"""The coverage heatmap: the week (day x half-hour) coloured by the share of the community a
call at that time serves, drawn by Matplotlib as SVG.

Readable without colour: every cell carries its percentage, slots without enough staff are
hatched, the proposed rotation's slots have a heavy outline and a numbered "►" mark, the current
rotation's a dashed outline and a "◇" mark. The colour map (cividis) is made for readers with
colour-vision deficiencies and runs from dark to light, so it also reads in grey.

Plain data in (heat cells, slots, translated labels), bytes out: the view passes the words
in the reader's language.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from clinicdesk.planning.core import CELL_MINUTES, HeatCell, Slot

ROWS = 24 * 60 // CELL_MINUTES  # 48 half-hours
DAYS = 7
_LIGHT_TEXT_BELOW = 55  # percent: cividis is dark below about this


@dataclass(frozen=True)
class HeatmapLabels:
    title: str
    day_names: Sequence[str]  # Monday first
    time_axis: str  # "Start of the call (UTC)"
    colour_bar: str  # "Share of the community served (%)"
    proposed: str
    current: str
    understaffed: str


def _grid(cells: Sequence[HeatCell], zone: str) -> tuple[np.ndarray, np.ndarray]:
    shares = np.full((ROWS, DAYS), np.nan)
    staffed = np.ones((ROWS, DAYS), dtype=bool)
    for cell in cells:
        slot = cell.slot
        if slot.zone != zone or slot.minute % CELL_MINUTES:
            continue
        row = slot.minute // CELL_MINUTES
        shares[row, slot.weekday] = 100 * cell.share
        staffed[row, slot.weekday] = cell.staffed
    return shares, staffed


def _position(slot: Slot, zone: str) -> tuple[int, int] | None:
    if slot.zone != zone or slot.minute % CELL_MINUTES:
        return None
    return slot.weekday, slot.minute // CELL_MINUTES


def render_heatmap(
    cells: Sequence[HeatCell],
    *,
    proposed: Sequence[Slot],
    current: Sequence[Slot],
    labels: HeatmapLabels,
) -> bytes:
    """The heatmap as an SVG document (UTF-8). Cells in another zone than the first cell's, or
    off the half-hour grid, are left out; so are slots of the rotations in another zone."""
    zone = cells[0].slot.zone if cells else "UTC"
    shares, staffed = _grid(cells, zone)
    marks: dict[tuple[int, int], list[str]] = {}
    for index, slot in enumerate(proposed, start=1):
        at = _position(slot, zone)
        if at is not None:
            marks.setdefault(at, []).append(f"►{index}")
    for slot in current:
        at = _position(slot, zone)
        if at is not None:
            marks.setdefault(at, []).append("◇")

    style = {
        "svg.fonttype": "none",  # text stays text: selectable, searchable, light
        "svg.hashsalt": "clinicdesk",  # the same plan draws the same bytes
        "font.size": 7,
        "font.family": "sans-serif",
        "font.sans-serif": ["DejaVu Sans"],
    }
    with mpl.rc_context(cast(Any, style)):
        figure = Figure(figsize=(7.2, 12.5), layout="constrained")
        axes = figure.add_subplot()
        # One raster for the colours (far lighter than a path per cell); the numbers, marks,
        # hatching and outlines stay vector.
        mesh = axes.imshow(
            np.ma.masked_invalid(shares),
            cmap="cividis",
            vmin=0,
            vmax=100,
            extent=(0, DAYS, ROWS, 0),
            interpolation="nearest",
            aspect="auto",
        )
        for day in range(1, DAYS):
            axes.axvline(day, color="white", linewidth=1.2)
        for row in range(2, ROWS, 2):
            axes.axhline(row, color="white", linewidth=0.6)
        for row in range(ROWS):
            for day in range(DAYS):
                value = shares[row, day]
                if np.isnan(value):
                    continue
                text = f"{value:.0f}"
                mark = marks.get((day, row))
                if mark:
                    text += " " + " ".join(mark)
                axes.text(
                    day + 0.5,
                    row + 0.5,
                    text,
                    ha="center",
                    va="center",
                    fontsize=6,
                    fontweight="bold" if mark else "normal",
                    color="white" if value < _LIGHT_TEXT_BELOW else "black",
                )
        for day in range(DAYS):
            # Hatch each run of understaffed half-hours as one rectangle.
            row = 0
            while row < ROWS:
                if staffed[row, day] or np.isnan(shares[row, day]):
                    row += 1
                    continue
                end = row
                while end < ROWS and not staffed[end, day] and not np.isnan(shares[end, day]):
                    end += 1
                axes.add_patch(
                    Rectangle(
                        (day, row),
                        1,
                        end - row,
                        fill=False,
                        hatch="////",
                        edgecolor="0.6",
                        linewidth=0,
                    )
                )
                row = end
        for slot in current:
            at = _position(slot, zone)
            if at is not None:
                axes.add_patch(
                    Rectangle(
                        at, 1, 1, fill=False, edgecolor="#d62728", linewidth=1.8, linestyle="--"
                    )
                )
        for slot in proposed:
            at = _position(slot, zone)
            if at is not None:
                axes.add_patch(Rectangle(at, 1, 1, fill=False, edgecolor="black", linewidth=2.6))
        axes.set_xlim(0, DAYS)
        axes.set_ylim(ROWS, 0)
        axes.set_xticks(np.arange(DAYS) + 0.5, list(labels.day_names))
        axes.xaxis.tick_top()
        axes.set_yticks(np.arange(0, ROWS, 2), [f"{h:02d}:00" for h in range(ROWS // 2)])
        axes.set_ylabel(labels.time_axis)
        axes.set_title(labels.title, fontsize=9)
        axes.tick_params(length=0)
        bar = figure.colorbar(mesh, ax=axes, shrink=0.5, pad=0.02)
        bar.set_label(labels.colour_bar)
        figure.legend(
            handles=[
                Patch(
                    facecolor="none",
                    edgecolor="black",
                    linewidth=2.6,
                    label=f"►1, ►2 … {labels.proposed}",
                ),
                Patch(
                    facecolor="none",
                    edgecolor="#d62728",
                    linewidth=1.8,
                    linestyle="--",
                    label=f"◇ {labels.current}",
                ),
                Patch(facecolor="none", edgecolor="0.55", hatch="////", label=labels.understaffed),
            ],
            loc="outside lower center",
            ncols=1,
            frameon=False,
        )
        out = io.BytesIO()
        figure.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    return out.getvalue()
