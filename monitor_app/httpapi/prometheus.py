"""Prometheus text exposition (``/metrics``) built with prometheus-client: per-program and system gauges read
from the engine's latest snapshots at scrape time, plus the API's own request counters."""

import time
from collections.abc import Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from monitor_app import __version__
from monitor_app.core.ports import Engine
from monitor_app.core.states import ProgramState


class EngineCollector(Collector):
    """Collects on each scrape; nothing is copied between scrapes."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        engine = self._engine
        specs = {spec.id: spec for spec in engine.programs()}
        tick = engine.latest_metrics()
        samples = {s.program_id: s for s in tick.programs} if tick else {}
        now = time.time()
        labels = ["program_id", "program"]
        up = GaugeMetricFamily("monitor_program_up", "1 if the program's process is alive", labels=labels)
        state = GaugeMetricFamily("monitor_program_state", "1 for the program's current state", labels=[*labels, "state"])
        cpu = GaugeMetricFamily("monitor_program_cpu_percent", "CPU of the process tree, % of the machine", labels=labels)
        memory = GaugeMetricFamily("monitor_program_memory_bytes", "Resident memory of the process tree", labels=labels)
        uptime = GaugeMetricFamily("monitor_program_uptime_seconds", "Seconds since the process started", labels=labels)
        restarts = CounterMetricFamily("monitor_program_restarts", "Restarts since the program was added", labels=labels)
        for status in engine.statuses():
            spec = specs.get(status.program_id)
            if spec is None:
                continue
            values = [str(spec.id), spec.name]
            alive = status.pid is not None
            up.add_metric(values, 1.0 if alive else 0.0)
            for each in ProgramState:
                state.add_metric([*values, each.value], 1.0 if status.state is each else 0.0)
            sample = samples.get(status.program_id)
            cpu.add_metric(values, sample.cpu_percent if alive and sample else 0.0)
            memory.add_metric(values, float(sample.memory_rss) if alive and sample else 0.0)
            uptime.add_metric(values, status.uptime(now))
            restarts.add_metric(values, float(status.restarts))
        yield from (up, state, cpu, memory, uptime, restarts)
        system = tick.system if tick else None
        if system is not None:
            yield GaugeMetricFamily("monitor_system_cpu_percent", "Whole-machine CPU", value=system.cpu_percent)
            yield GaugeMetricFamily("monitor_system_memory_used_bytes", "Memory in use", value=system.memory_used)
            yield GaugeMetricFamily("monitor_system_memory_total_bytes", "Memory installed", value=system.memory_total)
            yield GaugeMetricFamily("monitor_system_swap_used_bytes", "Swap in use", value=system.swap_used)
            yield GaugeMetricFamily("monitor_system_uptime_seconds", "Seconds since boot", value=system.uptime_s)
            yield GaugeMetricFamily("monitor_system_network_received_bytes_per_second", "Network receive rate", value=system.net_recv_bps)
            yield GaugeMetricFamily("monitor_system_network_sent_bytes_per_second", "Network send rate", value=system.net_sent_bps)
            disk = GaugeMetricFamily("monitor_system_disk_used_bytes", "Used space per mount", labels=["mountpoint"])
            size = GaugeMetricFamily("monitor_system_disk_size_bytes", "Size per mount", labels=["mountpoint"])
            for each in system.disks:
                disk.add_metric([each.mountpoint], float(each.used))
                size.add_metric([each.mountpoint], float(each.total))
            yield disk
            yield size
        info = GaugeMetricFamily("monitor_app_info", "The monitor's version", labels=["version"])
        info.add_metric([__version__], 1.0)
        yield info


class ApiMetrics:
    """A private registry: the engine collector and the API's request counters."""

    def __init__(self, engine: Engine) -> None:
        self.registry = CollectorRegistry(auto_describe=False)
        self.registry.register(EngineCollector(engine))
        self.requests = Counter(
            "monitor_api_requests", "API requests by endpoint and status", ["endpoint", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "monitor_api_request_seconds",
            "API request handling time by endpoint",
            ["endpoint"],
            buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0),
            registry=self.registry,
        )
        self._counters: dict[tuple[str, int], Any] = {}
        self._histograms: dict[str, Any] = {}

    def observe(self, endpoint: str, status: int, seconds: float) -> None:
        # Children are cached: looking a label set up costs more than counting (this runs for every request).
        counter = self._counters.get((endpoint, status))
        if counter is None:
            counter = self._counters[(endpoint, status)] = self.requests.labels(endpoint, str(status))
        counter.inc()
        histogram = self._histograms.get(endpoint)
        if histogram is None:
            histogram = self._histograms[endpoint] = self.latency.labels(endpoint)
        histogram.observe(seconds)

    def text(self) -> bytes:
        return generate_latest(self.registry)
