"""Strings of CKAN's own templates that CKAN 2.12's French catalogue leaves untranslated
(msgstr "") but that the portal shows, so French pages showed them in English. The bilingual
parity crawl of tests/browser finds them.

Listing them here puts them in this suite's catalogue (``make i18n`` extracts ``translate(…)``
calls). Flask-Babel merges every plugin's catalogue over CKAN's own, so their French in
i18n/fr/LC_MESSAGES/ckanext-pancanadian.po applies to CKAN's templates as well. Nothing calls
this module at run time.
"""


def translate(message):
    """Mark a message for extraction into the catalogue (babel keyword ``translate``)."""
    return message


CORE_STRINGS = (
    # Every page: skip link, header, breadcrumb, search buttons.
    translate("Skip to main content"),
    translate("Navigate to Home - {site_title}"),
    translate("Account"),
    translate("Breadcrumb"),
    translate("Submit"),
    # Search pages.
    translate("Remove applied filter: {value}"),
    translate("Open details page for {name}"),
    # Dataset and resource pages.
    translate("Navigate to resource: {name}"),
    translate("Current resource: {name}"),
    translate("Resource URL: {url}"),
    translate("Dataset description:"),
    translate("There are no groups associated with this dataset."),
    # Groups, users, login.
    translate("There are currently no groups for this site."),
    translate("User isn't a member of any groups."),
    translate("Username or Email"),
    translate("Request Reset"),
    # Home page.
    translate("Placeholder"),
)
