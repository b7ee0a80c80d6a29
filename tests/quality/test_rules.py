"""The quality rule engine on records built here (pure: no services)."""
import copy
import datetime

import pytest

from ckanext.pancanadian.quality import csv_sample, rules

TODAY = datetime.date(2026, 11, 22)
CSV_URL = "http://data.example/a.csv"
PDF_URL = "http://data.example/b.pdf"


def perfect():
    """A dataset every rule passes, and the facts a scan would have gathered about it."""
    dataset = {
        "owner_org": "org-1", "organization": {"title_translated": {"en": "Statistics", "fr": "Statistique"}},
        "title_translated": {"en": "Births", "fr": "Naissances"},
        "notes_translated": {"en": "Births per year.", "fr": "Naissances par année."},
        "keywords": {"en": ["births"], "fr": ["naissances"]}, "subject": ["population_society"],
        "spatial_coverage": {"en": "Manitoba", "fr": "Manitoba"}, "temporal_start": "2020-01-01",
        "license_id": "OGL-Canada-2.0", "access_level": "open", "contact_email": "open@example.org",
        "date_published": "2024-01-10", "date_modified": "2026-06-01", "frequency": "P1Y",
        "resources": [{
            "id": "r1", "url": CSV_URL, "format": "CSV", "resource_type": "dataset", "size": 1200,
            "mimetype": "text/csv", "datastore_active": True, "name_translated": {"en": "Data", "fr": "Données"},
        }],
    }
    facts = {
        "links": {CSV_URL: {"ok": True, "status": 200, "reason": None, "content_type": "text/csv",
                            "content_length": 1200}},
        "csv": {"r1": {"utf8": True, "header": True, "iso_dates": True}},
        "licence_open": True, "languages": ["en", "fr"],
    }
    return dataset, facts


def statuses(result):
    return {check["id"]: check["status"] for check in result["checks"]}


def test_perfect_record_passes_every_rule():
    dataset, facts = perfect()
    result = rules.evaluate(dataset, facts, today=TODAY)
    assert set(statuses(result).values()) == {"pass"}
    assert (result["score"], result["max_score"], result["percent"]) == (515, 515, 100)
    assert result["rating"] == "excellent" and result["conforming"] is True
    assert (result["csv_count"], result["csv_api_count"]) == (1, 1)


def _resource(dataset):
    return dataset["resources"][0]


# rule id -> a change to the perfect record (dataset, facts) that makes that rule, and only it, fail
BREAKERS = {
    "keywords": lambda d, f: d.update(keywords={"en": [], "fr": [" "]}) or f.update(languages=[]),
    "subject": lambda d, f: d.update(subject=[]),
    "spatial_coverage": lambda d, f: d.pop("spatial_coverage"),
    "temporal_coverage": lambda d, f: d.update(temporal_start="sometime"),
    "both_languages": lambda d, f: _resource(d).update(name_translated={"en": "Data", "fr": ""}),
    "access_url_answers": lambda d, f: f["links"][CSV_URL].update(ok=False, status=404, reason="http-status"),
    "download_url_present": None,  # see test_download_url_present
    "download_url_answers": None,  # see test_link_failure_fails_both_link_rules
    "csv_in_datastore": lambda d, f: _resource(d).update(datastore_active=False),
    "format_controlled": None,  # see test_other_format
    "media_type": lambda d, f: _resource(d).update(mimetype="") or f["links"][CSV_URL].update(content_type="text/plain"),
    "non_proprietary": None,  # see test_proprietary_format
    "machine_readable": None,  # see test_pdf
    "csv_utf8": lambda d, f: f["csv"]["r1"].update(utf8=False),
    "csv_header": lambda d, f: f["csv"]["r1"].update(header=False),
    "csv_iso_dates": lambda d, f: f["csv"]["r1"].update(iso_dates=False),
    "licence_present": lambda d, f: d.update(license_id="") or f.update(licence_open=True),
    "licence_open": lambda d, f: f.update(licence_open=False),
    "access_open": lambda d, f: d.update(access_level="restricted"),
    "contact_point": lambda d, f: d.update(contact_email=""),
    "publisher": lambda d, f: d.update(owner_org=None),
    "byte_size": lambda d, f: _resource(d).update(size=None) or f["links"][CSV_URL].update(content_length=None),
    "date_issued": lambda d, f: d.update(date_published=None),
    "date_modified": lambda d, f: d.update(date_modified="", date_published="2026-01-01"),
    "update_frequency": lambda d, f: d.update(date_modified="2025-01-01", frequency="P1M"),
}
ALSO_FAILING = {"keywords": {"both_languages"}, "licence_present": {"licence_open"},
                "access_url_answers": {"download_url_answers"}}  # a data file's URL is both


def test_every_rule_of_the_rule_set_has_a_case():
    assert {rule["id"] for rule in rules.default_rule_set().rules} == set(BREAKERS)


@pytest.mark.parametrize("rule_id", [rule for rule, breaker in BREAKERS.items() if breaker])
def test_each_rule_fails_on_its_own_defect(rule_id):
    dataset, facts = perfect()
    BREAKERS[rule_id](dataset, facts)
    result = rules.evaluate(dataset, facts, today=TODAY)
    failing = {rule for rule, status in statuses(result).items() if status != "pass"}
    assert failing == {rule_id} | ALSO_FAILING.get(rule_id, set())
    assert result["score"] < 515


def test_link_failure_fails_both_link_rules_and_names_the_resource():
    dataset, facts = perfect()
    facts["links"][CSV_URL] = {"ok": False, "status": None, "reason": "timeout"}
    result = {check["id"]: check for check in rules.evaluate(dataset, facts, today=TODAY)["checks"]}
    for rule_id in ("access_url_answers", "download_url_answers"):
        assert result[rule_id]["status"] == "fail"
        assert result[rule_id]["failures"] == [{"resource_id": "r1", "reason": "timeout"}]


def test_unchecked_url_fails_and_upload_passes_without_a_check():
    dataset, facts = perfect()
    facts["links"] = {}
    assert statuses(rules.evaluate(dataset, facts, today=TODAY))["access_url_answers"] == "fail"
    _resource(dataset).update(url_type="upload", url="a.csv")
    assert statuses(rules.evaluate(dataset, facts, today=TODAY))["access_url_answers"] == "pass"
    assert rules.urls_to_check(dataset) == []


def test_download_url_present():
    dataset, facts = perfect()
    _resource(dataset)["url"] = ""
    result = statuses(rules.evaluate(dataset, facts, today=TODAY))
    assert result["download_url_present"] == "fail" and result["access_url_answers"] == "fail"
    _resource(dataset)["resource_type"] = "guide"  # not a data file: the download rules do not apply
    result = statuses(rules.evaluate(dataset, facts, today=TODAY))
    assert result["download_url_present"] == result["download_url_answers"] == "not_applicable"


def test_other_format():
    dataset, facts = perfect()
    _resource(dataset).update(format="other")
    result = statuses(rules.evaluate(dataset, facts, today=TODAY))
    assert result["format_controlled"] == result["non_proprietary"] == result["machine_readable"] == "fail"
    assert result["csv_utf8"] == "not_applicable"  # no longer a CSV
    assert result["media_type"] == "not_applicable"  # "other" has no media type


def test_proprietary_format():
    dataset, facts = perfect()
    _resource(dataset).update(format="XLS", mimetype="application/vnd.ms-excel")
    result = statuses(rules.evaluate(dataset, facts, today=TODAY))
    assert (result["non_proprietary"], result["machine_readable"], result["media_type"]) == ("fail", "pass", "pass")


def test_pdf():
    dataset, facts = perfect()
    _resource(dataset).update(format="PDF", mimetype="application/pdf")
    result = statuses(rules.evaluate(dataset, facts, today=TODAY))
    assert (result["non_proprietary"], result["machine_readable"]) == ("pass", "fail")


def test_csv_facts_unknown_fail_as_unreadable():
    dataset, facts = perfect()
    facts["csv"] = {}
    checks = {c["id"]: c for c in rules.evaluate(dataset, facts, today=TODAY)["checks"]}
    assert checks["csv_utf8"]["failures"] == [{"resource_id": "r1", "reason": "unreadable"}]


@pytest.mark.parametrize("frequency, modified, expected", [
    ("P1Y", "2025-06-01", "pass"),       # 539 days <= 365.25 * 1.5
    ("P1Y", "2025-04-01", "fail"),       # 600 days
    ("P1D", "2026-11-21", "pass"),
    ("P1D", "2026-11-19", "fail"),       # 3 days > 1.5
    ("PT1H", "2026-11-22", "pass"),
    ("as_needed", "2000-01-01", "not_applicable"),
    ("not_planned", "2000-01-01", "not_applicable"),
    ("unknown", "2026-11-22", "fail"),
])
def test_update_frequency(frequency, modified, expected):
    dataset, facts = perfect()
    dataset.update(frequency=frequency, date_modified=modified, date_published="2000-01-01")
    assert statuses(rules.evaluate(dataset, facts, today=TODAY))["update_frequency"] == expected


def test_a_resource_updated_recently_counts_as_an_update():
    dataset, facts = perfect()
    dataset.update(frequency="P1M", date_modified="2025-01-01")
    _resource(dataset)["last_modified"] = "2026-11-20T10:00:00"
    assert statuses(rules.evaluate(dataset, facts, today=TODAY))["update_frequency"] == "pass"


def test_inventory_record_without_resources():
    dataset, facts = perfect()
    dataset.update(access_level="restricted", resources=[])
    result = rules.evaluate(dataset, facts, today=TODAY)
    resource_rules = {r["id"] for r in rules.default_rule_set().rules if r["scope"] == "resource"}
    assert all(statuses(result)[rule] == "not_applicable" for rule in resource_rules)
    assert result["max_score"] == 515 - sum(r["points"] for r in rules.default_rule_set().rules
                                            if r["scope"] == "resource")


def test_hand_computed_score():
    """A CSV that works and a PDF guide whose URL is gone; worked out by hand in the comments."""
    dataset, facts = perfect()
    dataset.pop("spatial_coverage")          # findability: -20
    dataset.pop("temporal_start")            # findability: -20
    dataset["date_modified"] = None          # contextuality: -5; P1Y still met (published 2026-08-14)
    dataset["date_published"] = "2026-08-14"
    _resource(dataset).update(size=None, mimetype=None)  # size and type come from the HTTP answer
    facts["links"][CSV_URL]["content_length"] = 100
    dataset["resources"].append({"id": "r2", "url": PDF_URL, "format": "PDF", "resource_type": "guide",
                                 "name_translated": {"en": "Guide", "fr": "Guide"}})
    facts["links"][PDF_URL] = {"ok": False, "status": 404, "reason": "http-status"}
    result = rules.evaluate(dataset, facts, today=TODAY)
    # findability      30 + 30 + 0 + 0 + 20                          =  80 of 120
    # accessibility    50 * 1/2 (PDF 404) + 20 + 30 + 20 (CSV only)   =  95 of 120
    # interoperability 20 + 10 * 1/2 (PDF no type) + 20 + 20 * 1/2 (PDF not machine-readable)
    #                  + 20 + 20 + 20                                = 115 of 130
    # reusability      20 + 50 + 10 + 20 + 10                        = 110 of 110
    # contextuality    5 * 1/2 (PDF no size) + 5 + 0 + 20            = 27.5 of 35
    assert {name: (d["score"], d["max_score"]) for name, d in result["dimensions"].items()} == {
        "findability": (80, 120), "accessibility": (95, 120), "interoperability": (115, 130),
        "reusability": (110, 110), "contextuality": (27.5, 35)}
    assert (result["score"], result["max_score"]) == (427.5, 515)
    assert result["percent"] == 83  # 427.5 / 515 = 83.0 %
    assert result["rating"] == "good"  # 55 <= 83 < 87
    assert result["conforming"] is True  # the guideline checks all pass; link and type rules are not guidelines


def test_ratings_thresholds():
    rule_set = rules.default_rule_set()
    assert [rule_set.rating(p) for p in (100, 87, 86, 55, 54, 30, 29, 0)] == [
        "excellent", "excellent", "good", "good", "sufficient", "sufficient", "bad", "bad"]


def test_malformed_rule_sets_are_refused():
    good = rules.default_rule_set()
    from ckanext.pancanadian.lib import packaging
    data = packaging.load_schema_data("quality/rules.yaml")
    formats = packaging.load_schema_data("formats.yaml")
    for breaker, message in (
        (lambda d: d["rules"].append(dict(d["rules"][0], id="no_such_check")), "no check"),
        (lambda d: d["rules"].append(copy.deepcopy(d["rules"][0])), "repeated"),
        (lambda d: d["rules"][0].update(points=0), "points"),
        (lambda d: d["rules"][0]["advice"].pop("fr"), "advice"),
        (lambda d: d["rules"][0]["title"].update({"keywords and more": None}), "title"),
        (lambda d: d["rules"][0].update(dimension="beauty"), "dimension"),
        (lambda d: d["ratings"].pop(), "min_percent 0"),
    ):
        broken = copy.deepcopy(data)
        breaker(broken)
        with pytest.raises(rules.RuleSetError, match=message):
            rules.RuleSet(broken, formats)
    assert good.rule("both_languages")["title"]["en"].startswith("Title, description, keywords")


@pytest.mark.parametrize("frequency, days", [("P1Y", 365.25), ("P1M", 30.44), ("P2W", 14), ("PT12H", 0.5),
                                             ("unknown", None), ("P", None)])
def test_frequency_days(frequency, days):
    assert rules.frequency_days(frequency) == days


# ------------------------------------------------------------------------------ CSV facts
@pytest.mark.parametrize("sample, complete, expected", [
    (b"date,count\n2024-01-31,3\n2024-02-29,4\n", True, (True, True, True)),
    (b"\xef\xbb\xbfdate;count\n2024-01-31;3\n", True, (True, True, True)),
    (b"date,count\n31/01/2024,3\n", True, (True, True, False)),
    (b'date,count\n"Jan 31, 2024",3\n', True, (True, True, False)),
    (b"2024-01-31,3\n2024-02-01,4\n", True, (True, False, True)),   # no header: a data row on top
    (b"name,name\na,b\n", True, (True, False, True)),               # duplicate column names
    ("ville,nombre\nQuébec,3\n".encode("latin-1"), True, (False, None, None)),
    ("ville,nombre\nQuébec,3\nZoé".encode("utf-8")[:-1], False, (True, True, True)),  # cut "é" at the end
    (b"", True, (True, False, None)),
])
def test_inspect_sample(sample, complete, expected):
    facts = csv_sample.inspect(sample, complete)
    assert (facts["utf8"], facts["header"], facts["iso_dates"]) == expected


def test_facts_from_a_conformance_report():
    from ckanext.pancanadian.profile import standards

    contracts = standards.get_standard("contracts")
    clean = {"summary": {}, "errors": []}
    assert csv_sample.from_report(clean, contracts) == {"utf8": True, "header": True, "iso_dates": True}
    broken = {"summary": {"encoding-error": 1, "missing-column": 1, "type-error": 2}, "errors": [
        {"code": "type-error", "column": "contract_value"},
        {"code": "type-error", "column": "contract_date"},
    ]}
    assert csv_sample.from_report(broken, contracts) == {"utf8": False, "header": False, "iso_dates": False}
    wrong_number_only = {"summary": {"type-error": 1}, "errors": [{"code": "type-error", "column": "contract_value"}]}
    assert csv_sample.from_report(wrong_number_only, contracts)["iso_dates"] is True
    unfetched = {"fetch_error": {"reason": "timeout"}}
    assert csv_sample.from_report(unfetched, contracts) == {"utf8": None, "header": None, "iso_dates": None}
