"""Every user-visible string of the suite is in the catalogue template, and translated to French
with the same placeholders."""
import re

import polib
import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

PLACEHOLDER = re.compile(r"\{[a-z_]*\}|%\([a-z_]+\)s|%s")


@pytest.fixture(scope="module")
def source_messages(repo_root):
    with open(repo_root / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        # the keywords `make i18n` extracts: babel's defaults (_, N_, ungettext…) and translate
        str(repo_root / "ckanext"), method_map, options_map, keywords=dict(DEFAULT_KEYWORDS, translate=None)
    ):
        # a plural message is one catalogue entry, named by its singular form
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_template_is_up_to_date_with_the_source(source_messages, repo_root):
    template = {entry.msgid for entry in polib.pofile(str(repo_root / "i18n" / "ckanext-pancanadian.pot"))}
    assert source_messages - template == set(), "run `make i18n` to refresh i18n/ckanext-pancanadian.pot"
    assert template - source_messages == set(), "the template lists strings the code no longer has"


def test_french_catalogue_translates_every_string_with_its_placeholders(source_messages, repo_root):
    catalogue = polib.pofile(str(repo_root / "i18n" / "fr" / "LC_MESSAGES" / "ckanext-pancanadian.po"))
    translated = {entry.msgid: entry for entry in catalogue if entry.translated() and not entry.obsolete}
    assert source_messages - set(translated) == set(), "strings without a French translation"
    for msgid in source_messages:
        entry = translated[msgid]
        forms = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for text in forms:
            assert sorted(set(PLACEHOLDER.findall(msgid))) == sorted(set(PLACEHOLDER.findall(text))), msgid
