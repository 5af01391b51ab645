"""The OpenAPI 3.1 document, generated from the same route table the dispatcher runs, so it cannot drift."""

import re
from collections.abc import Sequence
from typing import Any

from monitor_app import __version__
from monitor_app.httpapi.dispatch import Route
from monitor_app.httpapi.schemas import SCHEMAS

_ERROR = {"$ref": "#/components/responses/Error"}
_ERROR_STATUSES = {
    "public": ("400", "404", "405", "413", "415", "422", "429", "500"),
    "guest": ("400", "401", "404", "405", "413", "415", "422", "429", "500"),
    "admin": ("400", "401", "403", "404", "405", "409", "413", "415", "422", "429", "500"),
}


def openapi_document(routes: Sequence[Route]) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        path = re.sub(r"\{(\w+)\*\}", r"{\1}", route.path)
        paths.setdefault(path, {})[route.method.lower()] = _operation(route, path)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "monitor_app REST API",
            "version": __version__,
            "description": "Keeps programs and game servers running. Sign in with POST /api/auth/login and send "
            "the token as 'Authorization: Bearer <token>'. Errors have the shape "
            '{"error": {"code", "message", "details"}}.',
        },
        "paths": paths,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "responses": {
                "Error": {
                    "description": "The request failed; the body says why.",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                }
            },
        },
    }


def _operation(route: Route, path: str) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = []
    for name in re.findall(r"\{(\w+)\}", path):
        schema = {"type": "integer", "minimum": 1} if name.endswith("id") else {"type": "string"}
        parameters.append({"name": name, "in": "path", "required": True, "schema": schema})
    for name, description in route.query.items():
        parameters.append({"name": name, "in": "query", "required": False, "description": description, "schema": {"type": "string"}})
    operation: dict[str, Any] = {
        "summary": route.summary,
        "operationId": _operation_id(route),
        "tags": [route.tag],
        "security": [] if route.access == "public" else [{"bearer": []}],
        "responses": {str(route.status): _success(route)},
    }
    if parameters:
        operation["parameters"] = parameters
    if route.body:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{route.body}"}}},
        }
    for status in _ERROR_STATUSES[route.access]:
        operation["responses"].setdefault(status, _ERROR)
    if route.access != "public":
        operation["description"] = "Needs an admin." if route.access == "admin" else "Needs any signed-in user."
    return operation


def _success(route: Route) -> dict[str, Any]:
    description = {200: "OK", 201: "Created", 202: "Accepted", 204: "No content"}.get(route.status, "OK")
    if route.status == 204:
        return {"description": description}
    if route.path == "/metrics":
        return {"description": description, "content": {"text/plain": {"schema": {"type": "string"}}}}
    if route.path == "/api/stream":
        return {"description": "Server-sent events", "content": {"text/event-stream": {"schema": {"type": "string"}}}}
    schema: dict[str, Any] = {"type": "object"}
    if route.response:
        ref = {"$ref": f"#/components/schemas/{route.response}"}
        schema = {"type": "array", "items": ref} if route.response_array else ref
    elif route.path.startswith("/api/plugins/program"):
        schema = {"type": "array", "items": {"type": "object"}}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _operation_id(route: Route) -> str:
    words = [w for w in re.split(r"[^a-zA-Z]+", route.path) if w and w not in ("api",)]
    return route.method.lower() + "".join(w.capitalize() for w in words)
