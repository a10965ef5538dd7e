"""Draws docs/ewma.png for the README: mlx_lite.ewma of a noisy series with missing
samples, beside pandas' ewm().mean() (run with the project's .venv, which has both)."""

from __future__ import annotations

import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import mlx_lite as ml  # noqa: E402


def main(path: str = "docs/ewma.png") -> None:
    rng = np.random.default_rng(7)
    t = np.arange(3000)
    series = np.sin(t / 200) + 0.5 * rng.standard_normal(t.size)
    series[rng.random(t.size) < 0.05] = np.nan
    series[1200:1350] = np.nan  # a long gap: the mean holds, the weights keep decaying
    ours = ml.ewma(series, span=80)
    theirs = pd.Series(series).ewm(span=80).mean().to_numpy()
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 5), sharex=True, height_ratios=(3, 1))
    top.plot(t, series, lw=0.5, color="lightgray", label="noisy series (5% missing, a gap at 1200)")
    top.plot(t, ours, lw=2.5, color="tab:blue", label="mlx_lite.ewma(x, span=80)")
    top.plot(t, theirs, lw=1, ls="--", color="black", label="pandas: Series(x).ewm(span=80).mean()")
    top.legend(loc="lower left", fontsize=8)
    top.set_title("An exponential moving average, two ways")
    bottom.plot(t, np.abs(ours - theirs), lw=0.8, color="tab:red")
    bottom.set_ylabel("|difference|")
    bottom.set_xlabel("t")
    bottom.set_yscale("log")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print(f"wrote {path}; largest difference {np.nanmax(np.abs(ours - theirs)):.2e}")


if __name__ == "__main__":
    main(*sys.argv[1:])
