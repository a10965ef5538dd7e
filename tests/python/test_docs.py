"""Docs that run: every public function's Examples, as doctests, and the
README's usage block, so that no example can drift from the code."""

import doctest
import inspect
import re
from pathlib import Path

import numpy as np
import pytest

import mlx_lite

README = Path(__file__).resolve().parents[2] / "README.md"


def _public_functions(module):
    return [(name, getattr(module, name)) for name in module.__all__ if inspect.isfunction(getattr(module, name))]


def _run_doctests(name, function):
    tests = doctest.DocTestFinder().find(function, name, globs={})
    examples = [example for test in tests for example in test.examples]
    assert examples, f"{name} has no Examples"
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    for test in tests:
        runner.run(test)
    assert runner.summarize(verbose=False).failed == 0, name


@pytest.mark.parametrize("name,function", _public_functions(mlx_lite), ids=lambda v: v if isinstance(v, str) else "")
def test_mlx_lite_examples(name, function):
    if function.__module__ in ("mlx_lite._scan", "mlx_lite._recurrence", "mlx_lite._ewma"):
        assert "\n    Examples:\n" in function.__doc__, name
        _run_doctests(name, function)


def test_dask_examples():
    mld = pytest.importorskip("mlx_lite.dask")
    functions = _public_functions(mld)
    assert functions
    for name, function in functions:
        assert "\n    Examples:\n" in function.__doc__, name
        _run_doctests(name, function)


def test_readme_usage_block_runs():
    """The python block under "## Usage", run as it stands; each `# array(...)` comment
    that shows a result must be the repr of that line's value."""
    text = README.read_text()
    section = text.split("## Usage", 1)[1]
    block = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert block, "no python block under ## Usage"
    namespace = {}
    checked = 0
    for line in block.group(1).splitlines():
        code, _, comment = line.partition("  # ")
        shown = re.match(r"(array\(.*?\))(?::|$)", comment.strip())
        if shown and "=" not in code.split("(")[0]:
            value = eval(compile(code.strip(), "README", "eval"), namespace)
            assert repr(value).split() == shown.group(1).split(), line  # as NORMALIZE_WHITESPACE
            checked += 1
        else:
            exec(compile(line, "README", "exec"), namespace)
    assert checked >= 5
    assert isinstance(namespace["np"].zeros(1), np.ndarray)
