"""Start Apache Superset with the platform's dashboards: `python -m orchestration.bi.superset serve`.

Superset lives in its own environment (bi/superset/.venv, from bi/superset/uv.lock): its pins
(Flask 2, SQLAlchemy 1.4, pandas 2.1) cannot share the pipeline's. This module runs in the
platform's environment, reads the ARP_* settings, and hands Superset's processes plain
SUPERSET_* variables (bi/superset/superset_config.py and bi/superset/bootstrap.py read them).

Steps, each idempotent: create the environment when the lock changed, `superset db upgrade`
(metadata in SQLite under build/superset/), `superset init`, then bootstrap.py (admin, the
Analyst and Leadership roles, the marts database as the analyst login, the dashboards from
bi/superset/assets), then gunicorn on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from orchestration.settings import ArpSettings, settings

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SUPERSET_DIR = PROJECT_ROOT / "bi" / "superset"
ENV_DIR = SUPERSET_DIR / ".venv"
DEFAULT_HOME = PROJECT_ROOT / "build" / "superset"
# Published demo values (docs/connect_bi.md): only ARP_MODE=demo accepts them.
DEMO_ADMIN_PASSWORD = "arp-demo-admin"
DEMO_USERS_PASSWORD = "arp-demo-user"
DEMO_SECRET_KEY = "arp-demo-superset-key-published-never-for-production"


class SupersetSetupError(RuntimeError):
    """Superset cannot start as configured; the message says which setting or step."""


@dataclass(frozen=True)
class SupersetConfig:
    home: Path
    port: int
    admin_password: str
    secret_key: str
    marts_uri: str
    demo_password: str | None

    @classmethod
    def from_settings(cls, current: ArpSettings, home: Path = DEFAULT_HOME) -> SupersetConfig:
        if current.demo:
            admin = current.superset_admin_password or DEMO_ADMIN_PASSWORD
            key = current.superset_secret_key or DEMO_SECRET_KEY
        else:
            missing = [
                name
                for name, value in (
                    ("ARP_SUPERSET_ADMIN_PASSWORD", current.superset_admin_password),
                    ("ARP_SUPERSET_SECRET_KEY", current.superset_secret_key),
                )
                if not value
            ]
            if missing:
                raise SupersetSetupError(f"{', '.join(missing)} must be set outside ARP_MODE=demo")
            admin, key = current.superset_admin_password, current.superset_secret_key
        return cls(
            home=home,
            port=current.superset_port,
            admin_password=admin,
            secret_key=key,
            marts_uri=marts_uri(current),
            demo_password=DEMO_USERS_PASSWORD if current.demo else None,
        )

    def environment(self) -> dict[str, str]:
        """The variables Superset's own processes read (and nothing of ARP_*)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ARP_", "VIRTUAL_ENV", "PYTHON"))}
        env.update(
            SUPERSET_CONFIG_PATH=str(SUPERSET_DIR / "superset_config.py"),
            SUPERSET_HOME=str(self.home),
            SUPERSET_SECRET_KEY=self.secret_key,
            SUPERSET_ADMIN_PASSWORD=self.admin_password,
            SUPERSET_MARTS_URI=self.marts_uri,
            SUPERSET_ASSETS_DIR=str(SUPERSET_DIR / "assets"),
            FLASK_APP="superset",
        )
        if self.demo_password:
            env["SUPERSET_DEMO_PASSWORD"] = self.demo_password
        return env


def marts_uri(current: ArpSettings) -> str:
    """The warehouse as the analyst login: every Superset role reads through it, so none reads raw_*."""
    password = f":{quote(current.analyst_password, safe='')}" if current.analyst_password else ""
    return f"postgresql+psycopg2://analyst{password}@{current.pg_host}:{current.pg_port}/{current.pg_database}"


def _uv() -> str:
    for candidate in (PROJECT_ROOT / ".tools" / "bin" / "uv", shutil.which("uv")):
        if candidate and Path(candidate).exists():
            return str(candidate)
    raise SupersetSetupError("no uv: run `make env` first (it installs uv into .tools/)")


def ensure_environment(log=print) -> float:
    """Create bi/superset/.venv from the lock when it is missing or the lock changed; seconds spent."""
    lock = SUPERSET_DIR / "uv.lock"
    marker = ENV_DIR / f".synced-{hashlib.sha1(lock.read_bytes()).hexdigest()[:12]}"
    if marker.exists():
        return 0.0
    log(f"==> creating {ENV_DIR.relative_to(PROJECT_ROOT)} from bi/superset/uv.lock (first run only)")
    started = time.monotonic()
    env = {**os.environ, "UV_PROJECT_ENVIRONMENT": str(ENV_DIR)}
    env.pop("VIRTUAL_ENV", None)
    python = sys.executable
    subprocess.run(
        [
            _uv(),
            "sync",
            "--frozen",
            "--compile-bytecode",
            "--quiet",
            "--project",
            str(SUPERSET_DIR),
            "--python",
            python,
        ],
        check=True,
        env=env,
    )
    for old in ENV_DIR.glob(".synced-*"):
        old.unlink()
    marker.touch()
    return time.monotonic() - started


def _run(config: SupersetConfig, args: list[str], step: str, log_file: Path) -> None:
    with log_file.open("a", encoding="utf-8") as out:
        done = subprocess.run(args, env=config.environment(), stdout=out, stderr=subprocess.STDOUT, cwd=PROJECT_ROOT)
    if done.returncode:
        tail = "".join(log_file.read_text(encoding="utf-8").splitlines(keepends=True)[-15:])
        raise SupersetSetupError(f"{step} failed (exit {done.returncode}); the end of {log_file}:\n{tail}")


def prepare(config: SupersetConfig, log=print) -> None:
    """Metadata schema, Superset's built-in roles, then the platform's roles, database and dashboards."""
    config.home.mkdir(parents=True, exist_ok=True)
    log_file = config.home / "setup.log"
    superset = str(ENV_DIR / "bin" / "superset")
    for step, args in (
        ("superset db upgrade", [superset, "db", "upgrade"]),
        ("superset init", [superset, "init"]),
        ("bi/superset/bootstrap.py", [str(ENV_DIR / "bin" / "python"), str(SUPERSET_DIR / "bootstrap.py")]),
    ):
        started = time.monotonic()
        _run(config, args, step, log_file)
        log(f"    {step}: {time.monotonic() - started:.0f}s")


def server_command(config: SupersetConfig) -> list[str]:
    # One worker with threads: the machine is shared, and dashboards fire their charts in parallel.
    return [
        str(ENV_DIR / "bin" / "gunicorn"),
        "--workers=1",
        "--threads=8",
        "--timeout=120",
        f"--bind=127.0.0.1:{config.port}",
        "superset.app:create_app()",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="orchestration.bi.superset", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["serve", "prepare", "env"])
    parser.add_argument("--home", type=Path, default=DEFAULT_HOME, help="Superset's metadata folder")
    args = parser.parse_args(argv)
    try:
        spent = ensure_environment()
        if spent:
            print(f"    bi/superset/.venv ready in {spent:.0f}s")
        if args.command == "env":
            return 0
        config = SupersetConfig.from_settings(settings(), home=args.home.resolve())
        prepare(config)
    except SupersetSetupError as error:
        print(f"make bi: {error}", file=sys.stderr)
        return 1
    if args.command == "serve":
        print(f"==> Superset on http://127.0.0.1:{config.port} (admin; logs in {config.home})")
        os.execve(server_command(config)[0], server_command(config), config.environment())
    return 0


if __name__ == "__main__":
    sys.exit(main())
