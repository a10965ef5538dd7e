"""The Jupyter tour (examples/tour.ipynb): committed without outputs, and runs
top to bottom without an error in a real Jupyter kernel of this Python."""

import json
import os
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

NOTEBOOK = Path(__file__).resolve().parents[2] / "examples" / "tour.ipynb"

#: Appended to the in-memory copy only: which Python the kernel really runs.
PROBE = "import sys; print(sys.executable)"


def _read():
    nb = nbformat.read(str(NOTEBOOK), as_version=4)
    nbformat.validate(nb)
    return nb


def test_committed_without_outputs():
    nb = _read()
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert code, "the tour has no code cells"
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"cell {index} has outputs: clear them before committing"
            assert cell.execution_count is None, f"cell {index} has an execution count"
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"


@pytest.fixture
def python3_kernel(tmp_path, monkeypatch):
    """A 'python3' kernelspec that runs this very interpreter, found first on JUPYTER_PATH;
    IPython and Jupyter runtime files kept in tmp_path."""
    spec_dir = tmp_path / "jupyter" / "kernels" / "python3"
    spec_dir.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (test)",
        "language": "python",
        "env": {"MPLBACKEND": "Agg"},
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec))
    monkeypatch.setenv("JUPYTER_PATH", os.pathsep.join(
        [str(tmp_path / "jupyter")] + [p for p in [os.environ.get("JUPYTER_PATH")] if p]))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("MPLCONFIGDIR", str(tmp_path / "mpl"))
    work = tmp_path / "work"
    work.mkdir()
    return work


def test_tour_runs_in_a_kernel(python3_kernel):
    nb = _read()
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    client = nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3",
        resources={"metadata": {"path": str(python3_kernel)}})
    client.execute()  # raises CellExecutionError on the first cell that fails

    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        errors = [out for out in cell.outputs if out.output_type == "error"]
        assert not errors, f"cell {index} raised {errors[0].ename}: {errors[0].evalue}"

    probe = "".join(out.get("text", "") for out in nb.cells[-1].outputs if out.output_type == "stream")
    assert os.path.samefile(probe.strip(), sys.executable), \
        f"the kernel ran {probe.strip()!r}, not the test's Python {sys.executable!r}"

    # The benchmark's plot was drawn inline.
    images = [out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs
              if "image/png" in out.get("data", {})]
    assert images, "the tour drew no plot"
