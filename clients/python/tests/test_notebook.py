"""The example notebook (examples/notebooks/retail-quickstart.ipynb) runs top to bottom: every code
cell in order in a real Jupyter kernel (nbclient + ipykernel from Debian), against the test
servers and the sample data (the same repo the demo applies), with an operator token."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Dict

import pytest

import larder

NOTEBOOK = Path(__file__).resolve().parents[3] / "examples" / "notebooks" / "retail-quickstart.ipynb"
nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")


def test_notebook_runs_top_to_bottom(monkeypatch: pytest.MonkeyPatch, url: str, seed: Dict[str, Any]) -> None:
    monkeypatch.setenv("LARDER_URL", url)
    monkeypatch.setenv("LARDER_TOKEN", seed["tokens"]["operator"])
    monkeypatch.setenv("LARDER_PROJECT", seed["project"])
    monkeypatch.setenv("PYTHONPATH", str(Path(larder.__file__).parents[1]))
    nb = nbformat.read(str(NOTEBOOK), as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), "commit the notebook without outputs"
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()

    def text(i: int) -> str:
        out = []
        for o in nb.cells[i].get("outputs", []):
            if o.get("output_type") == "error":
                raise AssertionError(f"cell {i} failed: {o.get('ename')}: {o.get('evalue')}")
            out.append(str(o.get("text", "")))
            out.extend(str(v) for v in (o.get("data") or {}).values())
        return "\n".join(out)

    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    outputs = {i: text(i) for i in code}
    src = {i: nb.cells[i].source for i in code}
    by = lambda needle: next(outputs[i] for i in code if needle in src[i])  # noqa: E731
    assert "<table" in by("views = client.list_feature_views()") and "customer_spend" in by("views = client.list_feature_views()")
    assert "NOT_FOUND" in by("online = client.get_online_features(")
    dtypes = by("training.dtypes")
    assert "Float64" in dtypes and "Int64" in dtypes and "datetime64" in dtypes
    assert "BadRequest" in by("except larder.BadRequest") and "amount_sum_7days" in by("except larder.BadRequest")
    assert "succeeded" in by("client.materialize(") and "100.0%" in by("client.materialize(")
    assert os.environ["LARDER_PROJECT"] == seed["project"]
