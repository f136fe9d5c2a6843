"""Statements compiled once: a queryset with named parameters (`Param`) is turned into SQL the
first time it runs, and later runs only fill in the values.

Building and compiling a queryset costs the ORM more than PostgreSQL takes to run a simple
statement: about 1-3 ms of CPU for a locked read with a join, an EXISTS and a subquery. On the
path of the enrolment rush (docs/benchmarks.md) that is most of the work, paid again for every
parent. A `Prepared` statement keeps the ORM as the one place its SQL is written (the rules in
the query stay where they are) and pays the compile once per process and shape:

    CHILDREN = Prepared(lambda size: Child.objects.filter(
        pk__in=[Param(f"child{i}") for i in range(size)]
    ).select_related("school"))

    children = CHILDREN.instances(size=2, child0=7, child1=8)

`size` is whatever changes the statement's shape (here the number of children); each shape is
compiled once. Every other value in the queryset is fixed when it is compiled, so whatever
changes from one run to the next (an id, the time) must be a `Param`. A Param's value goes to
the database as it is, without the ORM's care for an id longer than any key (SQLite would
overflow): refuse such input first (`core.ids.as_id`). Rows come back as
Django's own iterables make them (`instances()` like a queryset, `rows()` like
`values_list()`), with the same converters and `select_related` objects;
tests/core/test_prepared.py holds the two to the same answers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import BigIntegerField, Expression, Field, Model, QuerySet
from django.db.models.query import ModelIterable, get_related_populators
from django.db.models.sql.compiler import SQLCompiler


class Param(Expression):
    """A value left open in a prepared statement, filled in by name when it runs."""

    def __init__(self, name: str, output_field: Field | None = None) -> None:
        super().__init__(output_field=output_field or BigIntegerField())
        self.name = name

    def __repr__(self) -> str:
        return f"Param({self.name!r})"

    def as_sql(self, compiler, connection):
        # The parameter list carries the Param itself; Prepared swaps in the value.
        return "%s", (self,)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    names: frozenset[str]  # of the Params
    compiler: SQLCompiler
    # For instances(): where the model's columns are, its related objects and annotations.
    init_list: list[str] | None
    model_slice: slice | None
    populators: list
    annotation_col_map: dict[str, int]
    # What SQLCompiler.results_iter works out on every run: the selected columns and their
    # converters (about a sixth of a short statement's CPU).
    fields: list = field(default_factory=list)
    converters: dict = field(default_factory=dict)
    composite: bool = False


class Prepared:
    """A queryset (made by `build(size)`) compiled once per size and database; see the module
    docstring. A locked read (`select_for_update()`) is compiled inside the transaction that
    first runs it, as the ORM requires."""

    def __init__(self, build: Callable[[int], QuerySet]) -> None:
        self.build = build
        self._compiled: dict[tuple[str, int], _Compiled] = {}

    def bind(self, size: int = 1, using: str = DEFAULT_DB_ALIAS, **values) -> Bound:
        """The statement with its values, to run later (`core.locking.lock` takes it)."""
        return Bound(self, size, using, values)

    def instances(self, size: int = 1, using: str = DEFAULT_DB_ALIAS, **values) -> list[Model]:
        """The rows as model instances, as iterating over the queryset would give them (after
        django.db.models.query.ModelIterable)."""
        compiled = self._compile(size, using)
        connection = connections[using]
        if compiled.init_list is None:
            raise TypeError("instances() needs a queryset of model rows, not values()")
        model = compiled.compiler.klass_info["model"]
        found = []
        for row in self._run(compiled, connection, values):
            obj = model.from_db(using, compiled.init_list, row[compiled.model_slice])
            for populator in compiled.populators:
                populator.populate(row, obj)
            for name, position in compiled.annotation_col_map.items():
                setattr(obj, name, row[position])
            found.append(obj)
        return found

    def rows(self, size: int = 1, using: str = DEFAULT_DB_ALIAS, **values) -> list[tuple]:
        """The rows as tuples of the selected columns (for a values_list() queryset)."""
        compiled = self._compile(size, using)
        return list(self._run(compiled, connections[using], values))

    def _run(self, compiled: _Compiled, connection, values: dict[str, Any]):
        if missing := compiled.names - values.keys():
            raise TypeError(f"the statement needs a value for {', '.join(sorted(missing))}")
        params = [
            value.output_field.get_db_prep_value(values[value.name], connection)
            if isinstance(value, Param)
            else value
            for value in compiled.params
        ]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            fetched = cursor.fetchall()
        compiler = compiled.compiler
        if compiler.has_extra_select:  # columns selected only for the ordering
            fetched = [row[: compiler.col_count] for row in fetched]
        # SQLCompiler.results_iter, with what it works out each time worked out once.
        rows = iter(fetched)
        if compiled.converters:
            rows = compiler.apply_converters(rows, compiled.converters)
        if compiled.composite:
            rows = compiler.composite_fields_to_tuples(rows, compiled.fields)
        return map(tuple, rows)

    def _compile(self, size: int, using: str) -> _Compiled:
        key = (using, size)
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = _compile(self.build(size), using)
        return compiled


@dataclass(frozen=True)
class Bound:
    """A prepared statement with its values."""

    statement: Prepared
    size: int
    using: str
    values: dict[str, Any]

    @property
    def query(self):
        return self.statement._compile(self.size, self.using).compiler.query

    def instances(self) -> list[Model]:
        return self.statement.instances(self.size, self.using, **self.values)


def _compile(queryset: QuerySet, using: str) -> _Compiled:
    compiler = queryset.query.get_compiler(using=using)
    sql, params = compiler.as_sql()  # also fills compiler.select and klass_info
    names = frozenset(value.name for value in params if isinstance(value, Param))
    columns = [selected[0] for selected in compiler.select[: compiler.col_count]]
    compiled = _Compiled(
        sql,
        tuple(params),
        names,
        compiler,
        None,
        None,
        [],
        {},
        fields=columns,
        converters=compiler.get_converters(columns),
        composite=compiler.has_composite_fields(columns),
    )
    if queryset._iterable_class is not ModelIterable:  # values() or values_list()
        return compiled
    klass_info = compiler.klass_info
    selected = klass_info["select_fields"]
    model_slice = slice(selected[0], selected[-1] + 1)
    return replace(
        compiled,
        init_list=[column[0].target.attname for column in compiler.select[model_slice]],
        model_slice=model_slice,
        populators=get_related_populators(klass_info, compiler.select, using),
        annotation_col_map=compiler.annotation_col_map or {},
    )
