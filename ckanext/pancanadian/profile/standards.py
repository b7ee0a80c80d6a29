"""High-value dataset (HVD) standards: schemas/standards/*.yaml, loaded and checked.

A standard is data: an id, a version, a status, a bilingual title and description, the EU HVD
category it belongs to, the real-world conventions it follows (``sources``, ``notes``), a CSV
dialect, a Frictionless-style Table Schema (``schema``) whose titles and descriptions are
bilingual ``{en, fr}`` dicts, and optional cross-column ``rules``. This module reads and checks
those files; ``conformance.py`` checks CSV files against them.

Pure: no CKAN import, no configuration. A malformed file raises ``StandardError`` naming the
file and every problem found in it, so a broken standard fails the deployment loudly instead of
producing odd conformance reports later.

Departures from Frictionless Table Schema, on purpose:

- ``title`` and ``description`` of the standard and of every field are ``{en, fr}`` dicts
  (``to_frictionless(lang)`` flattens them for tools that expect strings);
- ``enumLabels`` gives bilingual labels for coded values;
- field type ``datetime`` exists, and string format ``wkt`` (WKT geometry, WGS84 lon/lat);
- ``rules`` (top level) holds cross-column rules: ``ordered``, ``together``, ``any_of``,
  ``required`` and ``enum``, each optionally conditioned by ``when``.
"""
import datetime
import functools
import os
import re

import yaml

LANGUAGES = ("en", "fr")
STATUSES = ("draft", "candidate", "published", "retired")
# Thematic categories of Commission Implementing Regulation (EU) 2023/138.
HVD_CATEGORIES = (
    "geospatial",
    "earth-observation-and-environment",
    "meteorological",
    "statistics",
    "companies-and-company-ownership",
    "mobility",
)
FIELD_TYPES = ("string", "integer", "number", "date", "datetime", "year", "boolean")
STRING_FORMATS = ("default", "email", "uri", "uuid", "wkt")
RULE_TYPES = ("ordered", "together", "any_of", "required", "enum")
# Which constraint applies to which types.
CONSTRAINTS = {
    "required": FIELD_TYPES,
    "unique": FIELD_TYPES,
    "enum": FIELD_TYPES,
    "pattern": ("string",),
    "minLength": ("string",),
    "maxLength": ("string",),
    "minimum": ("integer", "number", "year", "date", "datetime"),
    "maximum": ("integer", "number", "year", "date", "datetime"),
}
DEFAULT_TRUE_VALUES = ("true", "True", "TRUE", "1")
DEFAULT_FALSE_VALUES = ("false", "False", "FALSE", "0")

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_VERSION = re.compile(r"^\d+\.\d+\.\d+$")
_FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$")
_TOP_KEYS = {
    "id", "version", "status", "hvd_category", "title", "description", "publisher", "sources",
    "notes", "dialect", "schema", "rules",
}
_FIELD_KEYS = {
    "name", "title", "description", "type", "format", "constraints", "enumLabels", "trueValues",
    "falseValues", "example",
}
_SCHEMA_KEYS = {"fields", "primaryKey", "missingValues"}
_RULE_KEYS = {"type", "fields", "values", "when", "description"}
_DIALECT_KEYS = {"delimiter", "quoteChar", "header"}


class StandardError(ValueError):
    """A standard file that cannot be used; ``problems`` lists every problem found."""

    def __init__(self, path, problems):
        self.path = str(path)
        self.problems = list(problems)
        super().__init__(
            f"malformed standard {self.path}:\n" + "\n".join(f"  - {p}" for p in self.problems)
        )


class UnknownStandard(KeyError):
    """No shipped standard has this id."""


def pick(texts, lang, languages=LANGUAGES):
    """The text of a ``{lang: text}`` dict for a reader of ``lang`` (``fr-CA`` reads ``fr``),
    falling back to the other languages in ``languages`` order; "" when there is none."""
    if isinstance(texts, str):
        return texts
    if not isinstance(texts, dict):
        return ""
    lang = (lang or "").replace("_", "-").lower()
    for candidate in (lang, lang.split("-", 1)[0], *languages):
        if texts.get(candidate):
            return texts[candidate]
    return next((text for text in texts.values() if text), "")


class Field:
    """One column of a standard's Table Schema."""

    def __init__(self, spec):
        self.spec = spec
        self.name = spec["name"]
        self.type = spec["type"]
        self.format = spec.get("format", "default")
        self.titles = spec["title"]
        self.descriptions = spec["description"]
        # As written in YAML (for display and export)...
        self.constraints = spec.get("constraints") or {}
        # ...and checked, in comparable form (compiled pattern, date bounds, tuple enum).
        self.checks = _check_field(spec, self.name, [])
        self.required = bool(self.checks.get("required"))
        self.unique = bool(self.checks.get("unique"))
        self.enum = self.checks.get("enum")
        self.enum_labels = spec.get("enumLabels") or {}
        self.true_values = tuple(spec.get("trueValues", DEFAULT_TRUE_VALUES))
        self.false_values = tuple(spec.get("falseValues", DEFAULT_FALSE_VALUES))

    def title(self, lang):
        return pick(self.titles, lang)

    def description(self, lang):
        return pick(self.descriptions, lang)

    def label(self, value, lang):
        """The bilingual label of a coded value, or the value itself."""
        labels = self.enum_labels.get(value)
        return pick(labels, lang) if labels else str(value)

    def __repr__(self):
        return f"<Field {self.name}: {self.type}>"


class Rule:
    """A cross-column rule (see the module docstring)."""

    def __init__(self, spec):
        self.spec = spec
        self.type = spec["type"]
        self.fields = tuple(spec["fields"])
        self.values = tuple(spec.get("values") or ())
        self.when = spec.get("when")
        self.descriptions = spec.get("description") or {}

    def description(self, lang):
        return pick(self.descriptions, lang)


class Standard:
    """A loaded, checked standard. ``raw`` is the parsed YAML, untouched."""

    def __init__(self, raw, path):
        self.raw = raw
        self.path = str(path)
        self.id = raw["id"]
        self.version = raw["version"]
        self.status = raw["status"]
        self.hvd_category = raw["hvd_category"]
        self.titles = raw["title"]
        self.descriptions = raw["description"]
        self.sources = tuple(raw["sources"])
        self.notes = raw.get("notes") or {}
        dialect = raw.get("dialect") or {}
        self.delimiter = dialect.get("delimiter", ",")
        self.quote_char = dialect.get("quoteChar", '"')
        schema = raw["schema"]
        self.fields = tuple(Field(spec) for spec in schema["fields"])
        self._by_name = {field.name: field for field in self.fields}
        primary_key = schema.get("primaryKey") or []
        self.primary_key = tuple([primary_key] if isinstance(primary_key, str) else primary_key)
        self.missing_values = tuple(schema.get("missingValues", [""]))
        self.rules = tuple(Rule(spec) for spec in raw.get("rules") or ())

    @property
    def field_names(self):
        return [field.name for field in self.fields]

    def field(self, name):
        return self._by_name[name]

    def title(self, lang):
        return pick(self.titles, lang)

    def description(self, lang):
        return pick(self.descriptions, lang)

    def hvd_category_label(self, lang):
        return pick(HVD_CATEGORY_LABELS.get(self.hvd_category, {}), lang) or self.hvd_category

    def summary(self, lang):
        """A small dict for pages and API answers, in one language."""
        return {
            "id": self.id,
            "version": self.version,
            "status": self.status,
            "title": self.title(lang),
            "description": self.description(lang),
            "hvd_category": self.hvd_category,
            "hvd_category_label": self.hvd_category_label(lang),
            "fields": [
                {"name": f.name, "title": f.title(lang), "type": f.type, "required": f.required}
                for f in self.fields
            ],
            "primary_key": list(self.primary_key),
            "sources": [{"url": s["url"], "title": pick(s["title"], lang)} for s in self.sources],
        }

    def to_frictionless(self, lang="en"):
        """A plain Frictionless Table Schema descriptor (titles in ``lang``, our extensions
        dropped: ``datetime`` stays, format ``wkt`` becomes a plain string)."""
        fields = []
        for field in self.fields:
            out = {
                "name": field.name,
                "title": field.title(lang),
                "description": field.description(lang),
                "type": field.type,
            }
            if field.format not in ("default", "wkt"):
                out["format"] = field.format
            constraints = {}
            for key, value in field.constraints.items():
                if isinstance(value, (datetime.date, datetime.datetime)):
                    value = value.isoformat()
                elif isinstance(value, list):
                    value = [v.isoformat() if isinstance(v, datetime.date) else v for v in value]
                constraints[key] = value
            if constraints:
                out["constraints"] = constraints
            if field.type == "boolean":
                out["trueValues"] = list(field.true_values)
                out["falseValues"] = list(field.false_values)
            fields.append(out)
        descriptor = {"fields": fields, "missingValues": list(self.missing_values)}
        if self.primary_key:
            descriptor["primaryKey"] = list(self.primary_key)
        return descriptor

    def __repr__(self):
        return f"<Standard {self.id} {self.version}>"


HVD_CATEGORY_LABELS = {
    "geospatial": {"en": "Geospatial", "fr": "Géospatiales"},
    "earth-observation-and-environment": {
        "en": "Earth observation and environment",
        "fr": "Observation de la Terre et environnement",
    },
    "meteorological": {"en": "Meteorological", "fr": "Météorologiques"},
    "statistics": {"en": "Statistics", "fr": "Statistiques"},
    "companies-and-company-ownership": {
        "en": "Companies and company ownership",
        "fr": "Entreprises et propriété d'entreprises",
    },
    "mobility": {"en": "Mobility", "fr": "Mobilité"},
}


# ------------------------------------------------------------------------------------ checking
def _bilingual(value, where, problems, required=True):
    if value is None and not required:
        return
    if not isinstance(value, dict):
        problems.append(f"{where}: must be a mapping with the languages {', '.join(LANGUAGES)}")
        return
    for lang in LANGUAGES:
        text = value.get(lang)
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{where}.{lang}: missing or empty")
    for lang in value:
        if lang not in LANGUAGES:
            problems.append(f"{where}: unexpected language {lang!r}")


def _unknown_keys(mapping, allowed, where, problems):
    for key in mapping:
        if key not in allowed and not str(key).startswith("x-"):
            problems.append(f"{where}: unknown key {key!r}")


def parse_temporal(kind, value):
    """A date / datetime constraint bound written in YAML (a date object or an ISO string)."""
    if kind == "date":
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        return datetime.date.fromisoformat(value)
    if isinstance(value, datetime.datetime):
        return value
    if isinstance(value, datetime.date):
        return datetime.datetime(value.year, value.month, value.day)
    return datetime.datetime.fromisoformat(value)


def _check_bound(field_type, value, where, problems):
    """Return the bound in the type the checker compares with, or None after a problem."""
    try:
        if field_type in ("integer", "year"):
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError
            return value
        if field_type == "number":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise TypeError
            return value
        return parse_temporal(field_type, value)
    except (TypeError, ValueError):
        problems.append(f"{where}: {value!r} is not a valid {field_type}")
        return None


def _check_field(spec, where, problems):
    """Append the problems of one field spec; return its constraints in comparable form."""
    if not isinstance(spec, dict):
        problems.append(f"{where}: must be a mapping")
        return {}
    _unknown_keys(spec, _FIELD_KEYS, where, problems)
    name = spec.get("name")
    if not isinstance(name, str) or not _FIELD_NAME.match(name):
        problems.append(f"{where}.name: {name!r} is not a column name (lower case, digits, _)")
    else:
        where = f"{where} ({name})"
    _bilingual(spec.get("title"), f"{where}.title", problems)
    _bilingual(spec.get("description"), f"{where}.description", problems)
    field_type = spec.get("type")
    if field_type not in FIELD_TYPES:
        problems.append(f"{where}.type: {field_type!r} is not one of {', '.join(FIELD_TYPES)}")
        return {}
    fmt = spec.get("format", "default")
    if field_type == "string" and fmt not in STRING_FORMATS:
        problems.append(f"{where}.format: {fmt!r} is not one of {', '.join(STRING_FORMATS)}")
    elif field_type in ("date", "datetime") and fmt not in ("default",) and "%" not in str(fmt):
        problems.append(f"{where}.format: {fmt!r} must be 'default' or a strptime pattern")
    elif field_type in ("integer", "number", "year", "boolean") and fmt != "default":
        problems.append(f"{where}.format: type {field_type} takes no format")
    if field_type != "boolean" and ("trueValues" in spec or "falseValues" in spec):
        problems.append(f"{where}: trueValues/falseValues only apply to boolean fields")
    for key in ("trueValues", "falseValues"):
        if key in spec and (
            not isinstance(spec[key], list) or not all(isinstance(v, str) for v in spec[key])
        ):
            problems.append(f"{where}.{key}: must be a list of strings")

    constraints = spec.get("constraints", {})
    if not isinstance(constraints, dict):
        problems.append(f"{where}.constraints: must be a mapping")
        return {}
    checked = {}
    for key, value in constraints.items():
        at = f"{where}.constraints.{key}"
        if key not in CONSTRAINTS:
            problems.append(f"{at}: unknown constraint")
            continue
        if field_type not in CONSTRAINTS[key]:
            problems.append(f"{at}: does not apply to type {field_type}")
            continue
        if key in ("required", "unique"):
            if not isinstance(value, bool):
                problems.append(f"{at}: must be true or false")
            checked[key] = bool(value)
        elif key == "enum":
            if not isinstance(value, list) or not value:
                problems.append(f"{at}: must be a non-empty list")
                continue
            items = []
            for item in value:
                if field_type == "string" and not isinstance(item, str):
                    problems.append(
                        f"{at}: {item!r} is not a string (quote values such as ON, YES, NO in YAML)"
                    )
                elif field_type in ("integer", "year") and (
                    isinstance(item, bool) or not isinstance(item, int)
                ):
                    problems.append(f"{at}: {item!r} is not an integer")
                elif field_type in ("date", "datetime"):
                    items.append(_check_bound(field_type, item, at, problems))
                    continue
                items.append(item)
            if len(set(map(str, value))) != len(value):
                problems.append(f"{at}: values are repeated")
            checked[key] = tuple(items)
        elif key == "pattern":
            if not isinstance(value, str):
                problems.append(f"{at}: must be a string")
                continue
            try:
                checked[key] = re.compile(value)
            except re.error as error:
                problems.append(f"{at}: invalid regular expression ({error})")
        elif key in ("minLength", "maxLength"):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                problems.append(f"{at}: must be a non-negative integer")
            checked[key] = value
        else:  # minimum / maximum
            bound = _check_bound(field_type, value, at, problems)
            if bound is not None:
                checked[key] = bound
    for low, high in (("minLength", "maxLength"), ("minimum", "maximum")):
        if low in checked and high in checked:
            try:
                if checked[low] > checked[high]:
                    problems.append(f"{where}.constraints: {low} is greater than {high}")
            except TypeError:
                pass
    labels = spec.get("enumLabels")
    if labels is not None:
        if not isinstance(labels, dict):
            problems.append(f"{where}.enumLabels: must be a mapping")
        else:
            enum = constraints.get("enum") or []
            for value, label in labels.items():
                if value not in enum:
                    problems.append(f"{where}.enumLabels: {value!r} is not in the enum constraint")
                _bilingual(label, f"{where}.enumLabels.{value}", problems)
    return checked


def _check_rule(spec, where, names, problems):
    if not isinstance(spec, dict):
        problems.append(f"{where}: must be a mapping")
        return
    _unknown_keys(spec, _RULE_KEYS, where, problems)
    rule_type = spec.get("type")
    if rule_type not in RULE_TYPES:
        problems.append(f"{where}.type: {rule_type!r} is not one of {', '.join(RULE_TYPES)}")
    fields = spec.get("fields")
    if not isinstance(fields, list) or not fields:
        problems.append(f"{where}.fields: must be a non-empty list of column names")
        fields = []
    for name in fields:
        if name not in names:
            problems.append(f"{where}.fields: {name!r} is not a column of the schema")
    if rule_type == "ordered" and len(fields) != 2:
        problems.append(f"{where}.fields: an ordered rule compares exactly two columns")
    if rule_type in ("together", "any_of") and len(fields) < 2:
        problems.append(f"{where}.fields: a {rule_type} rule needs at least two columns")
    if rule_type == "enum":
        if len(fields) != 1:
            problems.append(f"{where}.fields: an enum rule applies to exactly one column")
        if not isinstance(spec.get("values"), list) or not spec.get("values"):
            problems.append(f"{where}.values: an enum rule needs a non-empty list of values")
    elif "values" in spec:
        problems.append(f"{where}.values: only enum rules take values")
    when = spec.get("when")
    if when is not None:
        if not isinstance(when, dict) or when.get("field") not in names:
            problems.append(f"{where}.when: must name a column of the schema in 'field'")
        else:
            tests = [key for key in ("equals", "in", "present") if key in when]
            if len(tests) != 1 or set(when) - {"field", "equals", "in", "present"}:
                problems.append(f"{where}.when: needs field and exactly one of equals, in, present")
            elif "in" in when and not isinstance(when["in"], list):
                problems.append(f"{where}.when.in: must be a list")
            elif "present" in when and not isinstance(when["present"], bool):
                problems.append(f"{where}.when.present: must be true or false")
    if spec.get("description") is not None:
        _bilingual(spec["description"], f"{where}.description", problems)


def check_standard(raw, path):
    """Every problem of a parsed standard file, as ``location: problem`` strings."""
    problems = []
    if not isinstance(raw, dict):
        return ["the file must contain a mapping (id, version, title, schema...)"]
    _unknown_keys(raw, _TOP_KEYS, "top level", problems)
    stem = os.path.splitext(os.path.basename(str(path)))[0]
    std_id = raw.get("id")
    if not isinstance(std_id, str) or not _ID.match(std_id):
        problems.append(f"id: {std_id!r} must be lower-case words joined by hyphens")
    elif std_id != stem:
        problems.append(f"id: {std_id!r} must match the file name ({stem}.yaml)")
    if not isinstance(raw.get("version"), str) or not _VERSION.match(raw["version"]):
        problems.append(f"version: {raw.get('version')!r} must be MAJOR.MINOR.PATCH (quote it)")
    if raw.get("status") not in STATUSES:
        problems.append(f"status: {raw.get('status')!r} is not one of {', '.join(STATUSES)}")
    if raw.get("hvd_category") not in HVD_CATEGORIES:
        problems.append(
            f"hvd_category: {raw.get('hvd_category')!r} is not one of {', '.join(HVD_CATEGORIES)}"
        )
    _bilingual(raw.get("title"), "title", problems)
    _bilingual(raw.get("description"), "description", problems)
    _bilingual(raw.get("publisher"), "publisher", problems, required=False)

    sources = raw.get("sources")
    if not isinstance(sources, list) or not sources:
        problems.append("sources: must list at least one reference (url and bilingual title)")
    else:
        for index, source in enumerate(sources):
            where = f"sources[{index}]"
            if not isinstance(source, dict):
                problems.append(f"{where}: must be a mapping")
                continue
            if not isinstance(source.get("url"), str) or not _URL.match(source["url"]):
                problems.append(f"{where}.url: {source.get('url')!r} is not an http(s) URL")
            _bilingual(source.get("title"), f"{where}.title", problems)

    notes = raw.get("notes")
    if notes is not None:
        if not isinstance(notes, dict) or set(notes) - {"known", "assumed"}:
            problems.append("notes: must be a mapping with 'known' and/or 'assumed' lists")
        else:
            for key, items in notes.items():
                if not isinstance(items, list):
                    problems.append(f"notes.{key}: must be a list")
                    continue
                for index, item in enumerate(items):
                    _bilingual(item, f"notes.{key}[{index}]", problems)

    dialect = raw.get("dialect")
    if dialect is not None:
        if not isinstance(dialect, dict):
            problems.append("dialect: must be a mapping")
        else:
            _unknown_keys(dialect, _DIALECT_KEYS, "dialect", problems)
            for key in ("delimiter", "quoteChar"):
                if key in dialect and (not isinstance(dialect[key], str) or len(dialect[key]) != 1):
                    problems.append(f"dialect.{key}: must be a single character")
            if dialect.get("header", True) is not True:
                problems.append("dialect.header: only files with a header row are supported")

    schema = raw.get("schema")
    if not isinstance(schema, dict):
        problems.append("schema: missing (a Table Schema with fields)")
        return problems
    _unknown_keys(schema, _SCHEMA_KEYS, "schema", problems)
    fields = schema.get("fields")
    if not isinstance(fields, list) or not fields:
        problems.append("schema.fields: must be a non-empty list")
        fields = []
    names = []
    for index, spec in enumerate(fields):
        _check_field(spec, f"schema.fields[{index}]", problems)
        if isinstance(spec, dict) and isinstance(spec.get("name"), str):
            if spec["name"] in names:
                problems.append(f"schema.fields[{index}]: column {spec['name']!r} is repeated")
            names.append(spec["name"])
    missing = schema.get("missingValues", [""])
    if not isinstance(missing, list) or not all(isinstance(v, str) for v in missing):
        problems.append("schema.missingValues: must be a list of strings (quote them)")
    primary_key = schema.get("primaryKey", [])
    if isinstance(primary_key, str):
        primary_key = [primary_key]
    if not isinstance(primary_key, list):
        problems.append("schema.primaryKey: must be a column name or a list of column names")
    else:
        for name in primary_key:
            if name not in names:
                problems.append(f"schema.primaryKey: {name!r} is not a column of the schema")
        if len(set(primary_key)) != len(primary_key):
            problems.append("schema.primaryKey: a column is repeated")

    rules = raw.get("rules")
    if rules is not None:
        if not isinstance(rules, list):
            problems.append("rules: must be a list")
        else:
            for index, spec in enumerate(rules):
                _check_rule(spec, f"rules[{index}]", names, problems)
    return problems


# ------------------------------------------------------------------------------------- loading
def standards_directory():
    """schemas/standards, wherever the package is installed (editable or wheel), or in a source
    checkout put on sys.path without installing it (benchmarks run from other virtualenvs)."""
    try:
        from ckanext.pancanadian.lib import packaging
    except ImportError:
        here = os.path.dirname(os.path.abspath(__file__))
        return os.path.normpath(os.path.join(here, os.pardir, os.pardir, os.pardir, "schemas", "standards"))
    return os.path.join(packaging.SCHEMAS_DIRECTORY, "standards")


def load_standard(path):
    """Read, check and return one standard file; ``StandardError`` when malformed."""
    try:
        with open(path, encoding="utf-8") as source:
            raw = yaml.safe_load(source)
    except OSError as error:
        raise StandardError(path, [f"cannot be read ({error.strerror or error})"]) from error
    except UnicodeDecodeError as error:
        raise StandardError(path, [f"is not UTF-8 (byte {error.start})"]) from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise StandardError(path, [f"invalid YAML: {where}{problem}"]) from error
    problems = check_standard(raw, path)
    if problems:
        raise StandardError(path, problems)
    return Standard(raw, path)


@functools.lru_cache(maxsize=8)
def _load_directory(directory):
    standards = {}
    for name in sorted(os.listdir(directory)):
        if name.endswith((".yaml", ".yml")):
            standard = load_standard(os.path.join(directory, name))
            standards[standard.id] = standard
    return standards


def load_all(directory=None):
    """{id: Standard} of every standard in ``directory`` (default: the shipped ones).

    Cached per directory; ``reload()`` clears the cache (tests, or after editing a file).
    """
    return dict(_load_directory(os.path.abspath(directory or standards_directory())))


def reload():
    _load_directory.cache_clear()


def list_standards(directory=None):
    """Every standard, sorted by id."""
    return [standard for _, standard in sorted(load_all(directory).items())]


def get_standard(standard_id, directory=None):
    """The standard with this id; ``UnknownStandard`` (a KeyError) when there is none."""
    try:
        return load_all(directory)[standard_id]
    except KeyError:
        raise UnknownStandard(standard_id) from None


def choices(lang, directory=None):
    """[{value, label}] for a select list, labels in ``lang``."""
    return [{"value": s.id, "label": s.title(lang)} for s in list_standards(directory)]
