"""ckanext-fluent compatibility against open.canada.ca's real schema and records.

open.canada.ca runs ckanext-scheming + ckanext-fluent + ckanext-canada. Here its presets.yaml and
dataset.yaml (tests/fixtures/opencanada/, byte-for-byte copies, see tests/fixtures/SOURCES.md)
are loaded with scheming + pancanadian_bilingual in place of fluent, and real package_show
records of the Canadian Space Agency are created again through package_create.

Their schema also uses ckanext-canada's own validators (canada_*, string_safe, ...). They are not
stubbed. The ``opencanada`` fixture derives a reduced schema instead, with the validator registry
of the loaded plugins:

* a field whose preset is undefined, or whose validators / output_validators /
  create_validators name a validator no loaded plugin provides, is dropped;
* a fluent field (one using a fluent_* validator or preset) is dropped the same way when a
  fluent_* name itself does not resolve. When only open.canada add-ons chained next to fluent's
  validators do not resolve (``fluent_text canada_copy_from_org_name``, or the fluent_tags option
  ``tag_validators: canada_tags``), the field is kept without those add-ons: what fluent stores
  for a valid value does not depend on them (canada_copy_from_org_name only fills an empty value
  from the organization title; canada_tags is a per-keyword check that then falls back to
  fluent's default tag_length_validator + tag_name_validator). Each such removal is recorded;
* subfields of repeating fields are judged one by one;
* schema-level before_validators / after_validators that do not resolve are removed.

The test then asserts that no fluent field was dropped, and DROPPED / STRIPPED below record what
was taken out and why (the test fails when that changes).
"""
import copy
import dataclasses
import json
import pathlib
import re
import unicodedata

import pytest
import yaml

import ckan.plugins as plugins
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers
from ckanext.scheming.validation import validators_from_string

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "opencanada"
PRESETS = FIXTURES / "opencanada-scheming-presets.yaml"
DATASET_SCHEMA = FIXTURES / "opencanada-scheming-dataset.yaml"
RECORDS_FILE = FIXTURES / "opencanada-package_show-csa-list.json"

PLUGINS = "pancanadian_bilingual scheming_datasets scheming_organizations scheming_groups"
# As open.canada.ca lists them, with our presets where ckanext.fluent:presets.json was.
# scheming loads a schema or presets file from a module:path or from a URL; file:// URLs of the
# fixture files avoid turning tests/fixtures into a Python package.
SCHEMING_PRESETS = (
    "ckanext.scheming:presets.json ckanext.pancanadian.schemas:bilingual_presets.yaml " + PRESETS.as_uri()
)

VALIDATOR_KEYS = ("validators", "output_validators", "create_validators")
FIELD_KEYS = VALIDATOR_KEYS + ("tag_validators",)  # tag_validators: read by fluent_tags
SCHEMA_KEYS = ("before_validators", "after_validators")

# Real records (type "dataset"), chosen for variety: blank and filled optional fluent fields,
# 1 to 8 resources, metadata_contact / position_name set. Records whose keywords only
# canada_tags accepts (apostrophes, semicolons) are left out: fluent's default tag validators
# refuse them, ours too (test_keywords_refused_by_default_tag_validators_as_in_fluent).
RECORD_IDS = [
    "38ce99e4-8c60-45cc-ba88-7edc9822fd99",  # RADARSAT-1 - Antarctica Mosaics
    "dd18f931-a23e-4126-874f-68e1bc73851b",  # CSA peer-reviewed publications list
    "b9e38866-c7b0-4314-a640-c9c08a2a7658",  # Advanced MOST Science Archive (AMSA)
    "e0333ed6-a614-46b1-b595-1fac1ce9214a",  # RADARSAT-1 - Heatmap of processed archived images
    "5d31f5b8-8bd6-48fc-aad8-f4f054f83a09",  # Astronautics Vocabulary
]
WINDII = "4501efc8-9fe0-4a52-9a60-f2657a969c0b"  # keyword "interféromètre d'imagerie des vents"

# What the reduction takes out of open.canada.ca's dataset.yaml, with the names that do not
# resolve with scheming + pancanadian_bilingual (all of them are ckanext-canada's own
# validators, string_safe included).
_STRING_SAFE = {"validators": ["string_safe"]}
DROPPED = {
    "schema.before_validators": {"before_validators": ["limit_resources_per_dataset"]},
    "dataset.id": {"create_validators": ["canada_validate_generate_uuid"]},
    "dataset.name": {"validators": ["canada_validate_generate_uuid"]},
    "dataset.collection": _STRING_SAFE,
    "dataset.parent_id": _STRING_SAFE,
    "dataset.hierarchy_level": _STRING_SAFE,
    "dataset.file_id": _STRING_SAFE,
    "dataset.short_key": _STRING_SAFE,
    "dataset.owner_org": _STRING_SAFE,
    "dataset.creator": _STRING_SAFE,
    "dataset.responsible_role": _STRING_SAFE,
    "dataset.maintainer_email": _STRING_SAFE,
    "dataset.time_period_coverage_start": _STRING_SAFE,
    "dataset.time_period_coverage_end": _STRING_SAFE,
    "dataset.frequency": _STRING_SAFE,
    "dataset.reference_system_information": _STRING_SAFE,
    "dataset.status": _STRING_SAFE,
    "dataset.aggregate_identifier": _STRING_SAFE,
    "dataset.jurisdiction": _STRING_SAFE,
    "dataset.restrictions": _STRING_SAFE,
    "dataset.imso_approval": _STRING_SAFE,
    "dataset.ready_to_publish": _STRING_SAFE,
    "dataset.contact_information": {"validators": ["json_string_has_en_fr_keys"]},
    "dataset.distributor": {"validators": ["json_string_has_en_fr_keys"]},
    "dataset.spatial": {"validators": ["string_safe", "geojson_validator"]},
    "dataset.date_published": {"validators": ["string_safe", "no_future_date"]},
    "dataset.date_modified": {"validators": ["string_safe", "no_future_date"]},
    "dataset.license_id": {"validators": ["string_safe", "license_choices"]},
    "dataset.portal_release_date": {"validators": ["protect_portal_release_date"]},
    "resource.resource_type": {"validators": ["canada_static_rtype_tabledesigner"]},
    "resource.relationship.resource_type": {"validators": ["canada_static_rtype_tabledesigner"]},
    "resource.character_set": {"validators": ["canada_static_charset_tabledesigner"]},
    "resource.format": {"validators": ["canada_guess_resource_format"]},
    "resource.language": {"validators": ["canada_resource_language_validator"]},
    "resource.url": {"validators": ["canada_security_upload_presence", "canada_security_upload_type"]},
    "resource.ckan_url": {"output_validators": ["canada_output_none"]},
    "resource.original_url": {"output_validators": ["canada_output_resource_original_url"]},
    "resource.schema": {"output_validators": ["canada_output_none"]},
    "resource.validation_options": {"output_validators": ["canada_output_none"]},
    "resource.related_type": {"output_validators": ["canada_output_none"]},
    "resource.related_relationship": {"output_validators": ["canada_output_none"]},
}
# Fluent fields kept without their open.canada add-ons.
STRIPPED = {
    "dataset.org_title_at_publication": {"validators": ["canada_copy_from_org_name"]},
    "dataset.keywords": {"tag_validators": ["canada_tags"]},
}

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.ckan_config("scheming.presets", SCHEMING_PRESETS),
    # Their dataset.yaml unchanged: it must load (with_plugins); the fixture then swaps in the reduction.
    pytest.mark.ckan_config("scheming.dataset_schemas", DATASET_SCHEMA.as_uri()),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]


# ----------------------------------------------------------------------------- reduction


def _names(validators):
    """Validator names of a scheming validators string: 'if_empty_same_as(id) x' -> ['if_empty_same_as', 'x']."""
    return [token.split("(", 1)[0] for token in str(validators or "").split()]


def _resolves(name):
    if name == "unicode":  # scheming maps it to str itself
        return True
    try:
        tk.get_validator(name)
    except tk.UnknownValidator:
        return False
    return True


def _is_fluent(field):
    return str(field.get("preset") or "").startswith("fluent_") or any(
        name.startswith("fluent_") for key in VALIDATOR_KEYS for name in _names(field.get(key))
    )


@dataclasses.dataclass
class Reduction:
    schema: dict = None
    dropped: dict = dataclasses.field(default_factory=dict)  # qualified name -> {key: [names]} or reason
    stripped: dict = dataclasses.field(default_factory=dict)  # fluent fields kept without add-ons
    fluent: list = dataclasses.field(default_factory=list)  # qualified names of every fluent field
    kept: dict = dataclasses.field(default_factory=dict)  # "dataset"/"resource" -> [field names]

    def fluent_fields(self, group):
        """Top-level fluent fields of a group, as kept."""
        prefix = f"{group}."
        return [name[len(prefix):] for name in self.fluent if name.startswith(prefix) and name.count(".") == 1]

    def report(self):
        lines = ["open.canada.ca dataset.yaml reduced for scheming + pancanadian_bilingual:"]
        lines += [f"  dropped  {name}: {why}" for name, why in self.dropped.items()]
        lines += [f"  stripped {name}: {why}" for name, why in self.stripped.items()]
        lines += [f"  kept     {group}: {' '.join(names)}" for group, names in self.kept.items()]
        return "\n".join(lines)


def _reduce_field(raw, field, presets, qualified, out):
    """The entry to write for ``field`` (``raw``, its entry as written, when nothing changed), or
    None when it is dropped."""
    if field.get("preset") and field["preset"] not in presets:
        out.dropped[qualified] = f"preset {field['preset']!r} is not defined"
        return None
    fluent = _is_fluent(field)
    if fluent:
        out.fluent.append(qualified)
    unresolved = {}
    for key in FIELD_KEYS:
        names = [name for name in _names(field.get(key)) if not _resolves(name)]
        if names:
            unresolved[key] = names
    entry = raw
    if unresolved:
        if not fluent or any(name.startswith("fluent_") for names in unresolved.values() for name in names):
            out.dropped[qualified] = unresolved
            return None
        # Written expanded and without "preset", so that scheming cannot bring the add-ons back.
        entry = {key: value for key, value in copy.deepcopy(field).items() if key != "preset"}
        for key, names in unresolved.items():
            rest = [token for token in str(field[key]).split() if token.split("(", 1)[0] not in names]
            if rest:
                entry[key] = " ".join(rest)
            else:
                del entry[key]
        out.stripped[qualified] = unresolved
    if "repeating_subfields" in field:
        subfields, changed = [], entry is not raw
        for sub in field["repeating_subfields"]:  # already expanded by scheming
            kept = _reduce_field(sub, sub, presets, f"{qualified}.{sub['field_name']}", out)
            changed = changed or kept is not sub
            if kept is not None:
                subfields.append(copy.deepcopy(kept))
        if not subfields:
            out.dropped[qualified] = "no subfield left"
            return None
        if changed:
            base = field if entry is raw else entry
            entry = {key: copy.deepcopy(value) for key, value in base.items() if key != "preset"}
            entry["repeating_subfields"] = subfields
    return entry


def reduce_schema(raw_schema, expanded_schema, presets):
    """The part of a scheming dataset schema that loads and validates with the loaded plugins."""
    out = Reduction(schema={key: copy.deepcopy(value) for key, value in raw_schema.items()})
    for key in SCHEMA_KEYS:
        names = [name for name in _names(raw_schema.get(key)) if not _resolves(name)]
        if names:
            out.dropped[f"schema.{key}"] = {key: names}
            del out.schema[key]
    for group, grouping in (("dataset", "dataset_fields"), ("resource", "resource_fields")):
        entries = []
        for raw, field in zip(raw_schema[grouping], expanded_schema[grouping]):
            entry = _reduce_field(raw, field, presets, f"{group}.{field['field_name']}", out)
            if entry is not None:
                entries.append(copy.deepcopy(entry))
        out.schema[grouping] = entries
        out.kept[group] = [field["field_name"] for field in expanded_schema[grouping]
                           if f"{group}.{field['field_name']}" not in out.dropped]
    return out


@pytest.fixture
def opencanada(with_plugins, ckan_config, monkeypatch, tmp_path):
    """Derive the reduced schema with the plugins loaded on their unchanged dataset.yaml, then
    reload the plugins with the reduction as the "dataset" schema."""
    reduction = reduce_schema(
        tk.h.scheming_get_dataset_schema("dataset", expanded=False),
        tk.h.scheming_get_dataset_schema("dataset"),
        tk.h.scheming_get_presets(),
    )
    print(reduction.report())
    path = tmp_path / "opencanada-dataset-reduced.yaml"
    path.write_text(yaml.safe_dump(reduction.schema, allow_unicode=True, sort_keys=False), encoding="utf-8")
    monkeypatch.setitem(ckan_config, "scheming.dataset_schemas", path.as_uri())
    plugins.load_all()  # with_plugins unloads them at teardown
    return reduction


# ----------------------------------------------------------------------------- records


def _load_records():
    with open(RECORDS_FILE, encoding="utf-8") as source:
        return {envelope["result"]["id"]: envelope["result"] for envelope in json.load(source)}


RECORDS = _load_records()


@pytest.fixture
def csa():
    """The records' organization ("Canadian Space Agency | Agence spatiale canadienne")."""
    en, fr = RECORDS[RECORD_IDS[0]]["organization"]["title"].split(" | ")
    return factories.Organization(name="csa-asc", title_translated={"en": en, "fr": fr})


def reduced_record(record, reduction, owner_org):
    """The record as package_create input: the kept schema fields it has a value for, plus the
    core fields that identify and own it. Core title/notes are not sent: fluent_core_translated
    must fill them."""
    data = {"name": record["name"], "type": record["type"], "owner_org": owner_org}
    data.update({name: record[name] for name in reduction.kept["dataset"] if record.get(name) is not None})
    data["resources"] = [
        {name: resource[name] for name in reduction.kept["resource"] if resource.get(name) is not None}
        for resource in record["resources"]
    ]
    return data


def create(record_id, reduction, org):
    return helpers.call_action("package_create", **reduced_record(RECORDS[record_id], reduction, org["id"]))


def fluent_differences(source, shown, fields, where):
    """Fluent values of ``shown`` that differ from the source record. A field the source has no
    value for is sent as missing, which fluent stores as {} (json.dumps of no languages)."""
    differences = []
    for name in fields:
        expected = source[name] if source.get(name) is not None else {}
        if shown.get(name) != expected:
            differences.append(f"{where}{name}: source {expected!r}, package_show {shown.get(name)!r}")
    return differences


def _fold(text):
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def french_only_word(record):
    """The longest word (6+ letters) of the French title found in none of the record's English
    title, description, keywords or resource names."""
    english = _fold(" ".join(
        [record["title_translated"]["en"], record["notes_translated"]["en"], " ".join(record["keywords"]["en"])]
        + [resource["name_translated"].get("en", "") for resource in record["resources"]]
    ))
    words = [word for word in re.findall(r"\w+", record["title_translated"]["fr"])
             if len(word) >= 6 and _fold(word) not in english]
    return max(words, key=len)


# ----------------------------------------------------------------------------- tests


def test_reduction_keeps_every_fluent_field(opencanada):
    lost = [name for name in opencanada.fluent
            if any(name == dropped or name.startswith(dropped + ".") for dropped in opencanada.dropped)]
    assert not lost, f"fluent fields dropped: {lost}\n{opencanada.report()}"
    assert opencanada.fluent_fields("dataset") and opencanada.fluent_fields("resource")
    # Every kept field's validators build with our plugin (fluent_tags builds its tag validators,
    # fluent_core_translated_output checks the field name).
    schema = tk.h.scheming_get_dataset_schema("dataset")
    for field in schema["dataset_fields"] + schema["resource_fields"]:
        for sub in [field] + field.get("repeating_subfields", []):
            for key in VALIDATOR_KEYS:
                if sub.get(key):
                    validators_from_string(sub[key], sub, schema)
    assert opencanada.dropped == DROPPED, opencanada.report()
    assert opencanada.stripped == STRIPPED, opencanada.report()


@pytest.mark.parametrize("record_id", RECORD_IDS)
def test_fluent_values_round_trip_unchanged(opencanada, csa, record_id):
    source = RECORDS[record_id]
    create(record_id, opencanada, csa)
    shown = helpers.call_action("package_show", id=source["name"])
    differences = fluent_differences(source, shown, opencanada.fluent_fields("dataset"), "")
    assert len(shown["resources"]) == len(source["resources"])
    for position, (source_resource, shown_resource) in enumerate(zip(source["resources"], shown["resources"])):
        differences += fluent_differences(
            source_resource, shown_resource, opencanada.fluent_fields("resource"), f"resources[{position}]."
        )
    assert not differences, "\n".join(differences)


@pytest.mark.parametrize("record_id", RECORD_IDS)
def test_core_fields_filled_in_default_locale(opencanada, csa, record_id):
    """fluent_core_translated_output: title, notes, resource name and description in en, as
    open.canada.ca's own package_show returned them."""
    source = RECORDS[record_id]
    create(record_id, opencanada, csa)
    shown = helpers.call_action("package_show", id=source["name"])
    assert (shown["title"], shown["notes"]) == (source["title_translated"]["en"], source["notes_translated"]["en"])
    assert (shown["title"], shown["notes"]) == (source["title"], source["notes"])
    assert [(r["name"], r["description"]) for r in shown["resources"]] == [
        (r["name"], r["description"]) for r in source["resources"]
    ]
    listed = helpers.call_action("package_search", fq=f'name:"{source["name"]}"')["results"]
    assert [dataset["title"] for dataset in listed] == [source["title_translated"]["en"]]


def test_search_finds_records_by_a_word_of_their_french_title(opencanada, csa):
    for record_id in RECORD_IDS:
        create(record_id, opencanada, csa)
    missed = []
    for record_id in RECORD_IDS:
        word = french_only_word(RECORDS[record_id])
        found = [dataset["name"] for dataset in helpers.call_action("package_search", q=word, rows=50)["results"]]
        if RECORDS[record_id]["name"] not in found:
            missed.append(f"{word!r} ({RECORDS[record_id]['title_translated']['fr']}): found {found}")
    assert not missed, "\n".join(missed)


def test_keywords_refused_by_default_tag_validators_as_in_fluent(opencanada, csa):
    """Without canada_tags, fluent_tags checks each keyword with tag_length_validator and
    tag_name_validator, which refuse the apostrophe of "interféromètre d'imagerie des vents"."""
    with pytest.raises(tk.ValidationError) as refused:
        create(WINDII, opencanada, csa)
    assert set(refused.value.error_dict) == {"keywords"}
