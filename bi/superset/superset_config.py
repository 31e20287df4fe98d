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

# No map tiles (no Mapbox key): the beat charts are heat maps and tables.
MAPBOX_API_KEY = ""
FEATURE_FLAGS = {"DASHBOARD_RBAC": True}
# Superset's default content security policy, minus every outside host: its pages embed a
# telemetry pixel and would fetch map tiles and theme fonts from the internet. Here the browser
# may load nothing but this server's own files (the test records every request a dashboard makes).
TALISMAN_ENABLED = True
TALISMAN_CONFIG = {
    "content_security_policy": {
        "base-uri": ["'self'"],
        "default-src": ["'self'"],
        "img-src": ["'self'", "blob:", "data:"],
        "worker-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "object-src": "'none'",
        "style-src": ["'self'", "'unsafe-inline'"],
        "font-src": ["'self'", "data:"],
        "script-src": ["'self'", "'strict-dynamic'"],
    },
    "content_security_policy_nonce_in": ["script-src"],
    # served on 127.0.0.1 over plain HTTP; a proxy in front adds TLS in production
    "force_https": False,
    "session_cookie_secure": False,
}
WTF_CSRF_ENABLED = True
# The admin alone may add databases; nobody uploads files into the warehouse through Superset.
PREVENT_UNSAFE_DB_CONNECTIONS = True
CACHE_CONFIG = {"CACHE_TYPE": "SimpleCache", "CACHE_DEFAULT_TIMEOUT": 300}
DATA_CACHE_CONFIG = CACHE_CONFIG
ROW_LIMIT = 50000
