"""Queries whose SQL text is built once per process, then run again with new values.

Peewee renders SQL from its expression tree every time a query runs. For the hot, fixed-shape
reads (a key by id, a row by id, the details of a page of claims) that rendering cost more than
the database work: about half of a claim GET's CPU (bench/RESULTS.md). A `PreparedQuery` builds
its query once per database dialect and per shape (the length of each id list), with marker
numbers where the values go, keeps the SQL text, and afterwards only swaps values in.
A `PreparedSelect` does the same for a query whose shape depends on which values are given (a
list page's filters), with values of any type, each converted as peewee would convert it; a
`PreparedStatement` for any other statement (an UPDATE), and `PreparedInsert` for an INSERT.
`run_writes` runs a use case's writes together (one statement, one round trip, on PostgreSQL).
"""
from __future__ import annotations

import threading
from typing import Callable, NamedTuple, Sequence

import peewee

from api.db import database, is_postgres

# Markers are integers, so integer and foreign-key fields pass them through unchanged, and far
# beyond any key the app hands out, so a marker can't be mistaken for a constant of the query.
_MARKER_BASE = 7_000_000_000_000_000_000
_LIST_STRIDE = 1_000_000


def _marker(arg: int, item: int | None) -> int:
    return _MARKER_BASE + arg * _LIST_STRIDE + (0 if item is None else item + 1)


class PreparedQuery:
    """`PreparedQuery(lambda key_id: ApiKey.select().where(ApiKey.id == key_id))(42)` runs
    the query for 42 and returns a list of model instances, as iterating the query would.

    Arguments are integers or sequences of integers (for `IN`); the builder must use each
    argument only as a value, never to choose the query's shape.
    """

    def __init__(self, build: Callable[..., peewee.Query]):
        self._build = build
        self._shapes: dict[tuple, tuple[peewee.ModelSelect, str, list]] = {}
        self._lock = threading.Lock()
        # For a query of tuples, per shape: the converter of each column (None: as the driver
        # gives it), learnt from peewee's cursor wrapper on its first row. Then rows are converted
        # here, without a wrapper that maps the columns to fields again on every execution.
        self._converters: dict[tuple, tuple] = {}

    def _prepare(self, shape: tuple) -> tuple[peewee.ModelSelect, str, list]:
        lengths = shape[1:]
        markers = [_marker(i, None) if n is None else [_marker(i, j) for j in range(n)]
                   for i, n in enumerate(lengths)]
        query = self._build(*markers)
        sql, params = query.sql()
        slots = []  # per parameter: (argument, item of it or None, None), or (None, None, constant)
        for value in params:
            if isinstance(value, int) and value >= _MARKER_BASE:
                arg, item = divmod(value - _MARKER_BASE, _LIST_STRIDE)
                slots.append((arg, item - 1 if item else None, None))
            else:
                slots.append((None, None, value))
        return query, sql, slots

    def __call__(self, *args: int | Sequence[int]) -> list:
        lengths = tuple(None if isinstance(a, int) else len(a) for a in args)
        shape = (type(database.obj),) + lengths
        prepared = self._shapes.get(shape)
        if prepared is None:
            with self._lock:
                prepared = self._shapes.get(shape) or self._shapes.setdefault(shape, self._prepare(shape))
        query, sql, slots = prepared
        params = [constant if arg is None else args[arg] if item is None else args[arg][item]
                  for arg, item, constant in slots]
        cursor = database.execute_sql(sql, params)
        converters = self._converters.get(shape)
        if converters is not None:
            return [tuple([value if convert is None else convert(value) for convert, value in zip(converters, row)])
                    for row in cursor.fetchall()]
        wrapper = query._get_cursor_wrapper(cursor)
        rows = list(wrapper)
        if rows and type(wrapper) is peewee.ModelTupleCursorWrapper:  # not a namedtuple subclass
            self._converters[shape] = tuple(wrapper.converters)
        return rows


class Param:
    """Where the value named `name` goes in a query that PreparedSelect renders (a marker)."""

    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name


class _Slot:
    """A parameter of the rendered SQL: the value named `name`, converted by `convert` (the
    `db_value` of the field it is compared with, as peewee would) or passed as it is."""

    __slots__ = ("name", "convert")

    def __init__(self, name: str, convert):
        self.name, self.convert = name, convert


class _RecordingContext(peewee.Context):
    """peewee's SQL context, except that a Param becomes a slot recording the conversion peewee
    would apply to a value in its place (Context.value's rules), instead of a converted value."""

    def value(self, value, converter=None, add_param=True):
        if not isinstance(value, Param):
            return super().value(value, converter, add_param)
        if self.state.value_literals:
            raise TypeError(f"{value.name} would be rendered as a literal, not a parameter")
        if converter is None:  # False: peewee converts nothing (SQL's own parameters)
            converter = self.state.converter
        self._values.append(_Slot(value.name, converter or None))
        return self.literal(self.state.param or "?") if add_param else self


MAX_SHAPES = 512  # per PreparedStatement; beyond them a shape is rendered on every call


class PreparedStatement:
    """A statement whose shape depends on which values it is given (filters present, an order),
    with its SQL text rendered once per database dialect and shape, then given new values.

    `build(params, *options)` builds the query (a SELECT, an UPDATE…), where `params` maps each
    name of `values` to a Param (or to None for a None value, which peewee renders itself:
    `IS NULL`, a branch of its own); it must decide the query's shape by the names present, the
    None values and `options` only (hashable), never by a Param. Each parameter is converted as
    peewee converts it (the `db_value` of the field it is compared with or assigned to), so
    values may be of any type; a value that peewee transforms before a comparison (a tag's
    normal form, a full-text query) is passed transformed. Values, never expressions (peewee
    would render an expression into the SQL). `write(values)` gives a write's Write (run_writes).
    """

    def __init__(self, build: Callable[..., peewee.Query]):
        self._build = build
        self._shapes: dict[tuple, tuple[peewee.Query, str, list]] = {}

    def prepare(self, values: dict, *options) -> tuple[peewee.Query, str, list]:
        """(the query built with markers, its SQL, per parameter: a _Slot or a constant)."""
        shape = (type(database.obj), options, tuple((name, value is None) for name, value in values.items()))
        prepared = self._shapes.get(shape)
        if prepared is None:
            params = {name: None if value is None else Param(name) for name, value in values.items()}
            query = self._build(params, *options)
            context = _RecordingContext(**database.obj.get_context_options())
            sql, slots = context.parse(query)
            prepared = (query, sql, slots)
            # Bounded: the shapes a client can ask for multiply (every combination of filters).
            if len(self._shapes) < MAX_SHAPES:
                prepared = self._shapes.setdefault(shape, prepared)
        return prepared

    def parameters(self, values: dict, *options) -> tuple[str, list]:
        """(SQL, parameters) for these values: what peewee's query.sql() gives."""
        _, sql, slots = self.prepare(values, *options)
        return sql, _fill(slots, values)

    def write(self, values: dict, *options) -> Write:
        """The statement (an INSERT, UPDATE or DELETE) for these values, for run_writes."""
        return Write(*self.parameters(values, *options))


class PreparedSelect(PreparedStatement):
    """`PreparedSelect(build)(values, *options)`: the rows of the query built for these values
    (see PreparedStatement), as iterating the query would return them."""

    def __call__(self, values: dict, *options) -> list:
        query, sql, slots = self.prepare(values, *options)
        return list(query._get_cursor_wrapper(database.execute_sql(sql, _fill(slots, values))))

    def raw(self, values: dict, *options) -> tuple[list[tuple], Callable[[list[tuple]], list]]:
        """(the rows as the driver gives them: tuples in the query's column order, unconverted; a
        function turning some of them into what iterating the query gives). Converting rows cost
        more than reading them (a list page's datetimes, bench/RESULTS.md, issue #17): a caller
        that only compares rows with rows read before converts none. Convert before the
        connection is closed (the cursor's description names the columns)."""
        query, sql, slots = self.prepare(values, *options)
        cursor = database.execute_sql(sql, _fill(slots, values))
        rows = cursor.fetchall()

        def convert(some: list[tuple]) -> list:
            wrapper = query._get_cursor_wrapper(cursor)
            wrapper.initialize()  # what iterating does before its first row
            return [wrapper.process_row(row) for row in some]
        return rows, convert


def _fill(slots: list, values: dict) -> list:
    return [slot if not isinstance(slot, _Slot) else values[slot.name] if slot.convert is None
            else slot.convert(values[slot.name]) for slot in slots]


_BY_ID: dict[type, PreparedQuery] = {}


def row_by_id(model: type[peewee.Model], pk: int):
    """The row with this primary key, or None: the commonest read, prepared once per model."""
    query = _BY_ID.get(model)
    if query is None:
        query = _BY_ID.setdefault(model, PreparedQuery(lambda marker: model.select().where(model.id == marker)))
    rows = query(pk)
    return rows[0] if rows else None


class PreparedInsert:
    """`PreparedInsert(AuditEntry).create(actor_name="x", …)` stores one row as
    `AuditEntry.create(…)` does (the fields' defaults filled in, values converted by their
    fields, the new key set on the returned instance), with the INSERT's SQL text rendered by
    peewee once per database dialect and set of columns. Rendering it again on every write was
    a third of a verdict's CPU (bench/RESULTS.md, issue #17). A first rendering whose parameters
    are not the fields' own conversions of the values is not kept (that insert runs as peewee
    renders it, every time)."""

    def __init__(self, model: type[peewee.Model]):
        self._model = model
        self._shapes: dict[tuple, tuple[str, list[peewee.Field], bool] | None] = {}

    def create(self, **values) -> peewee.Model:
        row, write, returning = self._statement(values)
        cursor = database.execute_sql(*write)
        if row._pk is None:
            row._pk = cursor.fetchone()[0] if returning else cursor.lastrowid
        row._dirty.clear()
        return row

    def write(self, **values) -> tuple[peewee.Model, Write]:
        """(the row as create() returns it, its INSERT for run_writes): give the key (`id`, e.g.
        reserved by next_key) when something else written with it needs it."""
        row, write, _ = self._statement(values)
        row._dirty.clear()
        return row, write

    def _statement(self, values: dict) -> tuple[peewee.Model, Write, bool]:
        row = self._model(**values)
        data = dict(row.__data__)
        meta = self._model._meta
        if meta.auto_increment and row._pk is None:
            data.pop(meta.primary_key.name, None)
        shape = (type(database.obj), tuple(sorted(data)))
        prepared = self._shapes.get(shape, False)
        if prepared is False:
            prepared = self._shapes.setdefault(shape, self._prepare(data))
        if prepared is None:  # as peewee renders it
            sql, params = self._model.insert(**data).sql()
            return row, Write(sql, params), " RETURNING " in sql
        sql, columns, returning = prepared
        return row, Write(sql, [column.db_value(data[column.name]) for column in columns]), returning

    def _prepare(self, data: dict) -> tuple[str, list[peewee.Field], bool] | None:
        sql, params = self._model.insert(**data).sql()
        # peewee lists an INSERT's columns in the fields' order (_sort_key).
        columns = sorted((self._model._meta.fields[name] for name in data), key=lambda field: field._sort_key)
        if params != [column.db_value(data[column.name]) for column in columns]:
            return None
        return sql, columns, " RETURNING " in sql


class Write(NamedTuple):
    """One INSERT, UPDATE or DELETE ready to run: its SQL text and parameters (run_writes)."""

    sql: str
    params: list


def run_writes(writes: Sequence[Write]) -> None:
    """Run these writes in the caller's transaction, as one statement where the database allows
    it: on PostgreSQL `WITH w0 AS (…), w1 AS (…) SELECT 1` (data-modifying WITH queries each run
    exactly once and to completion: one round trip instead of one per write, bench/RESULTS.md,
    issue #17), on SQLite (no data-modifying WITH, no round trips either) one after the other.

    So the writes must not depend on each other's effects: none reads what another writes, no two
    change the same row (they share one snapshot on PostgreSQL), and any key one needs of another
    is given (next_key). Foreign keys between them hold: PostgreSQL checks them at the end of the
    statement. Raises what the database raises (peewee's IntegrityError…); nothing is returned."""
    if len(writes) == 1 or not is_postgres():
        for write in writes:
            database.execute_sql(*write)
        return
    sql = "WITH " + ", ".join(f"w{i} AS ({write.sql})" for i, write in enumerate(writes)) + " SELECT 1"
    database.execute_sql(sql, [param for write in writes for param in write.params])


def next_key(model: type[peewee.Model]) -> peewee.Node:
    """A column (for a statement the write runs first, e.g. its lock) giving the key the next row
    of `model` gets when it is inserted with that key, in the same transaction: PostgreSQL's
    `nextval` of the key's sequence (taken: a rollback leaves a gap, as an INSERT's would), or
    on SQLite the key an AUTOINCREMENT insert would get (one past the largest ever used), which
    stays free while the transaction holds SQLite's write lock (BEGIN IMMEDIATE, api.db) until
    the insert. Call it where a PreparedQuery prepares its SQL: once per database dialect."""
    table, column = model._meta.table_name, model._meta.primary_key.column_name
    if is_postgres():
        return peewee.fn.nextval(peewee.fn.pg_get_serial_sequence(table, column))
    return peewee.SQL(f'max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = ?), 0), '
                      f'coalesce((SELECT max("{column}") FROM "{table}"), 0)) + 1', [table])
