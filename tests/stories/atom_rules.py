"""The normative rules of RFC 4287 (The Atom Syndication Format) that apply to a feed of
entries without atom:content, as a checker: ``violations(document)`` lists every rule the
document breaks, each naming its RFC section. Written from the RFC's text (sections 3 and 4);
the feed tests run it on the portal's feed, and on broken feeds to show it catches them."""
import re
import urllib.parse
import xml.etree.ElementTree as ET

ATOM_NS = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# RFC 3339 date-time, with "T" and "Z" in upper case (RFC 4287 section 3.3).
DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
TEXT_TYPES = ("text", "html", "xhtml")
FEED_ONCE = ("generator", "icon", "logo", "rights", "subtitle")
ENTRY_ONCE = ("content", "published", "rights", "source", "summary")
TEXT_CONSTRUCTS = ("title", "subtitle", "rights", "summary")


def _atom(name):
    return f"{{{ATOM_NS}}}{name}"


def _children(element, name):
    return element.findall(_atom(name))


def _is_absolute_iri(value):
    parts = urllib.parse.urlsplit((value or "").strip())
    return bool(parts.scheme) and bool(parts.netloc or parts.path)


def _check_exactly_one(element, where, names, problems, section):
    for name in names:
        count = len(_children(element, name))
        if count != 1:
            problems.append(f"{section}: {where} has {count} atom:{name}, exactly one is required")


def _check_at_most_one(element, where, names, problems, section):
    for name in names:
        if len(_children(element, name)) > 1:
            problems.append(f"{section}: {where} has more than one atom:{name}")


def _check_constructs(element, where, problems):
    for name in TEXT_CONSTRUCTS:
        for text in _children(element, name):
            kind = text.get("type", "text")
            if kind not in TEXT_TYPES:
                problems.append(f"3.1.1: atom:{name} of {where} has type {kind!r}")
            if kind == "xhtml" and [child.tag for child in text] != ["{http://www.w3.org/1999/xhtml}div"]:
                problems.append(f"3.1.1.3: xhtml atom:{name} of {where} must hold one xhtml:div")
            if kind != "xhtml" and len(text):
                problems.append(f"3.1.1: atom:{name} of {where} holds child elements")
    for name in ("updated", "published"):
        for date in _children(element, name):
            if not DATE_TIME.match((date.text or "").strip()):
                problems.append(f"3.3: atom:{name} of {where} is not an RFC 3339 date-time: {date.text!r}")
    for name in ("author", "contributor"):
        for person in _children(element, name):
            if len(_children(person, "name")) != 1 or not (person.find(_atom("name")).text or "").strip():
                problems.append(f"3.2: an atom:{name} of {where} needs exactly one non-empty atom:name")
            _check_at_most_one(person, f"an atom:{name} of {where}", ("uri", "email"), problems, "3.2")
    for identifier in _children(element, "id"):
        if not _is_absolute_iri(identifier.text):
            problems.append(f"4.2.6: atom:id of {where} is not an absolute IRI: {identifier.text!r}")
    alternates = set()
    for link in _children(element, "link"):
        if not link.get("href"):
            problems.append(f"4.2.7.1: an atom:link of {where} has no href")
        if link.get("rel", "alternate") == "alternate":
            key = (link.get("type"), link.get("hreflang"))
            if key in alternates:
                problems.append(f"4.1.1: {where} has two alternate links with the same type and hreflang")
            alternates.add(key)


def violations(document):
    """Every RFC 4287 rule ``document`` (bytes or str) breaks; [] for a valid feed."""
    try:
        feed = ET.fromstring(document)
    except ET.ParseError as error:
        return [f"2: not well-formed XML ({error})"]
    if feed.tag != _atom("feed"):
        return [f"4.1.1: the document element is {feed.tag}, not atom:feed"]
    problems = []
    _check_exactly_one(feed, "the feed", ("id", "title", "updated"), problems, "4.1.1")
    _check_at_most_one(feed, "the feed", FEED_ONCE, problems, "4.1.1")
    _check_constructs(feed, "the feed", problems)
    entries = _children(feed, "entry")
    if not _children(feed, "author") and not all(_children(entry, "author") for entry in entries):
        problems.append("4.1.1: without a feed atom:author, every entry needs one")
    seen_ids = set()
    for position, entry in enumerate(entries, start=1):
        where = f"entry {position}"
        _check_exactly_one(entry, where, ("id", "title", "updated"), problems, "4.1.2")
        _check_at_most_one(entry, where, ENTRY_ONCE, problems, "4.1.2")
        _check_constructs(entry, where, problems)
        if not _children(entry, "content") and not any(
                link.get("rel", "alternate") == "alternate" for link in _children(entry, "link")):
            problems.append(f"4.1.2: {where} has no atom:content, so it needs an alternate link")
        identifier = (entry.findtext(_atom("id")) or "").strip()
        if identifier in seen_ids:
            problems.append(f"4.2.6: {where} repeats the id {identifier}")
        seen_ids.add(identifier)
    return problems


def language_of(document):
    """The feed's xml:lang (the language of its text)."""
    return ET.fromstring(document).get(XML_LANG)
