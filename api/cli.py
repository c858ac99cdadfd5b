"""The `claimtrack` command: init-db, demo, serve, worker, keys, ingest, import, export, openapi."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from api.config import Config
from api.domain.vocabulary import SOURCE_KINDS

SAMPLES_DIRS = (Path.cwd() / "data" / "samples", Path(__file__).resolve().parents[1] / "data" / "samples")
DEMO_KEY_FILE = Path("claimtrack-demo.key")


def _app(config: Config | None = None, *, ready: bool = True, unreachable_ok: bool = False):
    """The app on the configured database. With `ready`, a database that is missing, has no
    schema or one behind the code stops the command with one line saying to run init-db (and a
    SQLite file that does not exist is not created); so does one that cannot be reached, unless
    `unreachable_ok` (a server starts anyway and reports it on /readyz until it is back)."""
    import peewee

    from api.app import create_app
    from api.db import INIT_DB_HINT, SchemaNotReady, check_schema, sqlite_path
    config = config or Config.from_env()
    path = sqlite_path(config.database_url)
    if ready and path is not None and not Path(path).exists():
        raise click.ClickException(f"There is no database at {path}: {INIT_DB_HINT}.")
    app = create_app(config)
    if ready:
        try:
            check_schema()
        except SchemaNotReady as error:
            raise click.ClickException(str(error)) from None
        except peewee.OperationalError as error:
            if not unreachable_ok:
                raise _unreachable(error) from None
            click.echo(f"warning: {_unreachable(error).message} Serving anyway: /readyz answers 503 "
                       f"until it is back.", err=True)
    return app


def _unreachable(error: Exception) -> click.ClickException:
    return click.ClickException(f"The database cannot be reached ({error}).".replace("\n", " "))


def _use_gevent() -> None:
    """gunicorn's gevent worker serves each connection on a greenlet, so slow or idle clients
    cost a little memory, not a worker. Patching happens before the app (and peewee's
    connection state, the pool's locks) is created, which preloading the app requires."""
    from gevent import monkey
    monkey.patch_all()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main():
    """claimtrack: claims, their sources and their verdicts, over a JSON API."""


@main.command("init-db")
@click.option("--wait", type=click.IntRange(min=0), default=0, show_default=True,
              help="seconds to keep retrying while the database cannot be reached (a server still starting)")
def init_db(wait):
    """Create or upgrade the database schema (DATABASE_URL)."""
    import time

    import peewee

    from api.db import migrate
    _app(ready=False)
    deadline = time.monotonic() + wait
    while True:
        try:
            applied = migrate()
            break
        except peewee.OperationalError as error:
            if time.monotonic() >= deadline:
                raise _unreachable(error) from None
            click.echo("waiting for the database…", err=True)
            time.sleep(1)
    click.echo(f"applied: {', '.join(applied)}" if applied else "database is up to date")


def _embedded_queue(config: Config) -> bool:
    from api.jobs.queue import queue_url_for
    return queue_url_for(config).startswith("sqlite:")


@main.command()
@click.option("--bind", help="host:port (default CLAIMTRACK_BIND or 127.0.0.1:8000)")
@click.option("--workers", type=int, help="gunicorn workers (default CLAIMTRACK_WORKERS or 2)")
@click.option("--worker/--no-worker", "with_worker", default=None,
              help="also run a job consumer (`claimtrack worker`) beside the server, restarted if it dies "
                   "[default: with the embedded queue yes, with CLAIMTRACK_QUEUE_URL=redis://… no]")
def serve(bind, workers, with_worker):
    """Serve the API under gunicorn (gevent workers), and run its jobs."""
    config = Config.from_env()
    bind, workers = bind or config.bind, workers or config.workers
    if with_worker is None:
        with_worker = _embedded_queue(config)
    if with_worker:
        _app(config, unreachable_ok=True)  # refuse to start on a database without the schema
        sys.exit(_supervise(web=["serve", "--no-worker", "--bind", bind, "--workers", str(workers)]))
    _use_gevent()
    _app(config, unreachable_ok=True)
    _serve(config.with_(bind=bind, workers=workers))


def _supervise(web: list[str], supervisor=None) -> int:
    """Run `claimtrack WEB…` and a consumer (`claimtrack worker`) as watched child processes
    (api/supervisor.py) until the web server exits; returns its exit status."""
    from api.supervisor import Supervisor, claimtrack_command
    if supervisor is None:
        supervisor = Supervisor()
        supervisor.start("worker", claimtrack_command("worker", "--exit-with-parent"), restart=True)
    supervisor.start("web", claimtrack_command(*web), restart=False)
    return supervisor.run("web")


@main.command()
@click.option("--threads", type=click.IntRange(min=1),
              help="jobs run at once, one thread each (default CLAIMTRACK_QUEUE_WORKERS or 2); for more CPU, "
                   "run more worker processes")
@click.option("--exit-with-parent", is_flag=True, hidden=True)
def worker(threads, exit_with_parent):
    """Run background jobs from the queue (CLAIMTRACK_QUEUE_URL, or the embedded store beside the
    database). Any number of workers may share a Redis queue, on any number of machines.

    SIGINT stops after the running jobs finish; SIGTERM stops at once (their runs are retried)."""
    import logging

    from api.jobs import queue, tasks
    config = Config.from_env()
    logging.basicConfig(level=config.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if config.log_level != "debug":  # huey logs every task at INFO; jobs log their own failures
        logging.getLogger("huey").setLevel(logging.WARNING)
    _app(config)
    if exit_with_parent:
        from api.supervisor import exit_with_parent as watch_parent
        watch_parent()
    if config.preload_model:
        from api.extraction.model import get_nlp
        get_nlp()  # before the first job, so its run does not pay for loading the model
    huey = queue.current()
    tasks.recover()  # what a worker killed earlier left running
    threads = threads or config.queue_workers
    click.echo(f"worker {os.getpid()}: {threads} thread(s) on {_safe_url(queue.queue_url_for(config))} "
               f"(queue {huey.name})", err=True)
    queue.consumer(huey, workers=threads).run()


def _safe_url(url: str) -> str:
    """A URL without its password, for logs."""
    from urllib.parse import urlsplit
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@")
    return url


def _serve(config: Config) -> None:
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", config.bind)
            self.cfg.set("workers", config.workers)
            self.cfg.set("worker_class", "api.gunicorn_worker.QuietGeventWorker")
            self.cfg.set("worker_connections", 1000)
            self.cfg.set("loglevel", config.log_level)
            self.cfg.set("accesslog", "-")
            self.cfg.set("timeout", 60)
            self.cfg.set("preload_app", True)
            # gunicorn's control socket (one fixed path per user) is not used; servers side by
            # side (tests, several instances) would contend for it.
            self.cfg.set("control_socket_disable", True)

        def load(self):
            # The model is not loaded here: request workers run no NLP (extraction is a job,
            # run by `claimtrack worker`).
            app = _app(config, ready=False)
            # Let timers started while building the app (the rate-limit store's expiry timer,
            # a greenlet under gevent) run out in the master: a pending one would be inherited
            # by every forked worker and fail there.
            import gevent
            gevent.sleep(0.05)
            # Everything built so far (the model above all) is shared with the workers: kept out
            # of their garbage collections, its pages are not copied into each worker and need
            # not be walked when a worker exits (Python's gc.freeze, meant for pre-forking servers).
            import gc
            gc.freeze()
            return app

    from api.db import release_connections
    release_connections()
    Server().run()


def _find_samples(directory: str | None) -> Path:
    candidates = [Path(directory)] if directory else list(SAMPLES_DIRS)
    for path in candidates:
        if (path / "metadata.json").exists():
            return path
    raise click.ClickException("sample documents not found: run from the project folder or pass --samples DIR")


def load_samples(directory: Path) -> list[str]:
    """Store each sample document with its metadata; already stored ones are skipped."""
    from api.domain.errors import Conflict
    from api.services.audit import CLI
    from api.services.sources import create_source

    stored = []
    for meta in json.loads((directory / "metadata.json").read_text(encoding="utf-8")):
        text = (directory / meta["file"]).read_bytes().decode("utf-8")
        fields = {k: meta.get(k) for k in ("kind", "title", "url", "publisher", "published_at", "language")}
        try:
            source = create_source({**fields, "text": text}, actor=CLI)
        except Conflict as duplicate:
            stored.append(duplicate.details["existing"])
            continue
        from api.domain.ids import encode_id
        stored.append(encode_id("source", source.source.id))
    return stored


@main.command()
@click.option("--samples", "samples_dir", help="folder with metadata.json and the sample texts")
@click.option("--bind", default="127.0.0.1:8000", show_default=True)
@click.option("--no-serve", is_flag=True, help="set up the demo database and exit")
@click.option("--extract/--no-extract", default=True, show_default=True, help="run the extraction pipeline on the samples")
def demo(samples_dir, bind, no_serve, extract):
    """A SQLite demo: migrate, load the samples, extract (as jobs), print an admin key, serve.

    The demo uses the database every other command uses (DATABASE_URL, by default
    claimtrack.db in this folder), so `claimtrack keys create` and friends work on it afterwards.
    Its admin key is kept in claimtrack-demo.key: a later run reuses it while it is valid, and
    otherwise revokes the demo's old admin keys and writes a new one.
    """
    from api.db import database, migrate
    from api.domain.ids import decode_id
    from api.services import jobs
    from api.services.audit import CLI
    from api.services.extraction import submit_extraction
    from api.supervisor import Supervisor, claimtrack_command

    config = Config.from_env().with_(bind=bind)
    _app(config, ready=False)
    migrate()
    # The consumer runs the extractions now and the server's jobs afterwards.
    supervisor = Supervisor()
    if extract or not no_serve:
        supervisor.start("worker", claimtrack_command("worker", "--exit-with-parent"), restart=True)
    try:
        with database.connection_context():
            ids = load_samples(_find_samples(samples_dir))
            if extract:
                started = [(source_id, submit_extraction(decode_id("source", source_id), actor=CLI).id)
                           for source_id in ids]
                for source_id, job_id in started:
                    job = jobs.wait_for(job_id, 600)
                    claims = len((jobs.job_result(job) or {}).get("claims", []))
                    click.echo(f"extracted from {source_id}: {claims} new candidate claims" if job.status == "succeeded"
                               else f"extraction of {source_id}: {job.status} {jobs.job_error(job) or ''}")
            token, reused = _demo_admin_key()
    except BaseException:
        supervisor.stop()
        raise
    click.echo(f"database: {config.database_url}\nsources: {', '.join(ids)}")
    click.echo(f"admin key ({'reused from' if reused else 'written to'} {DEMO_KEY_FILE}): {token}")
    if no_serve:
        supervisor.stop()
        return
    click.echo(f"serving on http://{bind}  (try: curl -H \"Authorization: Bearer $(cat {DEMO_KEY_FILE})\" "
               f"http://{bind}/v1/sources)")
    sys.exit(_supervise(["serve", "--no-worker", "--bind", bind], supervisor))


DEMO_KEY_NAME = "demo admin"


def _demo_admin_key() -> tuple[str, bool]:
    """(token, reused): the key in DEMO_KEY_FILE while it still works, else a fresh one that
    replaces every earlier demo admin key."""
    from api.services.audit import CLI
    from api.services.keys import create_key, find_key, list_keys, revoke_key

    if DEMO_KEY_FILE.exists():
        token = DEMO_KEY_FILE.read_text().strip()
        key = find_key(token)
        if key is not None and key.name == DEMO_KEY_NAME and key.role == "admin":
            return token, True
    created = create_key(DEMO_KEY_NAME, "admin", actor=CLI)
    for key in list_keys():
        if key.name == DEMO_KEY_NAME and key.revoked_at is None and key.id != created.key.id:
            revoke_key(key.id, actor=CLI)
    token = created.token
    DEMO_KEY_FILE.touch(mode=0o600)
    DEMO_KEY_FILE.chmod(0o600)
    DEMO_KEY_FILE.write_text(token + "\n")
    return token, False


@main.group()
def keys():
    """Create, list and revoke API keys."""


@keys.command("create")
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice(["reader", "checker", "admin"]))
def keys_create(name, role):
    """Create a key and print its secret (shown this once)."""
    from api.db import database
    from api.services.keys import create_key
    _app()
    with database.connection_context():
        click.echo(create_key(name, role).token)


@keys.command("list")
def keys_list():
    """List keys: id, role, name, state. Never secrets."""
    from api.db import database
    from api.domain.ids import encode_id
    from api.services.keys import list_keys
    _app()
    with database.connection_context():
        for key in list_keys():
            state = "revoked" if key.revoked_at else "active"
            click.echo(f"{encode_id('key', key.id)}\t{key.role}\t{state}\t{key.name}")


@keys.command("revoke")
@click.argument("key_id")
def keys_revoke(key_id):
    """Revoke a key by id (key_…); it stops working on the next request."""
    from api.db import database
    from api.domain.errors import Conflict
    from api.domain.ids import decode_id
    from api.services.audit import CLI
    from api.services.keys import revoke_key
    _app()
    pk = decode_id("key", key_id)
    with database.connection_context():
        try:
            revoked = pk is not None and revoke_key(pk, actor=CLI) is not None
        except Conflict as refused:
            raise click.ClickException(refused.message) from None
        if not revoked:
            raise click.ClickException(f"no key {key_id}")
    click.echo(f"revoked {key_id}")


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--kind", default="article", show_default=True,
              type=click.Choice(SOURCE_KINDS))
@click.option("--publisher", help="publisher of every file")
@click.option("--language", default="en", show_default=True)
@click.option("--extract", is_flag=True, help="also extract from each stored source: one job per file")
@click.option("--threads", type=click.IntRange(min=0),
              help="with --extract: consumer threads this command runs while it waits (default: "
                   "CLAIMTRACK_QUEUE_WORKERS with the embedded queue, 0 with a shared one, whose workers do the jobs)")
def ingest(files, kind, publisher, language, extract, threads):
    """Store text files (UTF-8) as sources, titled by file name; already stored texts are skipped.

    With --extract each new source gets an extraction job, and a progress bar follows the jobs
    until every one has finished."""
    from tqdm import tqdm

    from api.db import database
    from api.domain.errors import Conflict, DomainError, Invalid
    from api.domain.ids import encode_id
    from api.services.audit import CLI
    from api.services.extraction import submit_extraction
    from api.services.jobs import job_error as jobs_error, job_result as jobs_result
    from api.services.sources import create_source
    config = Config.from_env()
    _app(config)
    stored = skipped = claims = 0
    failed: list[str] = []
    started: dict[int, str] = {}  # job key → file
    with database.connection_context():
        for path in tqdm(files, unit=" file", file=sys.stderr):
            try:
                text = Path(path).read_bytes().decode("utf-8")
            except UnicodeDecodeError as error:
                failed.append(path)
                tqdm.write(f"{path}: not UTF-8 (byte {error.start}: {error.reason}); convert it to UTF-8 "
                           f"(e.g. iconv -f latin1 -t utf-8), skipped", file=sys.stderr)
                continue
            try:
                source = create_source({"text": text, "title": Path(path).stem, "kind": kind,
                                        "publisher": publisher, "language": language}, actor=CLI)
            except Invalid as error:
                failed.append(path)
                tqdm.write(f"{path}: {error.message} (skipped)", file=sys.stderr)
                continue
            except Conflict as duplicate:
                skipped += 1
                source_id = duplicate.details["existing"]
                source_pk = None
            else:
                stored += 1
                source_pk = source.source.id
                source_id = encode_id("source", source_pk)
            if extract and source_pk is not None:
                try:
                    started[submit_extraction(source_pk, actor=CLI).id] = path
                except DomainError as error:
                    failed.append(path)
                    tqdm.write(f"{path}: {error.message} (stored as {source_id}, not extracted)", file=sys.stderr)
            tqdm.write(f"{source_id}\t{path}", file=sys.stderr)
    if started:
        if threads is None:
            threads = config.queue_workers if _embedded_queue(config) else 0
        outcomes = _follow_jobs(list(started), threads=threads, label="extracting")
        for job_id, job in outcomes.items():
            if job.status == "succeeded":
                claims += len(jobs_result(job).get("claims", []))
            else:
                failed.append(started[job_id])
                problem = jobs_error(job) or {}
                tqdm.write(f"{started[job_id]}: extraction {job.status}: {problem.get('detail', '')}", file=sys.stderr)
    click.echo(f"stored {stored}, skipped {skipped} already stored" + (f", {claims} claims proposed" if extract else "")
               + (f", {len(failed)} failed: {', '.join(failed)}" if failed else ""))
    if failed:
        sys.exit(1)


def _follow_jobs(job_ids: list[int], *, threads: int, label: str) -> dict:
    """Wait for these jobs with a progress bar (one step per finished job), running `threads`
    consumer threads in this process meanwhile (0: the workers elsewhere do them). Returns the
    finished Job rows by key."""
    import time
    from contextlib import nullcontext

    from tqdm import tqdm

    from api.db import database
    from api.jobs import queue
    from api.jobs.consumers import running_consumer
    from api.services.jobs import finished_jobs
    done: dict = {}
    local = running_consumer(queue.current(), workers=threads, periodic=False) if threads else nullcontext()
    with local, tqdm(total=len(job_ids), unit=" job", desc=label, file=sys.stderr) as bar:
        while len(done) < len(job_ids):
            with database.connection_context():
                newly = finished_jobs([pk for pk in job_ids if pk not in done])
            done.update(newly)
            bar.update(len(newly))
            if len(done) < len(job_ids):
                time.sleep(0.25)
    return done


@main.command(context_settings={"ignore_unknown_options": True, "help_option_names": []})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def evaluate(args):
    """Score extraction (GOLD.json --docs DIR) or the check-worthiness model (DATA.tsv); --help for more."""
    # The scorer is a development tool (tools/evaluate.py in a checkout), not part of the runtime package.
    root = Path(__file__).resolve().parent.parent
    if not (root / "tools" / "evaluate.py").is_file():
        raise click.ClickException("evaluate runs from a claimtrack checkout (tools/evaluate.py not found)")
    sys.path.insert(0, str(root))
    from tools.evaluate import main as evaluate_main
    sys.exit(evaluate_main(list(args)))


@main.command()
@click.option("--output", "-o", default="openapi.yaml", show_default=True, help="file to write, or - for stdout")
def openapi(output):
    """Write the OpenAPI document generated from the code."""
    text = openapi_yaml()
    if output == "-":
        sys.stdout.write(text)
    else:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}")


def openapi_yaml() -> str:
    app = _app(Config(database_url="sqlite:///:memory:"), ready=False)
    return app.extensions["claimtrack_api"].spec.to_yaml()


def _run_file_job_here(kind: str, path: str, bar):
    """Record a job of `kind` for the file at `path` (params `{"path": absolute path}`, one attempt,
    by the CLI as admin, so GET /v1/jobs shows it) and run it in this process, no worker needed,
    `bar` (a tqdm) following its progress; the finished Job row."""
    from api.db import database
    from api.jobs import tasks
    from api.services import jobs
    from api.services.audit import CLI
    with database.connection_context():
        job = jobs.submit(kind, {"path": str(Path(path).resolve())}, actor=CLI, role="admin", max_attempts=1, send=False)

    def follow(done, total):
        bar.total = total
        bar.update(done - bar.n)
    tasks.run_job(job.id, on_progress=follow)
    with database.connection_context():
        return jobs.get_job(job.id)


@main.command("import-claimreviews")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def import_claimreviews(files):
    """Import other desks' fact-checks from JSON files: a ClaimReview, a list of them, a DataFeed,
    or a Fact Check Tools claims:search response (see README). Each review becomes an imported
    claim with a verdict; a re-imported review URL updates. Each file is a job (kind
    `claimreview.import`, seen in GET /v1/jobs) that this command runs itself, with a progress
    bar. Bad items are listed (index and reason) and skipped; exit status 1 if any item or file
    failed."""
    from tqdm import tqdm

    from api.services import jobs
    from api.services.claimreview_imports import IMPORT_JOB
    _app()
    totals: dict[str, int] = {}
    failed = False
    for path in files:
        with tqdm(unit=" review", file=sys.stderr, desc=Path(path).name) as bar:
            job = _run_file_job_here(IMPORT_JOB, path, bar)
        if job.status != "succeeded":
            failed = True
            click.echo(f"{path}: {(jobs.job_error(job) or {}).get('detail', job.status)}; skipped", err=True)
            continue
        result = jobs.job_result(job)
        for item in result["items"]:
            failed = True
            where = f" ({item['field']})" if item.get("field") else ""
            click.echo(f"{path}: item {item['index']}{where}: {item['reason']}", err=True)
        for status, count in result["counts"].items():
            totals[status] = totals.get(status, 0) + count
    click.echo(", ".join(f"{count} {status}" for status, count in totals.items()) or "nothing imported")
    if failed:
        sys.exit(1)


@main.command("export")
@click.option("--output", "-o", default="-", show_default=True, help="file to write, or - for stdout")
def export(output):
    """Write sources, people, events, claims and verdicts as NDJSON (never API keys)."""
    from tqdm import tqdm

    from api.db import database
    from api.presenters.export import export_lines
    from api.services.exports import export_counts
    _app()
    to_file = output != "-"
    with database.connection_context():
        total = sum(export_counts().values()) if to_file else None
        # atomic: the file appears complete or not at all, never half written.
        with click.open_file(output, "w", encoding="utf-8", atomic=to_file) as file, \
                tqdm(total=total, unit=" lines", file=sys.stderr, disable=not to_file) as progress:
            for line in export_lines():
                file.write(line + "\n")
                progress.update()
    if to_file:
        click.echo(f"wrote {output}", err=True)


@main.command("import")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
def import_(file):
    """Load an export (FILE, or - for stdin) into an empty database, keeping ids and timestamps.

    Applies the migrations first, like init-db. The import is a job (kind `import`, seen by
    admins in GET /v1/jobs) that this command runs itself, with a progress bar; it is one
    transaction, so a failed or interrupted import stores nothing.
    """
    import shutil
    import tempfile

    from tqdm import tqdm

    from api.db import migrate
    from api.jobs.kinds.imports import IMPORT_JOB
    from api.services import jobs
    _app(ready=False)
    migrate()
    spooled = None
    if file == "-":  # the job reads a file: spool stdin into one
        spooled = tempfile.NamedTemporaryFile("wb", suffix=".ndjson", delete=False)
        with spooled:
            shutil.copyfileobj(sys.stdin.buffer, spooled)
        file = spooled.name
    try:
        with tqdm(unit=" lines", file=sys.stderr, disable=spooled is not None) as bar:
            job = _run_file_job_here(IMPORT_JOB, file, bar)
    finally:
        if spooled is not None:
            Path(spooled.name).unlink(missing_ok=True)
    if job.status != "succeeded":
        raise click.ClickException((jobs.job_error(job) or {}).get("detail", f"the import {job.status}"))
    counts = jobs.job_result(job)
    click.echo("imported: " + ", ".join(f"{count} {kind}" for kind, count in counts.items()))


@main.command("embed-claims")
@click.option("--threads", type=int, default=1, show_default=True,
              help="threads building the vector index (with CLAIMTRACK_MATCHING_INDEX_DIR)")
def embed_claims(threads):
    """Compute the matching data (sentence vector, BM25 terms) of every claim that has none or
    whose text or source title changed since (what the matching job does), with progress; then,
    with CLAIMTRACK_MATCHING_INDEX_DIR set, save the vector index there for the API's processes
    to map."""
    from tqdm import tqdm

    from api.db import database
    from api.services import matching
    _app()
    with database.connection_context():
        with tqdm(unit=" claims", file=sys.stderr) as bar:
            def progress(done, total):
                bar.total = total
                bar.update(done - bar.n)
            done = matching.embed_stale(progress=progress)
        click.echo(f"embedded {done} claims")
        saved = matching.save_vector_index(threads=threads, force=bool(done))
    if saved:
        click.echo(f"vector index saved to {saved}")


if __name__ == "__main__":  # `python -m api.cli`: how the supervisor starts its children
    main()
