"""Smoke test of the benchmark (``python -m mlx_lite.bench``): a few tiny cases
in-process with minimal repetitions. It checks the report's structure (both
regimes, their floors, ratios = time / floor, JSON, markdown, plot), never a
speed."""

import json
import math
import re

import numpy as np

import mlx_lite
from mlx_lite.bench import cli
from mlx_lite.bench.cases import DTYPES, OPS, Case, case_table, scan_case
from mlx_lite.bench.measure import SMOKE
from mlx_lite.bench.report import REGIMES, markdown, result_record, shortfalls

try:
    import ml_dtypes  # noqa: F401
except ImportError:
    ml_dtypes = None


def test_case_table_covers_the_issue():
    cases = case_table()
    names = [c.name for c in cases]
    assert len(names) == len(set(names)) > 100
    assert {c.section for c in cases} == {"channels", "layouts", "dtypes", "scans", "flags", "sizes", "conventions",
                                          "recurrences"}
    assert {c.info["op"] for c in cases} == set(OPS) | {"linear_recurrence", "ewma"}
    recurrences = [c for c in cases if c.section == "recurrences"]
    assert all(c.bar == 1.5 for c in recurrences)
    assert {c.floor for c in recurrences} == {"copy", "multiply"}
    assert {p.name for c in recurrences for p in c.peers} == {"scipy lfilter", "pandas ewm"}
    assert {tuple(c.info["shape"]) for c in recurrences} == {(10**7,), (2, 10**6), (10**6, 2)}
    wanted = {d for d in DTYPES if d != "bfloat16" or ml_dtypes is not None}
    assert {c.info["dtype"] for c in cases if c.section == "dtypes"} == wanted
    sweep = [c for c in cases if c.section == "channels"]
    assert {(c.info["shape"][1], c.info["axis"]) for c in sweep} >= {(2, 0), (2, -1), (4096, 0), (1, -1)}
    assert {c.info["layout"] for c in cases} == {"C", "F", "strided", "reversed", "broadcast"}
    tiny = next(c for c in cases if c.info["shape"] == [16])
    assert tiny.bar == 0.5 and tiny.bar_peer == "numpy"
    assert all(c.bar == 3.0 for c in cases if c.info["op"] == "logcumsumexp")
    assert 0 < sum(c.quick for c in cases) < 25


def _tiny_cases():
    return [
        scan_case("channels", "cumsum", (2000, 3), axis=0),
        scan_case("layouts", "cumsum", (3000,), layout="reversed", label="x[::-1]"),
        scan_case("scans", "cummax", (64, 50), "int32", axis=-1, inclusive=False),
        scan_case("sizes", "cumsum", (16,), bar=0.5, bar_peer="numpy"),
    ]


def test_run_reports_both_regimes_against_their_floors():
    limit = mlx_lite.set_cache_limit(12345678)
    try:
        lines = []
        results = cli.run(_tiny_cases(), SMOKE, seed=1, emit=lines.append)
        assert mlx_lite.set_cache_limit(12345678) == 12345678  # restored after the run
    finally:
        mlx_lite.set_cache_limit(limit)
    assert len(results) == 4 and len(lines) >= 4 + 2
    for result in results:
        peers = result.peers
        for name in ("mlx_lite", "mlx_lite uncached", "floor", "floor uncached", "numpy"):
            assert peers[name].failure is None, (result.case.name, name, peers[name].failure)
            assert peers[name].median_ms is not None and peers[name].median_ms > 0
            assert peers[name].reps >= 1 and peers[name].loops >= 1
        assert {peers[n].regime for n in ("mlx_lite", "floor")} == {"cached"}
        assert {peers[n].regime for n in ("mlx_lite uncached", "floor uncached")} == {"uncached"}
        for regime in REGIMES:
            assert math.isclose(result.ratio(regime), result.lite(regime) / result.floor(regime))
        assert peers["mlx_lite"].error == 0 if result.case.exact else peers["mlx_lite"].error < 1e-6
        record = json.loads(json.dumps(result_record(result)))
        for regime in REGIMES:
            assert math.isclose(record[regime]["ratio"],
                                record[regime]["mlx_lite_ms"] / record[regime]["floor_ms"])
        if "mlx" in peers:
            assert peers["mlx uncached"].regime == "uncached" and peers["mlx"].regime == "cached"
    tiny = results[-1]
    assert math.isclose(tiny.bar_ratio("cached"), tiny.lite("cached") / tiny.ms("numpy"))
    assert results[0].case.name == "cumsum f32 2000x3 ax=0"
    assert any(line.startswith("cumsum f32 2000x3 ax=0") for line in lines)
    assert isinstance(shortfalls(results), list)
    text = markdown(results, dict(cli.machine(), fresh_pages=False))
    assert text.count("\n| cum") == 4 and "np.copyto" in text


def test_main_writes_json_markdown_and_plot(tmp_path, capsys):
    paths = {kind: str(tmp_path / f"bench.{kind}") for kind in ("json", "md", "png")}
    argv = ["--no-demo", "--no-fresh-pages", "--quick", "--cases", r"^cumsum f32 1-D 16$",
            "--json", paths["json"], "--markdown", paths["md"]]
    try:
        import matplotlib  # noqa: F401

        argv += ["--plot", paths["png"]]
    except ImportError:
        paths.pop("png")
    assert cli.main(argv) == 0
    out = capsys.readouterr().out
    assert re.search(r"^cumsum f32 1-D 16 ", out, re.M) and "1 cases in" in out
    data = json.load(open(paths["json"]))
    (row,) = data["results"]
    assert set(REGIMES) <= set(row) and row["bar_against"] == "numpy"
    assert row["cached"]["floor_ms"] > 0 and row["uncached"]["floor_ms"] > 0
    assert data["header"]["floors"]["cached"].startswith("np.copyto")
    assert "| cumsum f32 1-D 16 |" in open(paths["md"]).read()
    if "png" in paths:
        assert open(paths["png"], "rb").read(8) == b"\x89PNG\r\n\x1a\n"


def test_a_case_of_another_kind_is_a_few_lines():
    """A two-input case against the multiply floor, as linear recurrences will be."""
    from mlx_lite.bench.peers import Peer

    def inputs(rng):
        return rng.random(5000, dtype=np.float32), rng.random(5000, dtype=np.float32)

    case = Case("multiply-scan f32 1-D 5000", "recurrences", inputs=inputs,
                lite=Peer("mlx_lite", lambda ab: mlx_lite.cumsum(ab[0] * ab[1]), prepare=tuple, role="lite"),
                floor="multiply",
                peers=(Peer("numpy", lambda ab: np.cumsum(ab[0] * ab[1]), prepare=tuple),))
    (result,) = cli.run([case], SMOKE, emit=lambda line: None)
    assert result.peers["floor"].median_ms and result.peers["floor uncached"].median_ms
    assert result.ratio("cached") is not None and result.speedup("numpy") is not None
