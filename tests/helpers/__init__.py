"""Shared test helpers: fakes, a configurable child process, log guards."""
