"""New rows that belong together (a report and its first timeline entry, its contact, its
Idempotency-Key) written by one INSERT statement instead of one round trip each.

Each row's INSERT is compiled by Django itself (fields prepared, `auto_now` and defaults applied, the
same SQL `Model.save()` would send); this module only chains them: the first row's INSERT becomes a
common table expression whose new id the others' foreign key reads.

    insert_together(report, [entry, contact])   # entry.report and contact.report are `report`
"""

from django.db import connections, router
from django.db.models import Model
from django.db.models.expressions import RawSQL
from django.db.models.sql import InsertQuery


def _compiled(obj: Model, using: str) -> tuple[str, tuple]:
    """The INSERT ... RETURNING id Django would send for `obj`."""
    meta = obj._meta
    fields = [field for field in meta.local_concrete_fields if not field.generated and field is not meta.auto_field]
    query = InsertQuery(type(obj))
    query.insert_values(fields, [obj])
    compiler = query.get_compiler(using=using)
    compiler.returning_fields = [meta.pk]
    [(sql, params)] = compiler.as_sql()
    return sql, tuple(params)


def insert_together(parent: Model, children: list[Model]) -> None:
    """Insert `parent` and `children` (new rows each with a foreign key to `parent`) in one
    statement, so in one transaction whatever the caller's; sets every primary key, as save() would.
    An IntegrityError leaves none of them written."""
    using = router.db_for_write(type(parent), instance=parent)
    quote = connections[using].ops.quote_name
    links = []
    for child in children:
        link = next(
            field
            for field in child._meta.concrete_fields
            if field.is_relation and field.related_model is type(parent) and getattr(child, field.name) is parent
        )
        links.append(link)
        new_id = f"(SELECT {quote(parent._meta.pk.column)} FROM row_0)"  # noqa: S608 (a quoted column name)
        setattr(child, link.attname, RawSQL(new_id, ()))  # noqa: S611
    try:
        parts, params = [], []
        for index, obj in enumerate([parent, *children]):
            sql, row_params = _compiled(obj, using)
            parts.append(f"row_{index} AS ({sql})")
            params.extend(row_params)
        ids = ", ".join(
            f"(SELECT {quote(obj._meta.pk.column)} FROM row_{index})"  # noqa: S608 (a quoted column name)
            for index, obj in enumerate([parent, *children])
        )
        with connections[using].cursor() as cursor:
            cursor.execute(f"WITH {', '.join(parts)} SELECT {ids}", params)
            row = cursor.fetchone()
    finally:
        for child, link in zip(children, links, strict=True):
            setattr(child, link.attname, None)
    for obj, pk in zip([parent, *children], row, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = using
    for child, link in zip(children, links, strict=True):
        setattr(child, link.name, parent)
