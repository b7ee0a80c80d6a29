"""Profile validators on good, bad and edge inputs (no services)."""
import datetime
import json
from collections import defaultdict

import pytest

import ckan.plugins.toolkit as tk

from ckanext.pancanadian.profile import validators as v


@pytest.fixture(autouse=True)
def _request_context(test_request_context):
    with test_request_context():
        yield


@pytest.mark.parametrize("value", ["P1D", "P1W", "P3M", "P1Y", "PT1H", "P1DT12H", "PT0.5S", "as_needed", "irregular", "not_planned", "unknown"])
def test_frequency_accepts_iso_durations_and_keywords(value):
    assert v.pc_frequency(value, {}) == value


@pytest.mark.parametrize("value", ["", "P", "PT", "1D", "P1H", "daily", "P-1D", "R/P1D", None, 5])
def test_frequency_refuses_other_values(value):
    with pytest.raises(tk.Invalid):
        v.pc_frequency(value, {})


@pytest.mark.parametrize("value, stored", [("2024-02-29", "2024-02-29"), (datetime.date(2020, 1, 2), "2020-01-02")])
def test_iso_date(value, stored):
    assert v.pc_iso_date(value, {}) == stored


@pytest.mark.parametrize("value", ["2023-02-29", "2024-13-01", "24-01-01", "2024/01/01", "yesterday", "2024-01-01T00:00", 20240101])
def test_iso_date_refuses(value):
    with pytest.raises(tk.Invalid) as refused:
        v.pc_iso_date(value, {})
    assert refused.value.error == "Use a date in the form YYYY-MM-DD"


def test_publication_date_not_in_the_future():
    today = datetime.date.today()
    assert v.pc_not_in_future(today.isoformat(), {}) == today.isoformat()
    with pytest.raises(tk.Invalid):
        v.pc_not_in_future((today + datetime.timedelta(days=1)).isoformat(), {})


SCHEMA = {"dataset_fields": [{"field_name": "temporal_start", "label": {"en": "Temporal coverage start"}}]}


def run_pair(validator, data):
    errors = defaultdict(list)
    key = ("temporal_end",)
    validator(key, data, errors, {})
    return errors[key]


def test_temporal_end_not_before_start():
    check = v.pc_end_date({"field_name": "temporal_end", "start_field": "temporal_start"}, SCHEMA)
    assert run_pair(check, {("temporal_start",): "2020-01-01", ("temporal_end",): "2020-01-01"}) == []
    assert run_pair(check, {("temporal_start",): "2020-01-01", ("temporal_end",): "2021-01-01"}) == []
    assert run_pair(check, {("temporal_start",): "2021-01-01", ("temporal_end",): "2020-12-31"}) == [
        "This date cannot be earlier than Temporal coverage start"
    ]
    assert run_pair(check, {("temporal_start",): tk.missing, ("temporal_end",): "2020-12-31"}) == []


POINT = {"type": "Point", "coordinates": [-97.1, 50.6]}
POLYGON = {"type": "Polygon", "coordinates": [[[-97, 50], [-96, 50], [-96, 51], [-97, 50]]]}


@pytest.mark.parametrize(
    "document",
    [POINT, POLYGON, {"type": "Feature", "geometry": POLYGON, "properties": {}},
     {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": POINT}]},
     {"type": "GeometryCollection", "geometries": [POINT, POLYGON]}],
)
def test_geojson_accepted(document):
    assert json.loads(v.pc_geojson(json.dumps(document), {})) == document


@pytest.mark.parametrize(
    "text",
    ["not json", "[1,2]", json.dumps({"type": "Circle"}), json.dumps({"type": "Point", "coordinates": [200, 50]}),
     json.dumps({"type": "Point", "coordinates": ["a", "b"]}), json.dumps({"type": "Polygon", "coordinates": [-97, 50]}),
     json.dumps({"type": "FeatureCollection", "features": "x"}), json.dumps({"type": "Feature", "geometry": None}),
     json.dumps({"type": "Point", "coordinates": [True, 1]})],
)
def test_geojson_refused_with_a_clear_error(text):
    with pytest.raises(tk.Invalid):
        v.pc_geojson(text, {})


def test_geojson_size_cap():
    huge = json.dumps({"type": "MultiPoint", "coordinates": [[1.0, 1.0]] * 200_000})
    with pytest.raises(tk.Invalid) as refused:
        v.pc_geojson(huge, {})
    assert "too large" in refused.value.error


def inventory(data):
    errors = defaultdict(list)
    v.pc_inventory_rules(("access_level",), data, errors, {})
    return {k: e for k, e in errors.items() if e}


def test_open_record_may_have_resources_and_no_exemption():
    assert inventory({("access_level",): "open", ("resources", 0, "url"): "http://x", ("exemption",): ""}) == {}


def test_open_record_with_an_exemption_is_refused():
    assert inventory({("access_level",): "open", ("exemption",): "privacy"}) == {
        ("exemption",): ["Only restricted records have an exemption"]
    }


def test_inventory_entries_have_no_resources():
    errors = inventory({("access_level",): "under_review", ("resources", 0, "url"): "http://x"})
    assert errors == {("access_level",): ["A record that is not open is an inventory entry and cannot have resources"]}


def test_restricted_needs_an_exemption():
    assert inventory({("access_level",): "restricted", ("exemption",): ""}) == {
        ("exemption",): ["A restricted record must state its exemption"]
    }
    assert inventory({("access_level",): "restricted", ("exemption",): "privacy"}) == {}


def test_format_normalized_to_the_controlled_list():
    field = {"field_name": "format", "choices": [{"value": "CSV"}, {"value": "GeoJSON"}, {"value": "ESRI REST"}]}
    normalize = v.pc_format(field, {})
    assert [normalize(s, {}) for s in ("csv", ".CSV", "text/csv", "application/geo+json", "Esri REST", "")] == [
        "CSV", "CSV", "CSV", "GeoJSON", "ESRI REST", ""]
    assert normalize("WEIRD", {}) == "WEIRD"  # left for scheming_choices to refuse with its message
