"""The typed API, checked as a user would: ``mypy --strict`` on a user's script
(tests/typing/user_script.py) that calls every public function with annotated
results, the same script run for real, a wrong script that must fail the check
(so the check is not vacuous), and ``help()`` that reads like MLX's docs.

mypy runs on the installed package (with its ``py.typed``), the one these tests
import, exactly as it would for a user's project; it reads the scans' types from
the stub ``_scan.pyi``, whose overloads are checked here too.
"""

import ast
import doctest
import inspect
import os
import pydoc
import re
import subprocess
import sys
import typing

import pytest

import mlx_lite

REPO = os.path.realpath(os.path.join(os.path.dirname(__file__), "..", ".."))
USER_SCRIPT = os.path.join("tests", "typing", "user_script.py")
SCANS = ["cumsum", "cumprod", "cummax", "cummin", "logcumsumexp", "cumulative_sum", "cumulative_prod"]


@pytest.fixture(scope="module")
def mypy(tmp_path_factory):
    """Run ``python -m mypy --strict`` on some files; returns (exit code, output)."""
    pytest.importorskip("mypy", reason="mypy is not installed (it is in the test extra)")
    cache = tmp_path_factory.mktemp("mypy_cache")  # shared by this module's runs, not the repo's

    def run(*files):
        env = {key: value for key, value in os.environ.items() if key != "MYPYPATH"}
        done = subprocess.run(
            [sys.executable, "-m", "mypy", "--strict", "--no-color-output", "--no-error-summary",
             "--show-error-codes", "--cache-dir", str(cache), *files],
            cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
        return done.returncode, done.stdout + done.stderr

    return run


def test_user_script_passes_mypy_strict(mypy):
    code, output = mypy(USER_SCRIPT)
    assert code == 0, f"mypy --strict {USER_SCRIPT} failed:\n{output}"


def test_user_script_runs():
    done = subprocess.run([sys.executable, USER_SCRIPT], cwd=REPO, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "user_script: ok" in done.stdout


WRONG_SCRIPT = '''\
from typing import Any

import numpy as np
import numpy.typing as npt

import mlx_lite as mx

booleans = np.zeros(3, np.bool_)
int8s = np.zeros(3, np.int8)
float32s = np.zeros(3, np.float32)
fine: npt.NDArray[np.int32] = mx.cumsum(booleans)
fine_any: npt.NDArray[Any] = mx.cumsum([1, 2, 3])
a: npt.NDArray[np.bool_] = mx.cumsum(np.zeros(3, np.bool_))  # E
b: npt.NDArray[np.bool_] = mx.cumulative_sum(booleans)  # E
c: npt.NDArray[np.int64] = mx.logcumsumexp(np.zeros(3, np.int64))  # E
d: npt.NDArray[np.float32] = mx.cumsum(int8s, dtype=np.float64)  # E
e: npt.NDArray[np.bool_] = mx.cumsum(int8s, dtype=np.bool_)  # E
f: npt.NDArray[np.int32] = mx.cumprod(int8s)  # E
g: npt.NDArray[np.float16] = mx.cummin(float32s)  # E
h: npt.NDArray[np.float64] = mx.cumulative_prod(int8s, dtype=mx.float32)  # E
i: npt.NDArray[np.int32] = mx.cummax(booleans)  # E
j: npt.NDArray[np.float64] = mx.logcumsumexp(float32s)  # E
mx.cummax(booleans, dtype=np.float32)  # E
mx.logcumsumexp(booleans, dtype=np.float32)  # E
mx.cumsum(booleans, 0, True)  # E
mx.cumsum(a=booleans)  # E
mx.cumsum(booleans, axis=1.5)  # E
mx.cumsum(booleans, stream="cpu")  # E
mx.cumsum(booleans, reverse=1)  # E
mx.set_default_stream(mx.cpu)  # E
k: mx.Device = mx.new_stream(mx.cpu)  # E
m: np.dtype[np.float64] = mx.float32  # E
n: int = mx.__version__  # E
mx.flaot32  # E
o: npt.NDArray[np.int8] = mx.cumsum(booleans, out=float32s)  # E
mx.cumsum(booleans, out=[0, 0, 0])  # E
mx.cummax(booleans, include_initial=1)  # E
q: npt.NDArray[np.bool_] = mx.nancumsum(booleans)  # E
'''


def test_wrong_script_fails_mypy(mypy, tmp_path):
    """Each line marked ``# E`` is an error, and no other line is."""
    script = tmp_path / "wrong_script.py"
    script.write_text(WRONG_SCRIPT)
    code, output = mypy(str(script))
    assert code == 1, output
    expected = {number for number, line in enumerate(WRONG_SCRIPT.splitlines(), 1) if line.endswith("# E")}
    found = {int(m.group(1)) for m in re.finditer(r"wrong_script\.py:(\d+): error:", output)}
    assert found == expected, f"errors on lines {sorted(found)}, expected {sorted(expected)}:\n{output}"
    # the first one is the boolean sum's dtype: int32, not bool
    assert re.search(r":13: error: Incompatible types in assignment .*signedinteger\[_32Bit\]", output), output


@pytest.mark.parametrize("name", SCANS)
def test_help_reads_like_mlx_docs(name):
    function = getattr(mlx_lite, name)
    text = pydoc.render_doc(function, renderer=pydoc.plaintext)
    title = function.__name__
    with_dtype = title in ("cumsum", "cumprod")
    # the signature, with its hints, MLX's shape: a positional-only, flags keyword-only
    signature = re.search(rf"^{title}\((.*)\) -> (.*)$", text, re.MULTILINE)
    assert signature, text
    params, result = signature.groups()
    assert re.fullmatch(
        r"a: .*ArrayLike.*, /, axis: .* = None, \*, reverse: .* = False, inclusive: .* = True, "
        + (r"dtype: .*DTypeLike.* = None, " if with_dtype else "") + r"stream: .* = None, "
        r"out: .*NDArray.* = None, include_initial: .* = False", params), params
    assert "NDArray" in result
    # the docstring: MLX's sections, each argument with its type, an example
    doc = inspect.getdoc(function)
    assert doc.startswith("Return the cumulative ")
    for section in ("Args:", "Returns:", "Examples:"):
        assert f"\n{section}\n" in doc, section
    for argument in ("a (array_like)", "axis (int, optional)", "reverse (bool)", "inclusive (bool)",
                     "stream (Stream, optional)", "out (numpy.ndarray, optional)", "include_initial (bool)") + (("dtype (Dtype, optional)",) if with_dtype else ()):
        assert argument in doc, argument
    assert bool(re.search(r"^ +dtype \(", doc, re.MULTILINE)) == with_dtype
    assert "numpy.ndarray:" in doc.split("Returns:")[1]
    assert ">>> import mlx_lite as mx" in doc and f">>> mx.{title}(" in doc
    assert ">>>" in text


@pytest.mark.parametrize("name", ["cumsum", "cumprod", "cummax", "cummin", "logcumsumexp"])
def test_doc_examples_run(name):
    """The examples in the docstrings give what they show."""
    function = getattr(mlx_lite, name)
    tests = doctest.DocTestFinder().find(function, name, globs={})
    assert tests and tests[0].examples
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    for test in tests:
        runner.run(test)
    assert runner.summarize(verbose=False).failed == 0


def test_runtime_functions_keep_their_signature_and_hints():
    """The module keeps what runs: each scan's one definition, with its hints (for ``help``,
    ``inspect.signature``, ``typing.get_type_hints``); its overloads are in the stub."""
    for name in SCANS:
        function = getattr(mlx_lite, name)
        assert function.__module__ == "mlx_lite._scan"
        hints = typing.get_type_hints(function)
        assert set(hints) >= {"a", "axis", "reverse", "inclusive", "stream", "out", "include_initial", "return"}
        assert typing.get_overloads(function) == [], f"{name}: overloads belong in _scan.pyi"


def _stub():
    """The parsed ``_scan.pyi`` beside the imported ``mlx_lite._scan`` (the one mypy reads), and its
    top-level definitions: name -> [FunctionDef...], name -> assigned Name, ``__all__``."""
    from mlx_lite import _scan

    path = os.path.splitext(_scan.__file__)[0] + ".pyi"
    assert os.path.isfile(path), f"no stub beside {_scan.__file__}"
    with open(path) as file:
        tree = ast.parse(file.read(), path)
    functions, assigned, public = {}, {}, None
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            functions.setdefault(node.name, []).append(node)
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            if node.targets[0].id == "__all__":
                public = ast.literal_eval(node.value)
            else:
                assigned[node.targets[0].id] = node.value
    return tree, functions, assigned, public


def _parameters(arguments):
    """(name, kind) of an ``ast.arguments``, in order, as ``inspect.Parameter`` kinds."""
    kinds = inspect.Parameter
    return ([(a.arg, kinds.POSITIONAL_ONLY) for a in arguments.posonlyargs]
            + [(a.arg, kinds.POSITIONAL_OR_KEYWORD) for a in arguments.args]
            + [(a.arg, kinds.KEYWORD_ONLY) for a in arguments.kwonlyargs])


def test_stub_has_the_overloads_of_every_scan():
    """``_scan.pyi`` is what type checkers read of ``mlx_lite._scan``: every public name, and for each
    scan only ``@overload`` definitions (at least two), each with the runtime function's parameters."""
    from mlx_lite import _scan, _table

    tree, functions, assigned, public = _stub()
    assert public == _scan.__all__
    imported = {alias.asname or alias.name for node in tree.body if isinstance(node, ast.ImportFrom)
                for alias in node.names}
    assert "AxisError" in imported
    for name in _table.SCANS:
        overloads = functions.get(name, [])
        assert len(overloads) >= 2, f"{name}: {len(overloads)} overloads in the stub"
        runtime = [(p.name, p.kind) for p in inspect.signature(getattr(_scan, name)).parameters.values()]
        for definition in overloads:
            assert [ast.unparse(d) for d in definition.decorator_list] == ["overload"], name
            assert _parameters(definition.args) == runtime, f"{name}, line {definition.lineno}"
            assert definition.returns is not None, name
        # out= returns out itself: the first overload, the only one that requires out
        first = {a.arg: a for a in overloads[0].args.kwonlyargs}
        assert ast.unparse(first["out"].annotation) == ast.unparse(overloads[0].returns), name
    for alias, name in _table.ALIASES.items():
        assert isinstance(assigned.get(alias), ast.Name) and assigned[alias].id == name, alias
    assert set(public) <= set(functions) | set(assigned) | imported
