"""The webhook endpoints: authoritative in memory, written behind, validated by the core codec.

The registry is read from the job worker threads (a delivery looks up its endpoint when it runs, so an edited
URL or a deleted endpoint takes effect for retries too); it is replaced as a whole on every change, never
mutated, so those reads need no lock.
"""

import threading
from collections.abc import Callable, Mapping
from dataclasses import replace
from types import MappingProxyType

from monitor_app.core.errors import ConflictError, NotFoundError
from monitor_app.core.notifications import WebhookEndpoint, endpoint_from_dict

MAX_ENDPOINTS = 100


class WebhookRegistry:
    """Endpoints by id.

    Args:
        endpoints: Loaded from storage.
        last_id: Highest id ever handed out (ids are never reused).
        persist: Called with (id, endpoint or None for a removal) after each change.
    """

    def __init__(
        self,
        endpoints: tuple[WebhookEndpoint, ...],
        *,
        last_id: int,
        persist: Callable[[int, WebhookEndpoint | None], None],
    ) -> None:
        self._endpoints: Mapping[int, WebhookEndpoint] = MappingProxyType({e.id: e for e in endpoints})
        self._next_id = max([last_id, *self._endpoints]) + 1
        self._persist = persist
        self._lock = threading.Lock()  # commands come from the GUI and the HTTP thread

    def all(self) -> tuple[WebhookEndpoint, ...]:
        return tuple(self._endpoints[i] for i in sorted(self._endpoints))

    def get(self, endpoint_id: int) -> WebhookEndpoint:
        try:
            return self._endpoints[endpoint_id]
        except KeyError:
            raise NotFoundError(f"no webhook with id {endpoint_id}") from None

    def find(self, endpoint_id: int) -> WebhookEndpoint | None:
        """For worker threads: the current endpoint, or None if it was deleted."""
        return self._endpoints.get(endpoint_id)

    def add(self, data: Mapping[str, object], *, now: float) -> WebhookEndpoint:
        with self._lock:
            if len(self._endpoints) >= MAX_ENDPOINTS:
                raise ConflictError(f"at most {MAX_ENDPOINTS} webhooks can be registered")
            endpoint = replace(endpoint_from_dict(data), id=self._next_id, created_at=now)
            self._next_id += 1
            self._set(endpoint.id, endpoint)
        return endpoint

    def update(self, endpoint_id: int, data: Mapping[str, object]) -> WebhookEndpoint:
        with self._lock:
            endpoint = endpoint_from_dict(data, existing=self.get(endpoint_id))
            self._set(endpoint_id, endpoint)
        return endpoint

    def remove(self, endpoint_id: int) -> WebhookEndpoint:
        with self._lock:
            endpoint = self.get(endpoint_id)
            self._set(endpoint_id, None)
        return endpoint

    def _set(self, endpoint_id: int, endpoint: WebhookEndpoint | None) -> None:
        changed = dict(self._endpoints)
        if endpoint is None:
            changed.pop(endpoint_id, None)
        else:
            changed[endpoint_id] = endpoint
        self._endpoints = MappingProxyType(changed)
        self._persist(endpoint_id, endpoint)
