"""monitor_app: keeps the programs and game servers of a Windows PC running, and shows how they do."""

from monitor_app import pyside_import_scan

__version__ = "0.1.0"
APP_ID = "monitor_app"
APP_NAME = "monitor_app"
ORGANIZATION = "monitor_app"

# Before any other module of the app is imported: every import after shiboken6's would otherwise leave its whole
# source in linecache (see pyside_import_scan).
pyside_import_scan.install()
