"""Users, roles, the marts database and the dashboards, inside Superset's own environment.

Run by `make bi` (orchestration/bi/superset.py) after `superset db upgrade` and `superset init`,
with Superset's interpreter: `bi/superset/.venv/bin/python bi/superset/bootstrap.py`. It reads
plain variables the launcher passes, already checked there:

SUPERSET_ADMIN_PASSWORD   the admin login's password
SUPERSET_MARTS_URI        the warehouse as the analyst login (no raw_* grants)
SUPERSET_ASSETS_DIR       the dashboards as Superset's YAML export (bi/superset/assets)
SUPERSET_DEMO_PASSWORD    set in demo mode only: example users `analyst` and `leadership` get it

Every step is idempotent: a second run updates passwords, grants and dashboards in place.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

# Superset roles and the warehouse tier each reads through (its database login is always analyst):
# Analyst     - the dashboards, Explore and SQL Lab on every table the analyst tier reads;
# Leadership  - the dashboards and their datasets only: no SQL Lab, no other table.
ANALYST_ROLE = "Analyst"
LEADERSHIP_ROLE = "Leadership"
DEMO_USERS = {"analyst": ANALYST_ROLE, "leadership": LEADERSHIP_ROLE}


def read_assets(folder: Path) -> dict[str, str]:
    """The export bundle as Superset's importer takes it: path inside the bundle -> YAML text."""
    contents = {str(p.relative_to(folder)): p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*.yaml"))}
    if "metadata.yaml" not in contents:
        raise SystemExit(f"{folder}: no metadata.yaml, not a Superset dashboard export")
    return contents


def with_marts_uri(contents: dict[str, str], uri: str) -> dict[str, str]:
    """The bundle with its one database pointed at this machine's warehouse (the export masks it)."""
    import yaml

    databases = [path for path in contents if path.startswith("databases/")]
    if len(databases) != 1:
        raise SystemExit(f"the dashboards must use one database, the marts; found {databases}")
    config = yaml.safe_load(contents[databases[0]])
    config["sqlalchemy_uri"] = uri
    return {**contents, databases[0]: yaml.safe_dump(config, sort_keys=False)}


def ensure_user(sm, username: str, roles: list, password: str) -> None:
    user = sm.find_user(username=username)
    if user is None:
        if not sm.add_user(username, username.capitalize(), "User", f"{username}@localhost", roles, password):
            raise SystemExit(f"could not create the Superset user {username!r}")
        return
    user.roles = roles
    sm.update_user(user)
    sm.reset_password(user.id, password)


def ensure_role(sm, name: str, permission_views) -> object:
    """Role `name` with exactly these permissions (a rerun drops what an earlier grant added)."""
    role = sm.find_role(name) or sm.add_role(name)
    role.permissions = list(dict.fromkeys(permission_views))
    return role


def main() -> int:
    from superset.app import create_app

    app = create_app()
    with app.app_context():
        from superset import db
        from superset import security_manager as sm
        from superset.commands.dashboard.importers.dispatcher import ImportDashboardsCommand
        from superset.connectors.sqla.models import SqlaTable
        from superset.models.core import Database
        from superset.utils.core import override_user

        ensure_user(sm, "admin", [sm.find_role("Admin")], os.environ["SUPERSET_ADMIN_PASSWORD"])
        admin = sm.find_user(username="admin")
        contents = with_marts_uri(
            read_assets(Path(os.environ["SUPERSET_ASSETS_DIR"])), os.environ["SUPERSET_MARTS_URI"]
        )
        with override_user(admin):
            ImportDashboardsCommand(contents, overwrite=True).run()
        db.session.commit()

        marts = db.session.query(Database).filter_by(database_name="Warehouse marts (analyst)").one()
        datasets = db.session.query(SqlaTable).filter_by(database_id=marts.id).all()
        gamma = sm.find_role("Gamma").permissions
        sql_lab = sm.find_role("sql_lab").permissions
        database_access = sm.add_permission_view_menu("database_access", marts.perm)
        dataset_access = [sm.add_permission_view_menu("datasource_access", ds.perm) for ds in datasets]
        roles = {
            ANALYST_ROLE: ensure_role(sm, ANALYST_ROLE, [*gamma, *sql_lab, database_access]),
            LEADERSHIP_ROLE: ensure_role(sm, LEADERSHIP_ROLE, [*gamma, *dataset_access]),
        }
        demo_password = os.environ.get("SUPERSET_DEMO_PASSWORD")
        if demo_password:
            for username, role in DEMO_USERS.items():
                ensure_user(sm, username, [roles[role]], demo_password)
        db.session.commit()
        print(
            f"superset: {len(datasets)} datasets, roles {', '.join(roles)}" + (", demo users" if demo_password else "")
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
