"""Optional packages, imported only when a call needs them."""

from __future__ import annotations

import importlib
import os
from typing import Any

from .errors import MissingDependency


def require_pandas() -> Any:
    """pandas, or a :class:`MissingDependency` that says how to install it."""
    try:
        return importlib.import_module("pandas")
    except ImportError:
        raise MissingDependency(
            "This call returns a pandas DataFrame; install pandas (pip install pandas, or apt-get install python3-pandas). "
            "Without pandas, use to_dict() / the rows of the answer."
        ) from None


def pyarrow_available() -> bool:
    """True when pyarrow can be imported (set LARDER_NO_PYARROW=1 to act as if it could not)."""
    if os.environ.get("LARDER_NO_PYARROW"):
        return False
    try:
        importlib.import_module("pyarrow")
        importlib.import_module("pyarrow.parquet")
        return True
    except ImportError:
        return False
