"""monitor_app: keeps the programs and game servers of a Windows PC running, and shows how they do."""

__version__ = "0.1.0"
APP_ID = "monitor_app"
APP_NAME = "monitor_app"
ORGANIZATION = "monitor_app"
