"""The dataset form with the keyboard alone: Tab, typing, Enter, Space and arrow keys through
Selenium's ActionChains, never a click. The walk goes through the form in tab order and fills
every required control it reaches that is empty (text, date, e-mail, lists, select2 boxes), so
the test follows the dataset schema as it grows. On the way:

- every element that takes focus shows a visible focus indicator (an outline, or a box-shadow
  it does not have unfocused);
- the publication rule's error (a public dataset without its French title) is announced: the
  input is aria-invalid and aria-describedby its error text, and the error summary takes focus;
- the dataset ends up published, in both languages, with its keywords and a resource.

The public story submission form gets the same walk: its errors announced, its honeypot never
reached, the story sent for moderation."""
import time

import pytest
import sqlalchemy as sa
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

import ckan.model as model

from ckanext.pancanadian.stories.model import story_table
from tests.browser import support

MAX_TABS = 150
SUBMIT = "#dataset-edit .form-actions button[name=save]"
UPDATE = "#dataset-edit .form-actions button.btn-primary[name=save]"
FINISH = 'button[name=save][value="go-metadata"]'

# Focus styles are judged once applied, not halfway through a CSS transition.
NO_TRANSITIONS = """
const style = document.createElement('style');
style.textContent = '*, *::before, *::after { transition: none !important; animation: none !important; }';
document.head.appendChild(style);
"""

# Remembers the focused element with its focused style; its unfocused style is read later.
RECORD_FOCUS = """
const el = document.activeElement;
if (!el || el === document.body) return;
const style = getComputedStyle(el);
(window.__pcFocused = window.__pcFocused || []).push(
  {el: el, outline: [style.outlineStyle, style.outlineWidth, style.outlineColor], boxShadow: style.boxShadow});
"""

# Each remembered element: visible when focused with an outline, or with a box-shadow that is
# not there unfocused. The element focused now is blurred for the comparison, then refocused.
FOCUS_REPORT = """
function shadows(value) {
  if (!value || value === 'none') return [];
  return value.split(/,(?![^(]*\\))/).map(s => s.trim()).filter(s => {
    const color = s.match(/rgba?\\([^)]*\\)/);
    const parts = color ? color[0].replace(/rgba?\\(|\\)/g, '').split(/[ ,\\/]+/).filter(Boolean) : [];
    const alpha = parts.length > 3 ? parseFloat(parts[3]) : 1;
    const lengths = s.replace(/rgba?\\([^)]*\\)/, '').match(/-?[\\d.]+px/g) || [];
    return alpha > 0 && lengths.some(v => Math.abs(parseFloat(v)) > 0);
  });
}
const active = document.activeElement;
if (active && active !== document.body) active.blur();
const seen = new Set();
const report = (window.__pcFocused || []).filter(rec => !seen.has(rec.el) && seen.add(rec.el)).map(rec => {
  const el = rec.el;
  const unfocused = new Set(shadows(getComputedStyle(el).boxShadow));
  const outline = rec.outline[0] !== 'none' && parseFloat(rec.outline[1]) > 0 && !/, 0\\)$/.test(rec.outline[2]);
  const ring = shadows(rec.boxShadow).some(s => !unfocused.has(s));
  const label = el.id || el.getAttribute('name') || (el.innerText || el.value || '').trim().slice(0, 40)
    || el.getAttribute('aria-label') || el.className;
  return {element: '<' + el.tagName.toLowerCase() + '> ' + label, visible: outline || ring,
          outline: rec.outline.join(' '), boxShadow: rec.boxShadow};
});
if (active && active !== document.body) active.focus();
window.__pcFocused = [];
return report;
"""

# What the focused control is, whether the schema requires it and whether it is still empty.
# A select2 widget answers for the hidden input or select it stands for.
DESCRIBE_CONTROL = """
const el = document.activeElement;
if (!el || el === document.body) return null;
const container = el.closest('.select2-container');
const slug = el.matches('.slug-preview button') && el.form
  && el.form.querySelector('[data-module~="slug-preview-slug"]');
const original = slug || container && container.previousElementSibling || el;
let kind = el.tagName.toLowerCase();
if (el.matches('.slug-preview button')) kind = 'slug-edit';
else if (el.matches('.select2-search__field')) kind = 'select2-tags';
else if (el.matches('.select2-selection--single')) kind = 'select2-single';
else if (kind === 'select') kind = el.multiple ? 'select-multiple' : 'select';
else if (kind === 'input') kind = (el.type || 'text').toLowerCase();
const label = original.id && document.querySelector('label[for="' + CSS.escape(original.id) + '"]');
const legend = original.closest('fieldset') && original.closest('fieldset').querySelector('legend');
const required = !!(original.required || original.getAttribute('aria-required') === 'true'
  || (label && label.querySelector('.control-required')) || (legend && legend.querySelector('.control-required')));
let empty;
if (kind === 'select2-tags') empty = !container.querySelector('.select2-selection__choice');
else if (kind === 'select-multiple') empty = el.selectedOptions.length === 0;
else if (kind === 'checkbox' || kind === 'radio') empty = false;
else empty = !(original.value || '').trim();
return {kind: kind, key: original.id || el.id, required: required, empty: empty,
        disabled: !!original.disabled};
"""

DEFAULTS = {
    "text": "Keyboard test", "search": "Keyboard test", "textarea": "Typed with the keyboard.",
    "email": "open.data@example.org", "url": "https://example.org/", "tel": "555-0100",
    "number": "1", "date": "2025-02-12", "select2-tags": "keyboard",
}


class Keyboard:
    """Key presses into whatever has focus, Tab walks that fill the form and remember every
    focus stop, and the focus-visibility verdict of each page left."""

    def __init__(self, driver):
        self.driver = driver
        self.path = []
        self.invisible = []

    def open(self, url):
        support.open_page(self.driver, url)
        self.settle()

    def settle(self):
        """Wait for the page and CKAN's JavaScript modules (select2, slug preview, uploads)."""
        support.wait_for(self.driver, lambda d: d.execute_script("return document.readyState") == "complete")
        support.wait_for(self.driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".select2-container"),
                         message=f"CKAN's autocomplete widgets never appeared on {self.driver.current_url}")
        self.driver.execute_script(NO_TRANSITIONS)

    def press(self, *keys):
        ActionChains(self.driver).send_keys(*keys).perform()
        time.sleep(0.1)

    def focused(self):
        return support.active_element_info(self.driver)

    def is_focused(self, selector):
        return self.driver.execute_script(
            "return !!document.activeElement && document.activeElement.matches(arguments[0]);", selector)

    def tab(self):
        self.press(Keys.TAB)
        self.driver.execute_script(RECORD_FOCUS)
        self.path.append(support.describe(self.focused()))

    def tab_to(self, selector):
        """Press Tab until the focused element matches the CSS selector."""
        for _ in range(MAX_TABS):
            self.tab()
            if self.is_focused(selector):
                return
        pytest.fail(f"Tab never reached {selector} on {self.driver.current_url}; focus went through: "
                    f"{self.path[-40:]}")

    def complete(self, until, values=None, skip=()):
        """Tab through the form until `until` has focus; on the way type values[key] into the
        control with that id, and fill every other required control that is empty."""
        values = values or {}
        for _ in range(MAX_TABS):
            self.tab()
            if self.is_focused(until):
                return
            control = self.driver.execute_script(DESCRIBE_CONTROL)
            if not control or control["disabled"] or control["key"] in skip:
                continue
            if control["key"] in values:
                self.fill(control, values[control["key"]])
            elif control["required"] and control["empty"]:
                self.fill(control, DEFAULTS.get(control["kind"]))
        pytest.fail(f"Tab never reached {until} on {self.driver.current_url}; focus went through: {self.path[-40:]}")

    def fill(self, control, value):
        kind = control["kind"]
        if kind in ("slug-edit", "button"):
            self.press(Keys.ENTER)  # reveals an input and moves focus into it
            self.press(value)
        elif kind == "date":
            year, month, day = value.split("-")
            self.press(month + day + year)
        elif kind == "select":
            self.press(value) if value else self.press(Keys.ARROW_DOWN)
        elif kind == "select-multiple":
            self.press(Keys.ARROW_DOWN)
            if not self.driver.execute_script("return document.activeElement.selectedOptions.length"):
                self.press(Keys.SPACE)
        elif kind == "select2-single":
            self.choose(value)
        elif kind == "select2-tags":
            self.press(value + ",")
        elif kind in ("checkbox", "radio"):
            self.press(Keys.SPACE)
        else:
            self.press(value)
        control_now = self.driver.execute_script(DESCRIBE_CONTROL)
        if control_now and control_now["empty"] and kind not in ("slug-edit", "button"):
            pytest.fail(f"the keyboard could not fill {control['key']} ({kind}) with {value!r}")

    def choose(self, text=None):
        """Open the focused select2 box with Enter, filter by typing, take the option with Enter."""
        self.press(Keys.ENTER)
        support.wait_for(self.driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".select2-container--open"),
                         message="the select2 dropdown did not open")
        if text:
            self.press(text)
        else:
            self.press(Keys.ARROW_DOWN)
        support.wait_for(self.driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".select2-results__option--highlighted"),
                         message=f"no option matches {text!r}")
        self.press(Keys.ENTER)

    def submit(self):
        """Enter on the focused submit button, after judging the focus stops of this page."""
        self.invisible += [r for r in self.driver.execute_script(FOCUS_REPORT) if not r["visible"]]
        self.press(Keys.ENTER)


def at_dataset_page(driver, name):
    """On the dataset's page (a fragment followed before the redirect stays in the URL)."""
    return driver.current_url.split("#")[0].rstrip("/").endswith(f"/dataset/{name}")


def error_summary(driver):
    return [li.text for li in driver.find_elements(By.CSS_SELECTOR, ".error-explanation li")]


def assert_error_announced(keyboard, input_id, expected=None):
    """The input is aria-invalid and described by its error text; the summary has focus."""
    driver = keyboard.driver
    field = driver.find_element(By.ID, input_id)
    assert field.get_attribute("aria-invalid") == "true", (
        f"#{input_id} is not aria-invalid; the form reports: {error_summary(driver)}")
    described = (field.get_attribute("aria-describedby") or "").split()
    errors = [driver.find_element(By.ID, ref) for ref in described if driver.find_elements(By.ID, ref)]
    texts = [e.text for e in errors if "error-block" in (e.get_attribute("class") or "")]
    assert texts and (expected is None or any(expected in text for text in texts)), (
        f"#{input_id} is not described by its error {expected or ''!r}: aria-describedby={described}, "
        f"the form reports: {error_summary(driver)}")
    assert keyboard.is_focused(".error-explanation"), (
        f"the error summary does not take focus; focus is on {support.describe(keyboard.focused())}")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_new_dataset_completed_and_submitted_with_the_keyboard_alone(lang, portal, admin_browser, screenshots):
    driver = admin_browser
    name = f"snow-depth-keyboard-{lang}"
    keyboard = Keyboard(driver)
    keyboard.open(portal.page("/dataset/new", lang))

    # Everything but the title: even a draft needs it in one language.
    keyboard.complete(SUBMIT, skip={"field-title_translated-en", "field-title_translated-fr"}, values={
        "field-name": name,
        "field-notes_translated-en": "Snow depth readings, typed with the keyboard.",
        "field-notes_translated-fr": "Épaisseur de neige, saisie au clavier.",
        "field-keywords-en": "snow",
        "field-keywords-fr": "neige",
        "field-organizations": "Manitoba",
        "field-private": "Pu",  # Public / Publique
    })
    assert driver.find_element(By.ID, "field-private").get_attribute("value") == "False", "the dataset should be public"
    keyboard.submit()

    support.wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".error-explanation"),
                     message="the form was not refused for its missing title")
    keyboard.settle()
    support.screenshot(driver, screenshots, f"keyboard-new-dataset-errors-{lang}")
    assert_error_announced(keyboard, "field-title_translated-en")
    keyboard.tab_to("#field-title_translated-en")
    keyboard.press("Snow depth (keyboard)")
    keyboard.tab_to("#field-title_translated-fr")
    keyboard.press("Épaisseur de neige (clavier)")
    keyboard.complete(SUBMIT)
    keyboard.submit()

    # Stage 2: a resource given by its link.
    support.wait_for(driver, lambda d: "/resource/new" in d.current_url or error_summary(d),
                     message="the resource stage did not open")
    assert "/resource/new" in driver.current_url, f"the form was refused again: {error_summary(driver)}"
    keyboard.settle()
    keyboard.complete(FINISH, values={
        "resource-link-button": "https://example.org/snow-depth.csv",
        "field-name_translated-en": "Snow depth (CSV)",
        "field-name_translated-fr": "Épaisseur de neige (CSV)",
    })
    keyboard.submit()

    support.wait_for(driver, lambda d: at_dataset_page(d, name) or error_summary(d),
                     message=f"finishing did not lead to the dataset page (at {driver.current_url})")
    assert not error_summary(driver), f"publishing was refused: {error_summary(driver)}"
    support.wait_for(driver, lambda d: d.execute_script("return document.readyState") == "complete")
    support.screenshot(driver, screenshots, f"keyboard-new-dataset-published-{lang}")

    shown = portal.package_show(name)
    assert (shown["state"], shown["private"]) == ("active", False)
    assert shown["title_translated"] == {"en": "Snow depth (keyboard)", "fr": "Épaisseur de neige (clavier)"}
    assert shown["keywords"] == {"en": ["snow"], "fr": ["neige"]}
    assert [r["name_translated"] for r in shown["resources"]] == [{"en": "Snow depth (CSV)", "fr": "Épaisseur de neige (CSV)"}]
    assert not keyboard.invisible, "focus is not visible on: " + "; ".join(
        f"{r['element']} (outline {r['outline']}; box-shadow {r['boxShadow']})" for r in keyboard.invisible)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_publication_rule_error_is_announced_and_fixed_with_the_keyboard(lang, portal, admin_browser, screenshots):
    """Editing a public dataset: removing its French title is refused, the refusal is announced,
    and the summary's link leads back to the input."""
    driver = admin_browser
    dataset = "newborn-baby-names"
    french_title = portal.datasets[dataset]["title_translated"]["fr"]
    keyboard = Keyboard(driver)
    keyboard.open(portal.page(f"/dataset/edit/{dataset}", lang))

    keyboard.tab_to("#field-title_translated-fr")
    keyboard.press(Keys.CONTROL, "a")
    keyboard.press(Keys.BACKSPACE)
    keyboard.complete(UPDATE)
    keyboard.submit()

    support.wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".error-explanation"),
                     message="removing the French title of a public dataset was not refused")
    keyboard.settle()
    support.screenshot(driver, screenshots, f"keyboard-publication-rule-errors-{lang}")
    assert_error_announced(keyboard, "field-title_translated-fr",
                           "French is required" if lang == "en" else "Le français est requis")

    keyboard.tab_to('.error-explanation a[href="#field-title_translated-fr"]')
    keyboard.press(Keys.ENTER)
    assert keyboard.is_focused("#field-title_translated-fr"), (
        f"the summary's link left focus on {support.describe(keyboard.focused())}")
    keyboard.press(french_title)
    keyboard.complete(UPDATE)
    keyboard.submit()

    support.wait_for(driver, lambda d: at_dataset_page(d, dataset) or error_summary(d),
                     message=f"the update did not lead to the dataset page (at {driver.current_url})")
    assert not error_summary(driver), f"the update was refused: {error_summary(driver)}"
    assert portal.package_show(dataset)["title_translated"]["fr"] == french_title
    assert not keyboard.invisible, "focus is not visible on: " + "; ".join(
        f"{r['element']} (outline {r['outline']}; box-shadow {r['boxShadow']})" for r in keyboard.invisible)


class PlainFormKeyboard(Keyboard):
    """The walk on a form without CKAN's autocomplete widgets."""

    def settle(self):
        support.wait_for(self.driver, lambda d: d.execute_script("return document.readyState") == "complete")
        self.driver.execute_script(NO_TRANSITIONS)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_story_submission_completed_with_the_keyboard_alone(lang, portal, browser, screenshots):
    driver = browser
    email = f"keyboard-{lang}@example.org"
    keyboard = PlainFormKeyboard(driver)
    keyboard.open(portal.page("/stories/submit", lang))
    keyboard.tab_to("#story-submit")
    keyboard.submit()
    support.wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".error-explanation"),
                     message="the empty form was not refused")
    keyboard.settle()
    assert_error_announced(keyboard, "field-submitter_name")

    keyboard.complete("#story-submit", values={
        "field-submitter_name": "Keyboard Citizen",
        "field-submitter_email": email,
        "field-title": "Typed with the keyboard",
        "field-story": "I reused the lake data with the keyboard alone.",
        "field-datasets": "water-quality-lake-winnipeg",
    })
    keyboard.submit()
    support.wait_for(driver, lambda d: not d.find_elements(By.ID, "story-submit"),
                     message="the story was not accepted")
    support.screenshot(driver, screenshots, f"keyboard-story-submitted-{lang}")
    assert not any("website" in stop for stop in keyboard.path), "the honeypot took keyboard focus"
    row = model.Session.execute(sa.select(story_table).where(story_table.c.submitter_email == email)).mappings().one()
    assert row["workflow_state"] == "submitted"
    assert not keyboard.invisible, "focus is not visible on: " + "; ".join(
        f"{r['element']} (outline {r['outline']}; box-shadow {r['boxShadow']})" for r in keyboard.invisible)
