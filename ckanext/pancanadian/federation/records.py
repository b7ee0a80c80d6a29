"""One row per (harvest source, remote id): the dataset it became, the content hash it was made
from, and the last job that saw it at the source. The table (created by the migration in
ckanext/pancanadian/migration/pancanadian_federation) is what makes harvests idempotent:

- a record is one dataset, whatever the number of runs (primary key);
- an unchanged record (same hash) is skipped before the package table or Solr is touched;
- a record no longer listed by a complete run is withdrawn (after the max-delete guard);
- the same remote record reached through a second source is ``linked`` to the first dataset.

States: ``pending`` (listed, not imported yet), ``active`` (imported), ``deleted`` (withdrawn).

A second table keeps the source's successful listings (when each started, whether it was
complete or only asked for the records modified since the one before), from which a run
decides how to list.
"""
import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

import ckan.model as model

metadata = sa.MetaData()

record = sa.Table(
    "pancanadian_federation_record",
    metadata,
    sa.Column("harvest_source_id", sa.UnicodeText, primary_key=True),
    sa.Column("remote_id", sa.UnicodeText, primary_key=True),
    sa.Column("package_id", sa.UnicodeText),
    sa.Column("content_hash", sa.UnicodeText),
    sa.Column("remote_modified", sa.UnicodeText),
    sa.Column("last_seen_job_id", sa.UnicodeText),
    sa.Column("state", sa.UnicodeText, nullable=False),
    sa.Column("linked", sa.Boolean, nullable=False),
    sa.Column("updated", sa.DateTime, nullable=False),
)


listing = sa.Table(
    "pancanadian_federation_listing",
    metadata,
    sa.Column("harvest_job_id", sa.UnicodeText, primary_key=True),
    sa.Column("harvest_source_id", sa.UnicodeText, nullable=False),
    sa.Column("started", sa.DateTime, nullable=False),
    sa.Column("complete", sa.Boolean, nullable=False),
    sa.Column("source_fingerprint", sa.UnicodeText, nullable=False),
)


def _now():
    return datetime.datetime.utcnow()


def lookup(source_id, remote_ids):
    """{remote_id: row} for the given ids of one source."""
    if not remote_ids:
        return {}
    rows = model.Session.execute(
        sa.select(record).where(record.c.harvest_source_id == source_id,
                                record.c.remote_id.in_(list(remote_ids)))
    ).mappings()
    return {row["remote_id"]: dict(row) for row in rows}


_seen = insert(record)
# One statement for every page (compiled once, sent as a batch of rows).
_MARK_SEEN = _seen.on_conflict_do_update(index_elements=[record.c.harvest_source_id, record.c.remote_id],
                                         set_={"last_seen_job_id": _seen.excluded.last_seen_job_id})


def mark_seen(source_id, remote_ids, job_id):
    """Record that ``job_id`` listed these ids; unknown ids get a pending row."""
    if not remote_ids:
        return
    now = _now()
    model.Session.execute(_MARK_SEEN, [
        {"harvest_source_id": source_id, "remote_id": remote_id, "last_seen_job_id": job_id,
         "state": "pending", "linked": False, "updated": now}
        for remote_id in remote_ids
    ])


def count_active(source_id):
    return model.Session.execute(
        sa.select(sa.func.count()).select_from(record).where(
            record.c.harvest_source_id == source_id, record.c.state == "active")
    ).scalar()


def unseen_active(source_id, job_id):
    """Remote ids of active records the job did not list, streamed."""
    result = model.Session.execute(
        sa.select(record.c.remote_id).where(
            record.c.harvest_source_id == source_id, record.c.state == "active",
            sa.or_(record.c.last_seen_job_id.is_(None), record.c.last_seen_job_id != job_id),
        ).order_by(record.c.remote_id).execution_options(yield_per=1000)
    )
    for row in result:
        yield row[0]


def count_unseen_active(source_id, job_id):
    return model.Session.execute(
        sa.select(sa.func.count()).select_from(record).where(
            record.c.harvest_source_id == source_id, record.c.state == "active",
            sa.or_(record.c.last_seen_job_id.is_(None), record.c.last_seen_job_id != job_id))
    ).scalar()


def get(source_id, remote_id):
    return lookup(source_id, [remote_id]).get(remote_id)


def save(source_id, remote_id, **values):
    values["updated"] = _now()
    model.Session.execute(insert(record).values(
        harvest_source_id=source_id, remote_id=remote_id,
        state=values.get("state", "pending"), linked=values.get("linked", False), **{
            k: v for k, v in values.items() if k not in ("state", "linked")}
    ).on_conflict_do_update(index_elements=[record.c.harvest_source_id, record.c.remote_id], set_=values))


def primary_elsewhere(source_id, remote_id):
    """The active, unlinked row of another source for the same remote record, or None."""
    row = model.Session.execute(
        sa.select(record).where(
            record.c.remote_id == remote_id, record.c.harvest_source_id != source_id,
            record.c.state == "active", record.c.linked.is_(False), record.c.package_id.isnot(None),
        ).limit(1)
    ).mappings().first()
    return dict(row) if row else None


def linked_sources(package_id):
    """Harvest source ids whose record is linked to this dataset (reached through them too)."""
    rows = model.Session.execute(
        sa.select(record.c.harvest_source_id, record.c.remote_id).where(
            record.c.package_id == package_id, record.c.linked.is_(True), record.c.state == "active")
    )
    return [{"harvest_source_id": source_id, "remote_id": remote_id} for source_id, remote_id in rows]


def save_listing(source_id, job_id, started, complete, source_fingerprint):
    """A listing of the source that read every page it asked for, made with the source
    settings of ``source_fingerprint``."""
    model.Session.execute(insert(listing).values(
        harvest_job_id=job_id, harvest_source_id=source_id, started=started, complete=complete,
        source_fingerprint=source_fingerprint))


def last_listing(source_id, complete_only=False):
    """The source's latest successful (complete, if ``complete_only``) listing as a dict, or None."""
    query = sa.select(listing).where(listing.c.harvest_source_id == source_id)
    if complete_only:
        query = query.where(listing.c.complete.is_(True))
    row = model.Session.execute(query.order_by(listing.c.started.desc()).limit(1)).mappings().first()
    return dict(row) if row else None
