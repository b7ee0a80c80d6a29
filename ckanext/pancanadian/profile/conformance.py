"""Streaming CSV conformance checker for the HVD standards (schemas/standards/*.yaml).

``check(source, standard)`` reads a CSV once, front to back, and returns a report dict::

    {
      "standard_id": "baby-names", "standard_version": "1.0.0",
      "valid": False,            # no errors (warnings do not count)
      "row_count": 1234,         # data records read (the header and blank lines excluded)
      "error_count": 3,          # every error found, even past max_errors
      "errors": [                # the first max_errors errors, sorted by row
        {"row": 7, "line": 7, "column": "count", "column_number": 5, "code": "minimum",
         "value": "3", "message_en": "...", "message_fr": "..."},
      ],
      "truncated": False,        # True when errors lists fewer than error_count
      "summary": {"minimum": 1, ...},   # error count per code, over the whole file
      "warnings": [...],         # same shape; do not make the file invalid
      "header": ["year", ...], "encoding": "utf-8" | "utf-8-sig", "bytes_read": 12345,
    }

``row`` counts records as a spreadsheet shows them (the header is row 1, the first data row is
row 2, blank lines count); ``line`` is the physical line where the record starts (they differ
after a quoted value spanning lines). File-level errors have ``row`` None. The UI shows
``message_<lang>`` (``localized_errors`` picks it); both languages are always present,
rendered from the suite's gettext catalogue when the report is written.

What is checked: UTF-8 (a BOM is tolerated; invalid bytes are reported with their line and byte
offset, and the line is read on with replacement characters); NUL bytes; the CSV syntax
(quoting, stray carriage returns, over-long values or lines, a header separated by another
delimiter); the header (missing required column, unknown, duplicate, unnamed or misspelt
columns, no header at all); empty file, header without data, blank rows; ragged rows (too many
or too few cells); per cell: required, type (integer, number, year, date, datetime, boolean),
format (email, uri, uuid, WKT), enum, pattern (whole value), minLength/maxLength,
minimum/maximum; unique columns; primary-key uniqueness; the standard's cross-column rules.
One error per cell (the first failed check); missing cells of a ragged row are not re-reported.

Memory stays bounded whatever the file size:

- input is read in 64 KiB blocks, split on LF, decoded a block at a time and handed to the
  ``csv`` module line by line; a line longer than ``max_line_bytes`` (1 MiB) is reported and
  skipped, and a single value is limited to the csv module's 131,072 characters;
- only the first ``max_errors`` errors (and 100 warnings) are kept; counts go on;
- primary-key and ``unique`` checks keep a 64-bit hash of each key, never the values. The first
  ``key_memory`` keys (default 50,000) sit in a dict, about 120 bytes per key (≈ 6 MB); past
  that the index spills to anonymous temporary files, 16 bytes per row on disk, through 1 MiB
  of write buffers, and repeats are found at the end one hash partition at a time (each holding
  at most ``key_memory`` keys, re-partitioned if needed). Two different keys share a 64-bit
  hash with probability about n²/2⁶⁵ (≈ 10⁻⁷ for two million rows): a negligible chance of a
  false "duplicate key", never a missed one. Duplicates found after a spill are reported at
  the end, with the row they repeat.

Pure: no CKAN import, no network. A source may be a path, bytes, or a binary file object (a text
file object is accepted too; its text is re-encoded, so byte offsets then refer to UTF-8).
"""
import contextlib
import csv
import datetime
import io
import itertools
import math
import os
import re
import struct
import tempfile
import uuid

from ckanext.pancanadian.lib.translation import Msgid, N_, gettext_for
from ckanext.pancanadian.profile import standards as standards_module

DEFAULT_MAX_ERRORS = 1000
MAX_WARNINGS = 100
CHUNK_BYTES = 1 << 16
MAX_LINE_BYTES = 1 << 20
KEY_MEMORY = 50_000
_PARTITION_BITS = 6  # 64 temporary files per spill level
_RECORD = struct.Struct("<qQ")  # (64-bit key hash, row number)

_INVALID = object()  # a cell whose value failed its checks: rules and keys skip it

# --------------------------------------------------------------------------------- messages
# code: English message, the msgid of the suite's catalogue (translated when a report is
# written, in every language). Placeholders are filled from the error's params; a param
# that is a Msgid is translated too, and one given as {"en": ..., "fr": ...} (text from a
# standard's data) is filled per language.
MESSAGES = {
    "encoding-error": N_(
        "Byte {offset} (line {line}) is not valid UTF-8 ({byte}). Save the file as UTF-8. {hint}"
    ),
    "utf16": N_("The file is encoded in {encoding}, not UTF-8. Save it as UTF-8."),
    "nul-byte": N_("Line {line} contains a NUL character: the file may be binary or UTF-16."),
    "empty-file": N_("The file is empty."),
    "no-data-rows": N_("The file has a header row but no data rows."),
    "missing-header": N_(
        "The first row is not the header of this standard: none of its cells is a column name "
        "(expected {expected})."
    ),
    "delimiter": N_(
        "The header is separated by {found}, not by {expected}: export the file as CSV with "
        "{expected} as the delimiter."
    ),
    "missing-column": N_("Required column “{column}” is missing."),
    "missing-columns-any": N_(
        "None of the columns {columns} is present; at least one is required."
    ),
    "optional-column-missing": N_("Optional column “{column}” is not in the file."),
    "unknown-column": N_("Column “{value}” is not part of the standard."),
    "column-name": N_("Column “{value}” should be named “{column}”."),
    "duplicate-column": N_("Column “{column}” appears more than once (also column {first})."),
    "blank-header": N_("Column {column_number} has no name."),
    "missing-cell": N_("The row has {count} cells; the header has {header_count}."),
    "extra-cell": N_("The row has {count} cells; the header has {header_count}."),
    "blank-row": N_("The row is empty."),
    "trailing-blank-row": N_("Empty line at the end of the file."),
    "blank-line-before-header": N_("Empty line before the header."),
    "bom": N_("The file starts with a byte order mark (BOM); it is tolerated."),
    "quoting": N_("The CSV quoting is broken: {detail}."),
    "line-ending": N_(
        "A carriage return appears inside an unquoted value: use LF or CRLF line endings, or "
        "quote the value."
    ),
    "field-too-long": N_("A value is longer than {limit} characters."),
    "line-too-long": N_("Line {line} is longer than {limit} bytes; it was skipped."),
    "required": N_("“{column}” is required."),
    "type-error": N_("“{value}” is not {expected}."),
    "format-error": N_("“{value}” is not {expected}."),
    "enum": N_("“{value}” is not an allowed value ({expected})."),
    "pattern": N_("“{value}” does not have the expected form ({pattern})."),
    "min-length": N_("“{value}” is shorter than {limit} characters."),
    "max-length": N_("The value is {length} characters long; the maximum is {limit}."),
    "minimum": N_("{value} is less than the minimum, {limit}."),
    "maximum": N_("{value} is greater than the maximum, {limit}."),
    "unique": N_(
        "The value{shown} already appears in row {first_row}; the values of “{column}” must be "
        "unique."
    ),
    "primary-key": N_("Duplicate key: the same {columns} as row {first_row}{shown}."),
    "rule-ordered": N_("“{first}” ({first_value}) is after “{second}” ({second_value}). {rule}"),
    "rule-together": N_(
        "{present} given but {missing} empty; they are given or left empty together. {rule}"
    ),
    "rule-any-of": N_("None of {columns} is given. {rule}"),
    "rule-required": N_("“{column}” is required here. {rule}"),
    "rule-enum": N_("“{value}” is not allowed here ({expected}). {rule}"),
}

_EXPECTED = {
    "integer": N_("an integer"),
    "number": N_("a number (dot as decimal mark)"),
    "year": N_("a four-digit year"),
    "date": N_("a date written YYYY-MM-DD"),
    "datetime": N_("an ISO 8601 date and time (YYYY-MM-DDThh:mm[:ss][±hh:mm])"),
    "email": N_("an email address"),
    "uri": N_("an absolute URL"),
    "uuid": N_("a UUID"),
    "wkt": N_("a WKT geometry (POINT, LINESTRING, POLYGON…, longitude before latitude)"),
    "wkt-range": N_(
        "a WKT geometry with longitudes within ±180 and latitudes within ±90 (longitude comes "
        "first)"
    ),
}
_CSV_DETAILS = (
    ("expected after", N_("a closing quote must be followed by the delimiter or the end of the line")),
    ("unexpected end of data", N_("a quoted value is not closed before the end of the file")),
)
_LATIN_HINT = N_("The line reads correctly as Windows-1252 (Latin-1).")
_DELIMITER_NAMES = {
    ",": N_("commas (,)"),
    ";": N_("semicolons (;)"),
    "\t": N_("tabs"),
    "|": N_("vertical bars (|)"),
}


def _show(value, limit=80):
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _show_bound(value):
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value)


def _join(items, limit=20):
    items = [str(item) for item in items]
    shown = ", ".join(items[:limit])
    return shown + (", …" if len(items) > limit else "")


def _quoted(names, lang):
    opening, closing = ("“", "”") if lang == "en" else ("« ", " »")
    return ", ".join(f"{opening}{name}{closing}" for name in names)


def format_message(code, params, lang):
    """The message of an error code in ``lang`` (en or fr), params filled in."""
    translate = gettext_for(lang)

    def fill(value):
        if isinstance(value, Msgid):
            return translate(value)
        if isinstance(value, dict):
            return value.get(lang) or value.get("en", "")
        return value

    filled = {key: fill(value) for key, value in params.items()}
    return translate(MESSAGES[code]).format_map(_Defaults(filled)).strip()


class _Defaults(dict):
    def __missing__(self, key):
        return ""


def localized_errors(report, lang, key="errors"):
    """The report's errors (or warnings) with a single ``message`` in the reader's language."""
    lang = "fr" if str(lang).lower().startswith("fr") else "en"
    return [
        {**{k: v for k, v in error.items() if not k.startswith("message_")},
         "message": error[f"message_{lang}"]}
        for error in report.get(key, [])
    ]


# ----------------------------------------------------------------------------------- report
class _Report:
    def __init__(self, standard, max_errors):
        self.standard = standard
        self.max_errors = max_errors
        self.errors = []
        self.warnings = []
        self.error_count = 0
        self.warning_count = 0
        self.summary = {}
        self.row_count = 0
        self.header = None
        self.encoding = "utf-8"
        self.bytes_read = 0

    def _entry(self, code, row, line, column, column_number, value, params):
        params = dict(params)
        if line is not None:
            params.setdefault("line", line)
        if column is not None:
            params.setdefault("column", column)
        if column_number is not None:
            params.setdefault("column_number", column_number)
        if value is not None:
            params.setdefault("value", _show(value))
        entry = {
            "row": row,
            "line": line,
            "column": column,
            "column_number": column_number,
            "code": code,
        }
        if value is not None:
            entry["value"] = _show(value, 200)
        entry["message_en"] = format_message(code, params, "en")
        entry["message_fr"] = format_message(code, params, "fr")
        return entry

    def error(self, code, row=None, line=None, column=None, column_number=None, value=None,
              **params):
        self.error_count += 1
        self.summary[code] = self.summary.get(code, 0) + 1
        if len(self.errors) < self.max_errors:
            self.errors.append(self._entry(code, row, line, column, column_number, value, params))

    def warn(self, code, row=None, line=None, column=None, column_number=None, value=None,
             **params):
        self.warning_count += 1
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append(self._entry(code, row, line, column, column_number, value, params))

    def as_dict(self):
        # File-level errors first, then by row (or line, for errors found before parsing).
        errors = sorted(self.errors, key=lambda e: e["row"] if e["row"] is not None else e["line"] or 0)
        return {
            "standard_id": self.standard.id,
            "standard_version": self.standard.version,
            "valid": self.error_count == 0,
            "row_count": self.row_count,
            "error_count": self.error_count,
            "errors": errors,
            "truncated": self.error_count > len(self.errors),
            "summary": dict(sorted(self.summary.items())),
            "warning_count": self.warning_count,
            "warnings": self.warnings,
            "header": self.header,
            "encoding": self.encoding,
            "bytes_read": self.bytes_read,
        }


# ------------------------------------------------------------------------------ cell checks
_NUMBER_CHARS = "0123456789+-.eE"


# Numbers are recognized with str methods rather than regular expressions: no Match object is
# allocated per cell (this runs for every numeric cell of the file).
def _to_integer(raw):
    digits = raw[1:] if raw[:1] in ("+", "-") else raw
    if not digits.isdigit() or not digits.isascii():
        raise ValueError(raw)
    return int(raw)


def _to_year(raw):
    if len(raw) != 4 or not raw.isdigit() or not raw.isascii():
        raise ValueError(raw)
    return int(raw)


def _to_number(raw):
    # ASCII digits, sign, dot and exponent only (no "nan", "inf", "1_000", spaces, commas);
    # float() then checks the grammar.
    if not raw.isascii() or raw.strip(_NUMBER_CHARS):
        raise ValueError(raw)
    value = float(raw)
    if not math.isfinite(value):
        raise ValueError(raw)
    return value


_CONVERTERS = {"integer": _to_integer, "year": _to_year, "number": _to_number}
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?"
    r"(?:Z|[+-][0-9]{2}(?::?[0-9]{2})?)?"
)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://\S+")
_WKT = re.compile(
    r"\s*(POINT|MULTIPOINT|LINESTRING|MULTILINESTRING|POLYGON|MULTIPOLYGON)\s*(Z|M|ZM)?\s*(\(.*\))\s*",
    re.IGNORECASE | re.DOTALL,
)
_WKT_TOKEN = re.compile(r"\(|\)|,|[^\s(),]+")
# Nesting depth of coordinate lists per WKT type (MULTIPOINT accepts both forms).
_WKT_DEPTH = {"POINT": (1,), "LINESTRING": (1,), "MULTIPOINT": (1, 2), "POLYGON": (2,),
              "MULTILINESTRING": (2,), "MULTIPOLYGON": (3,)}


class _Reject(Exception):
    """A cell value that fails a check: (code, params)."""

    def __init__(self, code, **params):
        super().__init__(code)
        self.code = code
        self.params = params


def _parse_wkt(raw):
    """Check a WKT geometry; raise _Reject('format-error') when it is not one."""
    match = _WKT.fullmatch(raw)
    if not match:
        raise _Reject("format-error", expected=_EXPECTED["wkt"])
    kind, dims, body = match.group(1).upper(), match.group(2), match.group(3)
    tokens = _WKT_TOKEN.findall(body)
    width = 2 + (len(dims) if dims else 0)

    def parse(i):  # tokens[i] == "("
        items, i = [], i + 1
        while True:
            if tokens[i] == "(":
                item, i = parse(i)
            else:
                coords = []
                while tokens[i] not in ("(", ")", ","):
                    number = float(tokens[i])
                    if not math.isfinite(number):
                        raise ValueError
                    coords.append(number)
                    i += 1
                if len(coords) != width:
                    raise ValueError
                item = tuple(coords)
            items.append(item)
            if tokens[i] == ",":
                i += 1
            elif tokens[i] == ")":
                return items, i + 1
            else:
                raise ValueError

    def depth(item):
        return 0 if isinstance(item, tuple) else 1 + max(depth(sub) for sub in item)

    def leaves(item):
        if isinstance(item, tuple):
            yield item
        else:
            for sub in item:
                yield from leaves(sub)

    def rings(item, level):
        if level == 1:
            yield item
        else:
            for sub in item:
                yield from rings(sub, level - 1)

    try:
        geometry, end = parse(0)
        if end != len(tokens) or depth(geometry) not in _WKT_DEPTH[kind]:
            raise ValueError
        level = depth(geometry)
        if kind == "POINT" and len(geometry) != 1:
            raise ValueError
        if kind in ("LINESTRING", "MULTILINESTRING"):
            if any(len(line) < 2 for line in rings(geometry, level)):
                raise ValueError
        if kind in ("POLYGON", "MULTIPOLYGON"):
            if any(len(ring) < 4 or ring[0] != ring[-1] for ring in rings(geometry, level)):
                raise ValueError
        if kind == "MULTIPOINT" and level == 2 and any(len(point) != 1 for point in geometry):
            raise ValueError
    except (ValueError, IndexError, RecursionError):
        raise _Reject("format-error", expected=_EXPECTED["wkt"]) from None
    for coords in leaves(geometry):
        if not (-180 <= coords[0] <= 180 and -90 <= coords[1] <= 90):
            raise _Reject("format-error", expected=_EXPECTED["wkt-range"])
    return raw


def _parser(field):
    """raw text -> typed value; raises _Reject for a value of the wrong type or format."""
    kind, fmt = field.type, field.format
    if kind == "string":
        if fmt == "email":
            def parse(raw):
                if not _EMAIL.fullmatch(raw):
                    raise _Reject("format-error", expected=_EXPECTED["email"])
                return raw
        elif fmt == "uri":
            def parse(raw):
                if not _URI.fullmatch(raw):
                    raise _Reject("format-error", expected=_EXPECTED["uri"])
                return raw
        elif fmt == "uuid":
            def parse(raw):
                try:
                    uuid.UUID(raw)
                except ValueError:
                    raise _Reject("format-error", expected=_EXPECTED["uuid"]) from None
                return raw
        elif fmt == "wkt":
            parse = _parse_wkt
        else:
            parse = None  # the raw text is the value
        return parse
    if kind in _CONVERTERS:
        convert, expected = _CONVERTERS[kind], _EXPECTED[kind]

        def parse(raw):
            try:
                return convert(raw)
            except ValueError:
                raise _Reject("type-error", expected=expected) from None
        return parse
    if kind == "boolean":
        mapping = {**{v: True for v in field.true_values}, **{v: False for v in field.false_values}}
        expected = {
            "en": "one of " + _join(mapping),
            "fr": "l’une des valeurs " + _join(mapping),
        }

        def parse(raw):
            try:
                return mapping[raw]
            except KeyError:
                raise _Reject("type-error", expected=expected) from None
        return parse
    if kind == "date":
        return _temporal_parser(
            fmt, _DATE.fullmatch, datetime.date.fromisoformat, datetime.datetime.date, _EXPECTED["date"],
            {"en": f"a date written {fmt}", "fr": f"une date écrite {fmt}"},
        )
    return _temporal_parser(
        fmt, _DATETIME.fullmatch, datetime.datetime.fromisoformat, lambda value: value, _EXPECTED["datetime"],
        {"en": f"a date and time written {fmt}", "fr": f"une date et heure écrite {fmt}"},
    )


def _temporal_parser(fmt, matches_iso, from_iso, from_strptime, iso_expected, custom_expected):
    """A date or datetime parser: ISO 8601 for the "default" format, else strptime(fmt)."""
    if fmt == "default":

        def parse(raw):
            if not matches_iso(raw):
                raise _Reject("type-error", expected=iso_expected)
            try:
                return from_iso(raw)
            except ValueError:
                raise _Reject("type-error", expected=iso_expected) from None

        return parse

    def parse(raw):
        try:
            return from_strptime(datetime.datetime.strptime(raw, fmt))
        except ValueError:
            raise _Reject("type-error", expected=custom_expected) from None

    return parse


def _comparable(a, b):
    """Datetimes with and without a UTC offset cannot be compared: compare wall clocks."""
    if isinstance(a, datetime.datetime) and isinstance(b, datetime.datetime):
        if (a.tzinfo is None) != (b.tzinfo is None):
            return a.replace(tzinfo=None), b.replace(tzinfo=None)
    return a, b


def compile_field(field):
    """A function raw -> value raising _Reject at the first failed check of a cell, or None when
    any text is a valid value (an unconstrained string). Specialized per case: this runs once per
    cell of the file."""
    parse = _parser(field)
    checks = field.checks
    enum = checks.get("enum")
    pattern = checks.get("pattern")
    min_length, max_length = checks.get("minLength"), checks.get("maxLength")
    minimum, maximum = checks.get("minimum"), checks.get("maximum")
    enum_set = frozenset(enum) if enum else None
    enum_text = _join(enum) if enum else ""
    pattern_text = pattern.pattern if pattern is not None else ""
    fullmatch = pattern.fullmatch if pattern is not None else None
    low_text = _show_bound(minimum) if minimum is not None else ""
    high_text = _show_bound(maximum) if maximum is not None else ""

    if parse is None and pattern is None and min_length is None and max_length is None:
        if enum_set is None:
            return None

        def validate(raw):  # a coded string column
            if raw in enum_set:
                return raw
            raise _Reject("enum", expected=enum_text)
        return validate

    if parse is None:
        def validate(raw):  # a string with a pattern or length limits
            if enum_set is not None and raw not in enum_set:
                raise _Reject("enum", expected=enum_text)
            if fullmatch is not None and fullmatch(raw) is None:
                raise _Reject("pattern", pattern=pattern_text)
            if min_length is not None and len(raw) < min_length:
                raise _Reject("min-length", limit=min_length)
            if max_length is not None and len(raw) > max_length:
                raise _Reject("max-length", limit=max_length, length=len(raw))
            return raw
        return validate

    if field.type in ("integer", "year", "number") and enum_set is None:
        convert, expected = _CONVERTERS[field.type], _EXPECTED[field.type]
        low = minimum if minimum is not None else -math.inf
        high = maximum if maximum is not None else math.inf

        def validate(raw):  # a number with optional bounds
            try:
                value = convert(raw)
            except ValueError:
                raise _Reject("type-error", expected=expected) from None
            if value < low:
                raise _Reject("minimum", limit=low_text)
            if value > high:
                raise _Reject("maximum", limit=high_text)
            return value
        return validate

    def validate(raw):  # everything else: dates, booleans, formats, typed enums
        value = parse(raw) if parse is not None else raw
        if enum_set is not None and value not in enum_set:
            raise _Reject("enum", expected=enum_text)
        if fullmatch is not None and fullmatch(raw) is None:
            raise _Reject("pattern", pattern=pattern_text)
        if min_length is not None and len(raw) < min_length:
            raise _Reject("min-length", limit=min_length)
        if max_length is not None and len(raw) > max_length:
            raise _Reject("max-length", limit=max_length, length=len(raw))
        if minimum is not None:
            low, bound = _comparable(value, minimum)
            if low < bound:
                raise _Reject("minimum", limit=low_text)
        if maximum is not None:
            high, bound = _comparable(value, maximum)
            if high > bound:
                raise _Reject("maximum", limit=high_text)
        return value
    return validate


def _canonical(value):
    """The text a key compares on: '05' and '5' are the same integer, 1.0 and 1 the same number."""
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        return repr(value + 0.0)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value)


# -------------------------------------------------------------------------------- key index
class KeyIndex:
    """Finds repeated keys by 64-bit hash with bounded memory (see the module docstring).

    ``add(hash, row)`` returns the first row of an earlier equal key while the index is in
    memory, else None; ``finish()`` yields (row, first_row) for repeats found after a spill.
    """

    def __init__(self, memory=KEY_MEMORY):
        self.memory = max(1, memory)
        self.seen = {}
        self.files = None
        self.buffers = None
        self.count = 0

    def add(self, key_hash, row):
        if self.files is None:
            first = self.seen.setdefault(key_hash, row)
            if first != row:
                return first
            if len(self.seen) > self.memory:
                self._spill()
            return None
        part = key_hash & ((1 << _PARTITION_BITS) - 1)
        buffer = self.buffers[part]
        buffer += _RECORD.pack(key_hash, row)
        if len(buffer) >= 16384:
            self.files[part].write(buffer)
            buffer.clear()
        self.count += 1
        return None

    def _spill(self):
        self.files = [tempfile.TemporaryFile() for _ in range(1 << _PARTITION_BITS)]
        self.buffers = [bytearray() for _ in self.files]
        seen, self.seen = self.seen, {}
        for key_hash, row in seen.items():  # insertion order is row order
            self.add(key_hash, row)

    def finish(self):
        if self.files is None:
            return
        try:
            for part, handle in enumerate(self.files):
                handle.write(self.buffers[part])
                self.buffers[part] = bytearray()
                handle.seek(0)
                yield from self._repeats(handle, 1)
        finally:
            self.close()

    def _repeats(self, handle, level):
        size = handle.seek(0, os.SEEK_END)
        handle.seek(0)
        entries = size // _RECORD.size
        if entries > self.memory and level * _PARTITION_BITS < 60:
            # Re-partition on the next hash bits, keeping row order within each part.
            subfiles = [tempfile.TemporaryFile() for _ in range(1 << _PARTITION_BITS)]
            try:
                shift, mask = level * _PARTITION_BITS, (1 << _PARTITION_BITS) - 1
                for block in iter(lambda: handle.read(_RECORD.size * 4096), b""):
                    for key_hash, row in _RECORD.iter_unpack(block):
                        subfiles[(key_hash >> shift) & mask].write(_RECORD.pack(key_hash, row))
                for sub in subfiles:
                    sub.seek(0)
                    yield from self._repeats(sub, level + 1)
            finally:
                for sub in subfiles:
                    sub.close()
            return
        seen = {}
        for block in iter(lambda: handle.read(_RECORD.size * 4096), b""):
            for key_hash, row in _RECORD.iter_unpack(block):
                first = seen.setdefault(key_hash, row)
                if first != row:
                    yield row, first

    def close(self):
        for handle in self.files or ():
            handle.close()
        self.files = None


# ---------------------------------------------------------------------------------- sources
@contextlib.contextmanager
def _open_source(source):
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as handle:
            yield handle
    elif isinstance(source, (bytes, bytearray, memoryview)):
        yield io.BytesIO(bytes(source))
    elif hasattr(source, "read"):
        probe = source.read(0)
        yield _EncodedText(source) if isinstance(probe, str) else source
    else:
        raise TypeError(f"cannot read CSV from {type(source).__name__}")


class _EncodedText:
    """A text file object read as UTF-8 bytes (surrogate-escaped bytes come back as they were)."""

    def __init__(self, stream):
        self.stream = stream

    def read(self, size=-1):
        text = self.stream.read(size // 4 if size and size > 0 else -1)
        try:
            return text.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:
            return text.encode("utf-8", "surrogatepass")


# ---------------------------------------------------------------------------------- checker
class _Checker:
    def __init__(self, standard, report, key_memory, max_line_bytes):
        self.standard = standard
        self.report = report
        self.key_memory = key_memory
        self.max_line_bytes = max_line_bytes
        self.fatal = False
        self.long_lines = set()
        self.encoding_errors = 0

    # ---- bytes -> text, block by block
    def _blocks(self, stream):
        """Yield the file as text blocks (StringIO over whole lines), decoding as it goes.

        Reads at most min(64 KiB, max_line_bytes) at a time, so that only the first line of a
        block can be longer than max_line_bytes: that line is reported and replaced by an
        empty line (keeping line numbers right), and skipped up to its end.
        """
        report = self.report
        limit = self.max_line_bytes
        size = max(1, min(CHUNK_BYTES, limit))
        pending = b""
        offset = 0  # byte offset of the first byte of `pending`
        line_base = 0  # physical lines before `pending`
        skipping = False  # inside a line longer than the limit
        first = True

        def too_long():
            line = line_base + 1
            self.long_lines.add(line)
            report.error("line-too-long", line=line, limit=limit)

        while True:
            chunk = stream.read(size)
            if first:
                first = False
                while chunk and len(chunk) < 4:  # short reads: make room for BOM sniffing
                    more = stream.read(size)
                    if not more:
                        break
                    chunk += more
                report.bytes_read += len(chunk)
                if chunk.startswith((b"\xff\xfe", b"\xfe\xff")):
                    encoding = "UTF-32" if chunk.startswith(b"\xff\xfe\x00\x00") else "UTF-16"
                    report.error("utf16", encoding=encoding)
                    self.fatal = True
                    return
                if chunk.startswith(b"\xef\xbb\xbf"):
                    report.encoding = "utf-8-sig"
                    report.warn("bom")
                    chunk = chunk[3:]
                    offset = 3
            else:
                report.bytes_read += len(chunk)
            if not chunk:
                if pending and not skipping:
                    yield self._decode(pending, offset, line_base)
                return
            data = pending + chunk if pending else chunk
            pending = b""
            newline = data.find(b"\n")
            if skipping:
                if newline < 0:
                    offset += len(data)
                    continue
                skipping = False
                offset += newline + 1
                line_base += 1
                data = data[newline + 1:]
                newline = data.find(b"\n")
                yield io.StringIO("\n")
            if newline < 0:  # no complete line yet
                if len(data) > limit:
                    too_long()
                    skipping = True
                    offset += len(data)
                else:
                    pending = data
                continue
            if newline > limit:  # a complete first line, too long
                too_long()
                offset += newline + 1
                line_base += 1
                data = data[newline + 1:]
                yield io.StringIO("\n")
            cut = data.rfind(b"\n") + 1
            if cut == 0:
                pending = data
                continue
            complete, pending = data[:cut], data[cut:]
            yield self._decode(complete, offset, line_base)
            offset += cut
            line_base += complete.count(b"\n")

    def _decode(self, block, offset, line_base):
        try:
            text = block.decode("utf-8")
        except UnicodeDecodeError:
            text = self._decode_slowly(block, offset, line_base)
        if "\x00" in text:
            for number, line in enumerate(text.split("\n"), start=line_base + 1):
                if "\x00" in line:
                    self.report.error("nul-byte", line=number)
            text = text.replace("\x00", "")
        return io.StringIO(text, newline="\n")

    def _decode_slowly(self, block, offset, line_base):
        """Decode line by line, reporting the first invalid byte of each bad line."""
        parts = []
        position = 0
        for number, line in enumerate(block.split(b"\n"), start=line_base + 1):
            try:
                parts.append(line.decode("utf-8"))
            except UnicodeDecodeError as error:
                bad = line[error.start:error.start + 1]
                try:
                    line.decode("cp1252")
                    hint = _LATIN_HINT
                except UnicodeDecodeError:
                    hint = ""
                self.encoding_errors += 1
                self.report.error(
                    "encoding-error", line=number, offset=offset + position + error.start,
                    byte=f"0x{bad.hex().upper()}", hint=hint,
                )
                parts.append(line.decode("utf-8", "replace"))
            position += len(line) + 1
        return "\n".join(parts)

    # ---- header
    def _header(self, header, line):
        report, standard = self.report, self.standard
        report.header = list(header)
        names = standard.field_names
        delimiter = standard.delimiter
        if len(header) == 1 and len(names) > 1:
            for candidate in (";", "\t", "|", ","):
                if candidate != delimiter and candidate in header[0]:
                    report.error(
                        "delimiter", row=1, line=line,
                        found=_DELIMITER_NAMES[candidate],
                        expected=_DELIMITER_NAMES.get(delimiter, delimiter),
                    )
                    return None
        positions = {}
        problems = []  # reported only if the row is a header at all
        misnamed = []
        for index, name in enumerate(header):
            number = index + 1
            if name == "":
                problems.append(("blank-header", {"column_number": number}))
            elif name in names:
                if name in positions:
                    problems.append(("duplicate-column", {
                        "column": name, "column_number": number, "first": positions[name] + 1}))
                else:
                    positions[name] = index
            else:
                misnamed.append((index, name))
        for index, name in misnamed:
            guess = re.sub(r"[\s-]+", "_", name.strip()).lower()
            if guess in names and guess not in positions:
                problems.append(("column-name", {
                    "column": guess, "column_number": index + 1, "value": name}))
                positions[guess] = index
            else:
                problems.append(("unknown-column", {"column_number": index + 1, "value": name}))
        if not positions and len(names) > 1:
            report.error("missing-header", row=1, line=line, expected=_join(names, 8))
            return None
        for code, params in problems:
            report.error(code, row=1, line=line, **params)
        for field in standard.fields:
            if field.name not in positions:
                if field.required or field.name in standard.primary_key:
                    report.error("missing-column", row=1, line=line, column=field.name)
                else:
                    report.warn("optional-column-missing", row=1, line=line, column=field.name)
        for rule in standard.rules:
            if rule.type == "any_of" and not any(name in positions for name in rule.fields):
                report.error("missing-columns-any", row=1, line=line,
                             columns={lang: _quoted(rule.fields, lang) for lang in ("en", "fr")})
        return positions

    # ---- rules
    def _compile_rules(self, slots):
        """Row checks of the standard's rules whose columns are all in the file."""
        compiled = []
        for rule in self.standard.rules:
            involved = list(rule.fields) + ([rule.when["field"]] if rule.when else [])
            if rule.type != "any_of" and not all(name in slots for name in involved):
                continue
            if rule.type == "any_of":
                present = [name for name in rule.fields if name in slots]
                if not present:
                    continue
                if rule.when and rule.when["field"] not in slots:
                    continue
            description = {lang: rule.description(lang) for lang in ("en", "fr")}
            compiled.append((self._rule_check(rule, slots), description))
        return compiled

    def _condition(self, rule, slots):
        when = rule.when
        if not when:
            return None
        slot = slots[when["field"]]
        if "present" in when:
            wanted = when["present"]
            return lambda values: (values[slot] is not None) == wanted
        allowed = {when["equals"]} if "equals" in when else set(when["in"])
        return lambda values: values[slot] in allowed

    def _rule_check(self, rule, slots):
        """values -> None, or (code, column, params) of the violation. Runs once per row."""
        condition = self._condition(rule, slots)
        kind = rule.type
        if kind == "ordered":
            first, second = rule.fields
            a, b = slots[first], slots[second]

            def test(values):
                x, y = values[a], values[b]
                if x is None or y is None or x is _INVALID or y is _INVALID:
                    return None
                try:
                    later = x > y
                except TypeError:  # a datetime with a UTC offset and one without
                    x, y = _comparable(x, y)
                    later = x > y
                if later:
                    return ("rule-ordered", second, {
                        "first": first, "second": second, "first_value": _show_bound(x),
                        "second_value": _show_bound(y)})
                return None
        elif kind == "together":
            names = rule.fields
            group = tuple(slots[name] for name in names)
            size = len(group)

            def test(values):
                given = 0
                for slot in group:
                    value = values[slot]
                    if value is _INVALID:
                        return None
                    if value is not None:
                        given += 1
                if given == 0 or given == size:
                    return None
                filled = [name for name in names if values[slots[name]] is not None]
                empty = [name for name in names if values[slots[name]] is None]
                return ("rule-together", empty[0], {
                    "present": {lang: _quoted(filled, lang) for lang in ("en", "fr")},
                    "missing": {lang: _quoted(empty, lang) for lang in ("en", "fr")}})
        elif kind == "any_of":
            group = tuple(slots[name] for name in rule.fields if name in slots)

            def test(values):
                for slot in group:
                    value = values[slot]
                    if value is not None:
                        return None
                return ("rule-any-of", None, {
                    "columns": {lang: _quoted(rule.fields, lang) for lang in ("en", "fr")}})
        elif kind == "required":
            group = tuple((name, slots[name]) for name in rule.fields)

            def test(values):
                for name, slot in group:
                    if values[slot] is None:
                        return ("rule-required", name, {})
                return None
        else:  # enum
            (name,) = rule.fields
            slot = slots[name]
            allowed = frozenset(rule.values)
            expected = _join(rule.values)

            def test(values):
                value = values[slot]
                if value is None or value is _INVALID or value in allowed:
                    return None
                return ("rule-enum", name, {"value": _show(value), "expected": expected})

        if condition is None:
            return test
        when_slot = slots[rule.when["field"]]

        def conditional(values):
            if values[when_slot] is _INVALID or not condition(values):
                return None
            return test(values)
        return conditional

    # ---- main loop
    def run(self, stream):
        report, standard = self.report, self.standard
        lines = itertools.chain.from_iterable(self._blocks(stream))
        reader = csv.reader(lines, delimiter=standard.delimiter, quotechar=standard.quote_char,
                            strict=True)

        def csv_problem(error, row, line):
            text = str(error)
            if "field larger than field limit" in text:
                report.error("field-too-long", row=row, line=line, limit=csv.field_size_limit())
            elif "new-line character" in text:
                report.error("line-ending", row=row, line=line)
            else:
                detail = next((d for key, d in _CSV_DETAILS if key in text), text)
                report.error("quoting", row=row, line=line, detail=detail)

        # Header: the first non-blank record.
        header = None
        previous_line = 0
        while header is None:
            try:
                record = next(reader)
            except StopIteration:
                if not self.fatal:
                    report.error("empty-file")
                return
            except csv.Error as error:
                csv_problem(error, 1, previous_line + 1)
                return
            start, previous_line = previous_line + 1, reader.line_num
            if self.fatal:
                return
            if not record:
                if start not in self.long_lines:
                    report.warn("blank-line-before-header", line=start)
                continue
            header = record
            header_line = start
        positions = self._header(header, header_line)
        if positions is None:
            return

        # Column plan: (csv index, name, validate, required, slot); slots index `values`.
        primary_key = standard.primary_key
        plan, slots = [], {}
        for field in standard.fields:
            if field.name not in positions:
                continue
            slots[field.name] = len(plan)
            required = field.required or field.name in primary_key
            plan.append((positions[field.name], field.name, compile_field(field), required,
                         len(plan)))
        rules = self._compile_rules(slots)
        key_slots = tuple(slots[name] for name in primary_key) \
            if primary_key and all(name in slots for name in primary_key) else None
        key_index = KeyIndex(self.key_memory) if key_slots else None
        # Typed key parts become text before hashing ('05' and '5' are the same integer, and
        # hash(-1) == hash(-2) for ints); strings are hashed as they are.
        key_convs = [(i, _canonical) for i, name in enumerate(primary_key)
                     if standard.field(name).type != "string"] if key_slots else []
        key_names = {lang: _quoted(primary_key, lang) for lang in ("en", "fr")}
        unique = [(field.name, slots[field.name], KeyIndex(self.key_memory))
                  for field in standard.fields if field.unique and field.name in slots]
        header_count = len(header)
        missing_values = frozenset(standard.missing_values)
        width = len(plan)
        error = report.error

        # Per-row bookkeeping allocates as little as possible (this loop runs once per row):
        # the starting line is before + 1, computed only when an error needs it.
        row = 1
        skipped = 0  # blank lines, not data rows
        blank_rows = []  # (row, line) of blank lines not yet known to be trailing
        last = previous_line
        while True:
            before = last
            try:
                record = next(reader)
            except StopIteration:
                break
            except csv.Error as problem:
                row += 1
                csv_problem(problem, row, before + 1)
                last = reader.line_num
                continue
            last = reader.line_num
            row += 1
            if not record:
                skipped += 1
                if before + 1 not in self.long_lines:
                    blank_rows.append((row, before + 1))
                continue
            if blank_rows:
                for blank_row, blank_line in blank_rows:
                    error("blank-row", row=blank_row, line=blank_line)
                blank_rows = []
            count = len(record)
            if count != header_count:
                error("missing-cell" if count < header_count else "extra-cell", row=row,
                      line=before + 1, count=count, header_count=header_count)
            values = [None] * width
            replaced = self.encoding_errors
            for index, name, validate, required, slot in plan:
                if index >= count:
                    values[slot] = _INVALID
                    continue
                raw = record[index]
                if raw in missing_values:
                    if required:
                        error("required", row=row, line=before + 1, column=name,
                              column_number=index + 1)
                        values[slot] = _INVALID
                    continue
                if replaced and "\ufffd" in raw:
                    values[slot] = _INVALID  # already reported as an encoding error
                    continue
                if validate is None:
                    values[slot] = raw
                    continue
                try:
                    values[slot] = validate(raw)
                except _Reject as reject:
                    values[slot] = _INVALID
                    error(reject.code, row=row, line=before + 1, column=name,
                          column_number=index + 1, value=raw, **reject.params)
            for test, description in rules:
                outcome = test(values)
                if outcome is not None:
                    code, column, params = outcome
                    column_number = positions[column] + 1 if column in positions else None
                    error(code, row=row, line=before + 1, column=column,
                          column_number=column_number, rule=description, **params)
            if key_index is not None:
                parts = [values[slot] for slot in key_slots]
                if None not in parts and _INVALID not in parts:
                    for i, convert in key_convs:
                        parts[i] = convert(parts[i])
                    key = tuple(parts)
                    first = key_index.add(hash(key), row)
                    if first is not None:
                        text = ", ".join(key)
                        error("primary-key", row=row, line=before + 1, first_row=first,
                              columns=key_names, value=text, shown=f" ({_show(text)})")
            for name, slot, index_of_values in unique:
                value = values[slot]
                if value is not None and value is not _INVALID:
                    first = index_of_values.add(hash(_canonical(value)), row)
                    if first is not None:
                        text = _show(_canonical(value))
                        error("unique", row=row, line=before + 1, column=name,
                              column_number=positions[name] + 1, value=_canonical(value),
                              first_row=first, shown={"en": f" “{text}”", "fr": f" « {text} »"})
        for blank_row, blank_line in blank_rows:
            report.warn("trailing-blank-row", row=blank_row, line=blank_line)
        report.row_count = row - 1 - skipped
        if report.row_count == 0 and not self.fatal:
            error("no-data-rows")
        # Repeats found after a spill to disk (large files): reported with their first row.
        if key_index is not None:
            for duplicate, first in key_index.finish():
                error("primary-key", row=duplicate, first_row=first, columns=key_names)
        for name, _, index_of_values in unique:
            for duplicate, first in index_of_values.finish():
                error("unique", row=duplicate, column=name,
                      column_number=positions[name] + 1, first_row=first)


def check(source, standard, max_errors=DEFAULT_MAX_ERRORS, *, key_memory=KEY_MEMORY,
          max_line_bytes=MAX_LINE_BYTES):
    """Check a CSV against a standard (a Standard or its id); return the report dict.

    Never raises for anything in the file: every problem becomes an error of the report. Raises
    ``standards.UnknownStandard`` for an unknown id, ``OSError`` when a path cannot be opened and
    ``TypeError`` for a source that is neither a path, bytes nor a file object.
    """
    if isinstance(standard, str):
        standard = standards_module.get_standard(standard)
    report = _Report(standard, max(0, int(max_errors)))
    checker = _Checker(standard, report, key_memory, max_line_bytes)
    with _open_source(source) as stream:
        checker.run(stream)
    return report.as_dict()
