"""Values by declared dtype: from Larder's exact JSON to Python, and Python to request JSON.

Larder spells each dtype one way on the wire (docs/retrieval.md, "Values on the wire"):
int32/int64 as exact JSON integers, floats in float form, timestamps as ISO 8601 UTC with
microseconds (historical, preview) or epoch seconds with a microsecond fraction (online), bytes
as base64, lists as arrays. Numbers are parsed as ``int`` / ``Decimal`` (``_http.loads``) and
converted here, so no value goes through a lossy double on the way.
"""

from __future__ import annotations

import base64
import datetime as _dt
import math
import re
import struct
from decimal import Decimal
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence

UTC = _dt.timezone.utc
EPOCH = _dt.datetime(1970, 1, 1, tzinfo=UTC)

_ISO = re.compile(
    r"^\s*(-?\d{4,})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|z|UTC|[+-]\d{2}(?::?\d{2})?)?\s*$"
)

INT_DTYPES = ("int32", "int64")
FLOAT_DTYPES = ("float32", "float64")


def parse_time(v: Any) -> Optional[_dt.datetime]:
    """A tz-aware UTC datetime (to the microsecond) from an ISO 8601 string or epoch seconds."""
    if v is None:
        return None
    if isinstance(v, _dt.datetime):
        return v.replace(tzinfo=UTC) if v.tzinfo is None else v.astimezone(UTC)
    if isinstance(v, (int, Decimal)) and not isinstance(v, bool):
        us = int((Decimal(v) * 1_000_000).to_integral_value())
        return EPOCH + _dt.timedelta(microseconds=us)
    if isinstance(v, float):
        return EPOCH + _dt.timedelta(microseconds=round(Decimal(repr(v)) * 1_000_000))
    m = _ISO.match(str(v))
    if not m:
        raise ValueError(f"not an ISO 8601 time: {v!r}")
    y, mo, d, h, mi, s, frac, zone = m.groups()
    us = int((frac or "").ljust(6, "0")[:6] or 0)
    t = _dt.datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0), us, tzinfo=UTC)
    if zone and zone not in ("Z", "z", "UTC"):
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        offset = _dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
        t = t - sign * offset
    return t


def format_time(v: Any) -> str:
    """ISO 8601 UTC with microseconds (``2024-05-01T00:00:00.000000Z``) for a request.

    Accepts datetimes (naive = UTC), pandas Timestamps, dates and strings (sent as they are).
    """
    if isinstance(v, str):
        return v
    if hasattr(v, "to_pydatetime") and not isinstance(v, _dt.datetime):
        v = v.to_pydatetime()
    if isinstance(v, _dt.datetime):
        t = v.replace(tzinfo=UTC) if v.tzinfo is None else v.astimezone(UTC)
        return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ") if t.year >= 1000 else f"{t.year:04d}{t.strftime('-%m-%dT%H:%M:%S.%fZ')}"
    if isinstance(v, _dt.date):
        return f"{v.isoformat()}T00:00:00Z"
    raise TypeError(f"expected a datetime, date or ISO 8601 string, got {type(v).__name__}")


def epoch_us(t: _dt.datetime) -> int:
    d = t - EPOCH
    return (d.days * 86_400 + d.seconds) * 1_000_000 + d.microseconds


def convert(dtype: Optional[str], v: Any) -> Any:
    """One wire value as the Python value its declared dtype means (None stays None)."""
    if v is None:
        return None
    if dtype is None:
        return float(v) if isinstance(v, Decimal) else v
    if dtype.startswith("list<") and dtype.endswith(">"):
        inner = dtype[5:-1]
        return [convert(inner, x) for x in v]
    if dtype in INT_DTYPES:
        return int(v)
    if dtype == "float32":
        # The stored float32's value, whichever way it was spelled (widened online and historical,
        # shortest float32 text in previews).
        return float(struct.unpack("<f", struct.pack("<f", float(v)))[0])
    if dtype == "float64":
        return float(v)
    if dtype == "bool":
        return bool(v)
    if dtype == "string":
        return str(v)
    if dtype == "timestamp":
        return parse_time(v)
    if dtype == "bytes":
        return base64.b64decode(v) if isinstance(v, str) else bytes(v)
    return float(v) if isinstance(v, Decimal) else v


_DUCK: Dict[str, str] = {
    "BIGINT": "int64",
    "INTEGER": "int32",
    "SMALLINT": "int32",
    "TINYINT": "int32",
    "UTINYINT": "int32",
    "USMALLINT": "int32",
    "UINTEGER": "int64",
    "DOUBLE": "float64",
    "FLOAT": "float32",
    "REAL": "float32",
    "VARCHAR": "string",
    "BOOLEAN": "bool",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamp",
    "TIMESTAMP_NS": "timestamp",
    "TIMESTAMP_MS": "timestamp",
    "TIMESTAMP_S": "timestamp",
    "BLOB": "bytes",
}


def dtype_of_duck(duck_type: str) -> Optional[str]:
    """Larder's dtype for a DuckDB column type (preview columns); None when there is none."""
    t = duck_type.upper().strip()
    m = re.match(r"^(.*)\[\d*\]$", t)
    if m:
        inner = dtype_of_duck(m.group(1))
        return f"list<{inner}>" if inner else None
    return _DUCK.get(t)


# ---- Python → request JSON ------------------------------------------------------------------


def jsonable(v: Any) -> Any:
    """A value from a DataFrame or rows as request JSON: numpy scalars unwrapped, NaN/NA/NaT → null,
    times as ISO 8601 UTC (µs), bytes as base64, lists element by element."""
    if v is None:
        return None
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, str)):
        return v
    if isinstance(v, float):
        return None if math.isnan(v) or math.isinf(v) else v
    if isinstance(v, Decimal):
        return v
    if isinstance(v, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(v)).decode("ascii")
    if isinstance(v, (_dt.datetime, _dt.date)):
        return format_time(v)
    if isinstance(v, (list, tuple)):
        return [jsonable(x) for x in v]
    tname = type(v).__name__
    mod = type(v).__module__
    if tname in ("NAType", "NaTType"):
        return None
    if mod.startswith("pandas") and hasattr(v, "to_pydatetime"):  # Timestamp
        return format_time(v)
    if mod == "numpy":
        if hasattr(v, "tolist") and getattr(v, "ndim", 0) > 0:  # an array in a list cell
            return [jsonable(x) for x in v.tolist()]
        if tname.startswith("datetime64"):
            import numpy as np  # present whenever a numpy value is

            if np.isnat(v):
                return None
            us = int(v.astype("datetime64[us]").astype("int64"))
            return format_time(EPOCH + _dt.timedelta(microseconds=us))
        return jsonable(v.item())
    if hasattr(v, "tolist"):
        return jsonable(v.tolist())
    return v


def columns_of(rows: Sequence[Mapping[str, Any]]) -> Dict[str, List[Any]]:
    """Row dicts as columns (every key of every row; missing cells are null)."""
    names: List[str] = []
    seen = set()
    for r in rows:
        for k in r:
            if k not in seen:
                seen.add(k)
                names.append(k)
    return {n: [jsonable(r.get(n)) for r in rows] for n in names}


# ---- pandas columns by dtype ------------------------------------------------------------------


def _pd() -> Any:
    from ._optional import require_pandas

    return require_pandas()


def pandas_supports_us() -> bool:
    pd = _pd()
    return int(pd.__version__.split(".")[0]) >= 2


_NS_MIN = -(2**63) + 1  # pandas' datetime64[ns] bounds (1677-09-21 .. 2262-04-11), in ns
_NS_MAX = 2**63 - 1


def time_series(values: Sequence[Optional[_dt.datetime]], name: str) -> Any:
    """A tz-aware UTC pandas Series: ``datetime64[us, UTC]`` on pandas 2, ``datetime64[ns, UTC]``
    on pandas 1.x (times outside 1677–2262 stay Python datetimes there, with a warning)."""
    pd = _pd()
    import numpy as np

    nat = np.iinfo(np.int64).min
    us = [nat if t is None else epoch_us(t) for t in values]
    if pandas_supports_us():
        arr = np.array(us, dtype=np.int64).view("datetime64[us]")
        return pd.Series(arr, name=name).dt.tz_localize("UTC")
    if all(u == nat or _NS_MIN <= u * 1000 <= _NS_MAX for u in us):
        arr = np.array([u if u == nat else u * 1000 for u in us], dtype=np.int64).view("datetime64[ns]")
        return pd.Series(arr, name=name).dt.tz_localize("UTC")
    import warnings

    warnings.warn(
        f"column {name!r} holds times outside pandas {pd.__version__}'s datetime64[ns] range (1677-2262); "
        "it is kept as Python datetimes (object dtype). pandas 2 keeps them as datetime64[us, UTC].",
        stacklevel=3,
    )
    return pd.Series(list(values), name=name, dtype=object)


def series(dtype: Optional[str], values: Sequence[Any], name: str) -> Any:
    """A pandas Series of already converted values with the nullable dtype of ``dtype``:
    Int32/Int64, Float32/Float64, boolean, string, datetime64[us|ns, UTC]; bytes and lists as object."""
    pd = _pd()
    import numpy as np

    if dtype in INT_DTYPES or dtype in FLOAT_DTYPES or dtype == "bool":
        mask = np.array([v is None for v in values], dtype=bool)
        if dtype in INT_DTYPES:
            data = np.array([0 if v is None else v for v in values], dtype="int32" if dtype == "int32" else "int64")
            return pd.Series(pd.arrays.IntegerArray(data, mask), name=name)
        if dtype in FLOAT_DTYPES:
            data = np.array([0.0 if v is None else v for v in values], dtype="float32" if dtype == "float32" else "float64")
            return pd.Series(pd.arrays.FloatingArray(data, mask), name=name)
        data = np.array([False if v is None else bool(v) for v in values], dtype=bool)
        return pd.Series(pd.arrays.BooleanArray(data, mask), name=name)
    if dtype == "string":
        return pd.Series(pd.array(list(values), dtype="string"), name=name)
    if dtype == "timestamp":
        return time_series(values, name)
    return pd.Series(list(values), name=name, dtype=object)


def frame(columns: Sequence[str], data: Dict[str, Any]) -> Any:
    pd = _pd()
    return pd.DataFrame({c: data[c] for c in columns}, columns=list(columns))


ConvertFn = Callable[[Any], Any]
