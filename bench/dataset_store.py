"""Benchmark datasets: generated once per database and scale (bench/generate.py), reused while
complete, dropped by `python bench/run.py --clean`. SQLite files live in bench/data; PostgreSQL
datasets in databases bench_<claims> on the configured server."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DATA = BENCH / "data"


def _postgres_url(base: str, database: str) -> str:
    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, f"/{database}", parts.query, parts.fragment))


def _manifest_path(kind: str, claims: int) -> Path:
    return DATA / f"{kind}-{claims}.json"


def _load_manifest(path: Path) -> dict | None:
    try:
        manifest = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return manifest if manifest.get("complete") else None


def postgres_admin(base_url: str):
    import psycopg
    return psycopg.connect(_postgres_url(base_url, "postgres"), autocommit=True)


def _postgres_claims(url: str) -> int | None:
    import psycopg
    try:
        with psycopg.connect(url, connect_timeout=5) as connection:
            return connection.execute("SELECT count(*) FROM claim").fetchone()[0]
    except psycopg.Error:
        return None


def ensure_dataset(kind: str, claims: int, postgres_base: str | None, regenerate: bool) -> dict:
    manifest_path = _manifest_path(kind, claims)
    if kind == "sqlite":
        db_file = DATA / f"sqlite-{claims}.db"
        url = f"sqlite:///{db_file}"
        manifest = None if regenerate else _load_manifest(manifest_path)
        if manifest is not None and db_file.exists():
            print(f"[{kind}] reusing {db_file.relative_to(ROOT)} ({claims:,} claims, made in {manifest['generated_in_s']} s)")
            return _with_extras(manifest, manifest_path)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_file}{suffix}").unlink(missing_ok=True)
    else:
        # BENCH_POSTGRES_DATABASE: one database of your own (dropped and recreated), on a shared server.
        name = os.environ.get("BENCH_POSTGRES_DATABASE") or f"bench_{claims}"
        url = _postgres_url(postgres_base, name)
        manifest = None if regenerate else _load_manifest(manifest_path)
        if manifest is not None and _postgres_claims(url) == claims:
            print(f"[{kind}] reusing database {name} ({claims:,} claims, made in {manifest['generated_in_s']} s)")
            return _with_extras(manifest, manifest_path)
        with postgres_admin(postgres_base) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {name}")
    manifest_path.unlink(missing_ok=True)
    print(f"[{kind}] generating {claims:,} claims into {url}")
    started = time.monotonic()
    subprocess.run([sys.executable, str(BENCH / "generate.py"), "--claims", str(claims), "--database-url", url,
                    "--manifest", str(manifest_path)], check=True, cwd=ROOT)
    print(f"[{kind}] generated in {time.monotonic() - started:.0f} s")
    return _with_extras(_load_manifest(manifest_path), manifest_path)


def _with_extras(manifest: dict, manifest_path: Path) -> dict:
    """The manifest once the matching and job scenarios' data is there (bench/extras.py)."""
    if "extras" in manifest:
        return manifest
    print(f"[{manifest_path.stem}] adding matching data and jobs (bench/extras.py)")
    subprocess.run([sys.executable, str(BENCH / "extras.py"), "--database-url", manifest["database_url"],
                    "--manifest", str(manifest_path)], check=True, cwd=ROOT,
                   env={**os.environ, "CLAIMTRACK_MATCHING_SWEEP": "0"})
    return _load_manifest(manifest_path)


def clean(postgres_base: str | None) -> None:
    for manifest_path in sorted(DATA.glob("postgres-*.json")):
        claims = manifest_path.stem.split("-", 1)[1]
        if postgres_base:
            with postgres_admin(postgres_base) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS bench_{int(claims)} WITH (FORCE)")
                print(f"dropped bench_{claims}")
    if DATA.exists():
        shutil.rmtree(DATA)
        print(f"removed {DATA.relative_to(ROOT)}")
