"""Client construction, the catalog (views, search) and previews, against the real API."""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict

import pytest

import larder


def test_defaults_come_from_the_environment(monkeypatch: pytest.MonkeyPatch, url: str, seed: Dict[str, Any]) -> None:
    monkeypatch.setenv("LARDER_URL", url + "/")
    monkeypatch.setenv("LARDER_TOKEN", seed["tokens"]["consumer"])
    monkeypatch.setenv("LARDER_PROJECT", seed["project"])
    c = larder.Client()
    assert (c.url, c.token, c.project) == (url, seed["tokens"]["consumer"], seed["project"])
    assert "customer_spend" in c.list_feature_views().names
    # Arguments win over the environment.
    assert larder.Client(project="other").project == "other"


def test_a_project_is_needed(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.delenv("LARDER_PROJECT", raising=False)
    with pytest.raises(ValueError, match="LARDER_PROJECT"):
        larder.Client(url, token="x").list_feature_views()


def test_list_feature_views(client: larder.Client) -> None:
    views = client.list_feature_views()
    assert sorted(views.names) == ["customer_profile", "customer_spend"]
    spend = next(v for v in views if v.name == "customer_spend")
    assert spend.entities == ["customer"] and spend.latest_version == 1
    assert spend.materialized_until is not None
    html = views._repr_html_()
    assert "<table" in html and "customer_profile" in html


def test_get_feature_view_has_declared_dtypes(client: larder.Client) -> None:
    fv = client.get_feature_view("customer_spend")
    dtypes = {f.name: f.dtype for f in fv.features}
    assert dtypes["amount"] == "float64" and dtypes["is_large"] == "bool" and dtypes["amount_count_7d"] == "int64"
    assert {f.name: f.kind for f in fv.features}["amount_sum_7d"] == "aggregation"
    assert fv.join_keys == [("customer_id", "int64")]
    assert fv.ttl_seconds == 30 * 86400
    assert fv.version(1)["version"] == 1
    with pytest.raises(KeyError):
        fv.version(9)
    assert "customer_spend:amount_sum_7d" in fv.feature_refs
    html = fv._repr_html_()
    assert "amount_sum_7d" in html and "customer_id: int64" in html


def test_unknown_view_is_not_found(client: larder.Client) -> None:
    with pytest.raises(larder.NotFound) as e:
        client.get_feature_view("no_such_view")
    assert e.value.status == 404 and e.value.code == "not_found" and "no_such_view" in e.value.detail
    assert e.value.request_id


def test_search(client: larder.Client, project: str) -> None:
    hits = client.search("amount_sum", kind="feature", project=project)
    assert hits and hits.total >= 2
    assert all(h.kind == "feature" and h.project == project for h in hits)
    assert "customer_spend:amount_sum_7d" in [h.qualified_name for h in hits]
    # A typo still finds the view.
    assert "customer_profile" in [h.name for h in client.search("custmer_profle", kind="feature_view", project=project)]
    assert "amount_sum" in hits._repr_html_()


def test_preview_rows_are_exact_and_typed(client: larder.Client) -> None:
    p = client.preview("customer_profile", 5)
    assert len(p) == 5 and p.version == 1 and p.partitions
    names = [n for n, _ in p.columns]
    assert names[:2] == ["customer_id", "event_timestamp"] and "segment" in names
    row = p.rows[0]
    assert isinstance(row["customer_id"], int) and isinstance(row["age"], int)
    assert isinstance(row["event_timestamp"], dt.datetime) and row["event_timestamp"].tzinfo == dt.timezone.utc
    times = [r["event_timestamp"] for r in p.rows]
    assert times == sorted(times, reverse=True)  # newest first
    df = p.to_df()
    assert str(df["customer_id"].dtype) == "Int64" and str(df["segment"].dtype) == "string"
    assert str(df["event_timestamp"].dtype).startswith("datetime64") and "UTC" in str(df["event_timestamp"].dtype)
    assert "segment" in p._repr_html_()


def test_preview_one_entity_compares_online_and_offline(client: larder.Client) -> None:
    key = client.preview("customer_profile", 1).rows[0]["customer_id"]
    p = client.preview("customer_profile", 50, entity={"customer_id": key})
    assert p.rows and all(r["customer_id"] == key for r in p.rows)
    assert p.comparison is not None and p.comparison["at"]
    assert p.comparison["online"]["results"][1]["statuses"] == ["PRESENT"]


def test_preview_time_range_and_bounds(client: larder.Client, seed: Dict[str, Any]) -> None:
    end = dt.datetime.fromisoformat(seed["dataEnd"].replace("Z", "+00:00"))
    p = client.preview("customer_profile", 100, start=end - dt.timedelta(days=3), end=end)
    assert all(end - dt.timedelta(days=3) <= r["event_timestamp"] < end for r in p.rows)
    with pytest.raises(larder.BadRequest) as e:
        client.preview("customer_profile", 501)
    assert e.value.invalid_params == [{"name": "query.limit", "reason": "limit is at most 500 rows"}]


def test_viewer_sees_the_catalog_but_no_values(viewer: larder.Client) -> None:
    assert viewer.get_feature_view("customer_profile").name == "customer_profile"
    with pytest.raises(larder.Forbidden) as e:
        viewer.preview("customer_profile", 1, version=1)
    assert e.value.status == 403 and "consumer" in e.value.detail
