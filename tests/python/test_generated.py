"""Generated sources are what their generators write today, and the codes the
built extension exports are the table's."""
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_everything_generated_from_the_table_is_current():
    script = ROOT / "scripts" / "generate.py"
    result = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_vector_operations_are_generated_from_the_script():
    script = ROOT / "scripts" / "generate_vector_operations.py"
    result = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_extension_codes_are_the_tables():
    """The installed extension was built from the same table as the Python package."""
    from mlx_lite import _table
    from mlx_lite._native import core

    for name, code in _table.DTYPE_CODES.items():
        assert getattr(core, name.upper()) == code, name
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import scan_table
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    for scan in scan_table.SCANS:
        assert getattr(core, scan.operation) == _table.OPERATION_CODES[scan.name], scan.name
