"""HTTP with the standard library (urllib): bearer token, JSON in and out, problem+json → exceptions.

JSON answers are parsed with :func:`loads`: integers stay exact Python ints at any size, and
floats arrive as :class:`decimal.Decimal` so that callers can turn each value into what its
declared dtype says (a float, or an exact microsecond for epoch-second timestamps).
"""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Dict, Iterable, Mapping, Optional, Sequence, Tuple, Union

from . import __about__
from .errors import ConnectionFailed, LarderError, error_for

QueryValue = Union[str, int, float, bool, None, Sequence[Union[str, int]]]


def loads(text: Union[str, bytes]) -> Any:
    """JSON with exact numbers: ints as int, floats as Decimal (convert by dtype afterwards)."""
    return json.loads(text, parse_float=Decimal)


def _default(o: Any) -> Any:
    if isinstance(o, Decimal):
        return float(o)
    raise TypeError(f"{type(o).__name__} is not JSON serializable")


def dumps(body: Any) -> bytes:
    """JSON without NaN/Infinity (not JSON): callers replace them with None first."""
    return json.dumps(body, allow_nan=False, default=_default, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


@dataclass
class RawResponse:
    status: int
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        return loads(self.body) if self.body else None


class Transport:
    """One base URL and token; every call returns the answer or raises a :class:`LarderError`."""

    def __init__(self, base_url: str, token: Optional[str], timeout: float, headers: Optional[Mapping[str, str]] = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.headers = dict(headers or {})

    def url(self, path: str, query: Optional[Mapping[str, QueryValue]] = None) -> str:
        url = path if path.startswith(("http://", "https://")) else self.base_url + path
        if query:
            pairs: list[Tuple[str, str]] = []
            for k, v in query.items():
                if v is None:
                    continue
                values: Iterable[Any] = v if isinstance(v, (list, tuple)) else [v]
                for x in values:
                    pairs.append((k, ("true" if x else "false") if isinstance(x, bool) else str(x)))
            if pairs:
                url += ("&" if "?" in url else "?") + urllib.parse.urlencode(pairs)
        return url

    def request(
        self,
        method: str,
        path: str,
        *,
        query: Optional[Mapping[str, QueryValue]] = None,
        json_body: Any = None,
        data: Optional[bytes] = None,
        content_type: Optional[str] = None,
        accept: str = "application/json",
        timeout: Optional[float] = None,
    ) -> RawResponse:
        url = self.url(path, query)
        headers: Dict[str, str] = {"Accept": f"{accept}, application/problem+json", "User-Agent": f"larder-python/{__about__.__version__}", **self.headers}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        body = data
        if json_body is not None:
            body = dumps(json_body)
            content_type = "application/json"
        if content_type:
            headers["Content-Type"] = content_type
        req = urllib.request.Request(url, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=timeout if timeout is not None else self.timeout) as res:
                return RawResponse(res.status, dict(res.headers.items()), res.read())
        except urllib.error.HTTPError as e:
            raw = e.read()
            parsed: Any = None
            try:
                parsed = loads(raw) if raw else None
            except ValueError:
                parsed = None
            fallback = raw.decode("utf-8", "replace")[:300] if raw and parsed is None else ""
            err = error_for(e.code, parsed, method=method, url=url, fallback=fallback)
            if err.request_id is None and e.headers.get("x-request-id"):
                err.request_id = e.headers.get("x-request-id")
            raise err from None
        except (urllib.error.URLError, socket.timeout, ConnectionError, TimeoutError) as e:
            reason = getattr(e, "reason", e)
            raise ConnectionFailed(
                f"Cannot reach Larder at {self.base_url} ({reason}). Check the URL (LARDER_URL) and that the server runs.",
                code="connection_failed",
                method=method,
                url=url,
            ) from None

    def json(self, method: str, path: str, **kw: Any) -> Any:
        res = self.request(method, path, **kw)
        try:
            return res.json()
        except ValueError:
            raise LarderError(f"{method} {path} answered {res.status} with a body that is not JSON", status=res.status, code="bad_response") from None
