"""The quality rule engine: scores a dataset against schemas/quality/rules.yaml.

``evaluate(dataset, facts, rule_set, today)`` is pure (no CKAN, no network): ``dataset`` is a
package_show dict of the profile; ``facts`` holds what the scan learnt elsewhere:

- ``links``: {url: LinkResult dict} — ``ok`` (answered 2xx), ``status``, ``reason`` (a
  safe_http reason or None), ``content_type``, ``content_length``;
- ``csv``: {resource_id: {"utf8", "header", "iso_dates"}}, each True / False / None (unknown:
  the file could not be read), from the profile's conformance report or quality/csv_sample.py;
- ``licence_open``: whether the dataset's licence is an open licence (from CKAN's register);
- ``languages``: the portal's languages (default en, fr).

A dataset-scope rule earns its points or nothing; a resource-scope rule earns its points times
the share of its applicable resources that pass. A rule that applies to nothing (a CSV rule on
a dataset without CSV) is ``not_applicable`` and left out of the maximum, so a dataset is scored
on what it can fix. ``percent`` = score / maximum, rounded; the rating comes from its thresholds.
"""
import datetime
import re

from ckanext.pancanadian.lib import packaging

PASS, FAIL, PARTIAL, NOT_APPLICABLE = "pass", "fail", "partial", "not_applicable"
DIMENSIONS = ("findability", "accessibility", "interoperability", "reusability", "contextuality")
SCOPES = ("dataset", "resource")

_DURATION = re.compile(
    r"^P(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$"
)
_DAYS_PER = {"years": 365.25, "months": 30.44, "weeks": 7, "days": 1, "hours": 1 / 24,
             "minutes": 1 / 1440, "seconds": 1 / 86400}


class RuleSetError(ValueError):
    """rules.yaml is malformed (the message says where)."""


class RuleSet:
    """The rules, dimensions and rating thresholds of a rules.yaml, checked on load."""

    def __init__(self, data, formats):
        self.dimensions = {d["id"]: d["label"] for d in data.get("dimensions") or []}
        if tuple(self.dimensions) != DIMENSIONS:
            raise RuleSetError(f"dimensions must be {', '.join(DIMENSIONS)} in that order")
        self.ratings = sorted(data.get("ratings") or [], key=lambda r: -r["min_percent"])
        if not self.ratings or self.ratings[-1]["min_percent"] != 0:
            raise RuleSetError("ratings need a lowest threshold of min_percent 0")
        self.rules = []
        seen = set()
        for position, rule in enumerate(data.get("rules") or []):
            where = f"rule {position + 1} ({rule.get('id')})"
            if rule.get("id") not in CHECKS:
                raise RuleSetError(f"{where}: no check of that name in quality/rules.py")
            if rule["id"] in seen:
                raise RuleSetError(f"{where}: repeated id")
            if rule.get("dimension") not in self.dimensions or rule.get("scope") not in SCOPES:
                raise RuleSetError(f"{where}: unknown dimension or scope")
            if not isinstance(rule.get("points"), (int, float)) or rule["points"] <= 0:
                raise RuleSetError(f"{where}: points must be a positive number")
            for key in ("title", "advice"):
                texts = rule.get(key) or {}
                # exactly en and fr: an unquoted comma in a YAML flow mapping makes extra keys
                if set(texts) != {"en", "fr"} or not all(isinstance(texts[lang], str) and texts[lang]
                                                         for lang in ("en", "fr")):
                    raise RuleSetError(f"{where}: {key} needs en and fr texts, and nothing else")
            seen.add(rule["id"])
            self.rules.append(dict(rule, guideline=bool(rule.get("guideline")), params=rule.get("params") or {}))
        properties = formats.get("properties") or {}
        self.open_formats = {name.lower() for name, props in properties.items() if props.get("open")}
        self.machine_readable_formats = {
            name.lower() for name, props in properties.items() if props.get("machine_readable")}
        self.controlled_formats = {name.lower() for name in properties}
        # media types that name each format: the MIME spellings among formats.yaml's aliases
        self.media_types = {}
        for alias, name in (formats.get("aliases") or {}).items():
            if "/" in alias:
                self.media_types.setdefault(name.lower(), set()).add(alias.lower())

    def rule(self, rule_id):
        return next(rule for rule in self.rules if rule["id"] == rule_id)

    def rating(self, percent):
        return next(r["id"] for r in self.ratings if percent >= r["min_percent"])

    @property
    def rating_ids(self):
        return [r["id"] for r in self.ratings]


_default = None


def default_rule_set():
    """The shipped rule set (schemas/quality/rules.yaml), loaded once per process."""
    global _default
    if _default is None:
        _default = RuleSet(packaging.load_schema_data("quality/rules.yaml"),
                           packaging.load_schema_data("formats.yaml"))
    return _default


# ---------------------------------------------------------------------------------- helpers
def _text(value):
    return value.strip() if isinstance(value, str) else ""


def _in_all(value, languages):
    """A fluent value ({lang: text or [tags]}) filled in every language."""
    if not isinstance(value, dict):
        return False
    for lang in languages:
        entry = value.get(lang)
        if isinstance(entry, list):
            if not any(_text(item) for item in entry):
                return False
        elif not _text(entry):
            return False
    return True


def _in_any(value):
    if isinstance(value, dict):
        return any(_in_any(entry) for entry in value.values())
    if isinstance(value, list):
        return any(_text(item) for item in value)
    return bool(_text(value))


def _date(value):
    text = _text(value)[:10]
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def frequency_days(frequency):
    """Days in an ISO 8601 duration (P1M ≈ 30.44), or None for keywords and malformed values."""
    match = _DURATION.match(_text(frequency))
    if not match or not any(match.groupdict().values()):
        return None
    return sum(float(amount) * _DAYS_PER[unit] for unit, amount in match.groupdict().items() if amount)


def _format(resource):
    return _text(resource.get("format")).lower()


def _is_csv(resource):
    return _format(resource) == "csv"


def _is_upload(resource):
    return resource.get("url_type") == "upload"


def _link(resource, facts):
    return (facts.get("links") or {}).get(_text(resource.get("url")))


# --------------------------------------------------------------------- dataset-scope checks
# Each returns True (pass), False (fail) or None (not applicable).
def keywords(dataset, facts, rule, rule_set):
    return _in_any(dataset.get("keywords"))


def subject(dataset, facts, rule, rule_set):
    return _in_any(dataset.get("subject"))


def spatial_coverage(dataset, facts, rule, rule_set):
    return any(_in_any(dataset.get(key)) for key in ("spatial_coverage", "province_territory", "spatial"))


def temporal_coverage(dataset, facts, rule, rule_set):
    return _date(dataset.get("temporal_start")) is not None or _date(dataset.get("temporal_end")) is not None


def both_languages(dataset, facts, rule, rule_set):
    languages = facts.get("languages") or ("en", "fr")
    fields = [dataset.get(key) for key in ("title_translated", "notes_translated", "keywords")]
    fields += [resource.get("name_translated") for resource in dataset.get("resources") or []]
    return all(_in_all(value, languages) for value in fields)


def licence_present(dataset, facts, rule, rule_set):
    return bool(_text(dataset.get("license_id"))) and dataset.get("license_id") != "notspecified"


def licence_open(dataset, facts, rule, rule_set):
    return bool(facts.get("licence_open")) and licence_present(dataset, facts, rule, rule_set)


def access_open(dataset, facts, rule, rule_set):
    return (dataset.get("access_level") or "open") == "open"


def contact_point(dataset, facts, rule, rule_set):
    return "@" in _text(dataset.get("contact_email"))


def publisher(dataset, facts, rule, rule_set):
    organization = dataset.get("organization") or {}
    return bool(dataset.get("owner_org")) and (
        _in_any(organization.get("title_translated")) or bool(_text(organization.get("title"))))


def date_issued(dataset, facts, rule, rule_set):
    return _date(dataset.get("date_published")) is not None


def date_modified(dataset, facts, rule, rule_set):
    return _date(dataset.get("date_modified")) is not None


def last_update(dataset):
    """The latest of date_modified, date_published and the resources' last_modified."""
    dates = [_date(dataset.get(key)) for key in ("date_modified", "date_published")]
    dates += [_date(resource.get("last_modified")) for resource in dataset.get("resources") or []]
    dates = [date for date in dates if date]
    return max(dates) if dates else None


def update_frequency(dataset, facts, rule, rule_set):
    frequency = _text(dataset.get("frequency"))
    if frequency in rule["params"].get("not_applicable", ()):
        return None
    days = frequency_days(frequency)
    updated = last_update(dataset)
    if days is None or updated is None:
        return False  # "unknown" or no date: staleness cannot be ruled out
    today = facts["today"]
    return (today - updated).days <= days * (1 + float(rule["params"].get("grace", 0)))


# -------------------------------------------------------------------- resource-scope checks
# Each returns (applies, passes, reason): reason says why a resource fails, for the checklist.
def _data_file(resource, rule):
    types = rule["params"].get("resource_types")
    return not types or resource.get("resource_type") in types


def _answers(resource, facts):
    if _is_upload(resource):
        return True, None  # served by the portal itself, from its own storage
    if not _text(resource.get("url")):
        return False, "no-url"
    link = _link(resource, facts)
    if link is None:
        return False, "not-checked"
    return bool(link.get("ok")), link.get("reason") or (None if link.get("ok") else "http-status")


def access_url_answers(resource, facts, rule, rule_set):
    passes, reason = _answers(resource, facts)
    return True, passes, reason


def download_url_present(resource, facts, rule, rule_set):
    if not _data_file(resource, rule):
        return False, None, None
    present = _is_upload(resource) or bool(_text(resource.get("url")))
    return True, present, None if present else "no-url"


def download_url_answers(resource, facts, rule, rule_set):
    if not _data_file(resource, rule):
        return False, None, None
    passes, reason = _answers(resource, facts)
    return True, passes, reason


def csv_in_datastore(resource, facts, rule, rule_set):
    if not _is_csv(resource):
        return False, None, None
    active = resource.get("datastore_active") in (True, "true", "True")
    return True, active, None if active else "not-in-datastore"


def format_controlled(resource, facts, rule, rule_set):
    passes = _format(resource) in rule_set.controlled_formats
    return True, passes, None if passes else "format"


def media_type(resource, facts, rule, rule_set):
    expected = rule_set.media_types.get(_format(resource))
    if not expected:
        return False, None, None  # the format has no registered media type (API, WMS…)
    declared = _text(resource.get("mimetype")).lower()
    served = _text((_link(resource, facts) or {}).get("content_type")).split(";")[0].strip().lower()
    passes = declared in expected or served in expected
    return True, passes, None if passes else "media-type"


def non_proprietary(resource, facts, rule, rule_set):
    passes = _format(resource) in rule_set.open_formats
    return True, passes, None if passes else "proprietary"


def machine_readable(resource, facts, rule, rule_set):
    passes = _format(resource) in rule_set.machine_readable_formats
    return True, passes, None if passes else "not-machine-readable"


def _csv_fact(key):
    def check(resource, facts, rule, rule_set):
        if not _is_csv(resource):
            return False, None, None
        value = ((facts.get("csv") or {}).get(resource.get("id")) or {}).get(key)
        if value is None:
            return True, False, "unreadable"
        return True, bool(value), None if value else key
    check.__name__ = f"csv_{key}"
    return check


csv_utf8 = _csv_fact("utf8")
csv_header = _csv_fact("header")
csv_iso_dates = _csv_fact("iso_dates")


def byte_size(resource, facts, rule, rule_set):
    size = resource.get("size")
    if not size:
        size = (_link(resource, facts) or {}).get("content_length")
    try:
        passes = int(size) > 0
    except (TypeError, ValueError):
        passes = False
    return True, passes, None if passes else "no-size"


CHECKS = {function.__name__: function for function in (
    keywords, subject, spatial_coverage, temporal_coverage, both_languages, licence_present,
    licence_open, access_open, contact_point, publisher, date_issued, date_modified,
    update_frequency, access_url_answers, download_url_present, download_url_answers,
    csv_in_datastore, format_controlled, media_type, non_proprietary, machine_readable,
    csv_utf8, csv_header, csv_iso_dates, byte_size,
)}


# ------------------------------------------------------------------------------- evaluation
def _evaluate_rule(rule, dataset, facts, rule_set):
    check = CHECKS[rule["id"]]
    outcome = {"id": rule["id"], "dimension": rule["dimension"], "points": rule["points"],
               "guideline": rule["guideline"], "failures": []}
    if rule["scope"] == "dataset":
        passes = check(dataset, facts, rule, rule_set)
        if passes is None:
            return dict(outcome, status=NOT_APPLICABLE, earned=0.0)
        return dict(outcome, status=PASS if passes else FAIL, earned=float(rule["points"] if passes else 0))
    applicable = passing = 0
    for resource in dataset.get("resources") or []:
        applies, passes, reason = check(resource, facts, rule, rule_set)
        if not applies:
            continue
        applicable += 1
        if passes:
            passing += 1
        else:
            outcome["failures"].append({"resource_id": resource.get("id"), "reason": reason})
    if not applicable:
        return dict(outcome, status=NOT_APPLICABLE, earned=0.0)
    status = PASS if passing == applicable else FAIL if passing == 0 else PARTIAL
    return dict(outcome, status=status, earned=round(rule["points"] * passing / applicable, 2),
                passed=passing, applicable=applicable)


def evaluate(dataset, facts, rule_set=None, today=None):
    """The quality result of a dataset (see the module docstring)::

        {"score": 312.5, "max_score": 405, "percent": 77, "rating": "good", "conforming": False,
         "dimensions": {"findability": {"score": 80.0, "max_score": 100}, ...},
         "checks": [{"id", "dimension", "points", "earned", "status", "guideline",
                     "failures": [{"resource_id", "reason"}], "passed"?, "applicable"?}],
         "csv_count": 2, "csv_api_count": 1}
    """
    rule_set = rule_set or default_rule_set()
    facts = dict(facts, today=today or datetime.date.today())
    checks = [_evaluate_rule(rule, dataset, facts, rule_set) for rule in rule_set.rules]
    dimensions = {dimension: {"score": 0.0, "max_score": 0} for dimension in rule_set.dimensions}
    for check in checks:
        if check["status"] != NOT_APPLICABLE:
            dimensions[check["dimension"]]["score"] += check["earned"]
            dimensions[check["dimension"]]["max_score"] += check["points"]
    for totals in dimensions.values():
        totals["score"] = round(totals["score"], 2)
    score = round(sum(totals["score"] for totals in dimensions.values()), 2)
    max_score = sum(totals["max_score"] for totals in dimensions.values())
    percent = round(100 * score / max_score) if max_score else 0
    guidelines = [check for check in checks if check["guideline"] and check["status"] != NOT_APPLICABLE]
    csv_resources = [resource for resource in dataset.get("resources") or [] if _is_csv(resource)]
    return {
        "score": score, "max_score": max_score, "percent": percent, "rating": rule_set.rating(percent),
        "conforming": all(check["status"] == PASS for check in guidelines),
        "dimensions": dimensions, "checks": checks,
        "csv_count": len(csv_resources),
        "csv_api_count": sum(1 for resource in csv_resources
                             if csv_in_datastore(resource, facts, None, rule_set)[1]),
    }


def urls_to_check(dataset):
    """The resource URLs the link rules need (uploads are served by the portal: not checked)."""
    return sorted({_text(resource.get("url")) for resource in dataset.get("resources") or []
                   if not _is_upload(resource) and _text(resource.get("url"))})
