"""Helpers of the browser tests: Chromium, axe-core, screenshots, keyboard, page text."""
import base64
import functools
import json
import os
import pathlib
import re

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
AXE_JS = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.1 level A and AA success criteria; axe's best-practice rules are not run.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--disable-dev-shm-usage", "--window-size=1280,1024", "--lang=en-US",
]
PAGE_TIMEOUT = 60


def tail(path, lines=40):
    try:
        return "\n".join(pathlib.Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


# ---------------------------------------------------------------------------- Chromium
def start_chromium(profile_dir):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile_dir}")
    # A fixed locale: date inputs take their keystrokes in the locale's order (mm/dd/yyyy here).
    env = dict(os.environ, LANG="en_US.UTF-8", LANGUAGE="en_US")
    driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver", env=env))
    driver.set_page_load_timeout(PAGE_TIMEOUT)
    driver.set_script_timeout(PAGE_TIMEOUT)
    return driver


def open_page(driver, url):
    """Load url and wait until the document and CKAN's JavaScript modules are ready."""
    driver.get(url)
    WebDriverWait(driver, PAGE_TIMEOUT).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )
    return response_status(driver)


def response_status(driver):
    """HTTP status of the current document (Chromium's Navigation Timing responseStatus)."""
    return driver.execute_script(
        "const nav = performance.getEntriesByType('navigation')[0];"
        "return nav ? nav.responseStatus : null;"
    )


def log_in(driver, portal, name, password):
    open_page(driver, portal.page("/user/login"))
    driver.find_element(By.ID, "field-login").send_keys(name)
    password_input = driver.find_element(By.ID, "field-password")
    password_input.send_keys(password)
    password_input.send_keys(Keys.ENTER)
    WebDriverWait(driver, PAGE_TIMEOUT).until(lambda d: "/user/login" not in d.current_url)
    open_page(driver, portal.page("/dashboard/datasets"))
    if "/user/login" in driver.current_url:
        pytest.fail(f"could not log in as {name}: still on {driver.current_url}")


# ---------------------------------------------------------------------------- axe-core
@functools.lru_cache(maxsize=1)
def axe_source():
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run bin/stack install (npm ci installs axe-core from package-lock.json)")
    return AXE_JS.read_text(encoding="utf-8")


def run_axe(driver):
    """axe-core's WCAG 2.1 A/AA results on the current page: violations, and the checks it could
    not decide ("incomplete", e.g. contrast over an image), which need a person to review."""
    if not driver.execute_script("return typeof window.axe === 'object'"):
        driver.execute_script(axe_source())
    result = driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        window.axe.run(document, {runOnly: {type: 'tag', values: arguments[0]},
                                  resultTypes: ['violations', 'incomplete']})
          .then(r => done({violations: r.violations, incomplete: r.incomplete}))
          .catch(e => done({error: String(e)}));
        """,
        AXE_TAGS,
    )
    if "error" in result:
        pytest.fail(f"axe-core failed on {driver.current_url}: {result['error']}")
    return result


def format_violations(violations, url):
    lines = [f"{len(violations)} WCAG 2.1 AA violation(s) on {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} [{violation.get('impact')}]: {violation['help']}")
        lines.append(f"  fix: {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"  * {' '.join(map(str, node['target']))}")
            for summary_line in (node.get("failureSummary") or "").splitlines():
                lines.append(f"      {summary_line.strip()}")
            lines.append(f"      html: {node.get('html', '')[:200]}")
    return "\n".join(lines)


def assert_no_violations(driver, report=None):
    """Fail on any violation; with report (a path), keep the page's results there as JSON."""
    result = run_axe(driver)
    if report:
        keep = {kind: [{"id": r["id"], "impact": r.get("impact"), "help": r["help"],
                        "nodes": [{"target": n["target"], "summary": n.get("failureSummary")} for n in r["nodes"]]}
                       for r in result[kind]] for kind in ("violations", "incomplete")}
        pathlib.Path(report).write_text(json.dumps(dict(url=driver.current_url, **keep), indent=1), encoding="utf-8")
    violations = result["violations"]
    assert not violations, format_violations(violations, driver.current_url)


# ---------------------------------------------------------------------------- screenshots
def screenshot(driver, folder, name):
    """A full-page PNG of the current page: folder/name.png."""
    metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
    size = metrics.get("cssContentSize") or metrics["contentSize"]
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1},
    })
    path = pathlib.Path(folder) / f"{name}.png"
    path.write_bytes(base64.b64decode(shot["data"]))
    return path


# ---------------------------------------------------------------------------- keyboard
def active_element_info(driver):
    return driver.execute_script(
        """
        const el = document.activeElement;
        if (!el || el === document.body) return null;
        const style = getComputedStyle(el);
        return {
          id: el.id, name: el.getAttribute('name'), tag: el.tagName.toLowerCase(), className: el.className,
          type: el.getAttribute('type'), text: (el.innerText || el.value || '').trim().slice(0, 80),
          outline: style.outlineStyle + ' ' + style.outlineWidth + ' ' + style.outlineColor,
          outlineStyle: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth) || 0,
          boxShadow: style.boxShadow,
          focusVisible: el.matches(':focus-visible'),
        };
        """
    )


def describe(info):
    if info is None:
        return "<body>"
    label = info["id"] or info["name"] or info["text"]
    return f"<{info['tag']}> {label!r}"


# ---------------------------------------------------------------------------- page text
TEXT_NODES_JS = """
const out = [];
const attrs = ['aria-label', 'placeholder', 'title', 'alt'];
function visible(el) {
  return el.checkVisibility({checkVisibilityCSS: true});
}
function where(el) {
  const parts = [];
  for (let e = el; e && e.nodeType === 1 && parts.length < 4; e = e.parentElement) {
    let part = e.tagName.toLowerCase();
    if (e.id) { parts.unshift(part + '#' + e.id); break; }
    if (e.classList.length) part += '.' + Array.from(e.classList).slice(0, 2).join('.');
    parts.unshift(part);
  }
  return parts.join(' > ');
}
function langOf(el) {
  const owner = el.closest('[lang]');
  return owner ? owner.getAttribute('lang') : '';
}
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
while (walker.nextNode()) {
  const node = walker.currentNode;
  const el = node.parentElement;
  if (!el || el.closest('script, style, noscript, template, textarea')) continue;
  const text = node.nodeValue.replace(/\\s+/g, ' ').trim();
  if (!text || !visible(el)) continue;
  out.push({text: text, lang: langOf(el), where: where(el)});
}
for (const el of document.body.querySelectorAll('[aria-label], [placeholder], [title], img[alt], input[type=submit][value], input[type=button][value]')) {
  if (!visible(el)) continue;
  for (const name of attrs.concat(['value'])) {
    if (name === 'value' && !(el.tagName === 'INPUT' && ['submit', 'button'].includes(el.type))) continue;
    const value = (el.getAttribute(name) || '').replace(/\\s+/g, ' ').trim();
    if (value) out.push({text: value, lang: langOf(el), where: where(el) + '@' + name});
  }
}
out.push({text: document.title.replace(/\\s+/g, ' ').trim(), lang: document.documentElement.lang, where: 'title'});
return out;
"""

LINKS_JS = "return Array.from(document.querySelectorAll('a[href]'), a => a.href);"

MARKERS_JS = """
const problems = [];
for (const marker of document.querySelectorAll('.pc-lang-marker')) {
  const candidates = [marker.previousElementSibling, marker.nextElementSibling]
    .filter(e => e && !e.classList.contains('pc-lang-marker'));
  const parent = marker.parentElement;
  const ok = candidates.some(e => e.hasAttribute('lang') && e.getAttribute('lang'))
    || (parent && parent.hasAttribute('lang') && parent.getAttribute('lang') !== document.documentElement.lang);
  if (!ok) problems.push({marker: marker.textContent.trim(), html: (parent || marker).outerHTML.slice(0, 300)});
}
return problems;
"""

FLUENT_JSON = re.compile(r'\{\s*"(?:en|fr)(?:-[A-Za-z0-9-]+)?"\s*:')


def page_texts(driver):
    return driver.execute_script(TEXT_NODES_JS)


def page_links(driver):
    return driver.execute_script(LINKS_JS)


def marker_problems(driver):
    return driver.execute_script(MARKERS_JS)


def wait_for(driver, condition, timeout=PAGE_TIMEOUT, message=""):
    return WebDriverWait(driver, timeout).until(condition, message)



# ---------------------------------------------------------------------------- catalogues
PLACEHOLDER = re.compile(r"%\([A-Za-z_]+\)[sd]|%[sd]|\{[A-Za-z0-9_]*\}")


# Untranslated msgids that are the same in French: brand names; all-capital acronyms (CSV,
# JSON, API) are recognised by their spelling.
LANGUAGE_NEUTRAL = {"Facebook", "Twitter", "X", "LinkedIn", "Mastodon", "GitHub", "CKAN", "DCAT"}


class EnglishUiStrings:
    """The English msgids of CKAN's French catalogue and ours that French pages must not show.

    A msgid counts when its French msgstr differs from it, or when it has no French at all
    (the page then falls back to the English msgid) unless the same text is also French
    somewhere in the catalogues ("Description", "Format", …). Msgids with placeholders become
    patterns (``%(count)s datasets found`` matches "3 datasets found")."""

    def __init__(self, catalogues):
        import polib

        entries = []
        for path in catalogues:
            entries.extend(e for e in polib.pofile(str(path)) if not e.obsolete and "fuzzy" not in e.flags)
        french = set()
        pairs = []
        for entry in entries:
            if entry.msgid_plural:
                translations = [entry.msgstr_plural.get(0, ""), entry.msgstr_plural.get(1, "")]
                pairs += [(entry.msgid, translations[0]), (entry.msgid_plural, translations[-1])]
                french.update(t for t in translations if t)
            else:
                pairs.append((entry.msgid, entry.msgstr))
                if entry.msgstr:
                    french.add(entry.msgstr)
        french = {normalize(t) for t in french}
        self.exact, self.patterns = {}, []
        for msgid, msgstr in pairs:
            english, translation = normalize(msgid), normalize(msgstr)
            if not english or english == translation or english in french:
                continue
            if not translation and (english in LANGUAGE_NEUTRAL or not re.search(r"[a-z]{2}", english)):
                continue
            if not re.search(r"[A-Za-z]{2}", PLACEHOLDER.sub("", english)):
                continue
            if PLACEHOLDER.search(english):
                literal = PLACEHOLDER.sub("", english)
                # Patterns need enough fixed English to be recognisable.
                if len(re.findall(r"[A-Za-z]{3,}", literal)) >= 2:
                    parts = PLACEHOLDER.split(english)
                    regex = r"\S(?:.*\S)?".join(re.escape(p) for p in parts)
                    self.patterns.append((re.compile(rf"^{regex}$"), msgid, msgstr))
            else:
                self.exact.setdefault(english, (msgid, msgstr))

    def match(self, text):
        """(msgid, msgstr) when text is an English UI string, else None."""
        text = normalize(text)
        if text in self.exact:
            return self.exact[text]
        for pattern, msgid, msgstr in self.patterns:
            if pattern.match(text):
                return msgid, msgstr
        return None


def normalize(text):
    """Whitespace-collapsed text without markup (msgids of templates can hold HTML)."""
    text = re.sub(r"<[^>]+>", "", text or "")
    return re.sub(r"\s+", " ", text).strip()
