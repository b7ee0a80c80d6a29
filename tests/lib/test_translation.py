from ckanext.pancanadian.lib import translation


def test_french_comes_from_the_compiled_catalogue():
    assert translation.gettext_for("fr")("The file is empty.") == "Le fichier est vide."


def test_english_and_unknown_languages_read_the_msgid():
    assert translation.gettext_for("en")("The file is empty.") == "The file is empty."
    assert translation.gettext_for("de")("The file is empty.") == "The file is empty."


def test_marked_messages_stay_english_until_rendered():
    message = translation.N_("The file is empty.")
    assert isinstance(message, translation.Msgid) and message == "The file is empty."
