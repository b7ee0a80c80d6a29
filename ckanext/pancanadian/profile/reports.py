"""Stored conformance reports: the ``pancanadian_conformance_report`` table (created by the
plugin's Alembic migration, ckanext/pancanadian/migration/pancanadian_profile) and its queries.

Status of a row: ``pending`` (a check is queued), ``done`` (report stored; ``valid`` says if the
file conforms), ``failed`` (the file could not be fetched or read: the report holds a
``fetch_error`` with a bilingual message).
"""
import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, insert

import ckan.model as model

metadata = sa.MetaData()

conformance_report = sa.Table(
    "pancanadian_conformance_report",
    metadata,
    sa.Column("resource_id", sa.UnicodeText, primary_key=True),
    sa.Column("package_id", sa.UnicodeText, nullable=False),
    sa.Column("standard_id", sa.UnicodeText, nullable=False),
    sa.Column("standard_version", sa.UnicodeText),
    sa.Column("status", sa.UnicodeText, nullable=False),
    sa.Column("valid", sa.Boolean),
    sa.Column("row_count", sa.Integer),
    sa.Column("error_count", sa.Integer),
    sa.Column("checked_at", sa.DateTime),
    sa.Column("fingerprint", sa.UnicodeText),
    sa.Column("report", JSONB),
)

COLUMNS = ("resource_id", "package_id", "standard_id", "standard_version", "status", "valid",
           "row_count", "error_count", "checked_at", "fingerprint")


def available():
    """Whether the table exists (the plugin's migration ran). Asked each time (one catalogue
    query): a portal that enabled the plugin before migrating keeps working, without reports."""
    return sa.inspect(model.Session.connection()).has_table(conformance_report.name)


def get(resource_id):
    """The stored row as a dict (report included), or None."""
    row = model.Session.execute(
        sa.select(conformance_report).where(conformance_report.c.resource_id == resource_id)
    ).mappings().first()
    return dict(row) if row else None


def for_resources(resource_ids):
    """{resource_id: row without the report} for many resources at once."""
    if not resource_ids:
        return {}
    columns = [conformance_report.c[name] for name in COLUMNS]
    rows = model.Session.execute(
        sa.select(*columns).where(conformance_report.c.resource_id.in_(list(resource_ids)))
    ).mappings()
    return {row["resource_id"]: dict(row) for row in rows}


def upsert(values, commit=True):
    statement = insert(conformance_report).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=[conformance_report.c.resource_id],
        set_={key: statement.excluded[key] for key in values if key != "resource_id"},
    )
    model.Session.execute(statement)
    if commit:
        model.Session.commit()


def mark_pending(resource_id, package_id, standard):
    """A check was queued: keep the last fingerprint so an unchanged file is not re-checked."""
    upsert({"resource_id": resource_id, "package_id": package_id, "standard_id": standard.id,
            "standard_version": standard.version, "status": "pending"})


def delete(resource_id, commit=True):
    model.Session.execute(sa.delete(conformance_report).where(
        conformance_report.c.resource_id == resource_id))
    if commit:
        model.Session.commit()


def valid_resources(standard_id):
    """(package_id, resource_id, fingerprint of the checked file) of every stored valid report
    of a standard, in a stable order."""
    rows = model.Session.execute(
        sa.select(conformance_report.c.package_id, conformance_report.c.resource_id,
                  conformance_report.c.fingerprint)
        .where(conformance_report.c.standard_id == standard_id)
        .where(conformance_report.c.status == "done")
        .where(conformance_report.c.valid.is_(True))
        .order_by(conformance_report.c.package_id, conformance_report.c.resource_id)
    )
    return [tuple(row) for row in rows]


def now():
    return datetime.datetime.utcnow()


def public(row, with_report=True):
    """A JSON-ready dict of a stored row."""
    if row is None:
        return None
    out = {key: row.get(key) for key in COLUMNS if key != "fingerprint"}
    out["checked_at"] = row["checked_at"].isoformat() if row.get("checked_at") else None
    if with_report:
        out["report"] = row.get("report")
    return out
