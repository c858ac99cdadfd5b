"""The Dockerfile and docker-compose.yml agree with the code they deploy.

No Docker engine is needed: the files are parsed and checked against the
package's own configuration and command-line interface.
"""
from __future__ import annotations

import inspect
import json
import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).parents[1]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"


# --- helpers -----------------------------------------------------------------

@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def _environment(service: dict) -> dict[str, str]:
    """A service's environment, whether written as a mapping or as KEY=VALUE items."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {str(k): "" if v is None else str(v) for k, v in env.items()}


def _depends_on(service: dict) -> dict[str, str]:
    """A service's dependencies and their conditions (short form means service_started)."""
    deps = service.get("depends_on") or {}
    if isinstance(deps, list):
        return {name: "service_started" for name in deps}
    return {name: (spec or {}).get("condition", "service_started") for name, spec in deps.items()}


def _command_words(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return shlex.split(value)
    return [str(word) for word in value]


def _healthcheck_text(service: dict) -> str:
    test = (service.get("healthcheck") or {}).get("test")
    return " ".join(_command_words(test)) if test else ""


def _dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with comments dropped and continuations joined."""
    logical, current = [], ""
    for line in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if current and stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        current += stripped
        if current:
            logical.append(current)
        current = ""
    if current.strip():
        logical.append(current)
    pairs = []
    for text in logical:
        keyword, _, args = text.partition(" ")
        pairs.append((keyword.upper(), args.strip()))
    return pairs


def _args(instruction: str) -> list[str]:
    return [args for kw, args in _dockerfile_instructions() if kw == instruction]


def _words(args: str) -> list[str]:
    """Exec (JSON array) or shell form arguments, as words."""
    if args.startswith("["):
        return json.loads(args)
    return shlex.split(args)


def _copy_sources() -> list[str]:
    """Every source path named by a COPY instruction (flags and destination dropped)."""
    return [word
            for args in _args("COPY")
            for word in [w for w in _words(args) if not w.startswith("--")][:-1]]


def _config_env_names() -> set[str]:
    from api.config import Config
    source = inspect.getsource(Config.from_env)
    return set(re.findall(r'"(DATABASE_URL|CLAIMTRACK_[A-Z_]+)"', source))


# --- docker-compose.yml --------------------------------------------------------

def test_compose_has_no_obsolete_version_key(compose):
    assert "version" not in compose


def test_compose_defines_db_redis_migrate_api_worker_and_proxy_services(services):
    assert {"db", "redis", "migrate", "api", "worker", "proxy"} <= set(services)


def test_db_is_healthchecked_with_pg_isready_over_tcp(services):
    db = services["db"]
    assert db["image"].startswith("postgres:")
    check = db.get("healthcheck") or {}
    # Over TCP: the image's init-time server listens on the Unix socket only.
    assert re.search(r"pg_isready -h 127\.0\.0\.1\b", _healthcheck_text(db))
    for key in ("interval", "timeout", "retries"):
        assert key in check, f"db healthcheck lacks {key}"


def test_db_data_lives_on_a_named_volume_declared_at_top_level(compose, services):
    declared = set((compose.get("volumes") or {}).keys())
    mounts = services["db"].get("volumes") or []
    named = []
    for mount in mounts:
        if isinstance(mount, dict):
            source, target = mount.get("source"), mount.get("target")
        else:
            source, _, rest = mount.partition(":")
            target = rest.split(":")[0]
        if target == "/var/lib/postgresql/data":
            named.append(source)
    assert named, "no volume mounted on /var/lib/postgresql/data"
    assert all(name in declared for name in named), f"{named} not declared under top-level volumes"


def test_migrate_runs_init_db_retrying_once_the_db_is_healthy(services):
    migrate = services["migrate"]
    words = _command_words(migrate["command"])
    assert words[:2] == ["claimtrack", "init-db"] and words[2] == "--wait" and int(words[3]) >= 30
    assert _depends_on(migrate).get("db") == "service_healthy"
    assert str(migrate.get("restart", "no")) == "no"


def test_the_image_is_built_once_and_shared_by_migrate_and_api(services):
    builders = [name for name, service in services.items() if "build" in service]
    assert builders == ["api"]
    assert services["migrate"]["image"] == services["api"]["image"]
    assert services["migrate"]["pull_policy"] == "never"


def test_api_waits_for_healthy_db_and_completed_migration(services):
    deps = _depends_on(services["api"])
    assert deps.get("db") == "service_healthy"
    assert deps.get("migrate") == "service_completed_successfully"


def _published(service: dict) -> list[tuple[str, str]]:
    published = []
    for port in service.get("ports") or []:
        if isinstance(port, dict):
            published.append((str(port.get("published")), str(port.get("target"))))
        else:
            parts = str(port).split("/")[0].split(":")
            published.append((parts[-2] if len(parts) > 1 else parts[-1], parts[-1]))
    return published


def test_api_serves_behind_the_proxy_which_alone_publishes_port_8000(services):
    api = services["api"]
    assert _command_words(api["command"]) == ["claimtrack", "serve"]
    assert _published(api) == []  # gunicorn is never exposed to clients directly
    bind = _environment(api).get("CLAIMTRACK_BIND", "")
    assert bind.startswith("0.0.0.0:") and bind.endswith(":8000")
    proxy = services["proxy"]
    assert proxy["image"].startswith("nginx:")
    assert ("8000", "8000") in _published(proxy)
    assert _depends_on(proxy).get("api") == "service_healthy"
    mounts = [str(m).split(":") for m in proxy["volumes"]]
    assert ["./deploy/nginx.conf", "/etc/nginx/nginx.conf", "ro"] in mounts
    assert (ROOT / "deploy" / "nginx.conf").exists()
    assert "server api:8000;" in (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")


def test_api_under_compose_trusts_one_proxy_and_publishes_claimreviews_under_a_public_url(services):
    env = _environment(services["api"])
    assert env["CLAIMTRACK_TRUSTED_PROXIES"] == "1"
    assert env["CLAIMTRACK_PUBLIC_URL"] == "http://localhost:8000"
    assert env["CLAIMTRACK_ORGANIZATION_NAME"] and env["CLAIMTRACK_ORGANIZATION_URL"].startswith("https://")


def test_api_healthcheck_probes_readyz_or_healthz(services):
    text = _healthcheck_text(services["api"])
    assert re.search(r"http://(127\.0\.0\.1|localhost):8000/(readyz|healthz)", text), text


def test_api_and_migrate_database_url_matches_the_db_service(services):
    db_env = _environment(services["db"])
    for name in ("api", "migrate", "worker"):
        url = urlsplit(_environment(services[name])["DATABASE_URL"])
        assert url.scheme in ("postgresql", "postgres"), (name, url.scheme)
        assert url.hostname == "db", name
        assert (url.port or 5432) == 5432, name
        assert url.username == db_env["POSTGRES_USER"], name
        assert url.password == db_env["POSTGRES_PASSWORD"], name
        assert url.path.lstrip("/") == db_env["POSTGRES_DB"], name


def test_redis_is_healthchecked_and_keeps_no_data_on_disk(services):
    redis = services["redis"]
    assert redis["image"].startswith("redis:")
    assert "redis-cli" in _healthcheck_text(redis) and "ping" in _healthcheck_text(redis)
    assert _published(redis) == []  # reachable by the other services only


def test_api_and_workers_share_one_redis_job_queue(services):
    urls = {name: _environment(services[name]).get("CLAIMTRACK_QUEUE_URL") for name in ("api", "worker")}
    assert len(set(urls.values())) == 1, urls
    queue = urlsplit(urls["api"])
    assert (queue.scheme, queue.hostname, queue.port or 6379) == ("redis", "redis", 6379)
    for name in ("api", "worker"):
        assert _depends_on(services[name]).get("redis") == "service_healthy", name


def test_the_worker_runs_the_shared_image_once_the_database_is_migrated(services):
    worker = services["worker"]
    assert _command_words(worker["command"]) == ["claimtrack", "worker"]
    assert worker["image"] == services["api"]["image"] and worker["pull_policy"] == "never"
    assert "build" not in worker and _published(worker) == []
    assert _depends_on(worker).get("migrate") == "service_completed_successfully"


def test_config_reads_the_variables_these_checks_rely_on():
    names = _config_env_names()
    assert {"DATABASE_URL", "CLAIMTRACK_BIND", "CLAIMTRACK_WORKERS"} <= names, names


def test_every_claimtrack_variable_in_compose_is_read_by_config(services):
    known = _config_env_names()
    for name, service in services.items():
        used = {var for var in _environment(service)
                if var == "DATABASE_URL" or var.startswith("CLAIMTRACK_")}
        unknown = used - known
        assert not unknown, f"{name} sets {sorted(unknown)}, which api/config.py never reads"


def test_compose_commands_exist_in_the_cli(services):
    from api.cli import main
    for name, service in services.items():
        words = _command_words(service.get("command"))
        if words and words[0] == "claimtrack":
            assert words[1] in main.commands, f"{name} runs unknown command {words[1]!r}"


# --- Dockerfile -----------------------------------------------------------------

def test_dockerfile_starts_from_python_311_slim():
    assert _args("FROM")[0].split()[0] == "python:3.11-slim"


def test_dockerfile_installs_the_package_with_pip():
    runs = " ".join(_args("RUN"))
    assert re.search(r"pip install (--no-cache-dir )?(\.|\"\.\[redis\]\")(\s|$|&)", runs + " "), runs


def test_dockerfile_runs_as_a_non_root_user():
    users = _args("USER")
    assert users, "no USER instruction"
    final = users[-1].split(":")[0]
    assert final not in ("root", "0")


def test_dockerfile_exposes_8000_and_binds_all_interfaces():
    exposed = {word.split("/")[0] for args in _args("EXPOSE") for word in args.split()}
    assert "8000" in exposed
    env_text = " ".join(_args("ENV"))
    assert re.search(r"CLAIMTRACK_BIND[= ]0\.0\.0\.0:8000", env_text), env_text


def test_dockerfile_has_a_python_healthcheck_on_healthz():
    checks = _args("HEALTHCHECK")
    assert checks, "no HEALTHCHECK"
    assert "urllib" in checks[-1] and "/healthz" in checks[-1]
    assert "curl" not in checks[-1]


def test_dockerfile_default_command_serves():
    cmd = _args("CMD")
    assert cmd and _words(cmd[-1]) == ["claimtrack", "serve"]


def test_dockerfile_uses_only_existing_cli_commands():
    from api.cli import main
    assert _words(_args("CMD")[-1])[1] in main.commands


@pytest.mark.parametrize("path", _copy_sources())
def test_every_path_the_dockerfile_copies_exists(path):
    assert (ROOT / path).exists(), f"Dockerfile copies {path}, which is not in the repository"


def test_dockerfile_copies_what_pip_install_needs():
    copied = {source.rstrip("/") for source in _copy_sources()}
    assert {"pyproject.toml", "README.md", "api", "schemas"} <= copied, copied


def test_dockerignore_keeps_local_state_out_of_the_build_context():
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    for pattern in (".git", "*.db", "tests/", "bench/"):
        assert pattern in ignored, pattern
    assert any("venv" in entry for entry in ignored)


def test_gitignore_keeps_the_demo_key_and_databases_out_of_commits():
    from fnmatch import fnmatch
    patterns = [line.strip() for line in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
                if line.strip() and not line.startswith("#")]
    for path in ("claimtrack-demo.key", "claimtrack.db", "claimtrack.db-wal"):
        assert any(fnmatch(path, pattern) for pattern in patterns), path
