"""Organizations and groups in the reader's language.

CKAN's templates show an organization's ``display_name`` and ``description`` (core fields, in
the default locale) in headings, breadcrumbs, lists and facets. The show/list actions are
chained so these two presentation fields follow the reader's language; ``title_translated``
and ``description_translated`` still carry both languages, and ``title`` is untouched.
"""
import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.pancanadian.bilingual import helpers, values

PRESENTED = {"display_name": "title_translated", "description": "description_translated"}


def localize_group(group_dict):
    """display_name and description of one organization or group in the reader's language."""
    if not isinstance(group_dict, dict):
        return group_dict  # organization_list without all_fields returns names
    for core, translated in PRESENTED.items():
        text = helpers.fluent_text(group_dict[translated]) if group_dict.get(translated) else ""
        if text:
            group_dict[core] = text
    return group_dict


@tk.chained_action
def organization_show(next_action, context, data_dict):
    return localize_group(next_action(context, data_dict))


@tk.chained_action
def group_show(next_action, context, data_dict):
    return localize_group(next_action(context, data_dict))


@tk.chained_action
def organization_list(next_action, context, data_dict):
    return [localize_group(group) for group in next_action(context, data_dict)]


@tk.chained_action
def group_list(next_action, context, data_dict):
    return [localize_group(group) for group in next_action(context, data_dict)]


def chained_actions():
    return {
        "organization_show": organization_show,
        "group_show": group_show,
        "organization_list": organization_list,
        "group_list": group_list,
    }


def localize_facets(search_results):
    """after_dataset_search: organization and group facet labels in the reader's language."""
    facets = search_results.get("search_facets") or {}
    items = [item for key in ("organization", "groups") for item in facets.get(key, {}).get("items", [])]
    if not items:
        return search_results
    # Scheming keeps custom group fields in the group's JSONB extras; one query for all items.
    rows = model.Session.query(model.Group.name, model.Group.extras).filter(
        model.Group.name.in_({item["name"] for item in items})
    )
    titles = {name: helpers.fluent_text((extras or {}).get("title_translated")) for name, extras in rows}
    for item in items:
        if titles.get(item["name"]):
            item["display_name"] = titles[item["name"]]
    return search_results


def embed_organization_title(pkg_dict):
    """after_dataset_show: the dataset's embedded organization carries its bilingual title, so
    breadcrumbs and API clients can show it in either language."""
    organization = pkg_dict.get("organization")
    if isinstance(organization, dict) and organization.get("id") and "title_translated" not in organization:
        group = model.Group.get(organization["id"])
        translated = (group.extras or {}).get("title_translated") if group is not None else None
        if translated:
            organization["title_translated"] = values.as_dict(translated)
    return pkg_dict
