"""materialize, backfill and job waiting against the real worker."""

from __future__ import annotations

import datetime as dt
import io
import sys
from typing import Any, Dict

import pytest

import larder


@pytest.fixture(scope="module")
def end(seed: Dict[str, Any]) -> dt.datetime:
    return dt.datetime.fromisoformat(seed["materialized"]["end"].replace("Z", "+00:00"))


def test_materialize_without_waiting_then_wait(operator: larder.Client, end: dt.datetime) -> None:
    jobs = operator.materialize(end - dt.timedelta(hours=2), end, views=["customer_profile"], wait=False)
    assert len(jobs) == 1 and jobs[0].kind == "materialize" and jobs[0].status in ("queued", "running", "succeeded")
    done = operator.wait_for_job(jobs[0].id)
    assert done.succeeded and done.done and done.progress == 1
    assert operator.get_job(jobs[0].id).status == "succeeded"


def test_backfill_waits_for_its_partitions(operator: larder.Client, end: dt.datetime) -> None:
    day = end.replace(hour=0, minute=0, second=0, microsecond=0)
    err = io.StringIO()
    old, sys.stderr = sys.stderr, err
    try:
        job = operator.backfill(day - dt.timedelta(days=2), day, views=["customer_profile"], progress=True)
    finally:
        sys.stderr = old
    assert job.kind == "backfill" and job.status == "succeeded"
    assert "backfill" in err.getvalue() and "100.0%" in err.getvalue()
    assert len(job.raw["children"]) == 2


def test_backfilling_only_gaps_of_a_covered_range_is_a_conflict(operator: larder.Client, end: dt.datetime) -> None:
    with pytest.raises(larder.Conflict) as e:
        operator.backfill(end - dt.timedelta(days=3), end - dt.timedelta(days=1), views=["customer_profile"], gaps=True)
    assert e.value.status == 409 and e.value.code == "conflict"


def test_a_bad_window_is_a_400_naming_the_field(operator: larder.Client, end: dt.datetime) -> None:
    with pytest.raises(larder.BadRequest) as e:
        operator.materialize(end, end - dt.timedelta(hours=1))
    assert {"name": "start", "reason": "start must be before end"} in e.value.invalid_params


def test_unknown_view_is_refused(operator: larder.Client, end: dt.datetime) -> None:
    with pytest.raises(larder.LarderError) as e:
        operator.materialize(end - dt.timedelta(hours=1), end, views=["no_such_view"])
    assert e.value.status in (400, 404) and "no_such_view" in e.value.detail


def test_consumer_cannot_run_jobs(client: larder.Client, end: dt.datetime) -> None:
    with pytest.raises(larder.Forbidden) as e:
        client.materialize(end - dt.timedelta(hours=1), end)
    assert "operator" in e.value.detail


def test_unknown_job_is_not_found(client: larder.Client) -> None:
    with pytest.raises(larder.NotFound):
        client.get_job("no-such-job")
