"""Bilingual parity crawl: from the home page in each language, follow internal links (at most
MAX_PAGES per language, same host, staying in that language) and fail on any page with

- an English UI string on a French page: a visible text node (or aria-label, placeholder,
  title, alt, button value, document title) equal to an English msgid of CKAN's French
  catalogue or ours (see support.EnglishUiStrings), outside content marked with another lang;
- raw JSON of a fluent field, e.g. ``{"en": …`` or ``{"fr": …`` shown to the reader;
- other-language fallback content (an element with class pc-lang-marker) whose content element
  has no lang attribute;
- a demo record's title or name shown in the other language although the record has
  it in the page's language (e.g. an English organization title on a French page);
- an internal link answering 404 or 5xx.
"""
import collections
import pathlib
import urllib.parse

import ckan
import pytest

from tests.browser import support

MAX_PAGES = 40
SKIPPED_PATH_PARTS = ("/_logout", "/logout", "/download", "/api/", "/feeds/", "/webassets/", "/base/", "/uploads/")
SKIPPED_SUFFIXES = (".csv", ".json", ".jsonld", ".xml", ".rdf", ".ttl", ".n3", ".zip", ".png", ".jpg", ".svg", ".ico")


@pytest.fixture(scope="module")
def english_ui_strings(repo_root):
    ckan_po = pathlib.Path(ckan.__file__).parent / "i18n" / "fr" / "LC_MESSAGES" / "ckan.po"
    ours = repo_root / "i18n" / "fr" / "LC_MESSAGES" / "ckanext-pancanadian.po"
    return support.EnglishUiStrings([ckan_po, ours])


def in_language(url, portal, lang):
    """The crawl of one language stays in it: French under /fr/, English elsewhere."""
    parsed = urllib.parse.urlsplit(url)
    if f"{parsed.scheme}://{parsed.netloc}" != portal.url:
        return False
    path = parsed.path
    if any(part in path for part in SKIPPED_PATH_PARTS) or path.lower().endswith(SKIPPED_SUFFIXES):
        return False
    is_french = path == "/fr" or path.startswith("/fr/")
    return is_french if lang == "fr" else not is_french


def crawl(driver, portal, lang, check):
    """Breadth-first over internal links; pages without a query string first, so the crawl
    reaches every kind of page before it spends its budget on facet and sort variants."""
    start = portal.page("/", lang)
    queues = (collections.deque([start]), collections.deque())
    seen, visited, problems = {start}, [], []
    while any(queues) and len(visited) < MAX_PAGES:
        url = (queues[0] or queues[1]).popleft()
        status = support.open_page(driver, url)
        visited.append(url)
        if status is not None and (status == 404 or status >= 500):
            problems.append(f"{url}: HTTP {status}")
            continue
        problems.extend(f"{driver.current_url}: {problem}" for problem in check(driver))
        for link in support.page_links(driver):
            link = urllib.parse.urldefrag(link)[0]
            if link not in seen and in_language(link, portal, lang):
                seen.add(link)
                queues[1 if urllib.parse.urlsplit(link).query else 0].append(link)
    return visited, problems


def fluent_values(portal):
    """The bilingual titles and names of the demo content (keywords are lists, not pairs)."""
    for dataset in portal.datasets.values():
        yield dataset.get("title_translated")
        for resource in dataset.get("resources", []):
            yield resource.get("name_translated")
    for organization in portal.organizations.values():
        yield organization.get("title_translated")


def other_language_texts(portal, lang):
    """Text the demo content has in the other language only where it also has it in lang."""
    texts = {}
    for value in fluent_values(portal):
        value = value or {}
        own = support.normalize(value.get(lang, "")) if isinstance(value.get(lang), str) else ""
        for other, text in value.items():
            text = support.normalize(text) if isinstance(text, str) else ""
            if other != lang and text and own and text != own:
                texts[text] = own
    return texts


def common_problems(driver):
    problems = []
    for node in support.page_texts(driver):
        if support.FLUENT_JSON.search(node["text"]):
            problems.append(f"raw fluent JSON at {node['where']}: {node['text'][:120]!r}")
    for marker in support.marker_problems(driver):
        problems.append(f"fallback content marked {marker['marker']!r} has no lang attribute: {marker['html']}")
    return problems


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_bilingual_parity_crawl(lang, portal, browser, english_ui_strings, repo_root):
    wrong_language = other_language_texts(portal, lang)

    def check(driver):
        problems = common_problems(driver)
        for node in support.page_texts(driver):
            if node["text"] in wrong_language:
                problems.append(f"content in the wrong language at {node['where']}: {node['text']!r} "
                                f"(the record has {wrong_language[node['text']]!r})")
        if lang == "fr":
            for node in support.page_texts(driver):
                if node["lang"] and not node["lang"].lower().startswith("fr"):
                    continue  # content declared in another language, e.g. a marked fallback
                found = english_ui_strings.match(node["text"])
                if found:
                    problems.append(
                        f"English UI string at {node['where']}: {node['text']!r} (msgid {found[0]!r}, "
                        f"French {found[1]!r})"
                    )
        return problems

    visited, problems = crawl(browser, portal, lang, check)
    report = repo_root / "test-artifacts" / "browser" / f"parity-{lang}.txt"
    report.write_text("\n".join(["visited:"] + visited + ["", "problems:"] + problems) + "\n", encoding="utf-8")
    assert len(visited) >= 10, f"the crawl reached only {len(visited)} pages: {visited}"
    assert not problems, f"{len(problems)} bilingual problem(s) over {len(visited)} pages ({report}):\n" + "\n".join(problems)
