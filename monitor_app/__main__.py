"""``python -m monitor_app``."""

from monitor_app.app import main

raise SystemExit(main())
