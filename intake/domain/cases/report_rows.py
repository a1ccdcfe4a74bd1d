"""A new report's rows written with one Core INSERT per table, not the ORM's unit of work.

A report is a handful of new rows (the report, its key wraps, its first event, its name tags,
a used form token) that nothing else in the session depends on. The unit of work that a
commit runs for them (sorting mappers, building save actions per object, syncing foreign keys)
cost more CPU than everything else in an API submission besides the receipt key derivation
(bench/README.md, "The KDF's share of each flow"). The objects are still built as ORM
objects, so every hook runs as before (an event's copy of the case's facts and its number);
only the writing changes. Afterwards they are attached to the session as rows that exist,
as if loaded, so the caller keeps using them: the receipt page reads the report, an
attachment is added to its collection. The caller's transaction is the only one: nothing is
committed here, and a clash (a form token already used) raises IntegrityError at once.
"""

from __future__ import annotations

import collections
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy import inspect as inspect_object
from sqlalchemy.orm import Mapper, Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.interfaces import MANYTOONE, ONETOMANY

from intake.domain.models.base import Base

#: Inserted before every table that refers to them, the metadata's own order.
_TABLE_ORDER = {table: place for place, table in enumerate(Base.metadata.sorted_tables)}


def insert_new(db: Session, objects: Sequence[Base]) -> None:
    """Write these new objects and the children in their collections, then attach them.

    The objects must be transient (never added to a session), and their collections' members
    must be among them or new too; they become persistent in `db` as they were built.
    """
    every = _with_children(objects)
    for obj in every:
        _copy_parent_keys(obj)
    rows: dict[tuple[Table, tuple[str, ...]], list[dict[str, Any]]] = collections.defaultdict(list)
    for obj in every:
        mapper = inspect_object(obj).mapper
        row = _row(mapper, obj)
        rows[(cast(Table, mapper.local_table), tuple(row))].append(row)
    for (table, _columns), batch in sorted(rows.items(), key=lambda item: _TABLE_ORDER[item[0][0]]):
        db.execute(insert(table), batch)
    for obj in every:
        make_transient_to_detached(obj)
        # A new row has no children but those written with it: its other collections are
        # empty, not to be looked up.
        for relationship in inspect_object(obj).mapper.relationships:
            if relationship.direction is ONETOMANY and relationship.key not in obj.__dict__:
                set_committed_value(obj, relationship.key, [])
    db.add_all(every)


def _with_children(objects: Sequence[Base]) -> list[Base]:
    every: dict[int, Base] = {}
    pending = list(objects)
    while pending:
        obj = pending.pop(0)
        if id(obj) in every:
            continue
        every[id(obj)] = obj
        for relationship in inspect_object(obj).mapper.relationships:
            if relationship.direction is ONETOMANY and relationship.key in obj.__dict__:
                pending.extend(obj.__dict__[relationship.key])
    return list(every.values())


def _copy_parent_keys(obj: Base) -> None:
    """Foreign keys the unit of work would copy from related objects (both directions)."""
    mapper = inspect_object(obj).mapper
    for relationship in mapper.relationships:
        related = obj.__dict__.get(relationship.key)
        if related is None:
            continue
        if relationship.direction is MANYTOONE:
            for local, remote in relationship.local_remote_pairs:
                value = getattr(related, relationship.mapper.get_property_by_column(remote).key)
                setattr(obj, mapper.get_property_by_column(local).key, value)
        elif relationship.direction is ONETOMANY:
            for child in related:
                child_mapper = relationship.mapper
                for local, remote in relationship.local_remote_pairs:
                    value = getattr(obj, mapper.get_property_by_column(local).key)
                    setattr(child, child_mapper.get_property_by_column(remote).key, value)


def _row(mapper: Mapper[Any], obj: Base) -> dict[str, Any]:
    """The object's columns, defaults filled in on the object too, so it holds its whole row."""
    row: dict[str, Any] = {}
    for column in mapper.local_table.columns:
        key = mapper.get_property_by_column(column).key
        if key in obj.__dict__:
            row[column.key] = obj.__dict__[key]
            continue
        default = column.default
        if default is not None and default.is_callable:
            value = default.arg(None)
        elif default is not None and default.is_scalar:
            value = default.arg
        elif column.server_default is not None:
            continue  # the database fills it in; the object loads it if ever read
        else:
            value = None
        setattr(obj, key, value)
        row[column.key] = value
    return row
