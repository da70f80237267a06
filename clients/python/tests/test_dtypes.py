"""Every dtype at its edges, pushed with the client and read back through every path: online
(API and feature server), materialized by a job and read point in time, previewed. Values must be
exactly what was pushed (int64 at full range, floats to the last bit, float32 as stored, times to
the microsecond including years 1 and 9999, bytes, lists, nulls), and DataFrames must carry the
declared dtypes as pandas nullable dtypes."""

from __future__ import annotations

import datetime as dt
import io
import math
import warnings
from typing import Any, Dict, List

import numpy as np
import pandas as pd
import pytest

import larder

UTC = dt.timezone.utc
BASE = dt.datetime(2024, 6, 1, tzinfo=UTC)
IDS = [9223372036854775807, -9223372036854775808, 9007199254740993, -9007199254740993, 1, 2, 3, 4, 5, 6, 7, 8]
EDGES: Dict[str, List[Any]] = {
    "i32": [-2147483648, 2147483647, 0, None, -1, 123456789],
    "i64": [9223372036854775807, -9223372036854775808, 9007199254740993, None, 0, -9007199254740993],
    "f32": [0.1, 3.4028234663852886e38, 16777217.0, None, -1.5, 1e-45],
    "f64": [0.1, 42.0, 5e-324, 1.7976931348623157e308, None, 1 / 3, 1e16, -2.5],
    "s": ["", "é ✓ \u2028 😀", 'quote " and back\\slash', None, "tab\tnew\nline"],
    "b": [True, False, None],
    "t": [
        dt.datetime(1, 1, 1, tzinfo=UTC),
        dt.datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        dt.datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        None,
        dt.datetime(2024, 2, 29, 7, 4, 56, 789012, tzinfo=UTC),
        dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
    ],
    "by": [b"", b"\x00\xff\x01\x80", None, b"larder"],
    "li64": [[9223372036854775807, None, -1], [], None, [9007199254740993]],
    "lf64": [[0.5, 1.0], [None], None, [0.1, 1e16]],
    "ls": [["a", ""], [], None, ["é", None]],
}


def pushed_value(col: str, i: int) -> Any:
    xs = EDGES[col]
    return xs[i % len(xs)]


def expected(col: str, v: Any) -> Any:
    """What a pushed value reads back as: float32 as the stored float32 (widened)."""
    if v is None:
        return None
    if col == "f32":
        return float(np.float32(v))
    return v


def event_time(i: int) -> dt.datetime:
    # distinct microsecond times, some on whole seconds
    return BASE + dt.timedelta(hours=i, microseconds=0 if i % 3 == 0 else 123457 * i)


@pytest.fixture(scope="module")
def pushed(types_client: larder.Client, seed: Dict[str, Any]) -> Dict[str, List[Any]]:
    """The rows, pushed once (online and offline) from a DataFrame, then the transform view materialized."""
    cols = [c for c, _ in seed["typeColumns"]]
    data: Dict[str, List[Any]] = {"id": IDS, "event_timestamp": [event_time(i) for i in range(len(IDS))]}
    for c in cols:
        data[c] = [pushed_value(c, i) for i in range(len(IDS))]
    df = pd.DataFrame(
        {
            "id": pd.array(data["id"], dtype="Int64"),
            "event_timestamp": pd.to_datetime(data["event_timestamp"], utc=True),
            "i32": pd.array(data["i32"], dtype="Int32"),
            "i64": pd.array(data["i64"], dtype="Int64"),
            "f32": pd.Series(data["f32"], dtype=object),  # Python floats: 0.1 is sent as 0.1, rounded by the store
            "f64": pd.Series([np.nan if v is None else v for v in data["f64"]], dtype="float64"),
            "s": pd.array(data["s"], dtype="string"),
            "b": pd.array(data["b"], dtype="boolean"),
            "t": pd.Series(data["t"], dtype=object),
            "by": pd.Series(data["by"], dtype=object),
            "li64": pd.Series(data["li64"], dtype=object),
            "lf64": pd.Series(data["lf64"], dtype=object),
            "ls": pd.Series(data["ls"], dtype=object),
        }
    )
    res = types_client.push("all_types", df, to="online_and_offline")
    data["__result"] = [res]
    return data


def test_push_answers_a_summary(pushed: Dict[str, List[Any]]) -> None:
    res = pushed["__result"][0]
    assert res["push_source_name"] == "all_types" and res["rows"] == len(IDS)
    assert res["online"]["views"] == ["pushed@v1"] and res["online"]["rows_written"] == len(IDS)
    assert res["offline"]["rows_written"] == len(IDS) and res["ignored_columns"] == []


@pytest.mark.parametrize("through", ["api", "feature_server"])
def test_online_values_are_exact(pushed: Dict[str, List[Any]], types_client: larder.Client, fs_url: str, seed: Dict[str, Any], through: str) -> None:
    c = types_client if through == "api" else larder.Client(types_client.url, token=types_client.token, project=types_client.project, feature_server_url=fs_url)
    cols = [name for name, _ in seed["typeColumns"]]
    r = c.get_online_features([f"pushed:{x}" for x in cols], entities={"id": IDS})
    d = r.to_dict(event_timestamps=True)
    assert d["id"] == IDS
    for col in cols:
        for i, got in enumerate(d[col]):
            want = expected(col, pushed[col][i])
            assert got == want and type(got) is type(want), f"{col}[{i}]: {got!r} != {want!r}"
            assert d[f"{col}__status"][i] == ("NULL_VALUE" if want is None else "PRESENT")
            assert d[f"{col}__event_timestamp"][i] == event_time(i)
    # -0.0 and NaN never reach the store as such; 5e-324 (the smallest double) survives.
    assert d["f64"][2] == 5e-324 and d["f32"][2] == 16777216.0


def test_online_dataframe_dtypes(pushed: Dict[str, List[Any]], types_client: larder.Client, seed: Dict[str, Any]) -> None:
    cols = [name for name, _ in seed["typeColumns"]]
    r = types_client.get_online_features([f"pushed:{x}" for x in cols], entities={"id": IDS})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        df = r.to_df(statuses=False)
    dtypes = {c: str(t) for c, t in df.dtypes.items()}
    assert dtypes["id"] == "Int64" and dtypes["i32"] == "Int32" and dtypes["i64"] == "Int64"
    assert dtypes["f32"] == "Float32" and dtypes["f64"] == "Float64" and dtypes["s"] == "string" and dtypes["b"] == "boolean"
    assert dtypes["by"] == "object" and dtypes["li64"] == "object"
    # Full int64 range, exact:
    assert df["i64"].tolist()[:3] == [9223372036854775807, -9223372036854775808, 9007199254740993]
    assert df["id"].tolist() == IDS
    assert df["f64"].tolist()[3] == 1.7976931348623157e308
    assert df["i32"].isna().tolist() == [v is None for v in pushed["i32"]]
    # Times: years 1 and 9999 do not fit pandas 1.x's datetime64[ns]; pandas 2 keeps datetime64[us, UTC].
    if int(pd.__version__.split(".")[0]) >= 2:
        assert dtypes["t"] == "datetime64[us, UTC]"
    else:
        assert dtypes["t"] == "object" and any("datetime64[ns]" in str(w.message) for w in caught)
    assert [None if v is None or v is pd.NaT else v for v in df["t"].tolist()][:3] == pushed["t"][:3]


def test_in_range_times_are_datetime64_utc(pushed: Dict[str, List[Any]], types_client: larder.Client) -> None:
    ids = [IDS[i] for i in (2, 3, 4, 5)]  # 1969-12-31T23:59:59.999999, null, 2024-02-29…, 2024-01-02
    df = types_client.get_online_features(["pushed:t"], entities={"id": ids}).to_df()
    assert str(df["t"].dtype) in ("datetime64[ns, UTC]", "datetime64[us, UTC]")
    assert df["t"][0] == pd.Timestamp("1969-12-31T23:59:59.999999Z") and df["t"][0].microsecond == 999999
    assert pd.isna(df["t"][1])


@pytest.fixture(scope="module")
def materialized(pushed: Dict[str, List[Any]], types_client: larder.Client) -> larder.JobList:
    err = io.StringIO()
    import sys

    old, sys.stderr = sys.stderr, err
    try:
        jobs = types_client.materialize(BASE - dt.timedelta(days=1), BASE + dt.timedelta(days=2), views=["materialized"], progress=True)
    finally:
        sys.stderr = old
    jobs.progress_text = err.getvalue()  # type: ignore[attr-defined]
    return jobs


def test_materialize_waits_with_a_progress_bar(materialized: larder.JobList) -> None:
    assert [j.status for j in materialized] == ["succeeded"] and materialized[0].feature_view == "materialized"
    text = materialized.progress_text  # type: ignore[attr-defined]
    assert "100.0%" in text and "\r" in text and text.endswith("\n")
    assert "succeeded" in materialized._repr_html_()


def test_historical_values_are_exact_with_nullable_dtypes(materialized: larder.JobList, pushed: Dict[str, List[Any]], types_client: larder.Client, seed: Dict[str, Any]) -> None:
    cols = [name for name, _ in seed["typeColumns"]]
    at = BASE + dt.timedelta(days=1, hours=12)
    entity_df = pd.DataFrame({"id": pd.array(IDS, dtype="Int64"), "event_timestamp": pd.to_datetime([at] * len(IDS), utc=True), "label": [i % 2 == 0 for i in range(len(IDS))]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        df = types_client.get_historical_features(entity_df, [f"materialized:{x}" for x in cols])
    assert list(df.columns) == ["id", "event_timestamp", "label", *cols]
    # Entity columns come back as given; the time column as tz-aware UTC.
    assert str(df["id"].dtype) == "Int64" and df["id"].tolist() == IDS and df["label"].tolist() == entity_df["label"].tolist()
    assert str(df["event_timestamp"].dtype).endswith("UTC]") and df["event_timestamp"][0] == pd.Timestamp(at)
    dtypes = {c: str(t) for c, t in df.dtypes.items()}
    assert (dtypes["i32"], dtypes["i64"], dtypes["f32"], dtypes["f64"], dtypes["s"], dtypes["b"]) == ("Int32", "Int64", "Float32", "Float64", "string", "boolean")
    for col in cols:
        got = [None if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v)) else v for v in df[col].tolist()]
        want = [expected(col, v) for v in pushed[col]]
        if col in ("f32",):
            got = [None if v is None else float(np.float32(v)) for v in got]
        if col == "t":
            got = [None if v is None else (v.to_pydatetime() if hasattr(v, "to_pydatetime") else v) for v in got]
        if col in ("li64", "lf64", "ls"):
            got = [None if v is None else list(v) for v in got]
        assert got == want, col


def test_preview_values_are_exact(materialized: larder.JobList, pushed: Dict[str, List[Any]], types_client: larder.Client) -> None:
    p = types_client.preview("materialized", 500)
    by_id = {r["id"]: r for r in p.rows}
    assert set(by_id) == set(IDS)
    for i, key in enumerate(IDS):
        for col in ("i32", "i64", "f64", "s", "b", "t", "by", "li64", "lf64", "ls"):
            assert by_id[key][col] == expected(col, pushed[col][i]), (col, i)
        assert by_id[key]["f32"] == expected("f32", pushed["f32"][i])
        assert by_id[key]["event_timestamp"] == event_time(i)


def test_push_rows_and_columns(types_client: larder.Client, fs_url: str) -> None:
    t = BASE + dt.timedelta(days=3)
    row = {"id": 424242, "event_timestamp": t, "i32": 1, "i64": 2, "f32": 0.5, "f64": 0.25, "s": "x", "b": True, "t": t, "by": b"\x01", "li64": [1], "lf64": [1.0], "ls": ["y"]}
    types_client.push("all_types", [row])
    via_fs = larder.Client(types_client.url, token=types_client.token, project=types_client.project, feature_server_url=fs_url)
    assert via_fs.push("all_types", {k: [v] for k, v in {**row, "id": 424243}.items()}) == {}  # Feast's empty answer
    d = types_client.get_online_features(["pushed:f64", "pushed:by", "pushed:t"], entities={"id": [424242, 424243]}).to_dict()
    assert d["f64"] == [0.25, 0.25] and d["by"] == [b"\x01", b"\x01"] and d["t"] == [t, t]


def test_bad_push_names_the_cell(types_client: larder.Client) -> None:
    with pytest.raises(larder.BadRequest) as e:
        types_client.push("all_types", [{**{c: None for c in EDGES}, "id": 1, "event_timestamp": BASE, "i32": "not a number"}])
    assert e.value.invalid_params and any("i32" in p["name"] for p in e.value.invalid_params)
    with pytest.raises(larder.LarderError) as e2:
        types_client.push("no_such_source", [{"id": 1, "event_timestamp": BASE}])
    assert e2.value.status in (400, 404, 422) and "no_such_source" in e2.value.detail


def test_consumer_cannot_push(client: larder.Client) -> None:
    with pytest.raises(larder.Forbidden):
        client.push("anything", [{"id": 1}])
