"""A throwaway PostgreSQL cluster with PostGIS for the tests (and the store bench).

``initdb`` into a temp dir, started on a free loopback port with its unix socket in
that dir; one template database with PostGIS, from which each test gets a fresh
database in ~0.1 s. PostgreSQL refuses to run as root, so as root the server runs as
the ``postgres`` user (``runuser``). ``find_binaries`` says why a cluster cannot be
made (no PostgreSQL, no PostGIS), so the fixture can skip (or fail under CI) saying so.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

PG_ROOT = Path("/usr/lib/postgresql")
TEMPLATE = "krimpkaart_template"


def find_binaries() -> tuple[Path | None, str]:
    """The newest ``/usr/lib/postgresql/<v>/bin`` with PostGIS installed, or why there is none."""
    versions = sorted((p for p in PG_ROOT.glob("*/bin") if (p / "initdb").is_file()),
                      key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
                      reverse=True)
    if not versions:
        return None, (f"PostgreSQL is not installed (no {PG_ROOT}/<version>/bin/initdb); "
                      "apt-get install postgresql postgresql-15-postgis-3")
    for bin_dir in versions:
        share = Path("/usr/share/postgresql") / bin_dir.parent.name / "extension"
        if (share / "postgis.control").is_file():
            return bin_dir, ""
    return None, (f"PostGIS is not installed for PostgreSQL {versions[0].parent.name} "
                  f"(no postgis.control); apt-get install postgresql-{versions[0].parent.name}"
                  "-postgis-3")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Cluster:
    """A running server; ``new_database()`` hands out fresh PostGIS databases."""

    bin_dir: Path
    durable: bool = False  # True: default fsync/synchronous_commit (benchmarks)
    root: Path = field(init=False)
    port: int = field(init=False)
    _names: itertools.count = field(default_factory=lambda: itertools.count(1))

    def start(self) -> Cluster:
        self.root = Path(tempfile.mkdtemp(prefix="krimpkaart-pg-"))
        as_root = os.geteuid() == 0
        if as_root:
            pg = pwd.getpwnam("postgres")
            os.chown(self.root, pg.pw_uid, pg.pw_gid)
        self.port = _free_port()
        data = self.root / "data"
        self._run("initdb", "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")
        settings = ["-c listen_addresses=127.0.0.1", f"-c port={self.port}",
                    f"-c unix_socket_directories={self.root}", "-c max_connections=200"]
        if not self.durable:  # the tests kill clients, never this server
            settings += ["-c fsync=off", "-c synchronous_commit=off",
                         "-c full_page_writes=off"]
        self._run("pg_ctl", "-D", str(data), "-l", str(self.root / "server.log"), "-w",
                  "-o", " ".join(settings), "start")
        with self.connect("postgres") as conn:
            conn.execute(f"CREATE DATABASE {TEMPLATE}")
        with self.connect(TEMPLATE) as conn:
            conn.execute("CREATE EXTENSION postgis")
        return self

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin_dir / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, cwd=self.root)

    def url(self, database: str, user: str = "postgres") -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str) -> psycopg.Connection:
        return psycopg.connect(self.url(database), autocommit=True)

    def new_database(self, postgis: bool = True) -> str:
        """A new, empty database (with PostGIS unless told otherwise); returns its URL."""
        name = f"kk_{os.getpid()}_{next(self._names)}"
        template = TEMPLATE if postgis else "template0"
        with self.connect("postgres") as conn:
            conn.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
        return self.url(name)

    def drop_database(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        with self.connect("postgres") as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.root / "data"), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
