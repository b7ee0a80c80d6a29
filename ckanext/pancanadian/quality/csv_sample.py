"""CSV guideline facts (UTF-8, header row, ISO 8601 dates) for the quality rules.

Two sources, both pure: ``from_report`` reads the profile's stored conformance report (a CSV
of a standard-following dataset, already checked in full); ``inspect`` looks at the first bytes
of any other CSV (the scan fetches them with an HTTP Range request, so the verdict is about
that sample: a file whose first invalid byte or first non-ISO date comes later passes).
"""
import csv
import io
import re

HEADER_CODES = {"missing-header", "blank-header", "duplicate-column", "missing-column", "column-name",
                "blank-line-before-header"}
# Dates a person wrote for people: 31/12/2024, 12-31-2024, 2024/12/31, 31.12.2024, Dec 31 2024…
_NON_ISO_DATE = re.compile(
    r"^(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}/\d{1,2}/\d{1,2}|\d{4}\.\d{1,2}\.\d{1,2}"
    r"|\d{1,2}[ -](?:jan|feb|fév|fev|mar|apr|avr|may|mai|jun|juin|jul|juil|aug|août|aou|sep|oct|nov|dec|déc)[a-zéû.]*[ -]\d{2,4}"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z.]* \d{1,2},? \d{4})"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:e[+-]?\d+)?$", re.IGNORECASE)
MAX_ROWS = 1000


def from_report(report, standard):
    """Facts from a stored conformance report (``status`` done or failed)."""
    if not report or report.get("fetch_error"):
        return {"utf8": None, "header": None, "iso_dates": None}
    summary = report.get("summary") or {}
    date_columns = {field.name for field in standard.fields if field.type in ("date", "datetime")}
    bad_dates = any(error.get("code") == "type-error" and error.get("column") in date_columns
                    for error in report.get("errors") or [])
    return {
        "utf8": "encoding-error" not in summary,
        "header": not HEADER_CODES.intersection(summary),
        "iso_dates": not bad_dates,
    }


def _decode(sample, complete):
    """The sample as text, or None when it is not UTF-8. A cut multi-byte character at the end
    of an incomplete sample is not an error."""
    if sample.startswith(b"\xef\xbb\xbf"):
        sample = sample[3:]
    try:
        return sample.decode("utf-8")
    except UnicodeDecodeError as error:
        if not complete and error.start >= len(sample) - 3 and error.reason == "unexpected end of data":
            return sample[:error.start].decode("utf-8")
        return None


def _header_row(row):
    """Distinct, non-empty names that are not numbers or dates."""
    names = [cell.strip() for cell in row]
    if not names or any(not name for name in names) or len(set(names)) != len(names):
        return False
    return not any(_NUMBER.match(name) or _NON_ISO_DATE.match(name) for name in names)


def inspect(sample, complete):
    """Facts from the first bytes of a CSV; ``complete`` says the sample is the whole file."""
    text = _decode(sample, complete)
    if text is None:
        return {"utf8": False, "header": None, "iso_dates": None}
    if not complete and "\n" in text:
        text = text[: text.rindex("\n") + 1]  # drop the last, probably cut, line
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    rows = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(rows)
    except (StopIteration, csv.Error):
        return {"utf8": True, "header": False, "iso_dates": None}
    iso_dates = True
    try:
        for number, row in enumerate(rows):
            if number >= MAX_ROWS:
                break
            if any(_NON_ISO_DATE.match(cell.strip()) for cell in row):
                iso_dates = False
                break
    except csv.Error:
        pass  # a syntax error further on is the conformance checker's business, not a date's
    return {"utf8": True, "header": _header_row(header), "iso_dates": iso_dates}
