"""From an HTTP request to a response, with no sockets involved: routing, auth, limits, JSON, errors, caching.

``server.py`` (the only transport module) hands every request to ``Dispatcher.dispatch`` and writes back what
it returns, so everything here is tested without a network. One route table drives dispatch and the OpenAPI
document, so they cannot drift apart.
"""

import gzip
import hashlib
import json
import logging
import math
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from monitor_app.auth.ratelimit import RateLimiter
from monitor_app.core.accounts import Principal
from monitor_app.core.errors import FieldError, MonitorError, ValidationError
from monitor_app.httpapi.perf import PerformanceStats
from monitor_app.httpapi.schemas import SCHEMAS

log = logging.getLogger(__name__)

Access = Literal["public", "guest", "admin"]

#: Requests with a larger body are refused (413) before anything parses them.
MAX_BODY_BYTES = 1024 * 1024
#: Responses smaller than this are not worth compressing.
GZIP_MIN_BYTES = 1024
JSON_TYPE = "application/json"

_STATUS_OF_CODE = {
    "validation_error": 422,
    "not_found": 404,
    "conflict": 409,
    "invalid_credentials": 401,
    "locked": 429,
    "launch_failed": 409,
    "storage_error": 503,
    "settings_error": 500,
    "autostart_failed": 500,
    "plugin_error": 502,  # the plugin (or the game server behind it) failed; the monitor itself is fine
}


@dataclass(slots=True)  # not frozen: built for every request, and a frozen __init__ costs more
class ApiRequest:
    method: str
    path: str
    query: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)  # lower-case names
    body: bytes = b""
    client: str = ""


@dataclass(slots=True)
class ApiResponse:
    status: int
    body: bytes = b""
    content_type: str = JSON_TYPE
    headers: dict[str, str] = field(default_factory=dict)


class ApiError(Exception):
    """An HTTP error with the API's error shape ``{"error": {"code", "message", "details"}}``."""

    def __init__(self, status: int, code: str, message: str, details: Any = None, headers: Mapping[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.headers = dict(headers or {})


@dataclass(slots=True)
class Reply:
    """What a handler may return instead of a plain JSON value: another status, headers or raw bytes."""

    body: Any = None
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    raw: bytes | None = None
    content_type: str = JSON_TYPE
    etag: str | None = None  # precomputed for a raw body the handler caches


@dataclass(slots=True)
class Context:
    request: ApiRequest
    params: Mapping[str, int]
    principal: Principal | None
    json: Any

    @property
    def actor(self) -> str:
        """Who acts, for the event log: the user and where the request came from."""
        user = self.principal.username if self.principal else "anonymous"
        return f"{user}@{self.request.client}" if self.request.client else user


Handler = Callable[[Context], Any]


@dataclass(frozen=True, slots=True)
class Route:
    """One endpoint.

    Attributes:
        path: With ``{name}`` placeholders for integer ids, e.g. ``/api/programs/{id}``.
        access: "public" needs no token; "guest" any signed-in user; "admin" an admin.
        limit: Rate-limit bucket (``auth.ratelimit``), or None for unlimited live reads.
        max_age: Upper bound of staleness clients may cache (seconds), the original web version's TTLs.
        body: Name of the request schema (``schemas.SCHEMAS``) if it takes a JSON body.
        response: Name of the response schema, or None.
    """

    method: str
    path: str
    handler: Handler
    access: Access
    summary: str
    limit: str | None = None
    max_age: float | None = None
    body: str | None = None
    response: str | None = None
    response_array: bool = False
    status: int = 200
    query: Mapping[str, str] = field(default_factory=dict)  # name -> description
    tag: str = "programs"

    @property
    def template(self) -> str:
        return f"{self.method} {self.path}"

    def regex(self) -> re.Pattern[str]:
        """``{id}`` matches one segment (checked to be a positive integer), ``{name*}`` the rest of the path."""
        pattern = re.sub(r"\{(\w+)\*\}", r"(?P<\1>.+)", self.path)
        pattern = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", pattern)
        return re.compile(f"^{pattern}$")


class Dispatcher:
    """Turns requests into responses for a route table.

    Args:
        routes: The table (order matters: the first route whose path matches wins).
        authenticate: Bearer token -> principal, or None.
        limiter: Per-client rate limits.
        perf: Per-endpoint latency statistics.
        observe: Called with (route template, status, seconds) after each request (Prometheus counters).
    """

    def __init__(
        self,
        routes: Sequence[Route],
        *,
        authenticate: Callable[[str], Principal | None],
        limiter: RateLimiter,
        perf: PerformanceStats,
        observe: Callable[[str, int, float], None] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.routes = tuple(routes)
        self._compiled = [(route, route.regex()) for route in self.routes]
        self._authenticate = authenticate
        self._limiter = limiter
        self._perf = perf
        self._observe = observe or (lambda _template, _status, _seconds: None)
        self._clock = clock

    def dispatch(self, request: ApiRequest) -> ApiResponse:
        started = time.perf_counter()
        template = "unmatched"
        try:
            route, params = self._match(request)
            template = route.template
            response = self._run(route, params, request)
        except ApiError as exc:
            response = error_response(exc.status, exc.code, exc.message, exc.details, exc.headers)
        except MonitorError as exc:
            status = _STATUS_OF_CODE.get(exc.code, 400)
            details = [{"field": e.field, "message": e.message} for e in exc.errors] if isinstance(exc, ValidationError) else None
            headers = {}
            retry_after = getattr(exc, "retry_after", None)
            if retry_after:
                headers["Retry-After"] = str(max(1, math.ceil(retry_after)))
            response = error_response(status, exc.code, exc.message, details, headers)
        except Exception:
            log.exception("internal error handling %s %s", request.method, request.path)
            response = error_response(500, "internal_error", "internal error; see the monitor's log")
        elapsed = time.perf_counter() - started
        self._perf.record(template, elapsed, failed=response.status >= 500)
        self._observe(template, response.status, elapsed)
        return response

    # ---------------------------------------------------------------- steps

    def _match(self, request: ApiRequest) -> tuple[Route, dict[str, int]]:
        allowed: list[str] = []
        for route, regex in self._compiled:
            found = regex.match(request.path)
            if found is None:
                continue
            values = found.groupdict()
            ids = {name: value for name, value in values.items() if name.endswith("id")}
            if not all(value.isdigit() and len(value) <= 12 and int(value) > 0 for value in ids.values()):
                continue  # ids are positive integers; anything else is another path (or none)
            if route.method != request.method and not (request.method == "HEAD" and route.method == "GET"):
                allowed.append(route.method)
                continue
            return route, {name: int(value) for name, value in ids.items()}
        if allowed:
            raise ApiError(
                405, "method_not_allowed", f"{request.method} is not allowed here", {"allowed": sorted(set(allowed))},
                {"Allow": ", ".join(sorted(set(allowed)))},
            )
        raise ApiError(404, "not_found", f"no such endpoint: {request.path}")

    def _run(self, route: Route, params: dict[str, int], request: ApiRequest) -> ApiResponse:
        principal = self._principal(route, request)
        if route.limit is not None:
            retry_after = self._limiter.hit(route.limit, request.client or "?", self._clock())
            if retry_after is not None:
                raise ApiError(
                    429, "rate_limited", f"too many requests; try again in {math.ceil(retry_after)} s",
                    {"retry_after": math.ceil(retry_after)}, {"Retry-After": str(math.ceil(retry_after))},
                )
        body = self._json_body(route, request)
        result = route.handler(Context(request, params, principal, body))
        reply = result if isinstance(result, Reply) else Reply(body=result, status=route.status)
        return self._respond(route, request, reply)

    def _principal(self, route: Route, request: ApiRequest) -> Principal | None:
        token = bearer_token(request)
        principal = self._authenticate(token) if token else None
        if route.access == "public":
            return principal
        if principal is None:
            message = "sign in first (Authorization: Bearer <token>)" if not token else "the token is invalid or expired"
            raise ApiError(401, "unauthorized", message, headers={"WWW-Authenticate": 'Bearer realm="monitor_app"'})
        if route.access == "admin" and not principal.is_admin:
            raise ApiError(403, "forbidden", "only an admin may do this")
        return principal

    def _json_body(self, route: Route, request: ApiRequest) -> Any:
        if len(request.body) > MAX_BODY_BYTES:
            raise ApiError(413, "body_too_large", f"the request body is larger than {MAX_BODY_BYTES} bytes")
        if route.body is None:
            return None
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != JSON_TYPE:
            raise ApiError(415, "unsupported_media_type", "send the body as application/json")
        try:
            text = request.body.decode("utf-8")
            value = json.loads(text, parse_constant=_reject_constant)
        except (UnicodeDecodeError, ValueError) as exc:
            raise ApiError(400, "malformed_json", f"the body is not valid JSON: {exc}") from None
        if not isinstance(value, dict):
            raise ApiError(400, "malformed_json", "the body must be a JSON object")
        check_body(value, SCHEMAS[route.body])
        return value

    def _respond(self, route: Route, request: ApiRequest, reply: Reply) -> ApiResponse:
        if reply.raw is not None:
            body, content_type = reply.raw, reply.content_type
        elif reply.status == 204:
            body, content_type = b"", reply.content_type
        else:
            body, content_type = dumps(reply.body), JSON_TYPE
        headers = dict(reply.headers)
        if request.method in ("GET", "HEAD") and reply.status == 200:
            etag = reply.etag or weak_etag(body)
            headers["ETag"] = etag
            headers["Cache-Control"] = f"private, max-age={int(route.max_age)}" if route.max_age else "no-cache"
            if etag in _etags(request.headers.get("if-none-match", "")):
                return ApiResponse(304, b"", content_type, headers)
        else:
            headers.setdefault("Cache-Control", "no-store")
        if len(body) >= GZIP_MIN_BYTES and "gzip" in request.headers.get("accept-encoding", ""):
            body = gzip.compress(body, compresslevel=5)
            headers["Content-Encoding"] = "gzip"
            headers["Vary"] = "Accept-Encoding"
        if request.method == "HEAD":
            body = b""
        return ApiResponse(reply.status, body, content_type, headers)


def weak_etag(body: bytes) -> str:
    return 'W/"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def bearer_token(request: ApiRequest) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return ""


def error_response(
    status: int, code: str, message: str, details: Any = None, headers: Mapping[str, str] | None = None
) -> ApiResponse:
    body = dumps({"error": {"code": code, "message": message, "details": details}})
    return ApiResponse(status, body, JSON_TYPE, {"Cache-Control": "no-store", **(headers or {})})


def dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


def _etags(header: str) -> set[str]:
    return {tag.strip() for tag in header.split(",") if tag.strip()}


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
    "null": (type(None),),
}


def check_body(value: Mapping[str, Any], schema: Mapping[str, Any]) -> None:
    """The top level of a request body against its schema: required and unknown fields, types, choices.

    Deeper checks belong to the domain validators (they give better messages); this makes every endpoint
    answer malformed input the same way, with every problem listed at once.
    """
    errors: list[FieldError] = []
    properties: Mapping[str, Any] = schema.get("properties", {})
    for name in schema.get("required", ()):
        if name not in value:
            errors.append(FieldError(name, "is required"))
    for name, item in value.items():
        spec = properties.get(name)
        if spec is None:
            if schema.get("additionalProperties") is False:
                errors.append(FieldError(name, "unknown field"))
            continue
        types = spec.get("type")
        if types is not None:
            names = types if isinstance(types, list) else [types]
            ok = any(
                isinstance(item, _JSON_TYPES[t]) and not (isinstance(item, bool) and t in ("integer", "number"))
                for t in names
            )
            if not ok:
                errors.append(FieldError(name, f"must be of type {' or '.join(names)}"))
                continue
        if "enum" in spec and item not in spec["enum"]:
            errors.append(FieldError(name, "must be one of: " + ", ".join(str(v) for v in spec["enum"])))
    if errors:
        raise ValidationError(errors)
