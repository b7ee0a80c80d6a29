"""Validators of the pan-Canadian metadata profile (named pc_* in schemas/profile_presets.yaml).

Value validators take (value, context) and raise Invalid; field-pair rules take the flattened
(key, data, errors, context) and put their error on the field the user must change.
"""
import datetime
import json
import re

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckanext.scheming.validation import scheming_validator

from ckanext.pancanadian.bilingual import helpers as fluent_helpers
from ckanext.pancanadian.bilingual import validators as fluent
from ckanext.pancanadian.bilingual import values
from ckanext.pancanadian.lib import packaging

_ = tk._
missing = tk.missing

FREQUENCY_KEYWORDS = {"as_needed", "irregular", "not_planned", "unknown"}
_ISO_DURATION = re.compile(
    r"^P(?=\d|T\d)(?:\d+Y)?(?:\d+M)?(?:\d+W)?(?:\d+D)?(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?$"
)
GEOJSON_MAX_CHARS = 1_000_000
GEOMETRY_TYPES = {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"}


def pc_frequency(value, context):
    """An ISO 8601 duration (P1D, P3M, PT1H…) or as_needed / irregular / not_planned / unknown."""
    if value in FREQUENCY_KEYWORDS or _ISO_DURATION.match(str(value)):
        return value
    raise tk.Invalid(_("Use an ISO 8601 duration such as P1D, P1M or P1Y, or as needed, irregular, not planned or unknown"))


def parse_iso_date(value):
    """A date from YYYY-MM-DD text (or a date), None for anything else."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip() if isinstance(value, str) else ""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def pc_iso_date(value, context):
    """A calendar date written YYYY-MM-DD, stored as such."""
    parsed = parse_iso_date(value)
    if parsed is None:
        raise tk.Invalid(_("Use a date in the form YYYY-MM-DD"))
    return parsed.isoformat()


def pc_not_in_future(value, context):
    parsed = parse_iso_date(value)
    if parsed is not None and parsed > datetime.date.today():
        raise tk.Invalid(_("The publication date cannot be in the future"))
    return value


@scheming_validator
def pc_end_date(field, schema):
    """On an end date: it may not come before the field named by ``start_field``."""
    start_key = field.get("start_field", "temporal_start")
    start_field = next((f for f in schema.get("dataset_fields", []) if f["field_name"] == start_key), {})

    def validator(key, data, errors, context):
        start = parse_iso_date(data.get(key[:-1] + (start_key,)))
        end = parse_iso_date(data.get(key))
        if start and end and end < start:
            label = fluent_helpers.fluent_text(start_field.get("label", start_key))
            errors[key].append(_("This date cannot be earlier than {field}").format(field=label))

    return validator


def _check_position(position):
    if not isinstance(position, list) or len(position) < 2 or not all(
        isinstance(n, (int, float)) and not isinstance(n, bool) for n in position
    ):
        raise tk.Invalid(_("GeoJSON coordinates must be [longitude, latitude] numbers"))
    longitude, latitude = position[0], position[1]
    if not (-180 <= longitude <= 180 and -90 <= latitude <= 90):
        raise tk.Invalid(_("GeoJSON coordinates are out of range (longitude -180 to 180, latitude -90 to 90)"))


def _check_coordinates(coordinates, depth):
    if depth == 0:
        _check_position(coordinates)
        return
    if not isinstance(coordinates, list) or not coordinates:
        raise tk.Invalid(_("GeoJSON coordinates are not nested as the geometry type requires"))
    for item in coordinates:
        _check_coordinates(item, depth - 1)


_DEPTH = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}


def _check_geometry(geometry):
    if not isinstance(geometry, dict) or geometry.get("type") not in GEOMETRY_TYPES | {"GeometryCollection"}:
        raise tk.Invalid(_("Not a GeoJSON geometry, Feature or FeatureCollection"))
    if geometry["type"] == "GeometryCollection":
        for part in geometry.get("geometries") or []:
            _check_geometry(part)
        return
    _check_coordinates(geometry.get("coordinates"), _DEPTH[geometry["type"]])


def pc_geojson(value, context):
    """Optional GeoJSON spatial coverage: a geometry, Feature or FeatureCollection (RFC 7946)."""
    text = value if isinstance(value, str) else json.dumps(value)
    if len(text) > GEOJSON_MAX_CHARS:
        raise tk.Invalid(_("The GeoJSON is too large (over {limit} characters)").format(limit=GEOJSON_MAX_CHARS))
    try:
        document = json.loads(text)
    except ValueError:
        raise tk.Invalid(_("The spatial coverage is not valid JSON"))
    if not isinstance(document, dict):
        raise tk.Invalid(_("Not a GeoJSON geometry, Feature or FeatureCollection"))
    if document.get("type") == "FeatureCollection":
        features = document.get("features")
        if not isinstance(features, list):
            raise tk.Invalid(_("A GeoJSON FeatureCollection needs a list of features"))
        for feature in features:
            _check_geometry((feature or {}).get("geometry") if isinstance(feature, dict) else None)
    elif document.get("type") == "Feature":
        _check_geometry(document.get("geometry"))
    else:
        _check_geometry(document)
    return json.dumps(document, separators=(",", ":"))


def pc_inventory_rules(key, data, errors, context):
    """Open by default; a record that is not open is an inventory entry: it has no downloadable
    resources, and when restricted it states its exemption and a bilingual rationale."""
    prefix = key[:-1]
    level = data.get(key)
    if level == "open":
        if data.get(prefix + ("exemption",)) not in (missing, None, ""):
            errors.setdefault(prefix + ("exemption",), []).append(_("Only restricted records have an exemption"))
        return
    if any(k[0] == "resources" and len(k) == 3 and k[2] == "url" for k in data):
        errors[key].append(_("A record that is not open is an inventory entry and cannot have resources"))
    if level != "restricted":
        return
    if data.get(prefix + ("exemption",)) in (missing, None, ""):
        errors.setdefault(prefix + ("exemption",), []).append(_("A restricted record must state its exemption"))


@scheming_validator
def pc_exemption_rationale(field, schema):
    """After fluent_text: restricted records need the rationale in every form language (drafts
    and private records may have one), others may not have one."""

    def validator(key, data, errors, context):
        if errors[key]:
            return
        stored = json.loads(data[key]) if isinstance(data.get(key), str) and data[key] else {}
        present = {tag: text for tag, text in stored.items() if values.is_filled(text)}
        if data.get(key[:-1] + ("access_level",)) != "restricted":
            if present:
                errors[key].append(_("Only restricted records have an exemption rationale"))
            return
        required = dict(field, required=True)
        for lang, message in fluent.requirement_errors(required, schema, present, data, context).items():
            errors[key].append(message)

    return validator


def pc_federation_readonly(key, data, errors, context):
    """Source portal and remote identifier are written by federation (harvest jobs run as a
    sysadmin) and read-only for publishers: their edits keep the stored value."""
    user = context.get("auth_user_obj")
    if context.get("ignore_auth") or (user is not None and getattr(user, "sysadmin", False)):
        return
    package = context.get("package")
    stored = (package.extras or {}).get(key[-1]) if package is not None else None
    if stored is None:
        data.pop(key, None)
        raise tk.StopOnError
    data[key] = stored


_format_aliases = None


def _aliases():
    global _format_aliases
    if _format_aliases is None:
        _format_aliases = {k.lower(): v for k, v in packaging.load_schema_data("formats.yaml")["aliases"].items()}
    return _format_aliases


@scheming_validator
def pc_format(field, schema):
    """Normalize a format spelling (csv, .csv, text/csv) to the controlled list."""
    choices = {c["value"].lower(): c["value"] for c in field.get("choices", [])}

    def validator(value, context):
        if not isinstance(value, str) or not value.strip():
            return value
        spelled = value.strip().lower().lstrip(".")
        return choices.get(spelled) or _aliases().get(spelled) or _aliases().get(f".{spelled}") or value

    return validator


def pc_licence(value, context):
    """A licence of the portal's licence list (schemas/licences.json)."""
    if value in (missing, None, ""):
        return value
    if model.Package.get_license_register().get(value) is None:
        raise tk.Invalid(_("Choose a licence from the list"))
    return value


def all_validators():
    return {
        "pc_frequency": pc_frequency,
        "pc_iso_date": pc_iso_date,
        "pc_not_in_future": pc_not_in_future,
        "pc_end_date": pc_end_date,
        "pc_geojson": pc_geojson,
        "pc_inventory_rules": pc_inventory_rules,
        "pc_exemption_rationale": pc_exemption_rationale,
        "pc_federation_readonly": pc_federation_readonly,
        "pc_format": pc_format,
        "pc_licence": pc_licence,
    }
