"""Federated search: the source portal and platform of harvested datasets as facets, labelled
with the source's title and the platform's name."""
import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.pancanadian.bilingual.helpers import fluent_text
from ckanext.pancanadian.federation import platforms

FACET_FIELDS = ("source_portal", "federation_platform")
HARVESTER_PREFIX = "pancanadian_"


def harvest_source_of(portal):
    """The harvest source whose dataset is named ``portal``, or None."""
    from ckanext.harvest.model import HarvestSource

    dataset = model.Package.get(portal) if portal else None
    return HarvestSource.get(dataset.id) if dataset is not None and dataset.type == "harvest" else None


def platform_of(portal):
    source = harvest_source_of(portal)
    if source is None or not (source.type or "").startswith(HARVESTER_PREFIX):
        return None
    return source.type[len(HARVESTER_PREFIX):]


def index_fields(pkg_dict):
    """Harvested datasets carry their platform, from the source that brought them."""
    if pkg_dict.get("type") == "dataset" and pkg_dict.get("source_portal"):
        platform = platform_of(pkg_dict["source_portal"])
        if platform:
            pkg_dict["federation_platform"] = platform
    return pkg_dict


def facet_titles():
    return {"source_portal": tk._("Source portal"), "federation_platform": tk._("Platform")}


def dataset_facets(facets_dict):
    facets = dict(facets_dict)
    facets.update(facet_titles())
    return facets


def platform_title(name):
    try:
        title = platforms.load(name).TITLE
    except (ImportError, ValueError):
        return name
    return fluent_text(title)


def portal_title(portal):
    dataset = model.Package.get(portal) if portal else None
    return dataset.title if dataset is not None and dataset.title else portal


def label_facet_items(search_results):
    facets = search_results.get("search_facets") or {}
    for item in (facets.get("source_portal") or {}).get("items", []):
        item["display_name"] = portal_title(item["name"])
    for item in (facets.get("federation_platform") or {}).get("items", []):
        item["display_name"] = platform_title(item["name"])
    return search_results
