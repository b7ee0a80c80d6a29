"""Harvest sources from the registry of real portals (federation/registry.py): one source per
portal, created or brought up to date by name, so loading twice changes nothing."""
import json

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.pancanadian.federation import platforms


def source_fields(portal, owner_org):
    """harvest_source_create fields for a registry entry."""
    config = {
        "jurisdiction_level": portal["jurisdiction_level"],
        "province_territory": list(portal.get("province_territory") or []),
        "language": portal.get("language") or "bilingual",
    }
    for optional in ("default_licence", "default_subject"):
        if portal.get(optional):
            config[optional] = portal[optional]
    title = portal.get("title") or {}
    if title.get("fr") and title.get("fr") != title.get("en"):
        config["title_fr"] = title["fr"]
    return {
        "name": portal["name"],
        "title": title.get("en") or title.get("fr") or portal["name"],
        "url": portal["url"],
        "source_type": f"pancanadian_{portal['platform']}",
        "owner_org": owner_org,
        "frequency": "WEEKLY",
        "config": json.dumps(config, ensure_ascii=False),
    }


def load(portals, owner_org, user):
    """Create or update a harvest source per portal; yields one line per portal."""
    for portal in portals:
        try:
            platforms.load(portal["platform"])
        except (ImportError, ValueError):
            yield tk._("{name}: skipped, no harvester for platform {platform}").format(
                name=portal["name"], platform=portal["platform"])
            continue
        fields = source_fields(portal, owner_org)
        existing = model.Package.get(portal["name"])
        context = {"user": user}
        try:
            if existing is not None and existing.type == "harvest":
                tk.get_action("harvest_source_update")(context, dict(fields, id=existing.id))
                yield tk._("{name}: updated").format(name=portal["name"])
            else:
                tk.get_action("harvest_source_create")(context, fields)
                yield tk._("{name}: created").format(name=portal["name"])
        except tk.ValidationError as invalid:
            yield tk._("{name}: refused: {errors}").format(name=portal["name"], errors=invalid.error_summary)
