"""Stored quality results: ``pancanadian_quality_result`` (the current result of each dataset)
and ``pancanadian_quality_history`` (one row per scan of a dataset, for the trend), created by
the plugin's Alembic migration (migration/pancanadian_quality), and the dashboard aggregates.

A result row keeps ``owner_org`` and ``source_portal`` as they were at the scan so that the
dashboards group without reading the datasets; a rescan refreshes them.
"""
import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, insert

import ckan.model as model

from ckanext.pancanadian.quality.rules import DIMENSIONS

metadata = sa.MetaData()

result_table = sa.Table(
    "pancanadian_quality_result", metadata,
    sa.Column("package_id", sa.UnicodeText, primary_key=True),
    sa.Column("owner_org", sa.UnicodeText),
    sa.Column("source_portal", sa.UnicodeText),
    sa.Column("score", sa.Float),
    sa.Column("max_score", sa.Integer),
    sa.Column("percent", sa.Integer),
    sa.Column("rating", sa.UnicodeText),
    sa.Column("conforming", sa.Boolean),
    sa.Column("csv_count", sa.Integer),
    sa.Column("csv_api_count", sa.Integer),
    sa.Column("dimensions", JSONB),
    sa.Column("checked_at", sa.DateTime),
    sa.Column("result", JSONB),
)

history_table = sa.Table(
    "pancanadian_quality_history", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("package_id", sa.UnicodeText),
    sa.Column("owner_org", sa.UnicodeText),
    sa.Column("source_portal", sa.UnicodeText),
    sa.Column("percent", sa.Integer),
    sa.Column("rating", sa.UnicodeText),
    sa.Column("conforming", sa.Boolean),
    sa.Column("csv_count", sa.Integer),
    sa.Column("csv_api_count", sa.Integer),
    sa.Column("dimensions", JSONB),
    sa.Column("checked_at", sa.DateTime),
)

SUMMARY_COLUMNS = ("package_id", "owner_org", "source_portal", "score", "max_score", "percent", "rating",
                   "conforming", "csv_count", "csv_api_count", "checked_at")


def available():
    """Whether the tables exist (the migration ran); a portal that enabled the plugin before
    migrating keeps working, without scores."""
    return sa.inspect(model.Session.connection()).has_table(result_table.name)


def now():
    return datetime.datetime.utcnow()


def store(package_id, owner_org, source_portal, result, checked_at=None):
    """Save a dataset's current result and add a history row (no commit: the caller commits)."""
    checked_at = checked_at or now()
    row = {"owner_org": owner_org, "source_portal": source_portal or None, "percent": result["percent"],
           "rating": result["rating"], "conforming": result["conforming"], "csv_count": result["csv_count"],
           "csv_api_count": result["csv_api_count"], "dimensions": result["dimensions"],
           "checked_at": checked_at}
    statement = insert(result_table).values(package_id=package_id, score=result["score"],
                                            max_score=result["max_score"], result=result, **row)
    model.Session.execute(statement.on_conflict_do_update(
        index_elements=[result_table.c.package_id],
        set_={key: statement.excluded[key] for key in (*row, "score", "max_score", "result")}))
    model.Session.execute(sa.insert(history_table).values(package_id=package_id, **row))


def get(package_id):
    """The stored row as a dict (the full result included), or None."""
    row = model.Session.execute(
        sa.select(result_table).where(result_table.c.package_id == package_id)).mappings().first()
    return dict(row) if row else None


def public(row, with_checks=True):
    """A JSON-ready dict of a stored row."""
    out = {key: row[key] for key in SUMMARY_COLUMNS}
    out["checked_at"] = row["checked_at"].isoformat()
    out["dimensions"] = row["dimensions"]
    if with_checks:
        out["checks"] = row["result"]["checks"]
    return out


def _filtered(query, table, owner_org=None, source_portal=None):
    if owner_org:
        query = query.where(table.c.owner_org == owner_org)
    if source_portal:
        query = query.where(table.c.source_portal == source_portal)
    return query


def _dimension_sums(table):
    columns = []
    for dimension in DIMENSIONS:
        for key in ("score", "max_score"):
            columns.append(sa.func.coalesce(sa.func.sum(
                table.c.dimensions[dimension][key].astext.cast(sa.Float)), 0).label(f"{dimension}.{key}"))
    return columns


def _dimension_percents(row):
    return {dimension: (round(100 * row[f"{dimension}.score"] / row[f"{dimension}.max_score"])
                        if row[f"{dimension}.max_score"] else None) for dimension in DIMENSIONS}


def summary(owner_org=None, source_portal=None, rating_ids=()):
    """Aggregates of the current results, all datasets or one organization's / source's:
    ``{count, average_percent, ratings {id: n}, dimensions {id: percent}, conforming_percent,
    csv_datasets, csv_api_percent}``; percentages are None when nothing is counted."""
    t = result_table
    csv_datasets = sa.func.count().filter(t.c.csv_count > 0)
    csv_api = sa.func.count().filter(sa.and_(t.c.csv_count > 0, t.c.csv_api_count == t.c.csv_count))
    query = _filtered(sa.select(
        sa.func.count().label("count"), sa.func.avg(t.c.percent).label("average"),
        sa.func.count().filter(t.c.conforming.is_(True)).label("conforming"),
        csv_datasets.label("csv_datasets"), csv_api.label("csv_api"), *_dimension_sums(t)), t,
        owner_org, source_portal)
    row = model.Session.execute(query).mappings().one()
    ratings = dict(model.Session.execute(_filtered(
        sa.select(t.c.rating, sa.func.count()).group_by(t.c.rating), t, owner_org, source_portal)).all())
    count = row["count"]
    return {
        "count": count,
        "average_percent": round(float(row["average"])) if count else None,
        "ratings": {rating: ratings.get(rating, 0) for rating in rating_ids or sorted(ratings)},
        "dimensions": _dimension_percents(row),
        "conforming_percent": round(100 * row["conforming"] / count) if count else None,
        "csv_datasets": row["csv_datasets"],
        "csv_api_percent": round(100 * row["csv_api"] / row["csv_datasets"]) if row["csv_datasets"] else None,
    }


def by_group(column_name):
    """Per organization (``owner_org``) or per source (``source_portal``): [{key, count,
    average_percent, conforming_percent, csv_api_percent}], most datasets first; the portal's own
    records have source None."""
    t = result_table
    column = t.c[column_name]
    csv_datasets = sa.func.count().filter(t.c.csv_count > 0)
    csv_api = sa.func.count().filter(sa.and_(t.c.csv_count > 0, t.c.csv_api_count == t.c.csv_count))
    rows = model.Session.execute(sa.select(
        column.label("key"), sa.func.count().label("count"), sa.func.avg(t.c.percent).label("average"),
        sa.func.count().filter(t.c.conforming.is_(True)).label("conforming"),
        csv_datasets.label("csv_datasets"), csv_api.label("csv_api"),
    ).group_by(column).order_by(sa.func.count().desc(), column)).mappings()
    return [{"key": row["key"], "count": row["count"], "average_percent": round(float(row["average"])),
             "conforming_percent": round(100 * row["conforming"] / row["count"]),
             "csv_api_percent": round(100 * row["csv_api"] / row["csv_datasets"]) if row["csv_datasets"] else None}
            for row in rows]


def trend(owner_org=None, source_portal=None, days=365):
    """Per day with scans in the last ``days``: [{day, count, average_percent,
    conforming_percent}], oldest first. ``count`` is the number of datasets scanned that day;
    a dataset scanned several times in a day counts once, with its last result."""
    t = history_table
    day = sa.func.date_trunc("day", t.c.checked_at)
    since = now() - datetime.timedelta(days=days)
    latest = _filtered(
        sa.select(t.c.package_id, day.label("day"), t.c.percent, t.c.conforming)
        .distinct(t.c.package_id, day)
        .where(t.c.checked_at >= since)
        .order_by(t.c.package_id, day, t.c.checked_at.desc()),
        t, owner_org, source_portal).subquery()
    rows = model.Session.execute(sa.select(
        latest.c.day, sa.func.count().label("count"), sa.func.avg(latest.c.percent).label("average"),
        sa.func.count().filter(latest.c.conforming.is_(True)).label("conforming"),
    ).group_by(latest.c.day).order_by(latest.c.day)).mappings()
    return [{"day": row["day"].date().isoformat(), "count": row["count"],
             "average_percent": round(float(row["average"])),
             "conforming_percent": round(100 * row["conforming"] / row["count"])} for row in rows]


def for_packages(package_ids):
    """{package_id: (percent, rating)} for many datasets at once (search indexing)."""
    if not package_ids:
        return {}
    rows = model.Session.execute(sa.select(result_table.c.package_id, result_table.c.percent,
                                           result_table.c.rating)
                                 .where(result_table.c.package_id.in_(list(package_ids))))
    return {row[0]: (row[1], row[2]) for row in rows}
