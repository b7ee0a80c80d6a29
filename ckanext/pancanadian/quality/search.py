"""Quality in search: each dataset's rating and percent indexed (Solr's catch-all ``*`` string
field), a rating facet with labels in the reader's language, and a sort by quality.

``quality_rank`` is the percent written with three digits ("083") so that the string field
sorts like the number without a numeric field in the schema.
"""
import ckan.plugins.toolkit as tk

from ckanext.pancanadian.bilingual.helpers import fluent_text
from ckanext.pancanadian.quality import results, rules

FACET = "quality_rating"
RANK = "quality_rank"
SORT_BEST_FIRST = f"{RANK} desc, metadata_modified desc"
SORT_WORST_FIRST = f"{RANK} asc, metadata_modified desc"


def index_fields(pkg_dict):
    if not results.available():
        return pkg_dict
    stored = results.for_packages([pkg_dict["id"]]).get(pkg_dict["id"])
    if stored:
        percent, rating = stored
        pkg_dict[FACET] = rating
        pkg_dict[RANK] = f"{percent:03d}"
    return pkg_dict


def dataset_facets(facets_dict):
    facets = dict(facets_dict)
    facets[FACET] = tk._("Metadata quality")
    return facets


def rating_label(rating_id):
    """A rating's label in the reader's language."""
    for rating in rules.default_rule_set().ratings:
        if rating["id"] == rating_id:
            return fluent_text(rating["label"])
    return rating_id


def label_facet_items(search_results):
    facet = (search_results.get("search_facets") or {}).get(FACET)
    for item in (facet or {}).get("items", []):
        item["display_name"] = rating_label(item["name"])
    return search_results


def sort_options():
    """(label, sort) pairs the search page adds to CKAN's."""
    return [(tk._("Quality (best first)"), SORT_BEST_FIRST), (tk._("Quality (lowest first)"), SORT_WORST_FIRST)]
