"""Stories in Solr: their own facets, and kept apart from the dataset search."""
import ckan.plugins.toolkit as tk

from ckanext.pancanadian.lib.scheming_lists import index_lists
from ckanext.pancanadian.stories import model

STORY_TYPE = "story"
# Multi-valued string field for the "dataset" facet: vocab_* is the schema's multi-valued
# dynamic string field, so no change to solr/schema.xml is needed.
DATASETS_FIELD = "vocab_story_datasets"
FACET_FIELDS = ("jurisdiction_level", "province_territory", "subject", "reuser_type", DATASETS_FIELD)


def facet_titles():
    return {
        "jurisdiction_level": tk._("Jurisdiction level"),
        "province_territory": tk._("Province or territory"),
        "subject": tk._("Themes"),
        "reuser_type": tk._("Type of reuser"),
        DATASETS_FIELD: tk._("Datasets used"),
    }


def index_fields(pkg_dict, schema):
    """Workflow state, featured flag, lists as lists and the public datasets' names."""
    index_lists(pkg_dict, schema)
    row = model.get(pkg_dict["id"]) or {}
    pkg_dict["story_state"] = row.get("workflow_state", model.DRAFT)
    pkg_dict["featured"] = "true" if tk.asbool(pkg_dict.get("featured")) else "false"
    pkg_dict[DATASETS_FIELD] = model.public_dataset_names(pkg_dict["id"])
    return pkg_dict


def _filters(params):
    # Solr's query runner turns fq into a list before after_dataset_search sees it.
    fq = params.get("fq") or ""
    return (fq if isinstance(fq, list) else [fq]) + list(params.get("fq_list") or [])


def _mentions_type(params):
    return any("dataset_type:" in text for text in _filters(params))


def asks_for_stories(params):
    return any(f"+dataset_type:{STORY_TYPE}" in text for text in _filters(params))


def exclude_stories(params):
    """A search that does not ask for a type (the API's package_search, the home page counts,
    organization pages) gets datasets, not stories: stories have their own search."""
    if not _mentions_type(params):
        params["fq"] = f"{params.get('fq') or ''} -dataset_type:{STORY_TYPE}".strip()
    return params


def label_facet_items(search_results, schema):
    """Controlled lists show their label in the reader's language; datasets their title."""
    fields = {f["field_name"]: f for f in schema.get("dataset_fields", [])}
    facets = search_results.get("search_facets") or {}
    for name, facet in facets.items():
        field = fields.get(name)
        if field and name in FACET_FIELDS:
            choices = tk.h.scheming_field_choices(field) or []
            labels = {c["value"]: tk.h.scheming_language_text(c["label"]) for c in choices}
            for item in facet.get("items", []):
                item["display_name"] = labels.get(item["name"], item["name"])
    dataset_facet = facets.get(DATASETS_FIELD)
    if dataset_facet and dataset_facet.get("items"):
        titles = model.dataset_titles([item["name"] for item in dataset_facet["items"]])
        for item in dataset_facet["items"]:
            title = titles.get(item["name"])
            item["display_name"] = tk.h.fluent_text(title) if title else item["name"]
    return search_results
