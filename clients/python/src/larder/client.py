"""The Larder client: catalog, online and point-in-time features, push, jobs and previews.

Longer than ~400 lines on purpose: one public class whose methods are the API a notebook sees;
the value codecs, HTTP transport, progress bar and result models live in their own modules.
"""

from __future__ import annotations

import io
import os
import re
import time
import urllib.parse
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from . import _values as V
from ._http import Transport
from ._optional import pyarrow_available, require_pandas
from ._progress import ProgressBar, progress_enabled
from .errors import JobFailed, LarderError, MissingDependency
from .models import FeatureView, FeatureViewList, Job, JobList, OnlineResponse, Preview, SearchHit, SearchResults, join_keys_of

TimeLike = Any  # datetime, date, pandas Timestamp or ISO 8601 string
EntityRows = Sequence[Mapping[str, Any]]

#: The API answers historical requests with more entity rows than this as a job (202).
HISTORICAL_INLINE_MAX_ROWS = 100_000
_REF = re.compile(r"^([^:@]+)(?:@(v\d+|latest))?(?::(.+))?$")
_VIEW_CACHE_SECONDS = 30.0


class Client:
    """A connection to one Larder server and (by default) one project.

    Args:
        url: The API's base URL, e.g. ``http://localhost:3000`` (default: ``LARDER_URL``, else
            ``http://localhost:3000``).
        token: An API token (default: ``LARDER_TOKEN``). Reading features needs the consumer
            role, push and materialization the operator role.
        project: The project calls act on (default: ``LARDER_PROJECT``); every method also takes
            ``project=`` to override it.
        feature_server_url: Send online reads and pushes to the Feast-compatible feature server
            (e.g. ``http://localhost:6566``; default: ``LARDER_FEATURE_SERVER_URL``, else the API).
        timeout: Seconds to wait for one HTTP answer.
        progress: Progress bars for jobs: None = when stderr is a terminal or in a notebook.

    Example::

        import larder
        client = larder.Client("http://localhost:3000", token="lrd_…", project="retail")
        client.get_online_features(features=["customer_profile:segment"], entities={"customer_id": [1, 2]}).to_df()
    """

    def __init__(
        self,
        url: Optional[str] = None,
        token: Optional[str] = None,
        project: Optional[str] = None,
        *,
        feature_server_url: Optional[str] = None,
        timeout: float = 60.0,
        progress: Optional[bool] = None,
    ) -> None:
        self.url = (url or os.environ.get("LARDER_URL") or "http://localhost:3000").rstrip("/")
        self.token = token if token is not None else os.environ.get("LARDER_TOKEN")
        self.project = project if project is not None else os.environ.get("LARDER_PROJECT")
        fs = feature_server_url if feature_server_url is not None else os.environ.get("LARDER_FEATURE_SERVER_URL")
        self.feature_server_url = fs.rstrip("/") if fs else None
        self.progress = progress
        self._api = Transport(self.url, self.token, timeout)
        self._fs = Transport(self.feature_server_url, self.token, timeout) if self.feature_server_url else None
        self._views: Dict[Tuple[str, str], Tuple[float, FeatureView]] = {}

    def __repr__(self) -> str:
        fs = f", feature_server_url={self.feature_server_url!r}" if self.feature_server_url else ""
        return f"Client(url={self.url!r}, project={self.project!r}{fs})"

    # ---- helpers ---------------------------------------------------------------------------------

    def _project(self, project: Optional[str]) -> str:
        p = project or self.project
        if not p:
            raise ValueError("No project: pass project=… here or to Client(…), or set LARDER_PROJECT.")
        return p

    def _p(self, project: Optional[str]) -> str:
        return f"/api/v1/projects/{urllib.parse.quote(self._project(project), safe='')}"

    # ---- catalog ---------------------------------------------------------------------------------

    def list_feature_views(self, project: Optional[str] = None, *, include_archived: bool = False) -> FeatureViewList:
        """Every feature view of the project with a summary of its latest version (all pages)."""
        out = FeatureViewList()
        offset: Optional[int] = 0
        while offset is not None:
            page = self._api.json("GET", f"{self._p(project)}/feature-views", query={"limit": 200, "offset": offset, "includeArchived": include_archived})
            out.extend(FeatureView.from_json(v) for v in page["items"])
            offset = page.get("nextOffset")
        return out

    def get_feature_view(self, name: str, project: Optional[str] = None) -> FeatureView:
        """One feature view: every version with its features (declared dtypes) and definition."""
        p = self._project(project)
        j = self._api.json("GET", f"{self._p(p)}/feature-views/{urllib.parse.quote(name, safe='')}")
        fv = FeatureView.from_json(j)
        self._views[(p, name)] = (time.monotonic(), fv)
        return fv

    def get_feature_service(self, name: str, project: Optional[str] = None) -> Dict[str, Any]:
        """One feature service with its references resolved to view versions and dtypes (JSON)."""
        return dict(self._api.json("GET", f"{self._p(project)}/feature-services/{urllib.parse.quote(name, safe='')}"))

    def search(self, q: str, *, kind: Optional[Union[str, Sequence[str]]] = None, project: Optional[Union[str, Sequence[str]]] = None, limit: int = 20) -> SearchResults:
        """Search the catalog of every project you can see (exact name > prefix > typo > text).

        ``kind``: feature_view, feature, feature_service, model, entity or source; ``project``
        narrows to projects (default: all you can see)."""
        j = self._api.json("GET", "/api/v1/search", query={"q": q, "kind": kind, "project": project, "limit": limit})
        return SearchResults((SearchHit.from_json(h) for h in j["items"]), int(j.get("total") or 0), j.get("facets") or {}, q)

    def preview(
        self,
        view: str,
        n: int = 20,
        *,
        version: Optional[int] = None,
        entity: Optional[Mapping[str, Any]] = None,
        start: Optional[TimeLike] = None,
        end: Optional[TimeLike] = None,
        project: Optional[str] = None,
    ) -> Preview:
        """Sample rows of a view version from the offline store, newest first (at most 500).

        ``entity={"customer_id": 1001}`` shows that entity's rows and its online value beside the
        historical one (``.comparison``); ``start``/``end`` bound the event time. Values are exact
        (int64 in full, floats as stored, times to the microsecond)."""
        p = self._project(project)
        if version is None:
            version = self._view(p, view).latest_version
        query: Dict[str, Any] = {"limit": n, "start": V.format_time(start) if start is not None else None, "end": V.format_time(end) if end is not None else None}
        if entity:
            query["entity"] = [f"{k}={v}" for k, v in entity.items()]
        j = self._api.json("GET", f"{self._p(p)}/feature-views/{urllib.parse.quote(view, safe='')}/versions/{int(version)}/preview", query=query)
        return Preview(j)

    # ---- dtypes of requested columns -------------------------------------------------------------

    def _view(self, project: str, name: str) -> FeatureView:
        hit = self._views.get((project, name))
        if hit and time.monotonic() - hit[0] < _VIEW_CACHE_SECONDS:
            return hit[1]
        return self.get_feature_view(name, project)

    def _columns(
        self, project: str, features: Optional[Sequence[str]], feature_service: Optional[str], full_feature_names: bool
    ) -> Tuple[Dict[str, str], Dict[str, str]]:
        """(join key → dtype, feature column name → dtype) of a request, from the views' declared
        dtypes (never inferred from values)."""
        keys: Dict[str, str] = {}
        cols: Dict[str, str] = {}
        picks: List[Tuple[str, Optional[int], bool, Optional[str]]] = []  # view, version, pinned, feature
        if feature_service:
            svc = self.get_feature_service(feature_service, project)
            for f in svc.get("features") or []:
                picks.append((str(f["view"]), int(f["version"]), bool(f.get("pinned")), str(f["name"])))
        else:
            for ref in features or []:
                m = _REF.match(ref.strip())
                if not m:
                    continue
                view, ver, feat = m.group(1), m.group(2), m.group(3)
                picks.append((view, int(ver[1:]) if ver and ver != "latest" else None, bool(ver and ver != "latest"), feat))
        for view, version, pinned, feat in picks:
            try:
                fv = self._view(project, view)
                vj = fv.version(version)
            except (LarderError, KeyError):
                continue  # the server answers the bad reference with a clear 400
            for k, d in join_keys_of(vj):
                keys[k] = d
            n = int(vj.get("version") or 0)
            for f in vj.get("features") or []:
                if feat is not None and f["name"] != feat:
                    continue
                dtype = str(f["dtype"])
                if full_feature_names:
                    cols[f"{view}__{f['name']}"] = dtype
                    cols[f"{view}@v{n}__{f['name']}"] = dtype
                else:
                    cols.setdefault(str(f["name"]), dtype)
                if pinned and full_feature_names:
                    cols[f"{view}@v{n}__{f['name']}"] = dtype
        return keys, cols

    # ---- online ----------------------------------------------------------------------------------

    def get_online_features(
        self,
        features: Optional[Sequence[str]] = None,
        *,
        feature_service: Optional[str] = None,
        entity_rows: Optional[EntityRows] = None,
        entities: Optional[Mapping[str, Sequence[Any]]] = None,
        full_feature_names: bool = False,
        project: Optional[str] = None,
    ) -> OnlineResponse:
        """Latest feature values for entities, with a status per value.

        Name the features (``"view:feature"``, ``"view@v2:feature"``, ``"view"`` for all of a
        view) or a ``feature_service``; give the entities as rows
        (``entity_rows=[{"customer_id": 1}, …]``) or columns (``entities={"customer_id": [1, 2]}``).
        Returns an :class:`~larder.models.OnlineResponse` (``to_dict()``, ``to_df()``)."""
        p = self._project(project)
        if (features is None) == (feature_service is None):
            raise ValueError("Pass exactly one of features=[…] or feature_service=….")
        if (entity_rows is None) == (entities is None):
            raise ValueError("Pass exactly one of entity_rows=[{…}, …] or entities={column: […]}.")
        cols = V.columns_of(list(entity_rows)) if entity_rows is not None else {k: [V.jsonable(x) for x in vs] for k, vs in dict(entities or {}).items()}
        body: Dict[str, Any] = {"entities": cols}
        if feature_service is not None:
            body["feature_service"] = feature_service
        else:
            if isinstance(features, str):
                raise TypeError("features is a list of references, e.g. ['customer_spend:amount']")
            body["features"] = list(features or [])
        if full_feature_names:
            body["full_feature_names"] = True
        if self._fs is not None:
            answer = self._fs.json("POST", "/get-online-features", json_body={**body, "project": p})
        else:
            answer = self._api.json("POST", f"{self._p(p)}/online-features", json_body=body)
        keys, dtypes = self._columns(p, body.get("features"), feature_service, full_feature_names)
        return OnlineResponse(answer, {**dtypes, **keys}, list(keys))

    # ---- push ------------------------------------------------------------------------------------

    def push(self, push_source: str, df_or_rows: Any, to: str = "online", *, project: Optional[str] = None) -> Dict[str, Any]:
        """Push rows to a push source: a pandas DataFrame, a list of row dicts or a dict of columns.

        ``to``: ``"online"`` (default, as Feast), ``"offline"`` or ``"online_and_offline"``. The
        rows need the source's schema columns and its timestamp field; times may be datetimes
        (naive = UTC), pandas Timestamps or ISO strings. Returns the API's summary (rows written
        online and offline); through the feature server, which answers as Feast does, ``{}``."""
        p = self._project(project)
        df = _columns_from(df_or_rows)
        body = {"push_source_name": push_source, "df": df, "to": to}
        if self._fs is not None:
            # Feast's contract: an empty 200, so there is no summary to return.
            self._fs.request("POST", "/push", json_body={**body, "project": p})
            return {}
        return dict(self._api.json("POST", f"{self._p(p)}/push", json_body=body))

    # ---- historical ------------------------------------------------------------------------------

    def get_historical_features(
        self,
        entity_df: Any,
        features: Optional[Sequence[str]] = None,
        *,
        feature_service: Optional[str] = None,
        event_timestamp_column: str = "event_timestamp",
        full_feature_names: bool = False,
        as_job: Optional[bool] = None,
        progress: Optional[bool] = None,
        project: Optional[str] = None,
    ) -> Any:
        """Point-in-time correct features joined onto an entity table; returns a pandas DataFrame.

        ``entity_df`` (a DataFrame, row dicts or a dict of columns) holds the join keys and the
        time of each row (``event_timestamp_column``). It is uploaded as Parquet when pyarrow is
        installed, else as CSV. The answer keeps the entity columns as you gave them, the time
        column as tz-aware UTC, and each feature in the nullable pandas dtype of its declared
        dtype (int64 → Int64 exact at full range, float64 → Float64, bool → boolean, string →
        string, timestamp → datetime64 UTC to the µs; bytes and lists as objects).

        Tables of more than 100,000 rows (or ``as_job=True``) run as a job on a worker: the call
        shows a progress bar, waits and downloads the Parquet result (which needs pyarrow).
        A time range that is not materialized is a :class:`~larder.Conflict` naming the gaps."""
        pd = require_pandas()
        p = self._project(project)
        if (features is None) == (feature_service is None):
            raise ValueError("Pass exactly one of features=[…] or feature_service=….")
        if isinstance(features, str):
            raise TypeError("features is a list of references, e.g. ['customer_spend:amount']")
        df = entity_df if isinstance(entity_df, pd.DataFrame) else pd.DataFrame(list(entity_df) if isinstance(entity_df, (list, tuple)) else entity_df)
        df = df.reset_index(drop=True)
        parquet = pyarrow_available()
        if not parquet and len(df) > HISTORICAL_INLINE_MAX_ROWS and not as_job:
            raise MissingDependency(
                f"{len(df)} entity rows run as a job whose result is a Parquet file, and reading Parquet needs pyarrow "
                f"(pip install pyarrow). Without it, send at most {HISTORICAL_INLINE_MAX_ROWS} rows per call (split the table and concatenate the answers)."
            )
        if parquet:
            data, ctype = _to_parquet(df, event_timestamp_column), "application/vnd.apache.parquet"
        else:
            data, ctype = _to_csv(df, event_timestamp_column), "text/csv"
        query: Dict[str, Any] = {
            "features": ",".join(features) if features is not None else None,
            "feature_service": feature_service,
            "event_timestamp_column": event_timestamp_column,
            "full_feature_names": True if full_feature_names else None,
            "as_job": True if as_job else None,
        }
        res = self._api.request("POST", f"{self._p(p)}/historical-features", query=query, data=data, content_type=ctype, accept="application/json")
        keys, dtypes = self._columns(p, features, feature_service, full_feature_names)
        body = res.json()
        if res.status == 202:
            job = self.wait_for_job(str(body["job"]["id"]), progress=progress, label=f"historical features ({body.get('rows', len(df))} rows)")
            return self._historical_job_frame(job, str(body["result_url"]), df, event_timestamp_column, dtypes, keys)
        return _historical_frame(body["columns"], body["rows"], df, event_timestamp_column, dtypes, keys)

    def download_historical_result(self, job_id: str, path: str, project: Optional[str] = None) -> str:
        """Saves a historical job's Parquet result to ``path`` (no pyarrow needed); returns the path."""
        res = self._api.request(
            "GET", f"{self._p(project)}/historical-features/jobs/{urllib.parse.quote(job_id, safe='')}/result", accept="application/vnd.apache.parquet"
        )
        with open(path, "wb") as f:
            f.write(res.body)
        return path

    def _historical_job_frame(self, job: Job, result_url: str, entity_df: Any, ts_col: str, dtypes: Mapping[str, str], keys: Mapping[str, str]) -> Any:
        if not pyarrow_available():
            raise MissingDependency(
                f"Historical job {job.id} succeeded; its result is a Parquet file and reading it needs pyarrow (pip install pyarrow). "
                f"Or save it with client.download_historical_result({job.id!r}, 'result.parquet') and read it elsewhere."
            )
        import pyarrow.parquet as pq

        res = self._api.request("GET", result_url, accept="application/vnd.apache.parquet")
        table = pq.read_table(io.BytesIO(res.body))
        columns = list(table.column_names)
        rows_by_col = {c: table.column(c).to_pylist() for c in columns}
        return _frame_from_columns(columns, rows_by_col, entity_df, ts_col, dtypes, keys)

    # ---- jobs ------------------------------------------------------------------------------------

    def get_job(self, job_id: str) -> Job:
        """A job's current state."""
        return Job.from_json(self._api.json("GET", f"/api/v1/jobs/{urllib.parse.quote(job_id, safe='')}"))

    def wait_for_job(self, job_id: str, *, progress: Optional[bool] = None, timeout: Optional[float] = None, label: Optional[str] = None) -> Job:
        """Polls a job until it ends; raises :class:`~larder.JobFailed` unless it succeeded."""
        return self.wait_for_jobs([job_id], progress=progress, timeout=timeout, label=label)[0]

    def wait_for_jobs(self, job_ids: Sequence[str], *, progress: Optional[bool] = None, timeout: Optional[float] = None, label: Optional[str] = None) -> JobList:
        """Waits for several jobs (one progress bar for all); raises :class:`~larder.JobFailed` on the first that failed."""
        enabled = progress_enabled(progress if progress is not None else self.progress)
        bar = ProgressBar(label or (f"job {job_ids[0]}" if len(job_ids) == 1 else f"{len(job_ids)} jobs"), enabled)
        deadline = None if timeout is None else time.monotonic() + timeout
        delay = 0.2
        jobs: Dict[str, Job] = {}
        while True:
            for jid in job_ids:
                if jid not in jobs or not jobs[jid].done:
                    jobs[jid] = self.get_job(jid)
            done = [jobs[j] for j in job_ids]
            frac = sum(1.0 if j.done else j.progress for j in done) / max(1, len(done))
            running = [j.status for j in done if not j.done]
            bar.update(frac, running[0] if running else "done")
            bad = next((j for j in done if j.status in ("failed", "cancelled")), None)
            if bad is not None:
                bar.close(bad.status, frac)
                raise JobFailed(f"{bad.kind} job {bad.id}{' (' + bad.feature_view + ')' if bad.feature_view else ''} {bad.status}: {bad.error or 'no error recorded'}", bad.raw)
            if all(j.done for j in done):
                bar.close("succeeded")
                return JobList(done)
            if deadline is not None and time.monotonic() > deadline:
                bar.close("still running", frac)
                raise TimeoutError(f"jobs still running after {timeout} s: {', '.join(j.id for j in done if not j.done)}")
            time.sleep(delay)
            delay = min(delay * 1.5, 2.0)

    def materialize(
        self,
        start: TimeLike,
        end: TimeLike,
        views: Optional[Sequence[str]] = None,
        *,
        wait: bool = True,
        progress: Optional[bool] = None,
        timeout: Optional[float] = None,
        project: Optional[str] = None,
    ) -> JobList:
        """Materializes ``[start, end)`` of the latest version of each view (all views when
        ``views`` is None): one job per view. With ``wait`` (default) shows progress and returns
        the finished jobs; :class:`~larder.JobFailed` if one fails."""
        body: Dict[str, Any] = {"start": V.format_time(start), "end": V.format_time(end)}
        if views is not None:
            body["featureViews"] = list(views)
        j = self._api.json("POST", f"{self._p(project)}/materialize", json_body=body)
        jobs = JobList((Job.from_json(x) for x in j.get("jobs") or []), j.get("skipped"))
        if not wait or not jobs:
            return jobs
        done = self.wait_for_jobs([x.id for x in jobs], progress=progress, timeout=timeout, label=f"materialize {len(jobs)} view(s)")
        return JobList(done, jobs.skipped)

    def backfill(
        self,
        start: TimeLike,
        end: TimeLike,
        views: Optional[Sequence[str]] = None,
        *,
        gaps: bool = False,
        wait: bool = True,
        progress: Optional[bool] = None,
        timeout: Optional[float] = None,
        project: Optional[str] = None,
    ) -> Job:
        """Backfills ``[start, end)`` (only its unmaterialized gaps with ``gaps=True``): one child
        job per view version and UTC day under one parent job, which this waits for by default."""
        body: Dict[str, Any] = {"start": V.format_time(start), "end": V.format_time(end), "gaps": gaps}
        if views is not None:
            body["featureViews"] = list(views)
        j = self._api.json("POST", f"{self._p(project)}/backfill", json_body=body)
        job = Job.from_json(j["job"])
        if not wait:
            return job
        return self.wait_for_job(job.id, progress=progress, timeout=timeout, label=f"backfill {job.id}")


# ---- tables in and out ----------------------------------------------------------------------------


def _columns_from(df_or_rows: Any) -> Dict[str, List[Any]]:
    """A DataFrame, row dicts or a dict of columns as Feast's ``df`` (columns of JSON values)."""
    if isinstance(df_or_rows, Mapping):
        return {str(k): [V.jsonable(x) for x in (v.tolist() if hasattr(v, "tolist") else v)] for k, v in df_or_rows.items()}
    if hasattr(df_or_rows, "to_dict") and hasattr(df_or_rows, "columns"):
        return {str(c): [V.jsonable(x) for x in df_or_rows[c].tolist()] for c in df_or_rows.columns}
    if isinstance(df_or_rows, (list, tuple)):
        return V.columns_of(list(df_or_rows))
    raise TypeError("push takes a pandas DataFrame, a list of row dicts or a dict of columns")


def _time_text_column(s: Any) -> List[Optional[str]]:
    return [None if V.jsonable(x) is None else V.format_time(x) for x in s.tolist()]


def _to_csv(df: Any, ts_col: str) -> bytes:
    """The entity table as CSV: times as ISO 8601 UTC with microseconds, ints exact, null = empty."""
    out = df.copy()
    for c in out.columns:
        s = out[c]
        kind = str(s.dtype)
        if kind.startswith("datetime64") or (c == ts_col and kind == "object"):
            out[c] = _time_text_column(s)
    buf = io.StringIO()
    out.to_csv(buf, index=False)
    return buf.getvalue().encode("utf-8")


def _to_parquet(df: Any, ts_col: str) -> bytes:
    out = df.copy()
    s = out[ts_col] if ts_col in out.columns else None
    if s is not None and str(s.dtype) == "object":
        out[ts_col] = _time_text_column(s)
    buf = io.BytesIO()
    out.to_parquet(buf, index=False, coerce_timestamps="us", allow_truncated_timestamps=True)
    return buf.getvalue()


def _historical_frame(columns: Sequence[str], rows: Sequence[Mapping[str, Any]], entity_df: Any, ts_col: str, dtypes: Mapping[str, str], keys: Mapping[str, str]) -> Any:
    return _frame_from_columns(list(columns), {c: [r.get(c) for r in rows] for c in columns}, entity_df, ts_col, dtypes, keys)


def _frame_from_columns(columns: List[str], values: Dict[str, List[Any]], entity_df: Any, ts_col: str, dtypes: Mapping[str, str], keys: Mapping[str, str]) -> Any:
    """The answer as a DataFrame: the entity columns exactly as the caller gave them (the rows come
    back in the caller's order; checked on the join keys), the time column as UTC datetimes, and
    each feature in the nullable pandas dtype of its declared dtype."""
    n = len(values[columns[0]]) if columns else 0
    same_rows = n == len(entity_df) and all(_same_column(values[k], entity_df[k].tolist()) for k in keys if k in values and k in entity_df.columns)
    data: Dict[str, Any] = {}
    for c in columns:
        if c == ts_col:
            data[c] = V.time_series([V.parse_time(v) for v in values[c]], c)
        elif same_rows and c in entity_df.columns and c not in dtypes:
            data[c] = entity_df[c].reset_index(drop=True).rename(c)
        else:
            dtype = dtypes.get(c) or keys.get(c)
            data[c] = V.series(dtype, [V.convert(dtype, v) for v in values[c]], c)
    return V.frame(columns, data)


def _same_column(got: Sequence[Any], want: Sequence[Any]) -> bool:
    """Do two columns of key values agree row by row (as exact text)?"""
    for a, b in zip(got, want):
        a2, b2 = V.jsonable(a), V.jsonable(b)
        if (a2 is None) != (b2 is None) or (a2 is not None and str(a2) != str(b2)):
            return False
    return True


__all__ = ["Client", "HISTORICAL_INLINE_MAX_ROWS"]
