"""The `claimtrack` command: init-db, demo, serve, keys, openapi."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from api.config import Config

SAMPLES_DIRS = (Path.cwd() / "data" / "samples", Path(__file__).resolve().parents[1] / "data" / "samples")
DEMO_DATABASE = "sqlite:///claimtrack-demo.db"
DEMO_KEY_FILE = Path("claimtrack-demo.key")


def _app(config: Config | None = None):
    from api.app import create_app
    return create_app(config)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main():
    """claimtrack: claims, their sources and their verdicts, over a JSON API."""


@main.command("init-db")
def init_db():
    """Create or upgrade the database schema (DATABASE_URL)."""
    from api.db import migrate
    _app()
    applied = migrate()
    click.echo(f"applied: {', '.join(applied)}" if applied else "database is up to date")


@main.command()
@click.option("--bind", help="host:port (default CLAIMTRACK_BIND or 127.0.0.1:8000)")
@click.option("--workers", type=int, help="gunicorn workers (default CLAIMTRACK_WORKERS or 2)")
def serve(bind, workers):
    """Serve the API under gunicorn."""
    config = Config.from_env()
    _serve(config.with_(bind=bind or config.bind, workers=workers or config.workers))


def _serve(config: Config) -> None:
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", config.bind)
            self.cfg.set("workers", config.workers)
            self.cfg.set("loglevel", config.log_level)
            self.cfg.set("accesslog", "-")
            self.cfg.set("timeout", 60)
            self.cfg.set("preload_app", True)

        def load(self):
            app = _app(config)
            if config.preload_model:
                # Loaded once in the master, shared by the forked workers (copy-on-write).
                from api.extraction.model import get_nlp
                get_nlp()
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
    from api.errors import Problem
    from api.services.sources import create_source

    stored = []
    for meta in json.loads((directory / "metadata.json").read_text(encoding="utf-8")):
        text = (directory / meta["file"]).read_bytes().decode("utf-8")
        fields = {k: meta.get(k) for k in ("kind", "title", "url", "publisher", "published_at", "language")}
        try:
            source = create_source({**fields, "text": text})
        except Problem as problem:
            if problem.status != 409:
                raise
            stored.append(problem.extra["existing"])
            continue
        from api.domain.ids import encode_id
        stored.append(encode_id("source", source.id))
    return stored


@main.command()
@click.option("--samples", "samples_dir", help="folder with metadata.json and the sample texts")
@click.option("--bind", default="127.0.0.1:8000", show_default=True)
@click.option("--no-serve", is_flag=True, help="set up the demo database and exit")
@click.option("--extract/--no-extract", default=True, show_default=True, help="run the extraction pipeline on the samples")
def demo(samples_dir, bind, no_serve, extract):
    """A SQLite demo: migrate, load the samples, extract, print an admin key, serve."""
    from api.db import database, migrate
    from api.domain.ids import decode_id
    from api.services.extraction import run_extraction
    from api.services.keys import create_key

    config = Config.from_env()
    if not config.database_url or config.database_url == Config.database_url:
        config = config.with_(database_url=DEMO_DATABASE)
    config = config.with_(bind=bind)
    _app(config)
    migrate()
    with database.connection_context():
        ids = load_samples(_find_samples(samples_dir))
        if extract:
            for source_id in ids:
                proposed = run_extraction(decode_id("source", source_id)).claims
                click.echo(f"extracted from {source_id}: {len(proposed)} new candidate claims")
        token = create_key("demo admin", "admin").token
    DEMO_KEY_FILE.write_text(token + "\n")
    DEMO_KEY_FILE.chmod(0o600)
    click.echo(f"database: {config.database_url}\nsources: {', '.join(ids)}")
    click.echo(f"admin key (also in {DEMO_KEY_FILE}): {token}")
    if not no_serve:
        click.echo(f"serving on http://{bind}  (try: curl -H \"Authorization: Bearer $(cat {DEMO_KEY_FILE})\" "
                   f"http://{bind}/v1/sources)")
        _serve(config)


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
    from api.services.keys import revoke_key
    _app()
    with database.connection_context():
        if revoke_key(key_id) is None:
            raise click.ClickException(f"no key {key_id}")
    click.echo(f"revoked {key_id}")


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--kind", default="article", show_default=True,
              type=click.Choice(["article", "transcript", "social_post", "other"]))
@click.option("--publisher", help="publisher of every file")
@click.option("--language", default="en", show_default=True)
@click.option("--extract", is_flag=True, help="also run the extraction pipeline on each source")
def ingest(files, kind, publisher, language, extract):
    """Store text files (UTF-8) as sources, titled by file name; already stored texts are skipped."""
    from tqdm import tqdm

    from api.db import database
    from api.domain.ids import encode_id
    from api.errors import Problem
    from api.services.extraction import run_extraction
    from api.services.sources import create_source
    _app()
    stored = skipped = claims = 0
    with database.connection_context():
        for path in tqdm(files, unit=" file", file=sys.stderr):
            text = Path(path).read_bytes().decode("utf-8")
            try:
                source = create_source({"text": text, "title": Path(path).stem, "kind": kind,
                                        "publisher": publisher, "language": language})
            except Problem as problem:
                if problem.status != 409:
                    raise click.ClickException(f"{path}: {problem.detail}") from None
                skipped += 1
                source_id = problem.extra["existing"]
                source_pk = None
            else:
                stored += 1
                source_id, source_pk = encode_id("source", source.id), source.id
            if extract and source_pk is not None:
                claims += len(run_extraction(source_pk).claims)
            tqdm.write(f"{source_id}\t{path}", file=sys.stderr)
    click.echo(f"stored {stored}, skipped {skipped} already stored" + (f", {claims} claims proposed" if extract else ""))


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
    app = _app(Config(database_url="sqlite:///:memory:"))
    return app.extensions["claimtrack_api"].spec.to_yaml()


@main.command("export")
@click.option("--output", "-o", default="-", show_default=True, help="file to write, or - for stdout")
def export(output):
    """Write sources, people, events, claims and verdicts as NDJSON (never API keys)."""
    from tqdm import tqdm

    from api.db import database
    from api.services.exports import export_counts, export_lines
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
@click.argument("file", type=click.File("r", encoding="utf-8"))
def import_(file):
    """Load an export (FILE, or - for stdin) into an empty database, keeping ids and timestamps.

    Applies the migrations first, like init-db.
    """
    from api.db import database, migrate
    from api.services.exports import import_lines
    _app()
    migrate()
    with database.connection_context():
        try:
            counts = import_lines(file)
        except ValueError as error:
            raise click.ClickException(str(error)) from None
    click.echo("imported: " + ", ".join(f"{count} {kind}" for kind, count in counts.items()))
