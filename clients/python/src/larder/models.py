"""What the client returns: small objects over the API's JSON, each readable in a notebook
(``_repr_html_``) and keeping the whole answer in ``raw``."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from . import _values as V

_STYLE = "border-collapse:collapse;font-size:12px"
_CELL = "border:1px solid #ddd;padding:2px 6px;text-align:left;vertical-align:top"
_STATUS_COLOR = {"PRESENT": "#1e7e34", "NOT_FOUND": "#b36b00", "NULL_VALUE": "#666", "OUTSIDE_MAX_AGE": "#c0392b"}
_MAX_HTML_ROWS = 50


def _esc(v: Any) -> str:
    if v is None:
        return "<span style='color:#999'>null</span>"
    return html.escape(str(v))


def html_table(columns: Sequence[str], rows: Iterable[Sequence[Any]], caption: str = "", total: Optional[int] = None) -> str:
    head = "".join(f"<th style='{_CELL}'>{html.escape(c)}</th>" for c in columns)
    body = []
    shown = 0
    for r in rows:
        if shown == _MAX_HTML_ROWS:
            break
        body.append("<tr>" + "".join(f"<td style='{_CELL}'>{c if isinstance(c, _Html) else _esc(c)}</td>" for c in r) + "</tr>")
        shown += 1
    more = f"<div style='color:#666'>{shown} of {total} rows shown</div>" if total is not None and total > shown else ""
    cap = f"<div style='font-weight:bold;margin:4px 0'>{caption}</div>" if caption else ""
    return f"{cap}<table style='{_STYLE}'><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>{more}"


class _Html(str):
    """A cell that is already HTML."""


# ---- catalog ------------------------------------------------------------------------------------


@dataclass
class Feature:
    """One feature of a view version: its name, declared dtype and description."""

    name: str
    dtype: str
    description: str = ""
    kind: str = "field"
    aggregation: Optional[Dict[str, Any]] = None

    @classmethod
    def from_json(cls, j: Mapping[str, Any]) -> "Feature":
        return cls(str(j["name"]), str(j.get("dtype") or ""), str(j.get("description") or ""), str(j.get("kind") or "field"), j.get("aggregation"))


@dataclass
class FeatureView:
    """A feature view (latest version unless stated): entities, join keys, features with dtypes,
    ttl, materialization and freshness. ``versions`` holds every version (newest first) when it
    came from :meth:`Client.get_feature_view`."""

    name: str
    description: str
    owner: str
    tags: Dict[str, str]
    entities: List[str]
    source: str
    latest_version: int
    ttl_seconds: Optional[int]
    restricted: bool
    materialized_until: Optional[str]
    features: List[Feature] = field(default_factory=list)
    join_keys: List[Tuple[str, str]] = field(default_factory=list)
    versions: List[Dict[str, Any]] = field(default_factory=list)
    raw: Dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_json(cls, j: Mapping[str, Any]) -> "FeatureView":
        versions = [dict(v) for v in j.get("versions") or []]
        latest = next((v for v in versions if v.get("isLatest")), versions[0] if versions else None)
        fresh = j.get("freshness") or {}
        fv = cls(
            name=str(j["name"]),
            description=str(j.get("description") or ""),
            owner=str(j.get("owner") or ""),
            tags=dict(j.get("tags") or {}),
            entities=list(j.get("entities") or []),
            source=str(j.get("source") or ""),
            latest_version=int(j.get("latestVersion") or 0),
            ttl_seconds=int(j["ttlSeconds"]) if j.get("ttlSeconds") is not None else None,
            restricted=bool(j.get("restricted")),
            materialized_until=fresh.get("materializedUntil"),
            versions=versions,
            raw=dict(j),
        )
        if latest is not None:
            fv.features = [Feature.from_json(f) for f in latest.get("features") or []]
            fv.join_keys = join_keys_of(latest)
        return fv

    def version(self, n: Optional[int] = None) -> Dict[str, Any]:
        """One version's JSON (default: the latest); KeyError when it does not exist."""
        want = self.latest_version if n is None else n
        for v in self.versions:
            if v.get("version") == want:
                return v
        raise KeyError(f"{self.name} has no version {want} (versions: {', '.join('v' + str(v.get('version')) for v in self.versions)})")

    @property
    def feature_refs(self) -> List[str]:
        """``view:feature`` for each feature of the latest version."""
        return [f"{self.name}:{f.name}" for f in self.features]

    def _repr_html_(self) -> str:
        facts = [
            ("version", f"v{self.latest_version}"),
            ("entities", ", ".join(self.entities)),
            ("join keys", ", ".join(f"{k}: {d}" for k, d in self.join_keys)),
            ("source", self.source),
            ("ttl", f"{self.ttl_seconds} s" if self.ttl_seconds is not None else "none"),
            ("materialized until", self.materialized_until or "never"),
            ("owner", self.owner),
        ]
        if self.restricted:
            facts.append(("restricted", "yes"))
        info = "".join(f"<tr><th style='{_CELL}'>{html.escape(k)}</th><td style='{_CELL}'>{_esc(v)}</td></tr>" for k, v in facts)
        feats = html_table(["feature", "dtype", "kind", "description"], [(f.name, f.dtype, f.kind, f.description) for f in self.features]) if self.features else ""
        desc = f"<div>{html.escape(self.description)}</div>" if self.description else ""
        return f"<div><b>Feature view {html.escape(self.name)}</b>{desc}<table style='{_STYLE};margin:4px 0'>{info}</table>{feats}</div>"


def join_keys_of(version: Mapping[str, Any]) -> List[Tuple[str, str]]:
    jk = (version.get("definition") or {}).get("join_keys")
    return [(str(k["name"]), str(k["dtype"])) for k in jk] if isinstance(jk, list) else []


class FeatureViewList(List[FeatureView]):
    """A list of feature views that shows as a table in a notebook."""

    def _repr_html_(self) -> str:
        return html_table(
            ["view", "version", "entities", "features", "materialized until", "description"],
            [(v.name, f"v{v.latest_version}", ", ".join(v.entities), v.raw.get("featuresCount", len(v.features)), v.materialized_until or "never", v.description) for v in self],
            caption=f"{len(self)} feature views",
            total=len(self),
        )

    @property
    def names(self) -> List[str]:
        return [v.name for v in self]


@dataclass
class SearchHit:
    kind: str
    project: str
    name: str
    qualified_name: str
    description: str
    dtype: Optional[str]
    match: str
    score: float
    raw: Dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_json(cls, j: Mapping[str, Any]) -> "SearchHit":
        return cls(
            kind=str(j["kind"]),
            project=str(j["project"]),
            name=str(j["name"]),
            qualified_name=str(j.get("qualifiedName") or j["name"]),
            description=str(j.get("description") or ""),
            dtype=j.get("dtype"),
            match=str(j.get("match") or ""),
            score=float(j.get("score") or 0),
            raw=dict(j),
        )


class SearchResults(List[SearchHit]):
    """Search hits, best first; ``total`` counts every match, ``facets`` the counts per facet."""

    def __init__(self, hits: Iterable[SearchHit], total: int, facets: Mapping[str, Any], query: str) -> None:
        super().__init__(hits)
        self.total = total
        self.facets = dict(facets)
        self.query = query

    def _repr_html_(self) -> str:
        return html_table(
            ["kind", "project", "name", "dtype", "match", "description"],
            [(h.kind, h.project, h.qualified_name, h.dtype or "", h.match, h.description) for h in self],
            caption=f"{self.total} results for {html.escape(repr(self.query))}",
            total=len(self),
        )


# ---- jobs ---------------------------------------------------------------------------------------


@dataclass
class Job:
    """A materialization, backfill or historical job as the API reports it."""

    id: str
    kind: str
    status: str
    progress: float
    feature_view: Optional[str]
    error: Optional[str]
    result: Any
    raw: Dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_json(cls, j: Mapping[str, Any]) -> "Job":
        return cls(
            id=str(j["id"]),
            kind=str(j.get("kind") or ""),
            status=str(j.get("status") or ""),
            progress=float(j.get("progress") or 0),
            feature_view=j.get("featureView"),
            error=j.get("error"),
            result=j.get("result"),
            raw=dict(j),
        )

    @property
    def done(self) -> bool:
        return self.status in ("succeeded", "failed", "cancelled")

    @property
    def succeeded(self) -> bool:
        return self.status == "succeeded"

    def _repr_html_(self) -> str:
        color = {"succeeded": "#1e7e34", "failed": "#c0392b", "cancelled": "#666"}.get(self.status, "#b36b00")
        err = f"<div style='color:#c0392b'>{html.escape(self.error)}</div>" if self.error else ""
        what = f" {html.escape(self.feature_view)}" if self.feature_view else ""
        return (
            f"<div><b>{html.escape(self.kind)} job</b>{what} <code>{html.escape(self.id)}</code>: "
            f"<span style='color:{color}'>{html.escape(self.status)}</span> {self.progress * 100:.0f}%{err}</div>"
        )


class JobList(List[Job]):
    """Jobs started together (e.g. one per view by :meth:`Client.materialize`); ``skipped`` lists
    views that got no job and why."""

    def __init__(self, jobs: Iterable[Job], skipped: Optional[List[Dict[str, Any]]] = None) -> None:
        super().__init__(jobs)
        self.skipped = list(skipped or [])

    def _repr_html_(self) -> str:
        rows = [(j.id, j.kind, j.feature_view or "", j.status, f"{j.progress * 100:.0f}%", j.error or "") for j in self]
        rows += [("—", "skipped", s.get("featureView", ""), "", "", s.get("reason", "")) for s in self.skipped]
        return html_table(["job", "kind", "view", "status", "progress", "error / reason"], rows, caption=f"{len(self)} jobs")


# ---- online -------------------------------------------------------------------------------------


class OnlineResponse:
    """Feast's column-oriented online answer, with values converted by their declared dtypes.

    ``to_dict()`` → ``{column: [values]}`` plus ``<feature>__status`` (PRESENT, NOT_FOUND,
    NULL_VALUE, OUTSIDE_MAX_AGE) for each feature; ``to_df()`` → the same as a pandas DataFrame
    with nullable dtypes (Int64, Float64, boolean, string, datetime64 UTC).
    """

    def __init__(self, body: Mapping[str, Any], dtypes: Mapping[str, str], join_keys: Sequence[str]) -> None:
        meta = body.get("metadata") or {}
        self.feature_names: List[str] = list(meta.get("feature_names") or [])
        self.raw = dict(body)
        self.metadata = dict(meta)
        results = list(body.get("results") or [])
        self.dtypes: Dict[str, Optional[str]] = {n: dtypes.get(n) for n in self.feature_names}
        self.join_keys: List[str] = [n for n in self.feature_names if n in set(join_keys)]
        self._values: Dict[str, List[Any]] = {}
        self.statuses: Dict[str, List[str]] = {}
        self.event_timestamps: Dict[str, List[Any]] = {}
        for name, r in zip(self.feature_names, results):
            dtype = self.dtypes[name]
            self._values[name] = [V.convert(dtype, v) for v in r.get("values") or []]
            self.statuses[name] = list(r.get("statuses") or [])
            self.event_timestamps[name] = [V.parse_time(t) for t in r.get("event_timestamps") or []]

    @property
    def features(self) -> List[str]:
        """Column names that are features (not echoed join keys)."""
        return [n for n in self.feature_names if n not in self.join_keys]

    def __len__(self) -> int:
        return len(next(iter(self._values.values()), []))

    def to_dict(self, statuses: bool = True, event_timestamps: bool = False) -> Dict[str, List[Any]]:
        """Columns of Python values (ints exact, datetimes UTC, bytes); with ``statuses`` (default)
        a ``<feature>__status`` column per feature, with ``event_timestamps`` a ``<feature>__event_timestamp`` one."""
        out: Dict[str, List[Any]] = {}
        for n in self.feature_names:
            out[n] = list(self._values[n])
        for n in self.features:
            if statuses:
                out[f"{n}__status"] = list(self.statuses[n])
            if event_timestamps:
                out[f"{n}__event_timestamp"] = list(self.event_timestamps[n])
        return out

    def rows(self) -> List[Dict[str, Any]]:
        """One dict per entity row: ``{join key…, feature: value…}`` (no statuses)."""
        return [{n: self._values[n][i] for n in self.feature_names} for i in range(len(self))]

    def to_df(self, statuses: bool = True, event_timestamps: bool = False) -> Any:
        """A pandas DataFrame with the views' declared dtypes (nullable); statuses as string columns."""
        data: Dict[str, Any] = {}
        cols: List[str] = []
        for n in self.feature_names:
            data[n] = V.series(self.dtypes[n], self._values[n], n)
            cols.append(n)
        for n in self.features:
            if statuses:
                k = f"{n}__status"
                data[k] = V.series("string", self.statuses[n], k)
                cols.append(k)
            if event_timestamps:
                k = f"{n}__event_timestamp"
                data[k] = V.time_series(self.event_timestamps[n], k)
                cols.append(k)
        return V.frame(cols, data)

    def __repr__(self) -> str:
        return f"OnlineResponse({len(self)} rows, columns={self.feature_names})"

    def _repr_html_(self) -> str:
        rows = []
        for i in range(len(self)):
            cells: List[Any] = []
            for n in self.feature_names:
                v = self._values[n][i]
                if n in self.join_keys:
                    cells.append(v)
                    continue
                st = self.statuses[n][i] if i < len(self.statuses[n]) else ""
                color = _STATUS_COLOR.get(st, "#000")
                cells.append(_Html(f"{_esc(v)}<br><span style='color:{color};font-size:10px'>{html.escape(st)}</span>"))
            rows.append(cells)
        return html_table(self.feature_names, rows, caption=f"Online features: {len(self)} rows", total=len(self))


# ---- preview ------------------------------------------------------------------------------------


class Preview:
    """Sample rows of a view version from the offline store (newest first), values exact;
    ``comparison`` (with a full entity key) holds the online answer beside the historical one."""

    def __init__(self, body: Mapping[str, Any]) -> None:
        self.raw = dict(body)
        self.view = str(body.get("view"))
        self.version = int(body.get("version") or 0)
        self.partitions: List[str] = list(body.get("partitions") or [])
        self.columns: List[Tuple[str, str]] = [(str(c["name"]), str(c["type"])) for c in body.get("columns") or []]
        self.dtypes: Dict[str, Optional[str]] = {n: V.dtype_of_duck(t) for n, t in self.columns}
        self.truncated = bool(body.get("truncated"))
        self.note: Optional[str] = body.get("note")
        self.comparison: Optional[Dict[str, Any]] = body.get("comparison")
        self.rows: List[Dict[str, Any]] = [{n: V.convert(self.dtypes.get(n), r.get(n)) for n, _ in self.columns} for r in body.get("rows") or []]

    def __len__(self) -> int:
        return len(self.rows)

    def to_df(self) -> Any:
        """The rows as a pandas DataFrame typed by the stored column types (nullable dtypes)."""
        names = [n for n, _ in self.columns]
        return V.frame(names, {n: V.series(self.dtypes[n], [r[n] for r in self.rows], n) for n in names})

    def __repr__(self) -> str:
        return f"Preview({self.view}@v{self.version}, {len(self.rows)} rows, partitions={self.partitions[:3]}{'…' if len(self.partitions) > 3 else ''})"

    def _repr_html_(self) -> str:
        names = [n for n, _ in self.columns]
        cap = f"{html.escape(self.view)}@v{self.version}: {len(self.rows)} rows from {len(self.partitions)} partitions{' (truncated)' if self.truncated else ''}"
        if self.note:
            cap += f" — {html.escape(self.note)}"
        return html_table(names, ([r[n] for n in names] for r in self.rows), caption=cap, total=len(self.rows))
