"""Actions and auth functions of the stories, and the chained package actions that keep a
story's visibility tied to its workflow state."""
import secrets

import sqlalchemy as sa

import ckan.authz as authz
import ckan.lib.munge as munge
import ckan.lib.search as search
import ckan.model as ckan_model
import ckan.plugins.toolkit as tk

from ckanext.pancanadian.bilingual.helpers import reader_language
from ckanext.pancanadian.lib import languages
from ckanext.pancanadian.lib.deferred_update import defer_package_update
from ckanext.pancanadian.stories import model, submission, validators, workflow

STORY_TYPE = "story"
# Workflow values the plugin's after_dataset_create/update hooks save with the package.
WORKFLOW_CONTEXT_KEY = "pancanadian_story_workflow"
MAX_PAGE_SIZE = 1000


# ------------------------------------------------------------------------------ helpers
def moderation_organization():
    name = tk.config.get("ckanext.pancanadian.stories.organization")
    return ckan_model.Group.get(name) if name else None


def is_moderator(user_name):
    """Sysadmins, and members of the moderation organization with the moderator role (or admin)."""
    if not user_name:
        return False
    if authz.is_sysadmin(user_name):
        return True
    org = moderation_organization()
    if org is None:
        return False
    role = authz.users_role_for_group_or_org(org.id, user_name)
    return role in {"admin", tk.config.get("ckanext.pancanadian.stories.moderator_role")}


def _story(data_dict):
    reference = data_dict.get("id") or data_dict.get("name")
    if not reference:
        raise tk.ValidationError({"id": [tk._("Missing value")]})
    story = ckan_model.Package.get(reference)
    if story is None or story.type != STORY_TYPE or story.state == "deleted":
        raise tk.ObjectNotFound(tk._("Story not found"))
    return story


def _dataset(data_dict):
    reference = data_dict.get("id") or data_dict.get("dataset_id")
    dataset = ckan_model.Package.get(reference) if reference else None
    if dataset is None or dataset.type == STORY_TYPE:
        raise tk.ObjectNotFound(tk._("Dataset not found"))
    return dataset


def _page_args(data_dict, default_size):
    errors = {}
    try:
        limit = int(data_dict.get("limit", default_size))
        if not 1 <= limit <= MAX_PAGE_SIZE:
            raise ValueError
    except (TypeError, ValueError):
        errors["limit"] = [tk._("Must be a whole number from 1 to {max}").format(max=MAX_PAGE_SIZE)]
    try:
        offset = int(data_dict.get("offset", 0))
        if offset < 0:
            raise ValueError
    except (TypeError, ValueError):
        errors["offset"] = [tk._("Must be a whole number, zero or more")]
    if errors:
        raise tk.ValidationError(errors)
    return limit, offset


def workflow_state(story_id):
    row = model.get(story_id)
    return row["workflow_state"] if row else model.DRAFT


def visible_private_org_ids(user_name):
    readable = validators.readable_organization_ids(user_name)
    if readable is True:
        return [org.id for org in ckan_model.Session.query(ckan_model.Group.id)
                .filter(ckan_model.Group.is_organization.is_(True))]
    return list(readable)


def reindex(package_ids):
    for package_id in package_ids:
        search.rebuild(package_id)


# ---------------------------------------------------------------- chained package actions
def _force_workflow_fields(context, data_dict, stored_state, stored_featured):
    """Visibility follows the workflow: only our transitions make a story public. Only
    moderators feature a story."""
    context[validators.DATASETS_CONTEXT_KEY] = {}
    state = (context.get(WORKFLOW_CONTEXT_KEY) or {}).get("workflow_state", stored_state)
    data_dict["private"] = not workflow.is_public(state)
    if not is_moderator(context.get("user")):
        data_dict["featured"] = stored_featured


@tk.chained_action
def package_create(next_action, context, data_dict):
    if data_dict.get("type") == STORY_TYPE:
        _force_workflow_fields(context, data_dict, model.DRAFT, False)
    return next_action(context, data_dict)


def validated_dataset_ids(context):
    """The dataset ids the datasets validator resolved, or None when none were sent."""
    return (context.pop(validators.DATASETS_CONTEXT_KEY, None) or {}).get("ids")


@tk.chained_action
def package_update(next_action, context, data_dict):
    existing = ckan_model.Package.get(data_dict.get("id") or data_dict.get("name") or "")
    if existing is None or existing.type != STORY_TYPE:
        result = next_action(context, data_dict)
        if existing is not None and not context.get("defer_commit"):
            # A dataset made private or public changes the dataset facet of its stories.
            reindex(model.stories_linking(existing.id))
        return result
    data_dict["type"] = STORY_TYPE
    # A story is always private until published, and a private package needs its organization.
    data_dict.setdefault("owner_org", existing.owner_org)
    if existing.owner_org and not authz.has_user_permission_for_group_or_org(
            existing.owner_org, context.get("user"), "update_dataset"):
        # A moderator from outside the organization corrects the story but does not move it
        # (the form only offers the moderator's own organizations).
        data_dict["owner_org"] = existing.owner_org
    featured = tk.asbool((existing.extras or {}).get("featured", False))
    _force_workflow_fields(context, data_dict, workflow_state(existing.id), featured)
    # The package, its workflow row and its dataset links land in one transaction: CKAN's
    # update is deferred, the rest is written, then the story is indexed and committed once.
    deferred = {key: context.get(key) for key in ("defer_commit", "return_id_only")}
    defer_package_update(context, existing.id)
    try:
        next_action(context, data_dict)
        # Saved after the package: CKAN skips the update hooks when no package field changed,
        # and a transition or a new list of datasets may change nothing else.
        workflow_values = context.pop(WORKFLOW_CONTEXT_KEY, None)
        dataset_ids = validated_dataset_ids(context)
        if workflow_values:
            model.save(existing.id, **workflow_values)
        elif model.get(existing.id) is None:
            model.save(existing.id, workflow_state=model.DRAFT)
        if dataset_ids is not None:
            model.replace_links(existing.id, dataset_ids)
        if not deferred["defer_commit"]:
            reindex([existing.id])  # indexes, then commits the transaction
    except Exception:
        if not deferred["defer_commit"]:
            ckan_model.Session.rollback()
        raise
    finally:
        # The activity stream's subscriber runs after this action with the same context.
        for key, value in deferred.items():
            if value is None:
                context.pop(key, None)
            else:
                context[key] = value
    if deferred["return_id_only"]:
        return existing.id
    return tk.get_action("package_show")({"user": context.get("user"), "ignore_auth": True, "use_cache": False},
                                         {"id": existing.id})


@tk.chained_action
def package_delete(next_action, context, data_dict):
    existing = ckan_model.Package.get(data_dict.get("id") or "")
    result = next_action(context, data_dict)
    if existing is not None and existing.type != STORY_TYPE and not context.get("defer_commit"):
        reindex(model.stories_linking(existing.id))
    return result


# --------------------------------------------------------------------------------- actions
def story_create(context, data_dict):
    """Create a draft story in an organization (the story schema's fields, plus ``datasets``:
    names or ids of the datasets it uses)."""
    tk.check_access("story_create", context, data_dict)
    context[WORKFLOW_CONTEXT_KEY] = {"workflow_state": model.DRAFT}
    return tk.get_action("package_create")(context, dict(data_dict, type=STORY_TYPE))


def story_update(context, data_dict):
    """Update a story (all fields, as package_update; ``datasets`` replaces the links)."""
    story = _story(data_dict)
    tk.check_access("story_update", context, {"id": story.id})
    # Moderators edit stories of any organization: story_update's auth is the one that counts.
    return tk.get_action("package_update")(dict(context, ignore_auth=True),
                                           dict(data_dict, id=story.id, type=STORY_TYPE))


@tk.side_effect_free
def story_show(context, data_dict):
    """A story with its workflow state and a page of the datasets it uses.

    :param id: the story's id or name
    :param limit: datasets per page (default ``ckanext.pancanadian.stories.datasets_per_page``)
    :param offset: first dataset of the page
    :returns: the story's package dict plus ``workflow_state``, ``published_at`` and
        ``datasets: {count, unavailable, limit, offset, results}``; moderators also get
        ``submitter: {name, email}`` of a public submission.
    """
    story = _story(data_dict)
    tk.check_access("story_show", context, {"id": story.id})
    limit, offset = _page_args(data_dict, tk.config.get("ckanext.pancanadian.stories.datasets_per_page"))
    shown = tk.get_action("package_show")({"user": context.get("user"), "ignore_auth": True}, {"id": story.id})
    row = model.get(story.id) or {}
    rows, visible, unavailable = model.datasets_page(story.id, limit, offset,
                                                     visible_private_org_ids(context.get("user")))
    shown["workflow_state"] = row.get("workflow_state", model.DRAFT)
    shown["published_at"] = row["published_at"].isoformat() if row.get("published_at") else None
    shown["datasets"] = {"count": visible, "unavailable": unavailable, "limit": limit, "offset": offset,
                         "results": [{"id": r["id"], "name": r["name"], "title": r["title"],
                                      "title_translated": r["title_translated"]} for r in rows]}
    if is_moderator(context.get("user")) and row.get("submitter_email"):
        shown["submitter"] = {"name": row.get("submitter_name"), "email": row.get("submitter_email")}
    return shown


@tk.side_effect_free
def story_list(context, data_dict):
    """Names of the stories in a workflow state (default ``published``), oldest change first.

    :param workflow_state: ``draft``, ``submitted``, ``published`` or ``archived``; states
        other than published are for moderators (the moderation queue)
    :param limit: :param offset: paging
    :returns: ``{count, results: [name]}``
    """
    state = data_dict.get("workflow_state") or model.PUBLISHED
    if state not in model.STATES:
        raise tk.ValidationError({"workflow_state": [tk._("Choose one of: {choices}").format(
            choices=", ".join(model.STATES))]})
    tk.check_access("story_list", context, {"workflow_state": state})
    limit, offset = _page_args(data_dict, 100)
    ids, total = model.in_state(state, limit, offset)
    names = dict(ckan_model.Session.query(ckan_model.Package.id, ckan_model.Package.name)
                 .filter(ckan_model.Package.id.in_(ids)).all()) if ids else {}
    return {"count": total, "results": [names[story_id] for story_id in ids if story_id in names]}


@tk.side_effect_free
def story_search(context, data_dict):
    """package_search restricted to stories (same parameters and result)."""
    tk.check_access("story_search", context, data_dict)
    params = dict(data_dict)
    params["fq"] = f"{params.get('fq') or ''} +dataset_type:{STORY_TYPE}".strip()
    return tk.get_action("package_search")(context, params)


def _transition(context, data_dict, action):
    story = _story(data_dict)
    tk.check_access(f"story_{action}", context, {"id": story.id})
    row = model.get(story.id) or {}
    current = row.get("workflow_state", model.DRAFT)
    target = workflow.next_state(action, current)
    if target is None:
        messages = {
            "submit": tk._("Only a draft story can be submitted; this story is {state}"),
            "publish": tk._("Only a submitted or archived story can be published; this story is {state}"),
            "archive": tk._("Only a published story can be archived; this story is {state}"),
        }
        raise tk.ValidationError({"workflow_state": [messages[action].format(state=state_label(current))]})
    values = {"workflow_state": target}
    if target == model.SUBMITTED:
        values["submitted_at"] = model.now()
    if target == model.PUBLISHED and not row.get("published_at"):
        values["published_at"] = model.now()
    patch = {"id": story.id}
    if target == model.PUBLISHED and not (story.extras or {}).get("story_date"):
        # The story's publication date, unless its editors gave one.
        patch["story_date"] = model.now().date().isoformat()
    patch_context = {"user": context.get("user"), "ignore_auth": True, WORKFLOW_CONTEXT_KEY: values}
    tk.get_action("package_patch")(patch_context, patch)
    return {"id": story.id, "name": story.name, "workflow_state": target}


def state_label(state):
    labels = {model.DRAFT: tk._("a draft"), model.SUBMITTED: tk._("submitted"),
              model.PUBLISHED: tk._("published"), model.ARCHIVED: tk._("archived")}
    return labels.get(state, state)


def story_submit(context, data_dict):
    """Submit a story for moderation.

    With ``id``: an organization's draft goes to moderation (draft → submitted).
    Without ``id``: a public submission, no account needed, into the moderation organization:
    ``submitter_name``, ``submitter_email`` (never shown publicly), ``title``, ``story``,
    ``datasets`` (names, ids or addresses of datasets on this portal), ``language`` (en/fr,
    default the reader's). Limited per client address; the honeypot field must stay empty.
    :returns: ``{workflow_state}`` (and the story's ``id``/``name`` for an existing story)
    """
    if data_dict.get("id"):
        return _transition(context, data_dict, "submit")
    tk.check_access("story_submit", context, {})
    address = submission.client_address()
    if address and submission.count_attempt(address):
        raise tk.ValidationError({"rate_limit": [
            tk._("Too many stories were sent from your connection; please try again later")]})
    if submission.is_spam(data_dict):
        return {"workflow_state": model.SUBMITTED}
    return _public_submission(data_dict)


def _public_submission(data_dict):
    org = moderation_organization()
    if org is None:
        raise tk.ValidationError({"story": [tk._("Public story submission is not open on this portal")]})
    portal_languages = languages.portal_languages()
    errors = submission.field_errors(data_dict, portal_languages)
    references = validators.split_references(data_dict.get("datasets") or "")
    found, refused = validators.resolve_references(references, None)
    if refused:
        errors["datasets"] = [tk._("No dataset found for: {references}").format(references=", ".join(refused[:20]))]
    if errors:
        raise tk.ValidationError(errors)
    lang = data_dict.get("language") or languages.primary(reader_language())
    title = data_dict["title"].strip()
    story_text = data_dict["story"].strip()
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    context = {"user": site_user["name"], "ignore_auth": True, WORKFLOW_CONTEXT_KEY: {
        "workflow_state": model.SUBMITTED, "submitted_at": model.now(),
        "submitter_name": data_dict["submitter_name"].strip(),
        "submitter_email": data_dict["submitter_email"].strip()}}
    slug = munge.munge_title_to_name(title)[:80].strip("-_") or "story"
    created = tk.get_action("package_create")(context, {
        "type": STORY_TYPE, "owner_org": org.id, "name": f"{slug}-{secrets.token_hex(3)}",
        "title_translated": {lang: title}, "notes_translated": {lang: submission.summary_of(story_text)},
        "story_body": {lang: story_text}, "reuser_type": "citizen", "datasets": found,
    })
    return {"workflow_state": model.SUBMITTED, "id": created["id"], "name": created["name"]}


def story_publish(context, data_dict):
    """Publish a submitted (or archived) story: it becomes public. Moderators only.
    Publication needs every required field in both languages."""
    return _transition(context, data_dict, "publish")


def story_archive(context, data_dict):
    """Archive a published story: it leaves the public listing. Moderators only."""
    return _transition(context, data_dict, "archive")


def _link_change(context, data_dict, change):
    story = _story(data_dict)
    tk.check_access(f"story_dataset_{change}", context, {"id": story.id})
    references = validators.split_references(data_dict.get("datasets") or data_dict.get("dataset_id") or "")
    if not references:
        raise tk.ValidationError({"datasets": [tk._("Missing value")]})
    if change == "link":
        found, refused = validators.resolve_references(references, context.get("user"))
        if refused:
            raise tk.ValidationError({"datasets": [tk._("No dataset found for: {references}").format(
                references=", ".join(refused[:20]))]})
        model.link(story.id, found)
    else:
        ids = [row.id for row in ckan_model.Session.query(ckan_model.Package.id).filter(
            sa.or_(ckan_model.Package.id.in_(references), ckan_model.Package.name.in_(references)))]
        model.unlink(story.id, ids)
    ckan_model.repo.commit()
    reindex([story.id])
    return {"id": story.id, "dataset_count": len(model.linked_ids(story.id))}


def story_dataset_link(context, data_dict):
    """Add datasets to a story. :param id: the story :param datasets: names or ids (list or
    one per line); they keep their order after the story's current datasets."""
    return _link_change(context, data_dict, "link")


def story_dataset_unlink(context, data_dict):
    """Remove datasets from a story. :param id: the story :param datasets: names or ids."""
    return _link_change(context, data_dict, "unlink")


@tk.side_effect_free
def dataset_story_list(context, data_dict):
    """The published stories that use a dataset, newest first.

    :param id: the dataset's id or name  :param limit: :param offset: paging
    :returns: ``{count, results: [{id, name, title_translated, notes_translated, published_at}]}``
    """
    dataset = _dataset(data_dict)
    tk.check_access("dataset_story_list", context, {"id": dataset.id})
    limit, offset = _page_args(data_dict, 20)
    rows, total = model.stories_of_dataset(dataset.id, limit, offset)
    for row in rows:
        row["published_at"] = row["published_at"].isoformat() if row.get("published_at") else None
    return {"count": total, "results": rows}


def get_actions():
    return {
        "package_create": package_create, "package_update": package_update, "package_delete": package_delete,
        "story_create": story_create, "story_update": story_update, "story_show": story_show,
        "story_list": story_list, "story_search": story_search, "story_submit": story_submit,
        "story_publish": story_publish, "story_archive": story_archive,
        "story_dataset_link": story_dataset_link, "story_dataset_unlink": story_dataset_unlink,
        "dataset_story_list": dataset_story_list,
    }


# ------------------------------------------------------------------------------------ auth
def _allowed(action, context, data_dict):
    try:
        tk.check_access(action, dict(context, ignore_auth=False), data_dict)
    except tk.NotAuthorized:
        return False
    return True


def _result(allowed, message):
    return {"success": True} if allowed else {"success": False, "msg": message}


def story_create_auth(context, data_dict):
    """Editors and admins of the story's organization."""
    owner_org = data_dict.get("owner_org")
    allowed = bool(owner_org) and authz.has_user_permission_for_group_or_org(
        owner_org, context.get("user"), "create_dataset")
    return _result(allowed, tk._("Only editors of an organization write its stories"))


def story_update_auth(context, data_dict):
    """Editors of the story's organization, and moderators."""
    allowed = is_moderator(context.get("user")) or _allowed("package_update", context, {"id": data_dict.get("id")})
    return _result(allowed, tk._("Not authorized to edit this story"))


@tk.auth_allow_anonymous_access
def story_show_auth(context, data_dict):
    """Published stories are public; others are for the organization's members and moderators."""
    story = ckan_model.Package.get(data_dict.get("id"))
    allowed = story is not None and (
        (not story.private and story.state == "active") or is_moderator(context.get("user"))
        or _allowed("package_show", context, {"id": story.id}))
    return _result(allowed, tk._("Not authorized to see this story"))


@tk.auth_allow_anonymous_access
def story_list_auth(context, data_dict):
    """Anyone lists published stories; the other states are the moderators' queue."""
    allowed = data_dict.get("workflow_state") == model.PUBLISHED or is_moderator(context.get("user"))
    return _result(allowed, tk._("Only story moderators see the moderation queue"))


@tk.auth_allow_anonymous_access
def story_search_auth(context, data_dict):
    """Search results are filtered by package_search's own permission labels."""
    return {"success": True}


@tk.auth_allow_anonymous_access
def story_submit_auth(context, data_dict):
    """Anyone may send a story for moderation; moving a draft needs edit rights."""
    if not data_dict.get("id"):
        return {"success": True}
    return story_update_auth(context, data_dict)


def story_moderate_auth(context, data_dict):
    """Publishing and archiving are the moderators' decision."""
    return _result(is_moderator(context.get("user")), tk._("Only story moderators publish or archive stories"))


@tk.auth_allow_anonymous_access
def dataset_story_list_auth(context, data_dict):
    """Whoever may see the dataset."""
    return _result(_allowed("package_show", context, {"id": data_dict.get("id")}),
                   tk._("Not authorized to see this dataset"))


def _moderated_story(context, data_dict):
    """Whether the package asked about is a story and the user one of its moderators."""
    package = context.get("package") or ckan_model.Package.get((data_dict or {}).get("id") or "")
    return package is not None and package.type == STORY_TYPE and is_moderator(context.get("user"))


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def package_show_auth(next_auth, context, data_dict):
    """Moderators see every story, whatever its organization (the moderation queue)."""
    result = next_auth(context, data_dict)
    if not result.get("success") and _moderated_story(context, data_dict):
        return {"success": True}
    return result


@tk.chained_auth_function
def package_update_auth(next_auth, context, data_dict):
    """Moderators edit every story (to translate or correct it before publishing)."""
    result = next_auth(context, data_dict)
    if not result.get("success") and _moderated_story(context, data_dict):
        return {"success": True}
    return result


def get_auth_functions():
    return {
        "package_show": package_show_auth, "package_update": package_update_auth,
        "story_create": story_create_auth, "story_update": story_update_auth, "story_show": story_show_auth,
        "story_list": story_list_auth, "story_search": story_search_auth, "story_submit": story_submit_auth,
        "story_publish": story_moderate_auth, "story_archive": story_moderate_auth,
        "story_dataset_link": story_update_auth, "story_dataset_unlink": story_update_auth,
        "dataset_story_list": dataset_story_list_auth,
    }
