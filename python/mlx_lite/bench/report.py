"""The report: the table, where mlx_lite falls short, JSON and markdown."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from .cases import SECTIONS
from .measure import Result

BUSY_MACHINE = 0.10  # background CPU share above which a case's timings are flagged
REGIMES = ("cached", "uncached")

COLUMNS: Tuple[Tuple[str, int], ...] = (
    ("case", 38), ("lite", 7), ("copyto", 7), ("ratio", 6), ("lite-u", 7), ("astype", 7),
    ("ratio", 6), ("numpy", 8), ("x np", 5), ("mlx", 7), ("mlx-u", 7), ("x mlx", 5),
    ("max rel err lite/np/mlx", 23), ("bg%", 3), ("short", 0),
)


def fmt_ms(ms: Optional[float], micro: str = "us") -> str:
    """Milliseconds as text; below 0.1 ms in microseconds (``1.2us``)."""
    if ms is None:
        return "-"
    if ms < 0.1:
        return f"{ms * 1e3:.3g}{micro}"
    return f"{ms:.3g}" if ms < 100 else f"{ms:.0f}"


def fmt_x(value: Optional[float]) -> str:
    return "-" if value is None else f"{value:.2f}"


def _peer_ms(result: Result, name: str) -> str:
    stats = result.peers.get(name)
    if stats is None:
        return "-"
    if stats.median_ms is None:
        return "fail" if stats.failed else "n/a" if stats.failure else "-"
    return fmt_ms(stats.median_ms) + ("*" if stats.note == "inclusive timed" else "")


def _ratio_cell(result: Result, regime: str) -> str:
    return fmt_x(result.ratio(regime)) + ("!" if result.above_bar(regime) else "")


def error_cell(result: Result) -> str:
    names = ("mlx_lite", "numpy", "mlx")
    errors = [result.peers[n].error if n in result.peers else None for n in names]
    if result.case.exact:
        wrong = [n for n, e in zip(names, errors) if e]
        return "exact" if not wrong else "MISMATCH " + ",".join(wrong)
    return "/".join("-" if e is None else "0" if e == 0 else f"{e:.1e}" for e in errors)


def _min_speedup(result: Result, *names: str) -> Optional[float]:
    values = [v for v in (result.speedup(n) for n in names) if v is not None]
    return min(values) if values else None


def short_cell(result: Result) -> str:
    """C / U: a regime above the bar; np, mlx, ...: a peer faster than mlx_lite."""
    marks = [r[0].upper() for r in REGIMES if result.above_bar(r)]
    marks += sorted({n.split()[0] for n in result.faster_peers()})
    if any(s.failed for s in result.peers.values()):
        marks.append("fail")
    return " ".join(marks)


def row_cells(result: Result) -> List[str]:
    bg = result.background
    return [
        result.case.name,
        _peer_ms(result, "mlx_lite"), _peer_ms(result, "floor"), _ratio_cell(result, "cached"),
        _peer_ms(result, "mlx_lite uncached"), _peer_ms(result, "floor uncached"),
        _ratio_cell(result, "uncached"),
        _peer_ms(result, "numpy"), fmt_x(result.speedup("numpy")),
        _peer_ms(result, "mlx"), _peer_ms(result, "mlx uncached"),
        fmt_x(_min_speedup(result, "mlx", "mlx uncached")),
        error_cell(result), "?" if bg is None else f"{100 * bg:.0f}", short_cell(result),
    ]


def format_row(cells: Sequence[str]) -> str:
    first, *rest = zip(cells, (w for _, w in COLUMNS))
    return (f"{first[0]:<{first[1]}}" + "".join(f" {c:>{w}}" for c, w in rest)).rstrip()


def header_lines() -> List[str]:
    line = format_row([name for name, _ in COLUMNS])
    return [line, "-" * len(line)]


def section_line(section: str) -> str:
    return f"-- {SECTIONS.get(section, section)}"


def others_line(result: Result) -> Optional[str]:
    """Peers beyond NumPy and MLX (SciPy, pandas, ...), on a line of their own."""
    extra = [(n, s) for n, s in result.peers.items()
             if s.role == "peer" and n not in ("numpy", "mlx", "mlx uncached")]
    if not extra:
        return None
    return "    " + ", ".join(f"{n} {fmt_ms(s.median_ms)} ms (x{fmt_x(result.speedup(n))})" for n, s in extra)


LEGEND = """\
Times: medians in ms. lite = mlx_lite with its result cache (the default); copyto = np.copyto(buf, x)
into a touched buffer of the result's layout and dtype: neither pays page faults ("cached" regime).
lite-u = mlx_lite after set_cache_limit(0); astype = x.astype(result dtype, order='K'): both take fresh
pages ("uncached" regime; malloc is set to map blocks of 1 MiB or more afresh). ratio = mlx_lite / floor
of the same regime; "!" = above the case's bar (1.25; logcumsumexp 3; 10^4-10^6 elements and recurrences 1.5;
16 elements: 0.5 of NumPy's time; 10^3: no bar).
x np = NumPy's time / mlx_lite uncached (both take new memory each call); x mlx = the smaller of
MLX / mlx_lite (cached: MLX's buffer cache with mlx_lite's limit) and MLX-u / mlx_lite-u (MLX's cache
limit 0). * = NumPy has no exclusive scan: its inclusive call is timed.
max rel err: against a float64 reference (long double for float64 and complex128 input); exact =
integer, bool, cummax and cummin results equal NumPy's. bg% = CPU share used by other processes
while the case ran (high: unreliable). short: C/U = cached/uncached above the bar; np/mlx = faster."""


# --------------------------------------------------------------------------- summary


def shortfalls(results: Iterable[Result]) -> List[str]:
    """One line per row where mlx_lite misses its bar, a peer is faster, a
    peer failed or a result is wrong; then the rows measured on a busy machine."""
    lines: List[str] = []
    busy: List[str] = []
    for r in results:
        case, parts = r.case, []
        against = f"{case.bar_peer}'s time" if case.bar_peer else "the floor"
        missed = [f"{regime} {r.bar_ratio(regime):.2f}x" for regime in REGIMES
                  if r.above_bar(regime) and r.bar_ratio(regime) is not None]
        if missed:
            parts.append(f"{', '.join(missed)} {against} (bar {case.bar:g})")
        for peer in r.faster_peers():
            stats = r.peers[peer]
            parts.append(f"{peer} faster ({fmt_ms(stats.median_ms)} ms against {fmt_ms(r.lite(stats.regime))}"
                         f" {stats.regime})")
        for peer, stats in r.peers.items():
            if stats.failed:
                parts.append(f"{peer} failed: {stats.failure}")
            elif case.exact and stats.error:
                parts.append(f"{peer} differs from NumPy in {100 * stats.error:.3g}% of elements")
        errors = {p: s.error for p, s in r.peers.items() if s.error is not None}
        known = [errors[p] for p in ("numpy", "mlx") if p in errors]
        lite_error = errors.get("mlx_lite")
        if lite_error is not None and not case.exact and known and lite_error > 10 * min(known) + 1e-12:
            parts.append(f"less accurate ({lite_error:.2g}) than a peer ({min(known):.2g})")
        bg = r.background if r.background is not None and r.background > BUSY_MACHINE else None
        if parts:
            lines.append(f"{case.name}: {'; '.join(parts)}" + ("" if bg is None else f" [bg {100 * bg:.0f}%]"))
        if bg is not None:
            busy.append(case.name)
    if busy:
        lines.append(f"measured while other processes used more than {100 * BUSY_MACHINE:.0f}% of the CPUs "
                     f"(timings unreliable): {len(busy)} rows" + (f": {', '.join(busy)}" if len(busy) <= 8 else ""))
    return lines


def regime_notes(results: Iterable[Result]) -> List[str]:
    """Checks of the regimes from the page faults per call: the cached pair
    should pay (almost) none, the uncached pair take fresh pages."""
    lines: List[str] = []
    for r in results:
        if r.result_bytes < 2**20:
            continue
        small_pages, huge_pages = r.result_bytes / 4096, r.result_bytes / 2**21
        for name in ("mlx_lite", "floor"):
            faults = r.peers[name].faults if name in r.peers else None
            if faults is not None and faults > 0.1 * small_pages:
                lines.append(f"{r.case.name}: {name} (cached regime) paid {faults:.0f} page faults per call")
        for name in ("mlx_lite uncached", "floor uncached"):
            faults = r.peers[name].faults if name in r.peers else None
            if faults is not None and faults < 0.5 * huge_pages:
                lines.append(f"{r.case.name}: {name} took no fresh pages ({faults:.0f} faults per call)")
    return lines


def summary_counts(results: Sequence[Result]) -> str:
    judged = [r for r in results if r.case.bar is not None]
    within = {g: sum(1 for r in judged if not r.above_bar(g) and r.bar_ratio(g) is not None) for g in REGIMES}
    beaten = sum(1 for r in results if r.faster_peers())
    return (f"Within the bar: {within['cached']} of {len(judged)} judged rows cached, "
            f"{within['uncached']} uncached; NumPy or MLX faster on {beaten} of {len(results)} rows.")


# --------------------------------------------------------------------------- JSON


def result_record(result: Result) -> Dict[str, Any]:
    case = result.case
    record: Dict[str, Any] = {
        "case": case.name, "section": case.section, **case.info, "floor": case.floor,
        "bar": case.bar, "bar_against": case.bar_peer or "floor", "exact": case.exact,
        "background_cpu_share": result.background, "seconds": result.seconds,
        "result_bytes": result.result_bytes,
    }
    for regime in REGIMES:
        record[regime] = {
            "mlx_lite_ms": result.lite(regime), "floor_ms": result.floor(regime),
            "ratio": result.ratio(regime), "bar_ratio": result.bar_ratio(regime),
            "above_bar": result.above_bar(regime),
        }
    record["speedups"] = {n: result.speedup(n) for n, s in result.peers.items() if s.role == "peer"}
    record["faster_peers"] = result.faster_peers()
    record["peers"] = {n: asdict(s) for n, s in result.peers.items()}
    return record


def write_json(path: str, results: Sequence[Result], header: Dict[str, Any]) -> None:
    with open(path, "w") as out:
        json.dump({"header": header, "results": [result_record(r) for r in results],
                   "shortfalls": shortfalls(results), "regime_notes": regime_notes(results)},
                  out, indent=1)
        out.write("\n")


# --------------------------------------------------------------------------- markdown


def _md_time(result: Result, name: str) -> str:
    stats = result.peers.get(name)
    if stats is None or stats.median_ms is None:
        return "fail" if stats is not None and stats.failed else "n/a" if stats is not None else ""
    cell = fmt_ms(stats.median_ms, " µs") + ("\\*" if stats.note == "inclusive timed" else "")
    if stats.error is not None and not result.case.exact:
        cell += " (0)" if stats.error == 0 else f" ({stats.error:.1e})"
    if stats.role == "peer" and (result.speedup(name) or 2.0) < 1.0:
        cell = f"**{cell}**"
    return cell


def _md_reference_peer(result: Result) -> str:
    """The NumPy column: NumPy's time, or, for a case NumPy has no call for (the
    recurrences), its other peers' (SciPy's lfilter, pandas' ewm), named."""
    if "numpy" in result.peers:
        return _md_time(result, "numpy")
    others = [name for name in result.peers if name not in ("mlx", "mlx uncached") and
              result.peers[name].role == "peer"]
    return "; ".join(f"{name} {_md_time(result, name)}" for name in others)


def _md_ratio(result: Result, regime: str) -> str:
    cell = fmt_x(result.ratio(regime))
    return f"**{cell}**" if result.above_bar(regime) else cell


def markdown(results: Sequence[Result], info: Dict[str, Any]) -> str:
    """README-ready tables, one per section."""
    lines = [
        f"Measured by `python -m mlx_lite.bench` on {info['cpu']}, {info['usable_cores']} cores, "
        f"NumPy {info['numpy']}, MLX {info['mlx'] or 'not installed'}, mlx_lite {info['mlx_lite']} "
        f"({info['mlx_lite_build']} build), {info['date']}. Medians in ms.", "",
        "Cached regime: mlx_lite with its result cache against `np.copyto(buf, x)` into a touched "
        "buffer (no page faults on either side). Uncached: mlx_lite after `set_cache_limit(0)` against "
        "`x.astype(result_dtype, order='K')` (fresh pages on both sides). **Bold** ratio: above the "
        "issue's bar (1.25; logcumsumexp 3; 10^4–10^6 elements and linear recurrences 1.5; 16 elements 0.5 of NumPy's time). "
        "**Bold** NumPy or MLX time: faster than mlx_lite (NumPy against the uncached regime, MLX in "
        "the same regime). In brackets: largest relative error against a float64 (long double) "
        "reference. \\* NumPy has no exclusive scan: its inclusive call is timed.", ""]
    head = ("| case | mlx_lite | np.copyto | ratio | mlx_lite uncached | astype | ratio | NumPy (or SciPy, pandas) "
            "| MLX | MLX uncached |")
    section = None
    for r in results:
        if r.case.section != section:
            section = r.case.section
            lines += ["", f"**{SECTIONS.get(section, section)}**", "", head, "|" + "---|" * 10]
        lines.append("| " + " | ".join([
            r.case.name, _md_time(r, "mlx_lite"), fmt_ms(r.floor("cached"), " µs"), _md_ratio(r, "cached"),
            _md_time(r, "mlx_lite uncached"), fmt_ms(r.floor("uncached"), " µs"), _md_ratio(r, "uncached"),
            _md_reference_peer(r), _md_time(r, "mlx"), _md_time(r, "mlx uncached")]) + " |")
    found = shortfalls(results)
    lines += ["", summary_counts(results), ""]
    lines += ["Where mlx_lite falls short:", ""] + [f"- {line}" for line in found] if found else []
    return "\n".join(lines) + "\n"


def write_markdown(path: str, results: Sequence[Result], info: Dict[str, Any]) -> None:
    with open(path, "w") as out:
        out.write(markdown(results, info))
