"""Matching (issue 16): the claims' BM25 terms in the database's own full-text index, and the
statistics BM25 needs kept beside them.

- SQLite: `claim_embedding_fts`, a contentless FTS5 table (`detail=none`: which documents hold a
  term, nothing more) over `claim_embedding.terms`, rowid = claim id. The tokenizer keeps every
  term whole and unchanged (unicode61 without diacritic folding, '_' a word character; terms are
  already lower-cased, stemmed words of word characters: api.matching.lexical.terms).
- PostgreSQL: `claim_embedding.lexemes`, a generated `tsvector` made from the terms as they are
  (`array_to_tsvector`, no parser, no configuration), with a GIN index.
- Both: `matching_term(term, df)`, the number of stored rows whose terms include each term, and
  `matching_state.documents` / `total_length` (rows, and their terms counted with repeats),
  kept by triggers on `claim_embedding` in the transaction that writes or deletes a row (also the
  cascade from a deleted claim). Triggers lock `matching_state` before `matching_term`, the
  order in which api.services.matching.embed_claims takes them, so writers cannot deadlock.

Models here are a frozen copy, independent of api.models.
"""
from peewee import BigIntegerField, Model, SqliteDatabase, TextField

# A term's rows: split the space-separated terms (SQLite through JSON: terms hold only word
# characters, so they need no escaping inside a JSON string).
_SQLITE_TERMS = "SELECT DISTINCT value{extra} FROM json_each('[\"' || replace({row}.terms, ' ', '\",\"') || '\"]') WHERE value <> ''"
_SQLITE_LENGTH = "(CASE WHEN {row}.terms = '' THEN 0 ELSE length({row}.terms) - length(replace({row}.terms, ' ', '')) + 1 END)"


def _models(db):
    class MatchingTerm(Model):
        term = TextField(primary_key=True)
        df = BigIntegerField(default=0)

        class Meta:
            database = db
            legacy_table_names = False

    return MatchingTerm


def _sqlite_up(db):
    db.execute_sql("CREATE VIRTUAL TABLE claim_embedding_fts USING fts5(terms, content='', detail='none', "
                   "tokenize=\"unicode61 remove_diacritics 0 tokenchars '_'\")")
    add = (f"UPDATE matching_state SET documents = documents + 1, total_length = total_length + "
           f"{_SQLITE_LENGTH.format(row='new')} WHERE id = 1; "
           f"INSERT INTO matching_term (term, df) {_SQLITE_TERMS.format(row='new', extra=', 1')} "
           f"ON CONFLICT (term) DO UPDATE SET df = df + 1; "
           f"INSERT INTO claim_embedding_fts (rowid, terms) VALUES (new.claim_id, new.terms);")
    # A term is never empty, so `value` is never ''; df ≥ 1 for every stored term.
    remove = (f"UPDATE matching_state SET documents = documents - 1, total_length = total_length - "
              f"{_SQLITE_LENGTH.format(row='old')} WHERE id = 1; "
              f"UPDATE matching_term SET df = df - 1 WHERE term IN ({_SQLITE_TERMS.format(row='old', extra='')}); "
              f"INSERT INTO claim_embedding_fts (claim_embedding_fts, rowid, terms) "
              f"VALUES ('delete', old.claim_id, old.terms);")
    db.execute_sql(f"CREATE TRIGGER claim_embedding_terms_ai AFTER INSERT ON claim_embedding BEGIN {add} END")
    db.execute_sql(f"CREATE TRIGGER claim_embedding_terms_ad AFTER DELETE ON claim_embedding BEGIN {remove} END")
    db.execute_sql(f"CREATE TRIGGER claim_embedding_terms_au AFTER UPDATE OF terms, claim_id ON claim_embedding "
                   f"BEGIN {remove} {add} END")
    db.execute_sql("INSERT INTO claim_embedding_fts (rowid, terms) SELECT claim_id, terms FROM claim_embedding")
    db.execute_sql("INSERT INTO matching_term (term, df) SELECT value, count(*) FROM "
                   "(SELECT DISTINCT e.claim_id, j.value FROM claim_embedding e, "
                   "json_each('[\"' || replace(e.terms, ' ', '\",\"') || '\"]') j WHERE j.value <> '') "
                   "GROUP BY value")
    db.execute_sql(f"UPDATE matching_state SET documents = (SELECT count(*) FROM claim_embedding), "
                   f"total_length = (SELECT coalesce(sum({_SQLITE_LENGTH.format(row='e')}), 0) "
                   f"FROM claim_embedding e) WHERE id = 1")


def _sqlite_down(db):
    for suffix in ("ai", "ad", "au"):
        db.execute_sql(f"DROP TRIGGER IF EXISTS claim_embedding_terms_{suffix}")
    db.execute_sql("DROP TABLE IF EXISTS claim_embedding_fts")


def _postgres_up(db):
    db.execute_sql("ALTER TABLE claim_embedding ADD COLUMN lexemes tsvector "
                   "GENERATED ALWAYS AS (array_to_tsvector(string_to_array(terms, ' '))) STORED")
    db.execute_sql("CREATE INDEX claim_embedding_lexemes ON claim_embedding USING GIN (lexemes)")
    db.execute_sql("""
        CREATE FUNCTION claim_embedding_terms() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP IN ('DELETE', 'UPDATE') THEN
                UPDATE matching_state SET documents = documents - 1,
                       total_length = total_length - cardinality(string_to_array(OLD.terms, ' ')) WHERE id = 1;
                UPDATE matching_term SET df = df - 1
                 WHERE term IN (SELECT DISTINCT unnest(string_to_array(OLD.terms, ' ')));
            END IF;
            IF TG_OP IN ('INSERT', 'UPDATE') THEN
                UPDATE matching_state SET documents = documents + 1,
                       total_length = total_length + cardinality(string_to_array(NEW.terms, ' ')) WHERE id = 1;
                INSERT INTO matching_term (term, df)
                     SELECT DISTINCT t, 1 FROM unnest(string_to_array(NEW.terms, ' ')) AS t ORDER BY t
                ON CONFLICT (term) DO UPDATE SET df = matching_term.df + 1;
            END IF;
            RETURN NULL;
        END $$""")
    db.execute_sql("CREATE TRIGGER claim_embedding_terms AFTER INSERT OR DELETE OR UPDATE OF terms, claim_id "
                   "ON claim_embedding FOR EACH ROW EXECUTE FUNCTION claim_embedding_terms()")
    # TRUNCATE fires no row trigger; it empties the statistics instead (TRUNCATE claim … CASCADE too).
    db.execute_sql("""
        CREATE FUNCTION claim_embedding_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE matching_state SET documents = 0, total_length = 0 WHERE id = 1;
            DELETE FROM matching_term;
            RETURN NULL;
        END $$""")
    db.execute_sql("CREATE TRIGGER claim_embedding_truncated AFTER TRUNCATE ON claim_embedding "
                   "FOR EACH STATEMENT EXECUTE FUNCTION claim_embedding_truncated()")
    db.execute_sql("INSERT INTO matching_term (term, df) SELECT t, count(*) FROM "
                   "(SELECT DISTINCT claim_id, unnest(string_to_array(terms, ' ')) AS t FROM claim_embedding) d "
                   "GROUP BY t")
    db.execute_sql("UPDATE matching_state SET documents = (SELECT count(*) FROM claim_embedding), "
                   "total_length = (SELECT coalesce(sum(cardinality(string_to_array(terms, ' '))), 0) "
                   "FROM claim_embedding) WHERE id = 1")


def _postgres_down(db):
    db.execute_sql("DROP TRIGGER IF EXISTS claim_embedding_terms ON claim_embedding")
    db.execute_sql("DROP FUNCTION IF EXISTS claim_embedding_terms()")
    db.execute_sql("DROP TRIGGER IF EXISTS claim_embedding_truncated ON claim_embedding")
    db.execute_sql("DROP FUNCTION IF EXISTS claim_embedding_truncated()")
    db.execute_sql("DROP INDEX IF EXISTS claim_embedding_lexemes")
    db.execute_sql("ALTER TABLE claim_embedding DROP COLUMN IF EXISTS lexemes")


def up(migrator, db):
    db.create_tables([_models(db)])
    db.execute_sql("ALTER TABLE matching_state ADD COLUMN documents BIGINT NOT NULL DEFAULT 0")
    db.execute_sql("ALTER TABLE matching_state ADD COLUMN total_length BIGINT NOT NULL DEFAULT 0")
    if isinstance(db, SqliteDatabase):
        _sqlite_up(db)
    else:
        _postgres_up(db)


def down(migrator, db):
    if isinstance(db, SqliteDatabase):
        _sqlite_down(db)
    else:
        _postgres_down(db)
    db.drop_tables([_models(db)])
    db.execute_sql("ALTER TABLE matching_state DROP COLUMN total_length")
    db.execute_sql("ALTER TABLE matching_state DROP COLUMN documents")
