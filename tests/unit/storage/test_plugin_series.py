"""Plugin series in the database: stored, bucketed, pruned, removed with their program."""

from monitor_app.core.model import PluginSample
from monitor_app.storage import Storage, WriteBatch
from monitor_app.storage.retention import Retention
from tests.unit.storage.builders import T0, spec


def test_plugin_series_round_trip_buckets_and_pruning(storage: Storage) -> None:
    storage.write(WriteBatch(programs=(spec(1, "pal"),)))
    samples = tuple(PluginSample(1, "palworld.fps", T0 + 60 * i, float(i % 10)) for i in range(120))
    storage.write(WriteBatch(plugin_samples=(*samples, PluginSample(99, "palworld.fps", T0, 1.0))))
    series = storage.plugin_series(1, "palworld.fps", T0, T0 + 60 * 119, 1000)
    assert len(series.points) == 120 and series.points[3].avg == 3.0
    coarse = storage.plugin_series(1, "palworld.fps", T0, T0 + 60 * 120, 12)
    assert len(coarse.points) == 12 and coarse.points[0].max == 9.0 and coarse.points[0].avg == 4.5
    assert storage.plugin_series(99, "palworld.fps", T0, T0 + 10, 10).points == ()  # unknown program dropped
    storage.prune(T0 + Retention().minute + 60 * 60, Retention())
    assert len(storage.plugin_series(1, "palworld.fps", T0, T0 + 60 * 119, 1000).points) == 60  # older than 30 d gone
    storage.write(WriteBatch(removed_programs=(1,)))
    assert storage.plugin_series(1, "palworld.fps", T0, T0 + 60 * 119, 1000).points == ()
