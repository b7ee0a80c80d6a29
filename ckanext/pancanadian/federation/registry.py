"""The registry of Canadian portals (``schemas/federation/portals.yaml``), read and checked.

``load_portals()`` returns the portals in file order as dicts ``{name, title, url, platform,
jurisdiction_level, province_territory, language}``, or raises ``RegistryError`` listing every
problem, each naming its entry: an unknown platform, jurisdiction level or province/territory
code (the codes of ``schemas/profile_presets.yaml``), a title missing a language, a URL that is
not http(s) (or, for Socrata, that names no ``domains``), a duplicate name.
"""
import functools
import os
import re
import urllib.parse

import yaml

from ckanext.pancanadian.lib import packaging

PORTALS_FILE = os.path.join("federation", "portals.yaml")
PLATFORMS = ("ckan", "dcat_us", "socrata", "ods", "dcat_ap")
LANGUAGES = ("en", "fr", "bilingual")
TITLE_LANGUAGES = ("en", "fr")
FIELDS = ("name", "title", "url", "platform", "jurisdiction_level", "province_territory", "language")
_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class RegistryError(ValueError):
    """The portal registry is not valid; ``problems`` lists each one."""

    def __init__(self, path, problems):
        self.problems = problems
        super().__init__(f"{path}:\n  " + "\n  ".join(problems))


def _preset_choices(preset_name):
    presets = packaging.load_schema_data("profile_presets.yaml")["presets"]
    preset = next(p for p in presets if p["preset_name"] == preset_name)
    return [str(choice["value"]) for choice in preset["values"]["choices"]]


def _entry_problems(label, entry, levels, codes):
    problems = []
    missing = [field for field in FIELDS if field not in entry]
    if missing:
        problems.append(f"{label}: missing {', '.join(missing)}")
    unknown = sorted(set(entry) - set(FIELDS))
    if unknown:
        problems.append(f"{label}: unknown field(s) {', '.join(unknown)}")

    title = entry.get("title")
    if "title" in entry:
        if not isinstance(title, dict):
            problems.append(f"{label}: title must give the name in {' and '.join(TITLE_LANGUAGES)}")
        else:
            for lang in TITLE_LANGUAGES:
                if not isinstance(title.get(lang), str) or not title[lang].strip():
                    problems.append(f"{label}: title has no {lang!r} text")

    url = entry.get("url")
    if "url" in entry:
        parts = urllib.parse.urlsplit(url) if isinstance(url, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
            problems.append(f"{label}: url {url!r} is not an http(s) URL")
        elif entry.get("platform") == "socrata" and not urllib.parse.parse_qs(parts.query).get("domains"):
            problems.append(f"{label}: a Socrata url must name the portal's domain (?domains=...)")

    if "platform" in entry and entry["platform"] not in PLATFORMS:
        problems.append(f"{label}: unknown platform {entry['platform']!r} (one of {', '.join(PLATFORMS)})")
    if "jurisdiction_level" in entry and entry["jurisdiction_level"] not in levels:
        problems.append(
            f"{label}: unknown jurisdiction_level {entry['jurisdiction_level']!r} (one of {', '.join(levels)})"
        )
    if "province_territory" in entry:
        value = entry["province_territory"]
        if not isinstance(value, list):
            problems.append(f"{label}: province_territory must be a list of codes")
        else:
            for code in value:
                if str(code) not in codes:
                    problems.append(f"{label}: unknown province/territory code {code!r} (one of {', '.join(codes)})")
    if "language" in entry and entry["language"] not in LANGUAGES:
        problems.append(f"{label}: unknown language {entry['language']!r} (one of {', '.join(LANGUAGES)})")
    return problems


def load_portals(path=None):
    """The checked portals of ``path`` (default: the shipped ``schemas/federation/portals.yaml``)."""
    path = path or os.path.join(packaging.SCHEMAS_DIRECTORY, PORTALS_FILE)
    with open(path, encoding="utf-8") as source:
        data = yaml.safe_load(source)
    entries = data.get("portals") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise RegistryError(path, ["no 'portals' list"])

    levels, codes = _preset_choices("pc_jurisdiction_level"), _preset_choices("pc_province_territory")
    problems, seen, portals = [], set(), []
    for position, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            problems.append(f"entry #{position}: not a mapping")
            continue
        name = entry.get("name")
        label = f"portal {name!r}" if isinstance(name, str) and name else f"entry #{position}"
        if "name" in entry and (not isinstance(name, str) or not _NAME.match(name)):
            problems.append(f"{label}: name must be lower-case letters, digits and hyphens")
        if name in seen:
            problems.append(f"{label}: duplicate name (entry #{position})")
        seen.add(name)
        entry_problems = _entry_problems(label, entry, levels, codes)
        problems.extend(entry_problems)
        if not entry_problems:
            portals.append({
                "name": name,
                "title": {lang: entry["title"][lang] for lang in TITLE_LANGUAGES},
                "url": entry["url"],
                "platform": entry["platform"],
                "jurisdiction_level": entry["jurisdiction_level"],
                "province_territory": [str(code) for code in entry["province_territory"]],
                "language": entry["language"],
            })
    if problems:
        raise RegistryError(path, problems)
    return portals


@functools.lru_cache(maxsize=1)
def _shipped_portals():
    return load_portals()


def _portal_host(portal):
    """The host a portal's records live on: the Socrata domain, else the API URL's host."""
    parts = urllib.parse.urlsplit(portal["url"])
    if portal["platform"] == "socrata":
        return urllib.parse.parse_qs(parts.query)["domains"][0].lower()
    return parts.netloc.lower()


def portal_for_url(url, portals=None):
    """The registry portal whose records live on the host of ``url`` (a dataset URI, landing
    page or catalogue URI), else None. ``www.`` is ignored on both sides."""
    host = urllib.parse.urlsplit(str(url or "")).netloc.lower().removeprefix("www.")
    if not host:
        return None
    for portal in _shipped_portals() if portals is None else portals:
        if _portal_host(portal).removeprefix("www.") == host:
            return portal
    return None
