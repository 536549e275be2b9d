"""The results chart and the map of submissions, drawn with matplotlib as SVG.

No tiles, no download: the map is a bubble chart on a plain longitude/latitude plane, one
bubble per country at the centroid the project ships (``data/countries.csv``), sized by the
number of submissions and coloured by region. Text stays text in the SVG (``svg.fonttype:
none``), so the reader's browser shapes Arabic or Chinese labels and the file stays small.

Pure: plain values in, SVG bytes out. matplotlib's object API is used without pyplot, so no
global figure state is shared between requests.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib
from matplotlib.figure import Figure

# Okabe and Ito's palette, told apart by readers with colour-vision deficiencies.
REGION_COLOURS = {
    "africa": "#E69F00",
    "mena": "#56B4E9",
    "south-asia": "#009E73",
    "east-asia-pacific": "#0072B2",
    "cee": "#D55E00",
    "western-europe": "#CC79A7",
    "latin-america": "#F0E442",
    "north-america": "#000000",
}
_STYLE: dict[Any, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "clinicdesk",  # the same chart gives the same bytes (ETags stay stable)
    "font.family": "sans-serif",
    "font.size": 9,
    "axes.edgecolor": "#c8ccd1",
    "axes.labelcolor": "#1d2329",
    "xtick.color": "#54595d",
    "ytick.color": "#54595d",
}
BAR_COLOUR = "#36c"
MAX_LABEL = 48


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: int | None  # None: suppressed


@dataclass(frozen=True, slots=True)
class MapPoint:
    longitude: float
    latitude: float
    count: int
    region: str
    label: str = ""


def _svg(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    # No metadata block: no date (the same chart gives the same bytes) and fewer bytes.
    figure.savefig(
        buffer,
        format="svg",
        metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
    )
    return buffer.getvalue()


def _short(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1].rstrip() + "…"


def results_chart(
    bars: Sequence[Bar], *, value_label: str, suppressed_label: str, title: str = ""
) -> bytes:
    """Horizontal bars, the first result at the top."""
    with matplotlib.rc_context(_STYLE):
        height = 0.8 + 0.24 * max(len(bars), 1)
        figure = Figure(figsize=(7.5, height), layout="constrained")
        axes = figure.add_subplot()
        positions = list(range(len(bars)))
        values = [bar.value or 0 for bar in bars]
        axes.barh(positions, values, color=BAR_COLOUR, height=0.7)
        axes.set_yticks(positions, [_short(bar.label) for bar in bars])
        axes.invert_yaxis()
        axes.set_xlabel(value_label)
        axes.spines[["top", "right"]].set_visible(False)
        top = max(values, default=0) or 1
        for position, bar in zip(positions, bars, strict=True):
            text = suppressed_label if bar.value is None else str(bar.value)
            axes.text((bar.value or 0) + top * 0.01, position, text, va="center", fontsize=8)
        axes.set_xlim(0, top * 1.12)
        if title:
            axes.set_title(title, loc="left")
        return _svg(figure)


def submissions_map(
    points: Sequence[MapPoint],
    *,
    region_names: Mapping[str, str],
    longitude_label: str,
    latitude_label: str,
    title: str = "",
) -> bytes:
    """Bubbles at country centroids on a plain longitude/latitude plane."""
    with matplotlib.rc_context(_STYLE):
        figure = Figure(figsize=(8, 5.2), layout="constrained")
        axes = figure.add_subplot()
        axes.set_xlim(-180, 180)
        axes.set_ylim(-60, 90)
        axes.set_aspect("equal")
        axes.set_xticks(range(-180, 181, 60), [f"{v}°" for v in range(-180, 181, 60)])
        axes.set_yticks(range(-60, 91, 30), [f"{v}°" for v in range(-60, 91, 30)])
        axes.grid(color="#eaecf0", linewidth=0.6)
        axes.axhline(0, color="#c8ccd1", linewidth=0.8)
        axes.set_xlabel(longitude_label)
        axes.set_ylabel(latitude_label)
        largest = max((p.count for p in points), default=1)
        for region, colour in REGION_COLOURS.items():
            mine = [p for p in points if p.region == region]
            if not mine:
                continue
            total = sum(p.count for p in mine)
            axes.scatter(
                [p.longitude for p in mine],
                [p.latitude for p in mine],
                s=[40 + 360 * p.count / largest for p in mine],
                color=colour,
                alpha=0.75,
                edgecolors="#1d2329",
                linewidths=0.5,
                label=f"{region_names.get(region, region)} ({total})",
            )
            for p in mine:
                if p.count > 1:
                    axes.annotate(
                        str(p.count),
                        (p.longitude, p.latitude),
                        ha="center",
                        va="center",
                        fontsize=7,
                    )
        if points:
            figure.legend(
                loc="outside lower center", ncols=3, fontsize=7, frameon=False, markerscale=0.5
            )
        if title:
            axes.set_title(title, loc="left")
        return _svg(figure)
