"""ORM statements compiled once per process and shape, then run with each request's values.

Compiling a query whose select is a large JSON-building expression (common.geojson_sql) costs the
ORM a few milliseconds a call, more than PostgreSQL then takes to run it (the crews' nearby
tickets: about 4 ms to compile, 2 ms to run). The ORM still writes the SQL, once: `build` makes the
query with stand-in values, and its first execution is caught before it reaches the database
(`connection.execute_wrapper`). Each stand-in is a number that no real value takes, so its place
among the parameters says where the request's value goes; every other parameter is a constant of
the query. Whatever the ORM writes into the SQL text itself (a LIMIT, the length of an IN list,
whether a filter is there at all) belongs to the shape, the cache's key.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection

# Stand-ins: far outside any coordinate, distance or primary key the app uses.
_FLOAT_BASE = -7.3e301
_INT_BASE = -7_300_000_000_000


class _Caught(Exception):
    pass


class _Catcher:
    """Stops the first query that carries a stand-in (any other, e.g. a type lookup made as the
    connection opens, runs)."""

    def __init__(self, stand_ins: set):
        self.stand_ins = stand_ins

    def __call__(self, execute, sql, params, many, context):
        if any(_key(p) in self.stand_ins for p in params or () if isinstance(p, int | float)):
            raise _Caught(sql, params)
        return execute(sql, params, many, context)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    slots: tuple  # per parameter: (name, index in a list value or None), or None for a constant
    constants: tuple


_compiled: dict[tuple, _Compiled] = {}


def _key(number) -> tuple:
    """A parameter as the stand-ins are told apart: Django passes some integers wrapped in psycopg's
    sized types (Int4, Int8: subclasses of int), which are the same stand-in."""
    return (float if isinstance(number, float) else int, number)


def _stand_in(value, number: int):
    if isinstance(value, bool):
        raise TypeError("a boolean changes the SQL text: make it part of the shape")
    if isinstance(value, int):
        return _INT_BASE - number
    if isinstance(value, float):
        return _FLOAT_BASE * (1 + number / 1024)
    raise TypeError(f"only numbers (or lists of numbers) can be passed as values, not {type(value).__name__}")


def _compile(build: Callable[..., object], values: dict) -> _Compiled:
    number = 0
    stand_ins, where = {}, {}
    for name, value in values.items():
        if isinstance(value, list | tuple):
            stand_ins[name] = []
            for index, item in enumerate(value):
                stand_ins[name].append(_stand_in(item, number))
                where[(type(stand_ins[name][-1]), stand_ins[name][-1])] = (name, index)
                number += 1
        else:
            stand_ins[name] = _stand_in(value, number)
            where[(type(stand_ins[name]), stand_ins[name])] = (name, None)
            number += 1
    logged = len(connection.queries_log)
    try:
        with connection.execute_wrapper(_Catcher(set(where))):
            build(**stand_ins)
    except _Caught as caught:
        sql, params = caught.args
    else:
        raise RuntimeError("the statement's build ran no query")
    finally:
        # A debug cursor (DEBUG, or a test counting queries) logs the stopped query: it never ran.
        while len(connection.queries_log) > logged:
            connection.queries_log.pop()
    params = tuple(params or ())
    slots = tuple(where.get(_key(p)) if isinstance(p, int | float) else None for p in params)
    found = {slot for slot in slots if slot is not None}
    if found != set(where.values()):
        raise RuntimeError(f"values not found among the parameters: {set(where.values()) - found}")
    return _Compiled(sql, slots, params)


def fetch_rows(shape: tuple, build: Callable[..., object], **values) -> list[tuple]:
    """The rows of the statement `build(**values)` would run. `build` is called (once per `shape`)
    with stand-ins for `values` (numbers or lists of numbers); `shape` must name everything else
    that changes the SQL text or its constants (the lengths of lists, the language, ...)."""
    compiled = _compiled.get(shape)
    if compiled is None:
        compiled = _compiled[shape] = _compile(build, values)
    params = [
        constant if slot is None else (values[slot[0]] if slot[1] is None else values[slot[0]][slot[1]])
        for slot, constant in zip(compiled.slots, compiled.constants, strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, params)
        return cursor.fetchall()


def fetch_value(shape: tuple, build: Callable[..., object], **values):
    """The first column of the first row (None without rows): fetch_rows for one value."""
    rows = fetch_rows(shape, build, **values)
    return rows[0][0] if rows else None
