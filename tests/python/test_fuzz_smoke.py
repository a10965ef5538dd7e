"""A short run of the coverage-guided fuzzer (tests/fuzz/fuzz_scans.py) as part of the suite.

It runs for 60 s in a subprocess (atheris needs a process of its own: a
failure ends the process); the test passes when the fuzzer exits with status
0 and left no crash, timeout or out-of-memory artifact.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("atheris")

HARNESS = Path(__file__).resolve().parents[1] / "fuzz" / "fuzz_scans.py"
SECONDS = int(os.environ.get("MLX_LITE_FUZZ_SECONDS", "60"))


def test_fuzz_scans_for_a_minute(tmp_path):
    corpus = tmp_path / "corpus"
    artifacts = tmp_path / "artifacts"
    corpus.mkdir()
    artifacts.mkdir()
    cmd = [sys.executable, str(HARNESS), f"-max_total_time={SECONDS}", "-rss_limit_mb=4096", "-timeout=60",
           f"-artifact_prefix={artifacts}{os.sep}", str(corpus)]
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                          timeout=SECONDS + 300)
    log = proc.stdout.decode(errors="replace")
    found = sorted(p.name for p in artifacts.iterdir())
    assert proc.returncode == 0 and not found, (
        f"fuzzer exit code {proc.returncode}, artifacts {found}\n{log[-6000:]}")
    assert "Done" in log, log[-3000:]
    assert any(corpus.iterdir()), "the fuzzer saved no corpus"
