"""Profile fields in search: list-valued fields indexed as lists, facets with bilingual labels."""
import ckan.plugins.toolkit as tk

# Facets of the federated search, in display order, each a controlled profile field.
FACET_FIELDS = ("jurisdiction_level", "province_territory", "subject", "access_level", "hvd_standard")
INVENTORY_LEVELS = ("under_review", "restricted")


def facet_titles():
    return {
        "jurisdiction_level": tk._("Jurisdiction level"),
        "province_territory": tk._("Province or territory"),
        "subject": tk._("Subject"),
        "access_level": tk._("Access level"),
        "hvd_standard": tk._("Data standard"),
    }


def dataset_facets(facets_dict):
    titles = facet_titles()
    facets = {name: titles[name] for name in FACET_FIELDS}
    facets.update(facets_dict)
    return facets


def label_facet_items(search_results, schema):
    """Facet items show the controlled list's label in the reader's language, not the code."""
    fields = {f["field_name"]: f for f in schema.get("dataset_fields", [])}
    for name, facet in (search_results.get("search_facets") or {}).items():
        field = fields.get(name)
        if not field or name not in FACET_FIELDS:
            continue
        choices = tk.h.scheming_field_choices(field) or []
        labels = {c["value"]: tk.h.scheming_language_text(c["label"]) for c in choices}
        for item in facet.get("items", []):
            item["display_name"] = labels.get(item["name"], item["name"])
    return search_results
