"""Full-text indexes fold text the same way on SQLite and PostgreSQL (api.domain.text.fold_fulltext).

Before: SQLite's FTS5 (unicode61, remove_diacritics 2) folded accents on Latin letters and
PostgreSQL's `simple` configuration did not (q=jose found "José" on one database only); both
split a word at a soft hyphen or zero width space pasted into it. Now both index documents
without invisible characters, and PostgreSQL strips the combining marks after a Latin letter
(in NFD) as FTS5 does, then recomposes (NFC). A test checks the two agree word for word.
"""
from peewee import SqliteDatabase

# api.domain.text.INVISIBLE, copied: a migration must keep meaning what it meant when written.
INVISIBLE = ("\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
             "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff\u061c")

# As in 0001: (column, expression over the row).
FTS_DOCUMENTS = {
    "claim": [("text", "{row}text")],
    "person": [("name", "{row}name"), ("aliases", "{row}aliases"), ("description", "{row}description")],
    "source": [("title", "{row}title"), ("text", "substr({row}text, 1, 200000)")],
}


def _sqlite_visible(expression: str) -> str:
    for ch in INVISIBLE:
        expression = f"replace({expression}, char({ord(ch)}), '')"
    return expression


def _sqlite(db, table, columns, fold):
    cols = ", ".join(name for name, _ in columns)
    new = ", ".join(fold(expr.format(row="new.")) for _, expr in columns)
    old = ", ".join(fold(expr.format(row="old.")) for _, expr in columns)
    for suffix in ("ai", "ad", "au"):
        db.execute_sql(f"DROP TRIGGER IF EXISTS {table}_fts_{suffix}")
    delete_old = f"INSERT INTO {table}_fts({table}_fts, rowid, {cols}) VALUES ('delete', old.id, {old});"
    insert_new = f"INSERT INTO {table}_fts(rowid, {cols}) VALUES (new.id, {new});"
    db.execute_sql(f"CREATE TRIGGER {table}_fts_ai AFTER INSERT ON {table} BEGIN {insert_new} END")
    db.execute_sql(f"CREATE TRIGGER {table}_fts_ad AFTER DELETE ON {table} BEGIN {delete_old} END")
    db.execute_sql(f"CREATE TRIGGER {table}_fts_au AFTER UPDATE OF {cols} ON {table} BEGIN {delete_old} {insert_new} END")
    db.execute_sql(f"INSERT INTO {table}_fts({table}_fts) VALUES ('delete-all')")
    rows = ", ".join(fold(expr.format(row="")) for _, expr in columns)
    db.execute_sql(f"INSERT INTO {table}_fts(rowid, {cols}) SELECT id, {rows} FROM {table}")


# ASCII punctuation: FTS5's unicode61 separates words at every one of them; PostgreSQL's parser
# keeps some inside tokens (example.com, 3.5, so-called, a_b), which a search for either part
# would then miss. Spaces instead, as FTS5 sees them.
ASCII_PUNCTUATION = r"[!-/:-@[-`{-~]"


def _postgres_folded(expression: str) -> str:
    visible = f"translate({expression}, '{INVISIBLE}', '')"
    separated = f"regexp_replace({visible}, '{ASCII_PUNCTUATION.replace(chr(39), chr(39) * 2)}', ' ', 'g')"
    return f"normalize(regexp_replace(normalize({separated}, NFD), '([A-Za-z])[\u0300-\u036f]+', '\\1', 'g'), NFC)"


def _postgres(db, table, columns, fold):
    document = " || ' ' || ".join(f"coalesce({expr.format(row='')}, '')" for _, expr in columns)
    db.execute_sql(f"DROP INDEX IF EXISTS {table}_search")
    db.execute_sql(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search")
    db.execute_sql(f"ALTER TABLE {table} ADD COLUMN search tsvector "
                   f"GENERATED ALWAYS AS (to_tsvector('simple', {fold(document)})) STORED")
    db.execute_sql(f"CREATE INDEX {table}_search ON {table} USING GIN (search)")


def up(migrator, db):
    _reindex_names(db)
    for table, columns in FTS_DOCUMENTS.items():
        if isinstance(db, SqliteDatabase):
            _sqlite(db, table, columns, _sqlite_visible)
        else:
            _postgres(db, table, columns, _postgres_folded)


def down(migrator, db):
    for table, columns in FTS_DOCUMENTS.items():
        if isinstance(db, SqliteDatabase):
            _sqlite(db, table, columns, lambda expression: expression)
        else:
            _postgres(db, table, columns, lambda expression: expression)


def _reindex_names(db):
    """People lookup's name tokens are rebuilt with today's rules (api.domain.text.name_tokens:
    a word stays whole through apostrophes and soft signs, and variant keys are indexed)."""
    from api.domain.text import name_tokens  # pure; the rules this migration exists to apply

    rows = db.execute_sql("SELECT id, name, aliases FROM person").fetchall()
    db.execute_sql("DELETE FROM person_name_token")
    placeholder = "?" if isinstance(db, SqliteDatabase) else "%s"
    for person_id, name, aliases in rows:
        for token in sorted(name_tokens(name, *[a for a in (aliases or "").split("\n") if a])):
            db.execute_sql(f"INSERT INTO person_name_token (person_id, token) VALUES ({placeholder}, {placeholder})",
                           (person_id, token))
