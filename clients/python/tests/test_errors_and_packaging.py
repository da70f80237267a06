"""Problem documents → typed exceptions (every status the API uses), their notebook view, the
offline install (pip without network, build backend setuptools) and the type hints (mypy --strict)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Type

import pytest

import larder
from larder.errors import error_for

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "status,cls",
    [
        (400, larder.BadRequest),
        (401, larder.Unauthorized),
        (403, larder.Forbidden),
        (404, larder.NotFound),
        (406, larder.NotAcceptable),
        (409, larder.Conflict),
        (410, larder.Gone),
        (413, larder.PayloadTooLarge),
        (415, larder.UnsupportedMediaType),
        (422, larder.ValidationFailed),
        (429, larder.RateLimited),
        (500, larder.ServerError),
        (503, larder.Unavailable),
        (502, larder.ServerError),
        (418, larder.LarderError),
    ],
)
def test_status_maps_to_a_class(status: int, cls: Type[larder.LarderError]) -> None:
    problem = {"status": status, "code": "x", "title": "T", "detail": "what to do", "requestId": "r-1", "invalid_params": [{"name": "a", "reason": "b"}], "retryAfter": 5}
    e = error_for(status, problem, method="GET", url="http://x/y")
    assert type(e) is cls and isinstance(e, larder.LarderError)
    assert (e.status, e.code, e.detail, e.request_id, e.invalid_params) == (status, "x", "what to do", "r-1", [{"name": "a", "reason": "b"}])
    assert "what to do" in str(e) and "a: b" in str(e)
    html = e._repr_html_()
    assert "what to do" in html and "<code>a</code>" in html
    if cls in (larder.RateLimited, larder.Unavailable):
        assert e.retry_after == 5.0  # type: ignore[attr-defined]


def test_feast_error_bodies() -> None:
    body = '{"module": "feast.errors", "class": "FeatureViewNotFoundException", "message": "Feature view x does not exist"}'
    for b in (body, {"detail": body}):
        e = error_for(404, b)
        assert isinstance(e, larder.NotFound) and e.code == "FeatureViewNotFoundException" and e.detail == "Feature view x does not exist"
    e = error_for(401, {"detail": "The bearer token is invalid"})
    assert isinstance(e, larder.Unauthorized) and e.detail == "The bearer token is invalid"


def test_bodies_that_are_not_problems() -> None:
    e = error_for(502, None, method="GET", url="http://x/y", fallback="<html>bad gateway</html>")
    assert isinstance(e, larder.ServerError) and "bad gateway" in e.detail
    e2 = error_for(404, {"detail": "<script>"}, method="GET", url="u")
    assert "&lt;script&gt;" in e2._repr_html_()


def test_the_package_installs_offline(tmp_path: Path) -> None:
    """The README's offline install: no index, the interpreter's own setuptools as build backend."""
    src = tmp_path / "src-copy"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns("tests", "build", "*.egg-info", "__pycache__"))
    target = tmp_path / "site"
    r = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-build-isolation", "--no-index", "--no-deps", "--target", str(target), str(src)],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert (target / "larder" / "py.typed").exists()
    out = subprocess.run(
        [sys.executable, "-c", "import larder, sys; print(larder.__version__, larder.__file__)"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(target)},
    )
    assert out.returncode == 0 and out.stdout.startswith(larder.__version__) and str(target) in out.stdout


def test_importing_needs_neither_pandas_nor_pyarrow() -> None:
    code = "import sys, larder; c = larder.Client('http://x', project='p'); assert 'pandas' not in sys.modules and 'pyarrow' not in sys.modules"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


@pytest.mark.skipif(shutil.which("mypy") is None and subprocess.run([sys.executable, "-m", "mypy", "--version"], capture_output=True).returncode != 0, reason="mypy not installed")
def test_types_are_strict() -> None:
    r = subprocess.run([sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml")], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_everything_exported_has_a_docstring() -> None:
    missing = [n for n in larder.__all__ if not n.startswith("__") and not (getattr(larder, n).__doc__ or "").strip()]
    assert missing == [] or missing == ["HISTORICAL_INLINE_MAX_ROWS"]
    public = [m for m in dir(larder.Client) if not m.startswith("_")]
    undocumented = [m for m in public if callable(getattr(larder.Client, m)) and not (getattr(larder.Client, m).__doc__ or "").strip()]
    assert undocumented == []


def test_repr_of_the_client_hides_the_token() -> None:
    c: Any = larder.Client("http://x", token="lrd_secret", project="p")
    assert "lrd_secret" not in repr(c)
