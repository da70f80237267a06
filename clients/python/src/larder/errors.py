"""Typed exceptions for Larder's ``application/problem+json`` answers.

Every 4xx/5xx answer of the API is a problem document (RFC 9457) with ``status``, ``code``,
``detail``, ``requestId`` and, for bad input, ``invalid_params`` naming each offending field. The
client raises the subclass of :class:`LarderError` that matches the status, so callers can write::

    try:
        client.get_online_features(features=["customer_spend:nope"], entities={"customer_id": [1]})
    except larder.BadRequest as e:
        print(e.detail, e.invalid_params)
"""

from __future__ import annotations

import html
from typing import Any, Dict, List, Mapping, Optional, Type

__all__ = [
    "LarderError",
    "ConnectionFailed",
    "BadRequest",
    "Unauthorized",
    "Forbidden",
    "NotFound",
    "NotAcceptable",
    "Conflict",
    "Gone",
    "PayloadTooLarge",
    "UnsupportedMediaType",
    "ValidationFailed",
    "RateLimited",
    "ServerError",
    "Unavailable",
    "JobFailed",
    "MissingDependency",
    "error_for",
]


class LarderError(Exception):
    """An error answer of the Larder API (or a failure to reach it: ``status`` 0).

    Attributes:
        status: HTTP status (0 when the server could not be reached).
        code: Larder's error code (``bad_request``, ``not_found``, ``conflict`` …).
        title: Short title of the status.
        detail: What went wrong and what to do about it (the server's sentence).
        invalid_params: For bad input, ``[{"name": "features[0]", "reason": "…"}, …]``.
        request_id: The server's request id (quote it when reporting a 500).
        problem: The whole problem document, including extra members (e.g. ``missing`` on a 409).
    """

    status: int
    code: str
    title: str
    detail: str
    invalid_params: List[Dict[str, Any]]
    request_id: Optional[str]
    problem: Dict[str, Any]

    def __init__(
        self,
        detail: str,
        *,
        status: int = 0,
        code: str = "error",
        title: str = "",
        invalid_params: Optional[List[Dict[str, Any]]] = None,
        request_id: Optional[str] = None,
        problem: Optional[Mapping[str, Any]] = None,
        method: Optional[str] = None,
        url: Optional[str] = None,
    ) -> None:
        self.status = status
        self.code = code
        self.title = title
        self.detail = detail
        self.invalid_params = list(invalid_params or [])
        self.request_id = request_id
        self.problem = dict(problem or {})
        self.method = method
        self.url = url
        super().__init__(self._message())

    def _message(self) -> str:
        head = f"{self.status} {self.title or self.code}" if self.status else self.code
        lines = [f"{head}: {self.detail}"]
        for p in self.invalid_params:
            lines.append(f"  - {p.get('name')}: {p.get('reason')}")
        if self.request_id and self.status >= 500:
            lines.append(f"  (request id {self.request_id})")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status}, code={self.code!r}, detail={self.detail!r})"

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<li><code>{html.escape(str(p.get('name')))}</code>: {html.escape(str(p.get('reason')))}</li>" for p in self.invalid_params
        )
        rid = f"<div style='color:#666;font-size:85%'>request id {html.escape(self.request_id)}</div>" if self.request_id else ""
        return (
            f"<div style='border-left:4px solid #c0392b;padding:4px 10px'>"
            f"<b>{html.escape(type(self).__name__)}</b> ({self.status} {html.escape(self.code)})"
            f"<div>{html.escape(self.detail)}</div>"
            f"{'<ul>' + rows + '</ul>' if rows else ''}{rid}</div>"
        )


class ConnectionFailed(LarderError):
    """The server could not be reached (wrong ``LARDER_URL``, server down, timeout)."""


class BadRequest(LarderError):
    """400: the request is wrong; ``detail`` and ``invalid_params`` say what to fix."""


class Unauthorized(LarderError):
    """401: no token, or a token that is unknown, expired or revoked (set ``LARDER_TOKEN``)."""


class Forbidden(LarderError):
    """403: the token's role may not do this (or the view is restricted)."""


class NotFound(LarderError):
    """404: no such project, view, job …"""


class NotAcceptable(LarderError):
    """406: the server cannot answer in the requested format."""


class Conflict(LarderError):
    """409: e.g. the requested time range is not materialized (``problem["missing"]`` lists the gaps), or a job result is not ready."""

    @property
    def missing(self) -> List[Dict[str, Any]]:
        """Historical reads: the views and intervals that are not materialized yet."""
        m = self.problem.get("missing")
        return list(m) if isinstance(m, list) else []


class Gone(LarderError):
    """410: the thing existed and is gone for good (an expired job result: run the request again)."""


class PayloadTooLarge(LarderError):
    """413: the body is too large (the client uploads big entity tables as files for you)."""


class UnsupportedMediaType(LarderError):
    """415."""


class ValidationFailed(LarderError):
    """422: the input is well formed but invalid (see ``invalid_params``)."""


class _RetryAfter(LarderError):
    @property
    def retry_after(self) -> Optional[float]:
        """Seconds to wait before trying again (the problem's ``retryAfter``), when the server said."""
        v = self.problem.get("retryAfter")
        return float(v) if isinstance(v, (int, float)) else None


class RateLimited(_RetryAfter):
    """429: too many requests; wait ``retry_after`` seconds."""


class ServerError(LarderError):
    """500 (or another 5xx): a server fault; quote ``request_id`` when reporting it."""


class Unavailable(ServerError, _RetryAfter):
    """503: a store the request needs is down; retry after ``retry_after`` seconds."""


class JobFailed(LarderError):
    """A job the client waited for ended ``failed`` or ``cancelled``; ``job`` is its last state."""

    def __init__(self, detail: str, job: Mapping[str, Any]) -> None:
        self.job = dict(job)
        super().__init__(detail, status=0, code="job_" + str(job.get("status", "failed")), title="job failed")


class MissingDependency(LarderError, ImportError):
    """An optional package (pandas or pyarrow) is needed for this call; ``detail`` says how to get on."""

    def __init__(self, detail: str) -> None:
        LarderError.__init__(self, detail, code="missing_dependency", title="missing dependency")


_BY_STATUS: Dict[int, Type[LarderError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    406: NotAcceptable,
    409: Conflict,
    410: Gone,
    413: PayloadTooLarge,
    415: UnsupportedMediaType,
    422: ValidationFailed,
    429: RateLimited,
    503: Unavailable,
}


def error_for(status: int, body: Any, *, method: Optional[str] = None, url: Optional[str] = None, fallback: str = "") -> LarderError:
    """The exception for an error answer: ``body`` is the parsed problem document (or anything else)."""
    problem: Dict[str, Any] = dict(body) if isinstance(body, dict) else {}
    cls = _BY_STATUS.get(status) or (ServerError if status >= 500 else LarderError)
    feast = _feast_error(body if isinstance(body, str) else problem.get("detail"))
    if feast is not None:
        # The feature server answers as Feast's REST handler does: the body is a JSON string
        # holding {module, class, message}; the class name becomes the code.
        problem = {**problem, "detail": str(feast.get("message") or ""), "code": str(feast.get("class") or ""), "feast": feast}
    detail = problem.get("detail")
    if not isinstance(detail, str) or not detail:
        # Feast-style bodies ({"detail": …} is the usual; some servers send {"error": …}).
        alt = problem.get("error") or problem.get("message")
        detail = str(alt) if alt else (fallback or f"{method or 'request'} {url or ''} failed with {status}").strip()
    params = problem.get("invalid_params")
    return cls(
        detail,
        status=status,
        code=str(problem.get("code") or cls.__name__.lower()),
        title=str(problem.get("title") or ""),
        invalid_params=[p for p in params if isinstance(p, dict)] if isinstance(params, list) else None,
        request_id=str(problem["requestId"]) if problem.get("requestId") else None,
        problem=problem,
        method=method,
        url=url,
    )


def _feast_error(detail: Any) -> Optional[Dict[str, Any]]:
    if not isinstance(detail, str) or not detail.startswith("{"):
        return None
    try:
        import json

        j = json.loads(detail)
    except ValueError:
        return None
    return dict(j) if isinstance(j, dict) and "class" in j and "message" in j else None
