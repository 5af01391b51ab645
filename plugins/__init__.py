"""Bundled plugins (one folder each, loaded by ``monitor_app.pluginhost``)."""
