"""The picture of `govmetrics track --plot`: per indicator, the target band and the outcome
line over the years. matplotlib is an optional extra (`pip install 'govmetrics[plot]'`)."""

from __future__ import annotations

import math
import os
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

# Fonts that hold Chinese glyphs, tried in turn; without one, Chinese labels are left out
# (they would print as empty boxes).
_CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei",
              "SimHei", "Microsoft YaHei", "PingFang SC", "Heiti SC", "Arial Unicode MS")
_MAX_PANELS = 12
_COLOURS = {"met": "#2e7d32", "missed": "#c62828", "no_target": "#555555"}


class PlotError(Exception):
    """The chart cannot be drawn; str() is one line for the user."""


def plot_available() -> str | None:
    """None when matplotlib can be imported, else the hint to install it."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return "--plot needs matplotlib: pip install 'govmetrics[plot]'"
    return None


def _cjk_font() -> str | None:
    from matplotlib import font_manager

    have = {f.name for f in font_manager.fontManager.ttflist}
    return next((f for f in _CJK_FONTS if f in have), None)


def _label(s: str, cjk: bool) -> str:
    return s if cjk or s.isascii() else ""


def plot_track(rows: Iterable[dict], path: str, names: dict[str, str] | None = None) -> int:
    """Draw ``rows`` (TRACK_COLUMNS) to ``path`` (.png or .svg); return the number of panels.

    One panel per (region, metric, kind, unit), annual rows only (a plan's average is a
    rate over a period, not a point of the yearly line)."""
    ext = os.path.splitext(path)[1].lower()
    if ext not in (".png", ".svg"):
        raise PlotError(f"{path}: --plot writes .png or .svg files")
    hint = plot_available()
    if hint:
        raise PlotError(hint)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = names or {}
    panels: dict[tuple, list[dict]] = defaultdict(list)
    for r in rows:
        if r.get("basis", "annual") == "annual" and r.get("year") is not None:
            panels[(r["region"], r["metric"], r["kind"], r.get("unit", ""))].append(r)
    # Panels with a target first (outcomes alone say nothing about targets), the fullest first.
    with_target = [k for k in panels if any(r.get("target_low") is not None for r in panels[k])]
    keys = sorted(with_target or panels, key=lambda k: (-len(panels[k]), k))[:_MAX_PANELS]
    if not keys:
        raise PlotError("nothing to plot: no yearly target or outcome matches")
    font = _cjk_font()
    rc: dict[str, Any] = {"svg.hashsalt": "govmetrics", "font.size": 9}
    if font:
        rc["font.family"] = [font, "DejaVu Sans"]
    with plt.rc_context(rc):
        cols = 1 if len(keys) == 1 else 2
        nrows = math.ceil(len(keys) / cols)
        fig, axes = plt.subplots(nrows, cols, figsize=(7.5 * cols, 3.6 * nrows), squeeze=False)
        for ax, key in zip(axes.flat, keys, strict=False):
            _panel(ax, key, sorted(panels[key], key=lambda r: r["year"]), names, bool(font))
        for ax in list(axes.flat)[len(keys):]:
            ax.set_visible(False)
        fig.tight_layout()
        meta = {"Date": None} if ext == ".svg" else {"Software": "govmetrics"}
        try:
            fig.savefig(path, format=ext[1:], dpi=110, metadata=meta)
        except OSError as e:
            raise PlotError(f"{path}: cannot write: {e.strerror or e}") from None
        finally:
            plt.close(fig)
    return len(keys)


def _panel(ax: Any, key: tuple, rows: list[dict], names: dict[str, str], cjk: bool) -> None:
    region, metric, kind, unit = key
    years = [r["year"] for r in rows]
    # Target band: a range from low to high; a single value as a thin band.
    for r in rows:
        lo, hi = r.get("target_low"), r.get("target_high")
        if lo is None or hi is None:
            continue
        y = r["year"]
        width = 0.8
        if hi - lo < 1e-9:
            ax.hlines(lo, y - width / 2, y + width / 2, colors="#1565c0", linewidth=2.5)
        else:
            ax.fill_between([y - width / 2, y + width / 2], [lo, lo], [hi, hi], color="#90caf9", alpha=0.8, linewidth=0)
    ax.plot([], [], color="#1565c0", linewidth=2.5, label="target")
    # Outcome line, each point coloured by its status.
    pts = [(r["year"], r["outcome"], r.get("status", "")) for r in rows if r.get("outcome") is not None]
    if pts:
        # The line is broken where a year is missing: no outcome is drawn that no report states.
        xs: list[float] = []
        ys: list[float] = []
        for i, (y, v, _) in enumerate(pts):
            if i and y - pts[i - 1][0] > 1:
                xs.append(math.nan)
                ys.append(math.nan)
            xs.append(y)
            ys.append(v)
        ax.plot(xs, ys, color="#424242", linewidth=1.2, label="outcome")
        for status, colour in _COLOURS.items():
            sel = [p for p in pts if p[2] == status]
            if sel:
                ax.scatter([p[0] for p in sel], [p[1] for p in sel], color=colour, zorder=3, s=22,
                           label=status.replace("_", " "))
    title = " · ".join(x for x in (names.get(metric) or metric, kind, _label(region, cjk)) if x)
    ax.set_title(title)
    ax.set_xlabel("year")
    ax.set_ylabel(_label(unit, cjk) or unit.encode("ascii", "ignore").decode() or "value")
    if years:
        span = max(years) - min(years)
        step = 1 if span <= 12 else (2 if span <= 24 else 5)
        ax.set_xticks(list(range(min(years), max(years) + 1, step)))
    ax.grid(True, alpha=0.3)
    ax.legend(loc="best", fontsize=8, frameon=False)


__all__ = ["plot_track", "plot_available", "PlotError"]
