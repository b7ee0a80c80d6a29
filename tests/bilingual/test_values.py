"""Choosing what a reader sees from a fluent value (pure functions, no services)."""
from ckanext.pancanadian.bilingual import values

PORTAL = ["en", "fr"]


def test_reader_language_first_in_either_order_of_storage():
    for stored in ({"en": "Water", "fr": "Eau"}, {"fr": "Eau", "en": "Water"}):
        assert values.choose(stored, "fr", PORTAL) == values.Rendering("Eau", "fr", False, None)
        assert values.choose(stored, "en", PORTAL) == values.Rendering("Water", "en", False, None)


def test_missing_language_falls_back_and_is_marked():
    shown = values.choose({"en": "Water", "fr": ""}, "fr", PORTAL)
    assert shown == values.Rendering("Water", "en", True, None)
    shown = values.choose({"fr": "Eau"}, "en", PORTAL)
    assert shown == values.Rendering("Eau", "fr", True, None)


def test_regional_variant_counts_as_the_language():
    assert values.choose({"fr-CA": "Courriel", "en": "Email"}, "fr", PORTAL).text == "Courriel"


def test_machine_translation_is_used_before_other_language_and_marked():
    shown = values.choose({"en": "Water", "fr-t-en": "Eau (auto)"}, "fr", PORTAL)
    assert shown == values.Rendering("Eau (auto)", "fr", False, "en")


def test_json_string_and_plain_string_values():
    assert values.choose('{"en": "Water", "fr": "Eau"}', "fr", PORTAL).text == "Eau"
    # a plain string saved before the field became bilingual is the default language
    assert values.choose("Water", "fr", PORTAL) == values.Rendering("Water", "en", True, None)


def test_nothing_to_show():
    assert values.choose({}, "fr", PORTAL) is None
    assert values.choose({"en": "  ", "fr": None}, "fr", PORTAL) is None
    assert values.choose(None, "fr", PORTAL) is None
    assert values.choose({"not a tag": "x"}, "fr", PORTAL) is None


def test_keyword_lists():
    assert values.choose({"en": ["water"], "fr": []}, "fr", PORTAL) == values.Rendering(["water"], "en", True, None)
