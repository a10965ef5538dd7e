"""Generated sources are what their generators write today."""
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_vector_operations_are_generated_from_the_script():
    script = ROOT / "scripts" / "generate_vector_operations.py"
    result = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
