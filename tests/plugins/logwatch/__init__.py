"""Tests of the bundled log-watcher plugin's core (real files in tmp_path)."""
