"""``--plot``: where mlx_lite stands on the whole run, at a glance.

Top: heat maps of mlx_lite's time over its floor, per case and regime, in
four panels (the (rows, channels) sweep; every dtype; every scan; layouts,
flags, sizes and any other section, one row per case), coloured on a log scale diverging at 1.0 (blue: below the
floor, red: above), each cell annotated, bold where the case's bar is missed.
Bottom: the (rows, channels) sweep as lines, ratio against channels for axis
0 and -1: mlx_lite and MLX, cached (solid) and uncached (dashed).
"""

from __future__ import annotations

import math
from typing import Any, Dict, List, Optional, Sequence, Tuple

from .cases import CHANNELS, OPS, SHORT, SQUARE, SWEEP_ELEMENTS, N_LONG, DTYPES, _shape_text
from .measure import Result
from .report import REGIMES

Key = Tuple[str, str, Tuple[int, ...], Optional[int], str, bool, bool]
SHAPES: Tuple[Tuple[str, Tuple[int, ...], Optional[int]], ...] = (
    ("1-D", (N_LONG,), None), ("ax=0", SQUARE, 0), ("ax=-1", SQUARE, -1))
SCAN_DTYPES = ("float32", "float64", "bfloat16", "int32")


def _key(result: Result) -> Key:
    i = result.case.info
    return (i.get("op", ""), i.get("dtype", ""), tuple(i.get("shape", ())), i.get("axis"),
            i.get("layout", ""), bool(i.get("reverse")), bool(i.get("inclusive", True)))


def _scan_key(op: str, dtype: str, shape: Tuple[int, ...], axis: Optional[int]) -> Key:
    return (op, dtype, shape, axis, "C", False, True)


Panel = Tuple[str, List[str], List[str], List[List[Optional[Result]]]]


def panels(results: Sequence[Result]) -> List[Panel]:
    """(title, row labels, column labels, results per row and column group)."""
    index: Dict[Key, Result] = {_key(r): r for r in results}
    found: List[Panel] = []
    sweep = [(f"c={c}", [index.get(_scan_key("cumsum", "float32", (round(SWEEP_ELEMENTS / c), c), a))
                         for a in (0, -1)]) for c in CHANNELS]
    found.append(("(rows, channels) f32 cumsum, 4e6 elements", *_rows(sweep), ["ax=0", "ax=-1"]))
    dtypes = [(SHORT[d], [index.get(_scan_key("cumsum", d, s, a)) for _, s, a in SHAPES]) for d in DTYPES]
    found.append(("every dtype: cumsum, 1-D 1e7 and 4096² along axis 0, -1", *_rows(dtypes), [t for t, _, _ in SHAPES]))
    scans = [(f"{op} {SHORT[d]}", [index.get(_scan_key(op, d, s, a)) for _, s, a in SHAPES])
             for op in OPS for d in SCAN_DTYPES]
    found.append(("every scan: 1-D 1e7 and 4096² along axis 0, -1", *_rows(scans), [t for t, _, _ in SHAPES]))
    others = [(_other_label(r), [r]) for r in results if r.case.section not in ("channels", "dtypes", "scans")]
    found.append(("layouts, flags, sizes (f32 cumsum), others", *_rows(others), [""]))
    return [(title, labels, groups, cells) for title, labels, cells, groups in found if labels]


def _rows(rows: List[Tuple[str, List[Optional[Result]]]]) -> Tuple[List[str], List[List[Optional[Result]]]]:
    kept = [(label, cells) for label, cells in rows if any(c is not None for c in cells)]
    return [label for label, _ in kept], [cells for _, cells in kept]


def _other_label(result: Result) -> str:
    name = result.case.name
    for prefix in ("cumsum f32 ",):
        name = name[len(prefix):] if name.startswith(prefix) else name
    if result.case.bar_peer is not None:
        values = [result.bar_ratio(g) for g in REGIMES]
        shown = "/".join("-" if v is None else f"{v:.2f}" for v in values)
        name += f" [vs {result.case.bar_peer}: {shown}]"
    return name


def _draw_heat(ax: Any, fig: Any, panel: Panel, norm: Any, cmap: Any) -> Any:
    import numpy as np

    title, labels, groups, rows = panel
    columns = [f"{g}\n{regime}".strip() for g in groups for regime in REGIMES]
    values = np.full((len(labels), len(columns)), np.nan)
    for i, row in enumerate(rows):
        for j, result in enumerate(row):
            for k, regime in enumerate(REGIMES):
                ratio = None if result is None else result.ratio(regime)
                if ratio is None:
                    continue
                values[i, 2 * j + k] = math.log2(ratio)
                missed = result is not None and result.above_bar(regime)
                ax.text(2 * j + k, i, f"{ratio:.2f}", ha="center", va="center", fontsize=7,
                        fontweight="bold" if missed else "normal",
                        color="white" if abs(math.log2(ratio)) > 1.6 else "black")
    image = ax.imshow(np.ma.masked_invalid(values), cmap=cmap, norm=norm, aspect="auto")
    ax.set_xticks(range(len(columns)), columns, fontsize=7)
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(labels)), labels, fontsize=7)
    ax.set_title(title, fontsize=9, pad=24)
    for x in range(2, len(columns), 2):
        ax.axvline(x - 0.5, color="white", linewidth=2)
    return image


def _draw_sweep(ax: Any, results: Sequence[Result], axis: int) -> None:
    index: Dict[Key, Result] = {_key(r): r for r in results}
    points = [(c, index.get(_scan_key("cumsum", "float32", (round(SWEEP_ELEMENTS / c), c), axis)))
              for c in CHANNELS]
    found = [(c, r) for c, r in points if r is not None]
    if not found:
        ax.set_visible(False)
        return
    lines = (("mlx_lite", "mlx_lite", "cached", "C0", "-"), ("mlx_lite", "mlx_lite uncached", "uncached", "C0", "--"),
             ("MLX", "mlx", "cached", "C1", "-"), ("MLX", "mlx uncached", "uncached", "C1", "--"))
    for who, peer, regime, colour, style in lines:
        xs, ys = [], []
        for c, r in found:
            ms, floor = r.ms(peer), r.floor(regime)
            if ms is not None and floor:
                xs.append(c)
                ys.append(ms / floor)
        if xs:
            ax.plot(xs, ys, style, color=colour, marker="o", markersize=3, label=f"{who}, {regime}")
    ax.axhline(1.0, color="grey", linewidth=1)
    ax.axhline(1.25, color="grey", linewidth=1, linestyle=":", label="bar 1.25")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log", base=2)
    ax.set_xticks(list(CHANNELS), [str(c) for c in CHANNELS], fontsize=7)
    low, high = ax.get_ylim()
    ticks = [t for t in (0.25, 0.5, 1, 1.25, 2, 4, 8, 16, 32, 64) if low <= t <= high]
    ax.set_yticks(ticks, [f"{t:g}" for t in ticks], fontsize=7)
    ax.minorticks_off()
    ax.set_xlabel(f"channels c of a ({_shape_text((SWEEP_ELEMENTS,))}/c, c) float32 array")
    ax.set_ylabel("time / floor of the same regime")
    ax.set_title(f"cumsum along axis {axis}", fontsize=9)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7)


def write_plot(path: str, results: Sequence[Result], info: Dict[str, Any]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import TwoSlopeNorm

    found = panels(results)
    widths = [1.5 * len(p[2]) + 2.0 for p in found] or [1]
    tallest = max((len(p[1]) for p in found), default=1)
    height = 0.26 * tallest + 7.0
    fig = plt.figure(figsize=(max(12.0, 1.1 * sum(widths)), height))
    grid = fig.add_gridspec(2, 1, height_ratios=[0.26 * tallest + 1.2, 4.2], hspace=0.25,
                            top=1.0 - 1.0 / height, bottom=0.6 / height)
    top = grid[0].subgridspec(1, max(1, len(found)), width_ratios=widths, wspace=0.6)
    norm = TwoSlopeNorm(vmin=-2.0, vcenter=0.0, vmax=4.0)
    cmap = plt.get_cmap("RdBu_r").with_extremes(bad="#eeeeee")
    image, heat_axes = None, []
    for n, panel in enumerate(found):
        heat_axes.append(fig.add_subplot(top[n]))
        image = _draw_heat(heat_axes[-1], fig, panel, norm, cmap)
    if image is not None:
        ticks = [0.25, 0.5, 1, 2, 4, 8, 16]
        bar = fig.colorbar(image, ax=heat_axes, shrink=0.5, pad=0.01, fraction=0.015,
                           ticks=[math.log2(t) for t in ticks])
        bar.ax.set_yticklabels([f"{t:g}" for t in ticks], fontsize=7)
        bar.set_label("mlx_lite time / floor (bold: above the case's bar)", fontsize=8)
    bottom = grid[1].subgridspec(1, 2, wspace=0.2)
    for n, axis in enumerate((0, -1)):
        _draw_sweep(fig.add_subplot(bottom[n]), results, axis)
    fig.suptitle("mlx_lite against its floors: cached = result cache vs np.copyto into a touched buffer; "
                 "uncached = set_cache_limit(0) vs x.astype(order='K')\n"
                 f"{info['cpu']}, {info['usable_cores']} cores, numpy {info['numpy']}, mlx {info['mlx']}, "
                 f"mlx_lite {info['mlx_lite']} ({info['mlx_lite_build']} build), {info['date']}", fontsize=10,
                 y=1.0, va="bottom")
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
