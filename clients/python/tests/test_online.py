"""get_online_features through the API and through the feature server: values by declared
dtype, statuses, rows or columns of entities, feature services, full names, errors."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest

import larder

FEATURES = ["customer_spend:amount_sum_7d", "customer_spend:amount_count_30d", "customer_spend:is_large", "customer_profile:age", "customer_profile:segment"]


@pytest.fixture(scope="module")
def keys(client: larder.Client) -> List[int]:
    """Customers with profile rows (from the offline store), plus one that does not exist."""
    seen: List[int] = []
    for r in client.preview("customer_profile", 50).rows:
        if r["customer_id"] not in seen:
            seen.append(r["customer_id"])
    return seen[:3] + [987654321]


def test_values_statuses_and_dtypes(client: larder.Client, keys: List[int]) -> None:
    r = client.get_online_features(FEATURES, entities={"customer_id": keys})
    assert len(r) == 4
    assert r.join_keys == ["customer_id"]
    assert r.features == ["amount_sum_7d", "amount_count_30d", "is_large", "age", "segment"]
    d = r.to_dict()
    assert d["customer_id"] == keys
    assert all(isinstance(v, int) for v in d["age"][:3]) and all(isinstance(v, str) for v in d["segment"][:3])
    assert d["age__status"] == ["PRESENT"] * 3 + ["NOT_FOUND"]
    assert d["age"][3] is None and d["segment__status"][3] == "NOT_FOUND"
    assert set(d["amount_sum_7d__status"]) <= {"PRESENT", "NULL_VALUE", "NOT_FOUND"}
    # Counts are ints; a count of 0 is a value, not null.
    assert all(isinstance(v, int) for v, s in zip(d["amount_count_30d"], d["amount_count_30d__status"]) if s == "PRESENT")
    assert set(r.to_dict(statuses=False)) == {"customer_id", *r.features}
    ts = r.to_dict(event_timestamps=True)["age__event_timestamp"]
    assert ts[0] is not None and ts[0].tzinfo is not None
    df = r.to_df()
    assert {c: str(t) for c, t in df.dtypes.items()} == {
        "customer_id": "Int64",
        "amount_sum_7d": "Float64",
        "amount_count_30d": "Int64",
        "is_large": "boolean",
        "age": "Int64",
        "segment": "string",
        "amount_sum_7d__status": "string",
        "amount_count_30d__status": "string",
        "is_large__status": "string",
        "age__status": "string",
        "segment__status": "string",
    }
    assert df["age"].isna().tolist() == [False, False, False, True]
    assert r.rows()[0]["customer_id"] == keys[0]
    html = r._repr_html_()
    assert "NOT_FOUND" in html and "segment" in html
    assert "4 rows" in repr(r)


def test_entity_rows_equal_entity_columns(client: larder.Client, keys: List[int]) -> None:
    a = client.get_online_features(FEATURES, entities={"customer_id": keys}).to_dict()
    b = client.get_online_features(FEATURES, entity_rows=[{"customer_id": k} for k in keys]).to_dict()
    assert a == b


def test_feature_server_gives_the_same_answer(client: larder.Client, fs_url: str, seed: Dict[str, Any], keys: List[int]) -> None:
    via_fs = larder.Client(client.url, token=seed["tokens"]["consumer"], project=seed["project"], feature_server_url=fs_url)
    assert via_fs.get_online_features(FEATURES, entities={"customer_id": keys}).to_dict() == client.get_online_features(FEATURES, entities={"customer_id": keys}).to_dict()
    assert "feature_server_url" in repr(via_fs)


def test_feature_service_and_full_names(client: larder.Client, keys: List[int]) -> None:
    r = client.get_online_features(feature_service="churn_v1", entities={"customer_id": keys[:2]})
    assert {"amount_sum_7d", "is_large", "age", "segment", "signup_channel"} <= set(r.features)
    assert str(r.to_df()["age"].dtype) == "Int64"
    full = client.get_online_features(["customer_spend:amount_sum_7d", "customer_profile"], entities={"customer_id": keys[:1]}, full_feature_names=True)
    assert full.features == ["customer_spend__amount_sum_7d", "customer_profile__age", "customer_profile__segment", "customer_profile__signup_channel"]
    df = full.to_df()
    assert str(df["customer_profile__age"].dtype) == "Int64" and str(df["customer_spend__amount_sum_7d"].dtype) == "Float64"
    pinned = client.get_online_features(["customer_profile@v1:age"], entities={"customer_id": keys[:1]})
    assert str(pinned.to_df()["age"].dtype) == "Int64"


def test_exactly_one_selection_and_one_entity_form(client: larder.Client) -> None:
    with pytest.raises(ValueError):
        client.get_online_features(entities={"customer_id": [1]})
    with pytest.raises(ValueError):
        client.get_online_features(FEATURES, feature_service="churn_v1", entities={"customer_id": [1]})
    with pytest.raises(ValueError):
        client.get_online_features(FEATURES)
    with pytest.raises(TypeError):
        client.get_online_features("customer_profile:age", entities={"customer_id": [1]})  # type: ignore[arg-type]


def test_bad_feature_reference_is_a_typed_400(client: larder.Client) -> None:
    with pytest.raises(larder.BadRequest) as e:
        client.get_online_features(["customer_spend:amount", "customer_spend:nope"], entities={"customer_id": [1]})
    assert e.value.status == 400 and e.value.code == "bad_request"
    assert e.value.invalid_params == [{"name": "features[1]", "reason": 'unknown feature "nope"'}]
    assert "amount_sum_7d" in e.value.detail  # says what exists
    assert "features[1]" in str(e.value) and "features[1]" in e.value._repr_html_()


def test_feature_server_errors_are_feasts_and_still_typed(client: larder.Client, fs_url: str, seed: Dict[str, Any]) -> None:
    c = larder.Client(client.url, token=seed["tokens"]["consumer"], project=seed["project"], feature_server_url=fs_url)
    with pytest.raises(larder.NotFound) as e:
        c.get_online_features(["customer_spend:amount", "customer_spend:nope"], entities={"customer_id": [1]})
    # Feast's REST error body: the class name becomes the code, its message the detail.
    assert e.value.status == 404 and e.value.code == "FeastObjectNotFoundException"
    assert '"nope"' in e.value.detail and e.value.problem["feast"]["module"] == "feast.errors"
    with pytest.raises(larder.NotFound) as e2:
        c.get_online_features(["no_view:x"], entities={"customer_id": [1]})
    assert e2.value.code == "FeatureViewNotFoundException"


def test_wrong_key_type_names_the_cell(client: larder.Client) -> None:
    with pytest.raises(larder.BadRequest) as e:
        client.get_online_features(["customer_profile:age"], entities={"customer_id": [1, "abc"]})
    assert any("customer_id[1]" in p["name"] for p in e.value.invalid_params)


def test_bad_token_is_401(url: str, project: str, fs_url: str) -> None:
    for c in (larder.Client(url, token="lrd_nope", project=project), larder.Client(url, token="lrd_nope", project=project, feature_server_url=fs_url)):
        with pytest.raises(larder.Unauthorized) as e:
            c.get_online_features(["customer_profile:age"], entities={"customer_id": [1]})
        assert e.value.status == 401


def test_viewer_gets_403(viewer: larder.Client) -> None:
    with pytest.raises(larder.Forbidden) as e:
        viewer.get_online_features(["customer_profile:age"], entities={"customer_id": [1]})
    assert e.value.status == 403 and e.value.code == "forbidden"


def test_token_of_another_project_gets_403(client: larder.Client, seed: Dict[str, Any]) -> None:
    with pytest.raises(larder.Forbidden):
        client.get_online_features(["pushed:i64"], entities={"id": [1]}, project=seed["typesProject"])


def test_unreachable_server(project: str) -> None:
    with pytest.raises(larder.ConnectionFailed) as e:
        larder.Client("http://127.0.0.1:9", token="x", project=project, timeout=5).get_online_features(["v:f"], entities={"k": [1]})
    assert e.value.status == 0 and "LARDER_URL" in e.value.detail
