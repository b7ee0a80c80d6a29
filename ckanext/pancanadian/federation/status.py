"""What an administrator needs to know about a federation source: its last run (when, how it
ended, new/updated/deleted/errors), its next run, the records it tracks, and whether a job is
stuck."""
import datetime

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.pancanadian.federation import records

FREQUENCIES = {"MANUAL": None, "ALWAYS": datetime.timedelta(0), "DAILY": datetime.timedelta(days=1),
               "WEEKLY": datetime.timedelta(weeks=1), "BIWEEKLY": datetime.timedelta(weeks=2),
               "MONTHLY": datetime.timedelta(days=30)}


def stuck_after():
    return datetime.timedelta(minutes=tk.config.get("ckanext.pancanadian.federation.stuck_minutes"))


def record_counts(source_id):
    rows = model.Session.execute(
        sa.select(records.record.c.state, records.record.c.linked, sa.func.count())
        .where(records.record.c.harvest_source_id == source_id)
        .group_by(records.record.c.state, records.record.c.linked)
    )
    counts = {"active": 0, "deleted": 0, "pending": 0, "linked": 0}
    for state, linked, count in rows:
        counts["linked" if linked and state == "active" else state] += count
    return counts


def source_status(source_id, now=None):
    """The status dict shown on the source status page."""
    from ckanext.harvest.model import HarvestJob, HarvestSource

    now = now or datetime.datetime.utcnow()
    source = HarvestSource.get(source_id)
    shown = tk.get_action("harvest_source_show_status")({"model": model, "ignore_auth": True}, {"id": source_id})
    last = shown.get("last_job") or None
    running = (model.Session.query(HarvestJob).filter(HarvestJob.source_id == source_id,
                                                      HarvestJob.status == "Running")
               .order_by(HarvestJob.created.desc()).first())
    stuck = bool(running and now - running.get_last_action_time() > stuck_after())
    finished = last.get("finished") if last else None
    interval = FREQUENCIES.get(source.frequency or "MANUAL")
    next_run = None
    if interval is not None and finished:
        finished_at = finished if isinstance(finished, datetime.datetime) else \
            datetime.datetime.fromisoformat(str(finished))
        next_run = finished_at + interval
    stats = (last or {}).get("stats") or {}
    return {
        "source": source,
        "last_job": last,
        "counts": {"added": stats.get("added", 0), "updated": stats.get("updated", 0),
                   "deleted": stats.get("deleted", 0), "errored": stats.get("errored", 0)},
        "gather_errors": [error.message for error in
                          (HarvestJob.get(last["id"]).get_gather_errors() if last else [])],
        "running": running,
        "stuck": stuck,
        "next_run": next_run,
        "records": record_counts(source_id),
        "total_datasets": shown.get("total_datasets"),
    }
