"""Multiple-choice scheming fields: stored as JSON lists, indexed as real lists so that Solr
can facet on each value."""
import json


def multiple_choice_fields(schema):
    return [
        field["field_name"]
        for field in schema.get("dataset_fields", [])
        if "scheming_multiple_choice" in str(field.get("validators", ""))
    ]


def index_lists(pkg_dict, schema):
    """pkg_dict with each multiple-choice value decoded into a list (and no extras_ copy)."""
    for name in multiple_choice_fields(schema):
        value = pkg_dict.get(name)
        if isinstance(value, str):
            try:
                decoded = json.loads(value)
            except ValueError:
                decoded = [value]
            pkg_dict[name] = decoded if isinstance(decoded, list) else [value]
        pkg_dict.pop(f"extras_{name}", None)
    return pkg_dict
