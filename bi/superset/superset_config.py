"""Superset's configuration for the platform's internal dashboards.

Superset runs in its own environment (bi/superset/.venv) and loads this file through
SUPERSET_CONFIG_PATH. It reads only the plain variables `make bi` (orchestration/bi/superset.py)
passes it, already checked there: the platform's ARP_* settings are parsed in one place only.
"""

import os
from pathlib import Path

_home = Path(os.environ["SUPERSET_HOME"])

SECRET_KEY = os.environ["SUPERSET_SECRET_KEY"]
# Superset's own metadata (users, roles, charts) in SQLite under build/superset/; the marts are
# a database registered inside it, read as the analyst login.
SQLALCHEMY_DATABASE_URI = f"sqlite:///{_home / 'superset.db'}"
DATA_DIR = str(_home)

# Nothing is fetched from the internet at run time: no map tiles, no telemetry, no example data.
MAPBOX_API_KEY = ""
SCARF_ANALYTICS = False
FEATURE_FLAGS = {"DASHBOARD_RBAC": True}
# The server listens on 127.0.0.1 only; behind a proxy in production, the proxy adds TLS and CSP.
TALISMAN_ENABLED = False
WTF_CSRF_ENABLED = True
# The admin alone may add databases; nobody uploads files into the warehouse through Superset.
PREVENT_UNSAFE_DB_CONNECTIONS = True
CACHE_CONFIG = {"CACHE_TYPE": "SimpleCache", "CACHE_DEFAULT_TIMEOUT": 300}
DATA_CACHE_CONFIG = CACHE_CONFIG
ROW_LIMIT = 50000
