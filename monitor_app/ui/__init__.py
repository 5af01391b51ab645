"""Widgets: the main window, tables, charts and panels (the only package that imports QtWidgets)."""
