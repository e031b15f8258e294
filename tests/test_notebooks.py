"""The planner notebooks run top to bottom (with small sizes) and are committed without outputs."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))

# Small sizes, injected after each notebook's cell tagged "parameters" (as papermill does).
SMALL: dict[str, str] = {
    "01_quickstart": "N_HOUSEHOLDS = 2000",
    "02_seed_scenarios": "N_HOUSEHOLDS = 1500",
    "03_policy_sweep": 'REPLICATES = 2\nN_HOUSEHOLDS = 800\nLAUNCHER = "basic"',
    "04_calibration": "N_HOUSEHOLDS = 1500\nMAX_EVALS = 4\nGLOBAL_POINTS = 1\nDRAWS = 2\n"
    "FORECAST_TO = 2022",
}


def test_every_notebook_has_small_sizes_for_the_test() -> None:
    assert sorted(p.stem for p in NOTEBOOKS) == sorted(SMALL)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_without_outputs(path: Path) -> None:
    book = nbformat.read(path, as_version=4)
    for cell in book.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_top_to_bottom(path: Path, tmp_path: Path) -> None:
    book = nbformat.read(path, as_version=4)
    tagged = [i for i, c in enumerate(book.cells) if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, f"{path.name}: one cell must be tagged 'parameters'"
    book.cells.insert(tagged[0] + 1, nbformat.v4.new_code_cell(SMALL[path.stem]))
    client = NotebookClient(
        book, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()  # raises CellExecutionError, with the cell and traceback, on any error
    errors = [o for c in book.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
