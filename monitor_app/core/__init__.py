"""Stdlib-only heart of monitor_app: immutable data, states, errors and the ports the layers meet at."""
