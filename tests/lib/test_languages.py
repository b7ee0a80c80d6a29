"""Language tags and fallback order (pure functions, no services)."""
import pytest

from ckanext.pancanadian.lib import languages


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("en", "en"),
        ("fr", "fr"),
        ("fr-CA", "fr-ca"),
        ("FR", "fr"),
        ("zh_CN", "zh-cn"),
        ("en-t-fr", "en-t-fr"),
        (" fr ", "fr"),
        ("", None),
        ("english language", None),
        ("e", None),
        ("fr--ca", None),
        ("fr-", None),
        (12, None),
        (None, None),
        ("français", None),
    ],
)
def test_normalize_tag(raw, expected):
    assert languages.normalize_tag(raw) == expected


def test_machine_translation_tags():
    assert languages.machine_translation_source("en-t-fr") == "fr"
    assert languages.machine_translation_source("fr-t-en") == "en"
    assert languages.machine_translation_source("fr-ca") is None
    assert languages.primary("en-t-fr") == "en"


def test_fallback_order_puts_the_reader_first_then_the_portal_order():
    assert languages.fallback_order("fr", ["en", "fr"]) == ["fr", "en"]
    assert languages.fallback_order("en", ["en", "fr"]) == ["en", "fr"]
    assert languages.fallback_order("fr-ca", ["en", "fr"]) == ["fr-ca", "fr", "en"]
    assert languages.fallback_order("not a tag", ["en", "fr"]) == ["en", "fr"]
