"""fluent_text / fluent_tags validators on every accepted and refused input form.

Runs the validators directly on CKAN's flattened data; no database, Solr or Redis."""
import json
from collections import defaultdict

import pytest

import ckan.plugins.toolkit as tk

from ckanext.pancanadian.bilingual import validators

SCHEMA = {"form_languages": ["en", "fr"]}
TITLE = {"field_name": "title_translated", "required": True, "output_validators": "fluent_core_translated_output"}
NOTES = {"field_name": "notes_translated"}
KEYWORDS = {"field_name": "keywords", "required": True}


@pytest.fixture(autouse=True)
def _request_context(test_request_context):
    with test_request_context():
        yield


def run(validator_factory, field, value=tk.missing, form=None, private=False, state=tk.missing, schema=SCHEMA):
    key = (field["field_name"],)
    data = {key: value, ("__extras",): dict(form or {}), ("private",): private, ("state",): state, ("title",): ""}
    errors = defaultdict(list)
    validator_factory(field, schema)(key, data, errors, {})
    return data, {k: v for k, v in errors.items() if v}


def stored(data, name):
    return json.loads(data[(name,)])


class TestFluentTextInputs:
    def test_dict_in_both_orders(self):
        for value in ({"en": "Water", "fr": "Eau"}, {"fr": "Eau", "en": "Water"}):
            data, errors = run(validators.fluent_text, TITLE, value)
            assert errors == {}
            assert stored(data, "title_translated") == {"en": "Water", "fr": "Eau"}

    def test_json_string(self):
        data, errors = run(validators.fluent_text, TITLE, '{"fr": "Eau", "en": "Water"}')
        assert errors == {}
        assert stored(data, "title_translated") == {"en": "Water", "fr": "Eau"}

    def test_form_inputs_per_language_are_consumed(self):
        form = {"title_translated-en": "Water", "title_translated-fr": "Eau", "other": "kept"}
        # form inputs may also name a regional variant: stored as sent
        data, errors = run(validators.fluent_text, TITLE, form=form)
        assert errors == {}
        assert stored(data, "title_translated") == {"en": "Water", "fr": "Eau"}
        assert data[("__extras",)] == {"other": "kept"}

    def test_core_field_filled_in_default_locale(self):
        data, _ = run(validators.fluent_text, TITLE, {"fr": "Eau", "en": "Water"})
        assert data[("title",)] == "Water"

    def test_core_field_falls_back_when_default_locale_is_missing(self):
        data, errors = run(validators.fluent_text, TITLE, {"fr": "Eau"}, private=True)
        assert errors == {}
        assert data[("title",)] == "Eau"

    def test_blank_values_are_stored_as_sent_like_fluent(self):
        data, errors = run(validators.fluent_text, NOTES, {"en": "Text", "fr": "   "})
        assert errors == {}
        assert stored(data, "notes_translated") == {"en": "Text", "fr": "   "}
        data, errors = run(validators.fluent_text, NOTES, {"fr": "", "en": ""})
        assert errors == {}
        assert stored(data, "notes_translated") == {"fr": "", "en": ""}

    def test_blank_value_does_not_count_as_a_language(self):
        _, errors = run(validators.fluent_text, TITLE, {"en": "Water", "fr": "  "})
        assert errors == {("title_translated",): ["French is required before this can be public"]}

    def test_optional_field_may_be_empty(self):
        for value in (tk.missing, None, "", {}):
            data, errors = run(validators.fluent_text, NOTES, value)
            assert errors == {}
            assert stored(data, "notes_translated") == {}

    @pytest.mark.parametrize(
        "tag, normalized", [("fr-CA", "fr-CA"), ("zh_CN", "zh-cn"), ("EN", "en"), ("en-t-fr", "en-t-fr")]
    )
    def test_bcp47_variants_are_accepted_and_stored_fluent_style(self, tag, normalized):
        data, errors = run(validators.fluent_text, NOTES, {tag: "x"})
        assert errors == {}
        assert stored(data, "notes_translated") == {normalized: "x"}


class TestFluentTextRefusals:
    @pytest.mark.parametrize("value", ["not json", "[1, 2]", "42", 42, ["en", "fr"], 3.5])
    def test_not_an_object(self, value):
        data, errors = run(validators.fluent_text, TITLE, value)
        assert len(errors[("title_translated",)]) == 1
        assert "JSON object" in errors[("title_translated",)][0]
        assert data[("title_translated",)] == value, "refused input is left as sent"

    @pytest.mark.parametrize("code", ["english", "", "e", "fr_", "12"])
    def test_unknown_language_codes(self, code):
        _, errors = run(validators.fluent_text, NOTES, {code: "text"})
        assert errors[("notes_translated",)] == [
            f'"{code}" is not a language code (use BCP 47 codes such as en, fr or fr-CA)'
        ]

    def test_unknown_code_in_form_input(self):
        _, errors = run(validators.fluent_text, NOTES, form={"notes_translated-xx yy": "t"})
        assert 'is not a language code' in errors[("notes_translated",)][0]

    @pytest.mark.parametrize("value", [5, ["a"], {"nested": "x"}, True])
    def test_non_string_values(self, value):
        _, errors = run(validators.fluent_text, NOTES, {"en": value})
        assert errors[("notes_translated",)] == ["The English value must be text"]

    def test_huge_value(self):
        _, errors = run(validators.fluent_text, dict(NOTES, max_length=1000), {"fr": "é" * 1001})
        assert errors[("notes_translated",)] == ["The French value is too long (1001 characters; the limit is 1000)"]

    def test_default_limit_applies_without_max_length(self):
        _, errors = run(validators.fluent_text, NOTES, {"en": "x" * (validators.DEFAULT_MAX_LENGTH + 1)})
        assert "too long" in errors[("notes_translated",)][0]


class TestPublicationRule:
    def test_public_needs_every_required_language_and_names_the_missing_one(self):
        _, errors = run(validators.fluent_text, TITLE, {"en": "Water"})
        assert errors == {("title_translated",): ["French is required before this can be public"]}

    def test_form_errors_land_on_the_missing_language_input(self):
        _, errors = run(validators.fluent_text, TITLE, form={"title_translated-en": "Water", "title_translated-fr": ""})
        assert errors == {("title_translated-fr",): ["French is required before this can be public"]}

    def test_both_missing_lists_both(self):
        _, errors = run(validators.fluent_text, TITLE, form={"title_translated-en": "", "title_translated-fr": ""})
        assert errors == {
            ("title_translated-en",): ["English is required before this can be public"],
            ("title_translated-fr",): ["French is required before this can be public"],
        }

    @pytest.mark.parametrize("private, state", [(True, tk.missing), ("True", "active"), (False, "draft"), (False, "draft-complete")])
    def test_private_or_draft_may_have_one_language(self, private, state):
        data, errors = run(validators.fluent_text, TITLE, {"fr": "Eau"}, private=private, state=state)
        assert errors == {}
        assert stored(data, "title_translated") == {"fr": "Eau"}

    def test_draft_still_needs_one_language(self):
        _, errors = run(validators.fluent_text, TITLE, {"en": "", "fr": ""}, state="draft")
        assert errors == {("title_translated",): ["Enter this field in at least one language"]}

    def test_update_without_private_uses_the_stored_dataset(self):
        class Stored:
            private, state = True, "active"

        key = ("title_translated",)
        data = {key: {"en": "Water"}, ("__extras",): {}, ("title",): ""}
        errors = defaultdict(list)
        validators.fluent_text(TITLE, SCHEMA)(key, data, errors, {"package": Stored()})
        assert not errors[key]

    def test_alternate_language_satisfies_the_requirement(self):
        schema = dict(SCHEMA, alternate_languages={"fr": ["fr-t-en"]})
        data, errors = run(validators.fluent_text, TITLE, {"en": "Water", "fr-t-en": "Eau"}, schema=schema)
        assert errors == {}
        assert stored(data, "title_translated") == {"en": "Water", "fr-t-en": "Eau"}

    def test_field_form_languages_override_the_schema(self):
        field = dict(TITLE, form_languages=["fr"])
        _, errors = run(validators.fluent_text, field, {"fr": "Eau"})
        assert errors == {}


class TestFluentTags:
    def test_dict_of_lists(self):
        data, errors = run(validators.fluent_tags, KEYWORDS, {"fr": ["eau", "lacs"], "en": ["water"]})
        assert errors == {}
        assert stored(data, "keywords") == {"en": ["water"], "fr": ["eau", "lacs"]}

    def test_form_inputs_are_comma_separated(self):
        form = {"keywords-en": "water, lakes", "keywords-fr": "eau,lacs, "}
        data, errors = run(validators.fluent_tags, KEYWORDS, form=form)
        assert errors == {}
        assert stored(data, "keywords") == {"en": ["water", "lakes"], "fr": ["eau", "lacs"]}

    def test_json_string(self):
        data, errors = run(validators.fluent_tags, KEYWORDS, '{"en": ["water"], "fr": ["eau"]}')
        assert errors == {}

    def test_invalid_keyword_characters(self):
        _, errors = run(validators.fluent_tags, KEYWORDS, {"en": ["water"], "fr": ["eau<script>"]})
        assert errors[("keywords",)][0].startswith("French: ")

    @pytest.mark.parametrize("value", [{"en": [1, 2], "fr": ["eau"]}, {"en": {"a": 1}, "fr": ["eau"]}])
    def test_non_list_values(self, value):
        _, errors = run(validators.fluent_tags, KEYWORDS, value)
        assert errors[("keywords",)] == ["The English keywords must be a list of text"]

    def test_too_many_keywords(self):
        _, errors = run(validators.fluent_tags, KEYWORDS, {"en": [f"k{i}" for i in range(201)], "fr": ["eau"]})
        assert "Too many English keywords" in errors[("keywords",)][0]

    def test_required_per_language_when_public(self):
        _, errors = run(validators.fluent_tags, KEYWORDS, {"en": ["water"]})
        assert errors == {("keywords",): ["French is required before this can be public"]}


class TestOutput:
    def test_text_output(self):
        assert validators.fluent_text_output('{"en": "Water"}') == {"en": "Water"}
        assert validators.fluent_text_output({"en": "Water"}) == {"en": "Water"}
        assert validators.fluent_text_output("legacy plain text") == {"en": "legacy plain text"}

    def test_core_translated_output_fills_core_field(self):
        key = ("title_translated",)
        data = {key: '{"fr": "Eau", "en": "Water"}', ("title",): "stale"}
        validators.fluent_core_translated_output(TITLE, SCHEMA)(key, data, defaultdict(list), {})
        assert data == {key: {"fr": "Eau", "en": "Water"}, ("title",): "Water"}

    def test_core_translated_output_needs_a_translated_field_name(self):
        with pytest.raises(ValueError):
            validators.fluent_core_translated_output({"field_name": "title"}, SCHEMA)
