"""The suite's gettext catalogue outside a web request (background jobs, stored reports).

Reports written by a job are read later in either language, so their messages are rendered in
every portal language when they are written. The English text in the code is the msgid;
translations live in i18n/ like every other string of the suite.
"""
import functools
import gettext

from ckanext.pancanadian.lib import packaging


class Msgid(str):
    """An English message that is looked up in the catalogue when a report is rendered."""


def N_(message):
    """Mark a message for the catalogue; it is translated later, in the reader's language."""
    return Msgid(message)


@functools.lru_cache(maxsize=None)
def gettext_for(lang):
    """gettext for lang from the suite's compiled catalogue (English: the msgid itself)."""
    return gettext.translation(packaging.GETTEXT_DOMAIN, packaging.I18N_DIRECTORY,
                               languages=[lang], fallback=True).gettext
