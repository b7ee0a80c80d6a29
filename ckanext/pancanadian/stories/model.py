"""The stories' own tables (created by migration/pancanadian_stories):

``pancanadian_story``: one row per story with its workflow state and the contact of a public
submitter. Kept out of the package so package_show, the Solr data_dict, feeds and public exports
never carry the submitter's email.

``pancanadian_story_dataset``: which datasets a story uses, a real association table (both
foreign keys cascade on package delete), read a page at a time in either direction.
"""
import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

import ckan.model as model

DRAFT, SUBMITTED, PUBLISHED, ARCHIVED = "draft", "submitted", "published", "archived"
STATES = (DRAFT, SUBMITTED, PUBLISHED, ARCHIVED)

metadata = sa.MetaData()

story_table = sa.Table(
    "pancanadian_story",
    metadata,
    sa.Column("package_id", sa.UnicodeText, primary_key=True),
    sa.Column("workflow_state", sa.UnicodeText, nullable=False),
    sa.Column("submitter_name", sa.UnicodeText),
    sa.Column("submitter_email", sa.UnicodeText),
    sa.Column("submitted_at", sa.DateTime),
    sa.Column("published_at", sa.DateTime),
    sa.Column("changed_at", sa.DateTime),
)

story_dataset_table = sa.Table(
    "pancanadian_story_dataset",
    metadata,
    sa.Column("story_id", sa.UnicodeText, primary_key=True),
    sa.Column("package_id", sa.UnicodeText, primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("created", sa.DateTime),
)

package = model.package_table


def now():
    return datetime.datetime.utcnow()


def get(story_id):
    """The workflow row of a story as a dict, or None."""
    row = model.Session.execute(
        sa.select(story_table).where(story_table.c.package_id == story_id)).mappings().first()
    return dict(row) if row else None


def save(story_id, **values):
    """Insert or update a story's workflow row (not committed: the caller's transaction)."""
    values = dict(values, changed_at=now())
    statement = insert(story_table).values(package_id=story_id, **values)
    statement = statement.on_conflict_do_update(
        index_elements=[story_table.c.package_id],
        set_={key: statement.excluded[key] for key in values})
    model.Session.execute(statement)


def linked_ids(story_id):
    rows = model.Session.execute(sa.select(story_dataset_table.c.package_id)
                                 .where(story_dataset_table.c.story_id == story_id)
                                 .order_by(story_dataset_table.c.position))
    return [row[0] for row in rows]


def link(story_id, package_ids):
    """Add datasets after the story's current ones; already linked ones keep their place."""
    if not package_ids:
        return
    start = model.Session.execute(
        sa.select(sa.func.coalesce(sa.func.max(story_dataset_table.c.position), -1))
        .where(story_dataset_table.c.story_id == story_id)).scalar() + 1
    rows = [{"story_id": story_id, "package_id": package_id, "position": start + offset, "created": now()}
            for offset, package_id in enumerate(dict.fromkeys(package_ids))]
    model.Session.execute(insert(story_dataset_table).values(rows).on_conflict_do_nothing())


def unlink(story_id, package_ids):
    model.Session.execute(sa.delete(story_dataset_table).where(
        story_dataset_table.c.story_id == story_id,
        story_dataset_table.c.package_id.in_(list(package_ids))))


def replace_links(story_id, package_ids):
    """The story uses exactly these datasets, in this order."""
    model.Session.execute(sa.delete(story_dataset_table).where(story_dataset_table.c.story_id == story_id))
    link(story_id, package_ids)


def _visible(table, visible_private_org_ids):
    """Active datasets that are public, or private in one of these organizations."""
    condition = table.c.private.is_(False)
    if visible_private_org_ids:
        condition = sa.or_(condition, table.c.owner_org.in_(list(visible_private_org_ids)))
    return sa.and_(table.c.state == "active", condition)


def datasets_page(story_id, limit, offset, visible_private_org_ids=()):
    """A page of the datasets a story uses that the reader may see, in the story's order, and
    counts: ``(rows, visible_total, unavailable_total)``. Two queries whatever the page size."""
    joined = story_dataset_table.join(package, package.c.id == story_dataset_table.c.package_id)
    visible = _visible(package, visible_private_org_ids)
    rows = model.Session.execute(
        sa.select(package.c.id, package.c.name, package.c.title, package.c.type,
                  package.c.extras["title_translated"].astext.label("title_translated"))
        .select_from(joined)
        .where(story_dataset_table.c.story_id == story_id, visible)
        .order_by(story_dataset_table.c.position, package.c.name)
        .limit(limit).offset(offset)).mappings().all()
    counts = model.Session.execute(
        sa.select(sa.func.count().filter(visible), sa.func.count())
        .select_from(joined).where(story_dataset_table.c.story_id == story_id)).one()
    return [dict(row) for row in rows], counts[0], counts[1] - counts[0]


def stories_of_dataset(package_id, limit, offset):
    """A page of the published stories that use a dataset, newest first, and their total."""
    story = package.alias("story")
    condition = sa.and_(story_dataset_table.c.package_id == package_id, story.c.state == "active",
                        story.c.private.is_(False), story_table.c.workflow_state == PUBLISHED)
    joined = (story_dataset_table.join(story, story.c.id == story_dataset_table.c.story_id)
              .join(story_table, story_table.c.package_id == story.c.id))
    rows = model.Session.execute(
        sa.select(story.c.id, story.c.name, story.c.title,
                  story.c.extras["title_translated"].astext.label("title_translated"),
                  story.c.extras["notes_translated"].astext.label("notes_translated"),
                  story_table.c.published_at)
        .select_from(joined).where(condition)
        .order_by(story_table.c.published_at.desc().nulls_last(), story.c.name)
        .limit(limit).offset(offset)).mappings().all()
    total = model.Session.execute(sa.select(sa.func.count()).select_from(joined).where(condition)).scalar()
    return [dict(row) for row in rows], total


def stories_linking(package_id):
    """Ids of every story that uses a dataset (to re-index them when the dataset changes)."""
    rows = model.Session.execute(sa.select(story_dataset_table.c.story_id)
                                 .where(story_dataset_table.c.package_id == package_id))
    return [row[0] for row in rows]


def public_dataset_names(story_id):
    """Names of the public, active datasets a story uses (the Solr dataset facet)."""
    joined = story_dataset_table.join(package, package.c.id == story_dataset_table.c.package_id)
    rows = model.Session.execute(
        sa.select(package.c.name).select_from(joined)
        .where(story_dataset_table.c.story_id == story_id, _visible(package, ())))
    return [row[0] for row in rows]


def in_state(state, limit, offset):
    """A page of (story_id, changed_at) in a workflow state, oldest change first: the queue."""
    condition = sa.and_(story_table.c.workflow_state == state, package.c.state == "active")
    joined = story_table.join(package, package.c.id == story_table.c.package_id)
    rows = model.Session.execute(
        sa.select(story_table.c.package_id).select_from(joined).where(condition)
        .order_by(story_table.c.changed_at, story_table.c.package_id).limit(limit).offset(offset))
    total = model.Session.execute(sa.select(sa.func.count()).select_from(joined).where(condition)).scalar()
    return [row[0] for row in rows], total


def dataset_titles(names):
    """{name: title_translated (or title)} of datasets, in one query (facet labels)."""
    if not names:
        return {}
    rows = model.Session.execute(
        sa.select(package.c.name, package.c.title,
                  package.c.extras["title_translated"].astext.label("title_translated"))
        .where(package.c.name.in_(list(names))))
    return {row.name: row.title_translated or row.title for row in rows}
