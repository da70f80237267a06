"""get_historical_features on the sample data: the upload (CSV here: Debian has no pyarrow),
entity columns kept as given, features in declared dtypes, feature services, full names, the
job path, and errors (bad reference, not materialized, missing pyarrow)."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any, Dict, List

import pandas as pd
import pytest

import larder
from larder._optional import pyarrow_available

FEATURES = ["customer_spend:amount_sum_7d", "customer_spend:amount_count_30d", "customer_spend:is_large", "customer_profile:age", "customer_profile:segment"]


@pytest.fixture(scope="module")
def keys(client: larder.Client) -> List[int]:
    return list(dict.fromkeys(r["customer_id"] for r in client.preview("customer_profile", 50).rows))[:4]


@pytest.fixture(scope="module")
def end(seed: Dict[str, Any]) -> dt.datetime:
    """The end of the materialized range (online values are as of it)."""
    return dt.datetime.fromisoformat(seed["materialized"]["end"].replace("Z", "+00:00"))


def test_point_in_time_frame(client: larder.Client, keys: List[int], end: dt.datetime) -> None:
    entity_df = pd.DataFrame(
        {
            "customer_id": keys,
            "event_timestamp": pd.to_datetime([end - dt.timedelta(hours=7 * d) for d in range(len(keys))], utc=True),
            "label": pd.array([1, None, 0, 1], dtype="Int64")[: len(keys)],
        },
        index=[10, 11, 12, 13][: len(keys)],  # any index: the answer is positional
    )
    df = client.get_historical_features(entity_df, FEATURES)
    assert list(df.columns) == ["customer_id", "event_timestamp", "label", "amount_sum_7d", "amount_count_30d", "is_large", "age", "segment"]
    dtypes = {c: str(t) for c, t in df.dtypes.items()}
    assert dtypes == {
        "customer_id": "int64",  # as given
        "event_timestamp": dtypes["event_timestamp"],
        "label": "Int64",  # as given, nulls kept
        "amount_sum_7d": "Float64",
        "amount_count_30d": "Int64",
        "is_large": "boolean",
        "age": "Int64",
        "segment": "string",
    }
    assert dtypes["event_timestamp"] in ("datetime64[ns, UTC]", "datetime64[us, UTC]")
    assert df["customer_id"].tolist() == keys and df["label"].isna().tolist() == entity_df["label"].isna().tolist()
    assert df["event_timestamp"].tolist() == entity_df["event_timestamp"].tolist()
    assert df["age"].notna().all() and set(df["segment"]) <= {"new", "regular", "vip"}
    assert (df["amount_count_30d"] >= 0).all()


def test_at_the_materialization_end_historical_equals_online(client: larder.Client, keys: List[int], end: dt.datetime) -> None:
    online = client.get_online_features(FEATURES, entities={"customer_id": keys}).to_dict(statuses=False)
    hist = client.get_historical_features([{"customer_id": k, "event_timestamp": end} for k in keys], FEATURES)
    for f in ("amount_sum_7d", "amount_count_30d", "is_large", "age", "segment"):
        got = [None if pd.isna(v) else v for v in hist[f].tolist()]
        assert got == online[f], f


def test_inputs_rows_naive_times_offsets_and_a_custom_time_column(client: larder.Client, keys: List[int], end: dt.datetime) -> None:
    t = end - dt.timedelta(hours=5)
    naive = t.replace(tzinfo=None)  # naive = UTC
    offset = t.astimezone(dt.timezone(dt.timedelta(hours=5, minutes=30))).isoformat()
    rows = [{"customer_id": keys[0], "ts": naive}, {"customer_id": keys[0], "ts": offset}, {"customer_id": keys[0], "ts": t}]
    df = client.get_historical_features(rows, ["customer_profile:age"], event_timestamp_column="ts")
    assert df["ts"].tolist() == [pd.Timestamp(t)] * 3
    assert len(set(df["age"].tolist())) == 1


def test_feature_service_and_full_names(client: larder.Client, keys: List[int], end: dt.datetime) -> None:
    entity_df = pd.DataFrame({"customer_id": keys[:2], "event_timestamp": pd.to_datetime([end, end], utc=True)})
    svc = client.get_historical_features(entity_df, feature_service="churn_v1")
    assert {"amount_sum_7d", "amount_avg_30d", "is_large", "age", "segment", "signup_channel"} <= set(svc.columns)
    assert str(svc["amount_avg_30d"].dtype) == "Float64" and str(svc["signup_channel"].dtype) == "string"
    full = client.get_historical_features(entity_df, ["customer_profile:age", "customer_spend:amount_count_7d"], full_feature_names=True)
    assert list(full.columns)[-2:] == ["customer_profile__age", "customer_spend__amount_count_7d"]
    assert str(full["customer_profile__age"].dtype) == "Int64" and str(full["customer_spend__amount_count_7d"].dtype) == "Int64"


def test_csv_upload_keeps_int64_keys_exact(client: larder.Client, end: dt.datetime) -> None:
    big = [9223372036854775807, -9223372036854775808, 9007199254740993]
    df = client.get_historical_features(pd.DataFrame({"customer_id": big, "event_timestamp": [end] * 3}), ["customer_profile:age"])
    assert df["customer_id"].tolist() == big and df["age"].isna().all()


def test_not_materialized_is_a_conflict_naming_the_gaps(client: larder.Client, keys: List[int]) -> None:
    with pytest.raises(larder.Conflict) as e:
        client.get_historical_features([{"customer_id": keys[0], "event_timestamp": "2020-01-01T00:00:00Z"}], ["customer_spend:amount_sum_7d"])
    assert e.value.status == 409 and "backfill" in e.value.detail.lower()
    assert e.value.missing and e.value.missing[0]["view"] == "customer_spend"


def test_bad_reference_is_a_typed_400(client: larder.Client, keys: List[int], end: dt.datetime) -> None:
    with pytest.raises(larder.BadRequest) as e:
        client.get_historical_features([{"customer_id": keys[0], "event_timestamp": end}], ["customer_profile:age", "customer_profile:nope"])
    assert e.value.invalid_params and e.value.invalid_params[0]["name"] == "features[1]"
    with pytest.raises(larder.BadRequest) as e2:
        client.get_historical_features([{"customer_id": keys[0], "when": end}], ["customer_profile:age"])
    assert "event_timestamp" in e2.value.detail


def test_viewer_gets_403(viewer: larder.Client, end: dt.datetime) -> None:
    with pytest.raises(larder.Forbidden):
        viewer.get_historical_features([{"customer_id": 1, "event_timestamp": end}], ["customer_profile:age"])


@pytest.mark.skipif(pyarrow_available(), reason="without pyarrow only")
def test_a_job_result_needs_pyarrow_and_says_so(client: larder.Client, keys: List[int], end: dt.datetime, tmp_path: Any) -> None:
    with pytest.raises(larder.MissingDependency) as e:
        client.get_historical_features([{"customer_id": k, "event_timestamp": end} for k in keys], ["customer_profile:age"], as_job=True)
    assert isinstance(e.value, ImportError) and "pip install pyarrow" in e.value.detail
    job_id = e.value.detail.split("job ")[1].split(" ")[0]
    assert client.get_job(job_id).status == "succeeded"
    path = client.download_historical_result(job_id, str(tmp_path / "result.parquet"))
    with open(path, "rb") as f:
        data = f.read()
    assert data[:4] == b"PAR1" and data[-4:] == b"PAR1"


@pytest.mark.skipif(pyarrow_available(), reason="without pyarrow only")
def test_a_large_table_without_pyarrow_is_refused_before_uploading(client: larder.Client, end: dt.datetime) -> None:
    df = pd.DataFrame({"customer_id": range(larder.HISTORICAL_INLINE_MAX_ROWS + 1), "event_timestamp": end})
    with pytest.raises(larder.MissingDependency) as e:
        client.get_historical_features(df, ["customer_profile:age"])
    assert "pyarrow" in e.value.detail and str(larder.HISTORICAL_INLINE_MAX_ROWS) in e.value.detail


@pytest.mark.skipif(not pyarrow_available(), reason="needs pyarrow")
def test_job_with_parquet(client: larder.Client, keys: List[int], end: dt.datetime) -> None:
    entity_df = pd.DataFrame({"customer_id": keys, "event_timestamp": pd.to_datetime([end] * len(keys), utc=True)})
    inline = client.get_historical_features(entity_df, FEATURES)
    job = client.get_historical_features(entity_df, FEATURES, as_job=True)
    pd.testing.assert_frame_equal(inline, job)


def test_pandas_is_required(monkeypatch: pytest.MonkeyPatch, client: larder.Client) -> None:
    import builtins

    real = builtins.__import__

    def no_pandas(name: str, *a: Any, **kw: Any) -> Any:
        if name == "pandas":
            raise ImportError("no pandas here")
        return real(name, *a, **kw)

    monkeypatch.setattr(builtins, "__import__", no_pandas)
    monkeypatch.delitem(__import__("sys").modules, "pandas")
    with pytest.raises(larder.MissingDependency) as e:
        client.get_historical_features([{"customer_id": 1, "event_timestamp": "2024-01-01T00:00:00Z"}], ["customer_profile:age"])
    assert "pip install pandas" in e.value.detail
    assert os.environ.get("LARDER_NO_PYARROW") is None
