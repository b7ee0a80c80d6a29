"""HVD standards as data: every shipped file loads and is well formed; malformed files fail
loudly, naming the file and the problem (pure, no services)."""
import os
import re

import pytest

from ckanext.pancanadian.profile import standards

SHIPPED = {
    "baby-names": "statistics",
    "contracts": "companies-and-company-ownership",
    "road-events": "mobility",
    "municipal-budgets": "statistics",
}
PROVINCES_TERRITORIES = {"AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT"}


@pytest.fixture(autouse=True)
def fresh_cache():
    standards.reload()
    yield
    standards.reload()


def all_standards():
    return standards.list_standards()


def test_the_four_standards_ship_with_their_hvd_category():
    loaded = {s.id: s.hvd_category for s in all_standards()}
    for standard_id, category in SHIPPED.items():
        assert loaded.get(standard_id) == category
    assert len(loaded) >= 4


def test_shipped_files_are_exactly_what_loads():
    directory = standards.standards_directory()
    files = sorted(name[:-5] for name in os.listdir(directory) if name.endswith(".yaml"))
    assert files == [s.id for s in all_standards()]


@pytest.mark.parametrize("standard", all_standards(), ids=lambda s: s.id)
def test_standard_is_well_formed(standard):
    assert standards.check_standard(standard.raw, standard.path) == []
    assert re.fullmatch(r"\d+\.\d+\.\d+", standard.version)
    assert standard.status in standards.STATUSES
    assert standard.hvd_category in standards.HVD_CATEGORIES
    for lang in ("en", "fr"):
        assert standard.title(lang).strip() and standard.description(lang).strip()
        assert standard.hvd_category_label(lang) != standard.hvd_category
    assert standard.title("en") != standard.title("fr")
    assert standard.sources and all(s["url"].startswith("https://") for s in standard.sources)
    assert standard.notes.get("known") and standard.notes.get("assumed")
    assert standard.delimiter == "," and standard.quote_char == '"'

    names = standard.field_names
    assert len(names) == len(set(names)) >= 4
    assert standard.primary_key and set(standard.primary_key) <= set(names)
    for field in standard.fields:
        assert field.type in standards.FIELD_TYPES
        for lang in ("en", "fr"):
            assert field.title(lang).strip() and field.description(lang).strip()
        if field.enum_labels:
            assert set(field.enum_labels) == set(field.enum), field.name
        for key in field.constraints:
            assert key in standards.CONSTRAINTS
    for rule in standard.rules:
        assert set(rule.fields) <= set(names)
        assert rule.description("en") and rule.description("fr")


@pytest.mark.parametrize("standard", all_standards(), ids=lambda s: s.id)
def test_frictionless_export_is_a_plain_table_schema(standard):
    for lang in ("en", "fr"):
        descriptor = standard.to_frictionless(lang)
        assert [f["name"] for f in descriptor["fields"]] == standard.field_names
        assert all(isinstance(f["title"], str) and f["title"] for f in descriptor["fields"])
        assert descriptor["primaryKey"] == list(standard.primary_key)
        assert descriptor["missingValues"] == list(standard.missing_values)
        for field in descriptor["fields"]:
            assert field.get("format") != "wkt"
            pattern = field.get("constraints", {}).get("pattern")
            assert pattern is None or isinstance(pattern, str)


def test_baby_names_follows_statcan_conventions():
    baby = standards.get_standard("baby-names")
    assert baby.primary_key == ("year", "province_territory", "sex_at_birth", "first_name")
    assert set(baby.field("province_territory").enum) == PROVINCES_TERRITORIES
    assert set(baby.field("sex_at_birth").enum) == {"F", "M"}
    count = baby.field("count")
    assert count.type == "integer" and not count.required and count.checks["minimum"] == 5
    assert baby.missing_values == ("x",)  # Statistics Canada's "suppressed" symbol
    assert baby.field("first_name").checks["minLength"] == 2  # single letters are excluded
    together = [set(rule.fields) for rule in baby.rules if rule.type == "together"]
    assert {"count", "rank"} in together
    assumed = " ".join(note["en"] for note in baby.notes["assumed"])
    assert "fewer than 5" in assumed and '"x"' in assumed


def test_road_events_use_open511_code_lists():
    road = standards.get_standard("road-events")
    assert set(road.field("event_type").enum) == {
        "CONSTRUCTION", "SPECIAL_EVENT", "INCIDENT", "WEATHER_CONDITION", "ROAD_CONDITION"}
    assert set(road.field("severity").enum) == {"MINOR", "MODERATE", "MAJOR", "UNKNOWN"}
    assert set(road.field("status").enum) == {"ACTIVE", "ARCHIVED"}
    assert road.field("geography").format == "wkt"
    assert road.field("id").checks["pattern"].fullmatch("drivebc.ca/DBC-52446")


def test_contracts_and_budgets_keep_their_conventions():
    contracts = standards.get_standard("contracts")
    assert contracts.primary_key == ("reference_number",)
    postal = contracts.field("vendor_postal_code").checks["pattern"]
    assert postal.fullmatch("K1P") and postal.fullmatch("NA") and not postal.fullmatch("K1P 1A1")
    assert contracts.field("reporting_period").checks["pattern"].fullmatch("2023-2024-Q1")
    budgets = standards.get_standard("municipal-budgets")
    assert budgets.field("currency").enum == ("CAD",)
    assert budgets.field("csd_code").checks["pattern"].fullmatch("3506008")


def test_bilingual_accessors():
    baby = standards.get_standard("baby-names")
    assert baby.title("fr") == "Prénoms des nouveau-nés"
    assert baby.title("fr-CA") == baby.title("fr")
    assert baby.title("fr_CA") == baby.title("fr")
    assert baby.title("de") == baby.title("en")  # the portal's order: English, then French
    sex = baby.field("sex_at_birth")
    assert sex.title("fr") == "Sexe à la naissance"
    assert sex.label("F", "fr") == "Féminin" and sex.label("M", "en") == "Male"
    assert sex.label("Z", "en") == "Z"
    assert standards.pick({"fr": "Seulement"}, "en") == "Seulement"
    assert standards.pick(None, "en") == ""
    summary = baby.summary("fr")
    assert summary["hvd_category_label"] == "Statistiques"
    assert summary["fields"][0] == {
        "name": "year", "title": "Année de naissance", "type": "year", "required": True}
    labels = {choice["value"]: choice["label"] for choice in standards.choices("fr")}
    assert labels["road-events"] == "Événements routiers (Open511)"


def test_unknown_standard_is_a_key_error():
    with pytest.raises(standards.UnknownStandard):
        standards.get_standard("no-such-standard")
    with pytest.raises(KeyError):
        standards.get_standard("no-such-standard")


# ------------------------------------------------------------------------ malformed standards
GOOD = """\
id: {id}
version: 1.0.0
status: draft
hvd_category: statistics
title: {{en: Test, fr: Essai}}
description: {{en: A test standard., fr: Une norme d'essai.}}
sources:
  - url: https://example.org/spec
    title: {{en: Spec, fr: Spécification}}
schema:
  primaryKey: [code]
  fields:
    - name: code
      title: {{en: Code, fr: Code}}
      description: {{en: A code., fr: Un code.}}
      type: string
      constraints: {{required: true, enum: [A, B]}}
"""


def write(tmp_path, text, name="sample"):
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path):
    with pytest.raises(standards.StandardError) as caught:
        standards.load_standard(path)
    assert str(path) in str(caught.value)
    return caught.value.problems


def test_a_minimal_standard_loads(tmp_path):
    loaded = standards.load_standard(write(tmp_path, GOOD.format(id="sample")))
    assert loaded.id == "sample" and loaded.field("code").enum == ("A", "B")


def test_invalid_yaml_names_the_file_and_line(tmp_path):
    path = write(tmp_path, GOOD.format(id="sample") + "  - [unclosed\n")
    (problem,) = problems_of(path)
    assert problem.startswith("invalid YAML: line ")


@pytest.mark.parametrize(
    "edit, expected",
    [
        (("title: {en: Test, fr: Essai}", "title: {en: Test}"), "title.fr: missing or empty"),
        (("id: sample", "id: other"), "must match the file name (sample.yaml)"),
        (("version: 1.0.0", "version: 1.0"), "version: 1.0 must be MAJOR.MINOR.PATCH"),
        (("hvd_category: statistics", "hvd_category: transport"), "hvd_category: 'transport'"),
        (("status: draft", "status: final"), "status: 'final' is not one of"),
        (("type: string", "type: text"), "type: 'text' is not one of"),
        (("enum: [A, B]", "enum: [A, ON]"), "True is not a string (quote values such as ON"),
        (("enum: [A, B]", "enum: [A, A]"), "values are repeated"),
        (("required: true,", "required: true, pattern: '[a-',"), "invalid regular expression"),
        (("required: true,", "required: true, minimum: 3,"), "minimum: does not apply to type"),
        (("required: true,", "required: true, minLength: 5, maxLength: 2,"),
         "minLength is greater than maxLength"),
        (("primaryKey: [code]", "primaryKey: [kode]"), "primaryKey: 'kode' is not a column"),
        (("url: https://example.org/spec", "url: example.org"), "is not an http(s) URL"),
        (("status: draft", "status: draft\nlicence: OGL"), "unknown key 'licence'"),
    ],
)
def test_malformed_standard_names_the_problem(tmp_path, edit, expected):
    old, new = edit
    text = GOOD.format(id="sample")
    assert old in text
    problems = problems_of(write(tmp_path, text.replace(old, new)))
    assert any(expected in problem for problem in problems), problems


def test_every_problem_is_listed_at_once(tmp_path):
    text = GOOD.format(id="sample").replace("version: 1.0.0", "version: one").replace(
        "type: string", "type: text")
    problems = problems_of(write(tmp_path, text))
    assert len(problems) == 2


def test_bad_rule_is_reported(tmp_path):
    text = GOOD.format(id="sample") + (
        "rules:\n"
        "  - {type: ordered, fields: [code, missing_column]}\n"
        "  - {type: sometimes, fields: [code]}\n"
        "  - {type: required, fields: [code], when: {field: code}}\n"
    )
    problems = problems_of(write(tmp_path, text))
    joined = "\n".join(problems)
    assert "'missing_column' is not a column of the schema" in joined
    assert "'sometimes' is not one of" in joined
    assert "exactly one of equals, in, present" in joined


def test_directory_with_a_malformed_file_fails_loudly(tmp_path):
    write(tmp_path, GOOD.format(id="fine"), name="fine")
    write(tmp_path, GOOD.format(id="broken").replace("type: string", "type: blob"), name="broken")
    with pytest.raises(standards.StandardError) as caught:
        standards.load_all(str(tmp_path))
    assert caught.value.path.endswith("broken.yaml")
    assert "type: 'blob'" in str(caught.value)


def test_not_utf8_and_not_a_mapping(tmp_path):
    path = tmp_path / "latin.yaml"
    path.write_bytes(GOOD.format(id="latin").replace("Spécification", "Sp\xe9c").encode("latin-1"))
    assert "is not UTF-8" in problems_of(path)[0]
    assert "must contain a mapping" in problems_of(write(tmp_path, "- a list\n"))[0]
    assert "cannot be read" in problems_of(tmp_path / "absent.yaml")[0]
