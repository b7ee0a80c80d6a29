"""What the suite's web views share."""
import ckan.plugins.toolkit as tk

from ckanext.pancanadian.bilingual.helpers import reader_language
from ckanext.pancanadian.lib import languages


def user_context():
    """The action context of the web request's user (an anonymous visitor has an empty name)."""
    user = tk.current_user
    return {"user": user.name if user.is_authenticated else "", "auth_user_obj": user}


def page_language():
    """"fr" for a reader of French, else "en": the language a page picks its texts in."""
    return "fr" if languages.primary(reader_language()) == "fr" else "en"
