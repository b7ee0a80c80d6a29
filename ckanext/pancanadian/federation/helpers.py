"""Template helpers of federation: where a harvested dataset comes from."""
import ckan.model as model

from ckanext.pancanadian.federation import records, search


def origin(pkg_dict):
    """{"portal", "title", "platform", "url"} of a harvested dataset, or None."""
    portal = (pkg_dict or {}).get("source_portal")
    if not portal or not (pkg_dict.get("remote_id")):
        return None
    platform = search.platform_of(portal)
    return {
        "portal": portal,
        "title": search.portal_title(portal),
        "platform": search.platform_title(platform) if platform else "",
        "url": pkg_dict.get("source_url") or "",
    }


def also_from(pkg_dict):
    """Titles of the other sources that reach the same dataset (linked, not duplicated)."""
    links = records.linked_sources(pkg_dict["id"]) if pkg_dict.get("id") else []
    return [search.portal_title(source_name(link["harvest_source_id"])) for link in links]


def source_name(source_id):
    dataset = model.Package.get(source_id)
    return dataset.name if dataset is not None else source_id


def all_helpers():
    return {
        "pancanadian_federation_origin": origin,
        "pancanadian_federation_also_from": also_from,
        "pancanadian_federation_source_name": source_name,
    }
