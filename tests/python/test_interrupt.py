"""Ctrl-C during a long scan: KeyboardInterrupt, no half-written result.

A child process times one full scan, then starts the same scan and has
SIGINT sent to itself part-way through. The scan must end early with
KeyboardInterrupt (it polls between blocks), and the process must stay usable.
"""

import subprocess
import sys
import textwrap

import pytest

CHILD = textwrap.dedent("""
    import os, signal, threading, time
    import numpy as np, mlx_lite as mx
    x = np.linspace(-3, 3, 60_000_000, dtype=np.float32)
    start = time.perf_counter(); mx.logcumsumexp(x); full = time.perf_counter() - start
    delay = full / 4
    threading.Timer(delay, os.kill, (os.getpid(), signal.SIGINT)).start()
    start = time.perf_counter()
    result = None
    try:
        result = mx.logcumsumexp(x)
        outcome = "finished"
    except KeyboardInterrupt:
        outcome = "interrupted"
    elapsed = time.perf_counter() - start
    print(outcome, full, delay, elapsed, result is None)
    print(mx.cumsum(np.arange(4)).tolist())
""")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_interrupts_a_long_scan():
    run = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    first, second = run.stdout.splitlines()
    outcome, full, delay, elapsed, no_result = first.split()
    assert outcome == "interrupted", run.stdout
    assert no_result == "True"
    # Stopped well before a full scan would have ended (it polls every block).
    assert float(elapsed) < float(delay) + 0.5 * float(full), run.stdout
    assert second == "[0, 1, 3, 6]"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_still_reaches_python_after_large_scans():
    """The bridge's handler is taken down after each scan: a later SIGINT is
    Python's, raised as KeyboardInterrupt at the next bytecode."""
    child = textwrap.dedent("""
        import os, signal, time
        import numpy as np, mlx_lite as mx
        for _ in range(3):
            mx.cumsum(np.ones(3_000_000))
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(5)
            print("no KeyboardInterrupt")
        except KeyboardInterrupt:
            print("KeyboardInterrupt")
    """)
    run = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, timeout=60)
    assert run.stdout.strip() == "KeyboardInterrupt", (run.stdout, run.stderr)
