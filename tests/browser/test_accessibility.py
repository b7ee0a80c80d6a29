"""WCAG 2.1 AA (axe-core, tags wcag2a wcag2aa wcag21a wcag21aa) on the key pages of the demo
portal, in English and in French, with a full-page screenshot of each in
test-artifacts/screenshots/<page>-<lang>.png. Any violation fails the test, listing each rule,
its impact, the failing nodes and how to fix them. axe's results per page, including what it
could not decide and a person should review ("incomplete"), are kept in
test-artifacts/browser/axe/<page>-<lang>.json."""
import pytest
from selenium.webdriver.common.by import By

from tests.browser import support

LANGUAGES = ["en", "fr"]
WATER = "water-quality-lake-winnipeg"
ROAD = "road-events-quebec"
BABY_NAMES = "newborn-baby-names"

# name -> (path, who): anonymous visitors see the public pages, the sysadmin the forms.
PAGES = {
    "home": ("/", "anonymous"),
    "dataset-search": ("/dataset/", "anonymous"),
    "dataset-search-filtered": ("/dataset/?q=eau+water&organization=manitoba-environment-demo", "anonymous"),
    "dataset": (f"/dataset/{WATER}", "anonymous"),
    "dataset-fallback": (f"/dataset/{ROAD}", "anonymous"),
    "resource": (f"/dataset/{WATER}/resource/{{resource}}", "anonymous"),
    "organization": ("/organization/statistics-demo", "anonymous"),
    "organizations": ("/organization/", "anonymous"),
    "standards": ("/standards", "anonymous"),
    "standard": ("/standards/baby-names", "anonymous"),
    "conformance-report-baby-names": (f"/dataset/{BABY_NAMES}/resource/{{baby_names_resource}}/conformance", "anonymous"),
    "conformance-report-road-events": (f"/dataset/{ROAD}/resource/{{road_resource}}/conformance", "anonymous"),
    "dataset-new": ("/dataset/new", "admin"),
    "dataset-edit": (f"/dataset/edit/{WATER}", "admin"),
    "stories": ("/stories", "anonymous"),
    "story": ("/story/lake-winnipeg-bloom-alerts", "anonymous"),
    "story-submit": ("/stories/submit", "anonymous"),
    "stories-moderation": ("/stories/moderation", "admin"),
    "federation-status": ("/federation/source/toronto-demo", "admin"),
    "dataset-quality-checklist": (f"/dataset/{WATER}", "admin"),
    "quality-organization": ("/organization/statistics-demo/quality", "anonymous"),
    "quality-portal": ("/quality", "anonymous"),
}


@pytest.fixture(scope="module")
def axe_reports(repo_root):
    folder = repo_root / "test-artifacts" / "browser" / "axe"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _path(portal, path):
    return path.format(
        resource=portal.datasets[WATER]["resources"][0]["id"],
        baby_names_resource=portal.datasets[BABY_NAMES]["resources"][0]["id"],
        road_resource=portal.datasets[ROAD]["resources"][0]["id"],
    )


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", list(PAGES))
def test_page_has_no_wcag21_aa_violations(name, lang, portal, request, screenshots, axe_reports):
    path, who = PAGES[name]
    driver = request.getfixturevalue("admin_browser" if who == "admin" else "browser")
    status = support.open_page(driver, portal.page(_path(portal, path), lang))
    assert status == 200, f"{driver.current_url} answered {status}"
    assert driver.execute_script("return document.documentElement.lang") == lang
    support.screenshot(driver, screenshots, f"{name}-{lang}")
    support.assert_no_violations(driver, axe_reports / f"{name}-{lang}.json")


def submit(driver):
    button = driver.find_element(By.CSS_SELECTOR, "#dataset-edit .form-actions button.btn-primary[name=save]")
    driver.execute_script("arguments[0].form.requestSubmit(arguments[0]);", button)
    support.wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".error-explanation"),
                     message="the form was not re-rendered with errors")
    support.wait_for(driver, lambda d: d.execute_script("return document.readyState") == "complete")


def new_form_submitted_empty(driver, portal, lang):
    """Stage 1 of a new dataset sent as it comes: every required field in error."""
    support.open_page(driver, portal.page("/dataset/new", lang))
    submit(driver)
    return "field-title_translated-en"


def public_dataset_without_french_title(driver, portal, lang):
    """The edit form of a public dataset whose French title was removed: the publication rule."""
    support.open_page(driver, portal.page(f"/dataset/edit/{WATER}", lang))
    driver.find_element(By.ID, "field-title_translated-fr").clear()
    submit(driver)
    return "field-title_translated-fr"


ERROR_STATES = {"new-empty": new_form_submitted_empty, "edit-no-french-title": public_dataset_without_french_title}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("state", list(ERROR_STATES))
def test_dataset_form_with_validation_errors_has_no_wcag21_aa_violations(state, lang, portal, admin_browser,
                                                                         screenshots, axe_reports):
    invalid = ERROR_STATES[state](admin_browser, portal, lang)
    field = admin_browser.find_element(By.ID, invalid)
    assert field.get_attribute("aria-invalid") == "true", f"#{invalid} is not marked invalid: " + "; ".join(
        e.text for e in admin_browser.find_elements(By.CSS_SELECTOR, ".error-explanation li"))
    support.screenshot(admin_browser, screenshots, f"dataset-form-errors-{state}-{lang}")
    support.assert_no_violations(admin_browser, axe_reports / f"dataset-form-errors-{state}-{lang}.json")
