"""The streaming CSV conformance checker (pure, no services).

tests/fixtures/standards/<id>-good.csv are synthetic rows written for these tests (realistic
shapes and codes, invented figures); the bad files are built here, byte by byte.
"""
import csv
import io
import json
import pathlib
import subprocess
import sys
import time
import tracemalloc

import pytest

from ckanext.pancanadian.profile import conformance, standards

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "standards"
BABY_HEADER = "year,province_territory,sex_at_birth,first_name,count,rank,proportion\n"
MEMORY_BOUND_MB = 30


def check(data, standard="baby-names", **options):
    if isinstance(data, str):
        data = data.encode("utf-8")
    report = conformance.check(data, standard, **options)
    for error in report["errors"] + report["warnings"]:
        assert error["message_en"] and error["message_fr"]
        assert "{" not in error["message_en"] and "{" not in error["message_fr"]
    return report


def codes(report):
    return [error["code"] for error in report["errors"]]


def only_error(report, code):
    assert not report["valid"]
    assert codes(report) == [code], report["errors"]
    return report["errors"][0]


def baby(*rows):
    return BABY_HEADER + "".join(row + "\n" for row in rows)


# ------------------------------------------------------------------------------- good files
@pytest.mark.parametrize("standard", standards.list_standards(), ids=lambda s: s.id)
def test_good_file_of_every_standard_passes(standard):
    path = FIXTURES / f"{standard.id}-good.csv"
    assert path.exists(), f"each standard ships a good sample: {path}"
    report = conformance.check(str(path), standard)
    assert report["errors"] == [] and report["valid"], report["errors"]
    assert report["standard_id"] == standard.id
    assert report["standard_version"] == standard.version
    assert report["row_count"] >= 5
    assert report["error_count"] == 0 and report["summary"] == {} and not report["truncated"]
    assert report["warnings"] == []
    assert report["header"] == standard.field_names
    assert report["bytes_read"] == path.stat().st_size


def test_every_source_kind_gives_the_same_report():
    path = FIXTURES / "baby-names-good.csv"
    data = path.read_bytes()
    reports = [
        conformance.check(str(path), "baby-names"),
        conformance.check(path, "baby-names"),
        conformance.check(data, "baby-names"),
        conformance.check(io.BytesIO(data), "baby-names"),
        conformance.check(io.StringIO(data.decode("utf-8")), "baby-names"),
    ]
    with open(path, "rb") as handle:
        reports.append(conformance.check(handle, "baby-names"))
    assert all(r == reports[0] for r in reports)
    with pytest.raises(TypeError):
        conformance.check(12, "baby-names")
    with pytest.raises(standards.UnknownStandard):
        conformance.check(data, "no-such-standard")


def test_bom_and_crlf_are_tolerated():
    data = b"\xef\xbb\xbf" + baby("2022,ON,F,Olivia,602,1,0.93").replace("\n", "\r\n").encode()
    report = check(data)
    assert report["valid"] and report["encoding"] == "utf-8-sig"
    assert [w["code"] for w in report["warnings"]] == ["bom"]


def test_suppressed_counts_are_valid_when_suppressed_together():
    assert check(baby("2022,NU,M,Elijah,x,x,x", "2022,NU,F,Ava,x,x,x"))["valid"]
    without_proportion = "year,province_territory,sex_at_birth,first_name,count,rank\n"
    assert check(without_proportion + "2022,NU,F,Ava,x,x\n")["valid"]
    error = check(baby("2022,NU,M,Elijah,x,4,x"))["errors"][0]
    assert error["code"] == "rule-together" and error["column"] == "count"
    assert "suppressed together" in error["message_en"]
    assert "masqués ensemble" in error["message_fr"]
    # An empty count is not the suppression marker.
    assert codes(check(baby("2022,NU,M,Elijah,,x,x"))) == ["type-error"]


# -------------------------------------------------------------------------------- encoding
def test_latin1_bytes_are_an_encoding_error_with_line_and_offset():
    data = (BABY_HEADER + "2022,QC,F,Alice,431,2,1.08\n").encode() + \
        "2022,QC,F,Béatrice,12,40,0.03\n".encode("latin-1")
    report = check(data)
    error = only_error(report, "encoding-error")
    offset = data.index(b"\xe9")
    assert error["line"] == 3 and error["row"] is None
    assert f"Byte {offset} (line 3)" in error["message_en"]
    assert f"L’octet {offset} (ligne 3)" in error["message_fr"]
    assert "0xE9" in error["message_en"] and "Windows-1252" in error["message_en"]
    assert report["row_count"] == 2  # the row is still read, with a replacement character


def test_whole_file_in_latin1_reports_each_bad_line_and_never_crashes():
    rows = [f"2022,QC,F,Zo{chr(233)}{i},{10 + i},{i + 1},0.1" for i in range(50)]
    report = check(baby(*rows).encode("cp1252"), max_errors=10)
    assert report["summary"] == {"encoding-error": 50}
    assert report["truncated"] and len(report["errors"]) == 10


def test_utf16_is_reported_not_parsed():
    error = only_error(check(baby("2022,ON,F,Olivia,602,1,0.93").encode("utf-16")), "utf16")
    assert "UTF-16" in error["message_en"] and "UTF-16" in error["message_fr"]


def test_nul_byte():
    error = only_error(check(baby("2022,ON,F,Oli\x00via,602,1,0.93")), "nul-byte")
    assert error["line"] == 2


# ------------------------------------------------------------------------- file and header
@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\n\n"])
def test_empty_file(data):
    report = check(data)
    assert only_error(report, "empty-file")["message_fr"] == "Le fichier est vide."
    assert report["row_count"] == 0


def test_header_only():
    report = check(BABY_HEADER)
    only_error(report, "no-data-rows")
    assert report["row_count"] == 0 and report["header"] == BABY_HEADER.strip().split(",")


def test_missing_required_column():
    report = check("year,province_territory,first_name,count,rank\n2022,ON,Olivia,602,1\n")
    error = only_error(report, "missing-column")
    assert error["column"] == "sex_at_birth" and error["row"] == 1
    assert "« sex_at_birth »" in error["message_fr"]
    # proportion is optional: a warning only.
    assert [w["column"] for w in report["warnings"]] == ["proportion"]


def test_unknown_duplicate_blank_and_misspelt_columns():
    header = "Year,province_territory,sex_at_birth,first_name,count,rank,rank,notes,\n"
    report = check(header + "2022,ON,F,Olivia,602,1,1,hello,\n")
    assert sorted(codes(report)) == [
        "blank-header", "column-name", "duplicate-column", "unknown-column"]
    misnamed = next(e for e in report["errors"] if e["code"] == "column-name")
    assert misnamed["column"] == "year" and misnamed["value"] == "Year"
    assert report["row_count"] == 1  # rows are still checked through the corrected mapping


def test_wrong_delimiter_stops_early():
    data = "year;province_territory;sex_at_birth;first_name;count;rank\n2022;ON;F;Olivia;602;1\n"
    error = only_error(check(data), "delimiter")
    assert "semicolons" in error["message_en"] and "points-virgules" in error["message_fr"]


def test_file_without_header():
    error = only_error(check("2022,ON,F,Olivia,602,1,0.93\n"), "missing-header")
    assert "year" in error["message_en"]


# ------------------------------------------------------------------------------ row shape
def test_ragged_rows():
    report = check(baby("2022,ON,F,Olivia,602", "2022,ON,F,Emma,480,4,0.74,extra"))
    assert codes(report) == ["missing-cell", "extra-cell"]
    assert [e["row"] for e in report["errors"]] == [2, 3]
    assert "5 cells; the header has 7" in report["errors"][0]["message_en"]
    assert "8 cellules; l’en-tête en compte 7" in report["errors"][1]["message_fr"]


def test_blank_rows_inside_are_errors_trailing_ones_warnings():
    report = check(baby("2022,ON,F,Olivia,602,1,0.93", "", "2022,ON,F,Emma,480,4,0.74", "", ""))
    error = only_error(report, "blank-row")
    assert error["row"] == 3
    assert [w["code"] for w in report["warnings"]] == ["trailing-blank-row"] * 2
    assert report["row_count"] == 2


def test_broken_quoting():
    report = check(baby('2022,ON,F,"Oli"via,602,1,0.93', "2022,ON,F,Emma,480,4,0.74"))
    error = only_error(report, "quoting")
    assert error["row"] == 2 and "closing quote" in error["message_en"]
    assert report["row_count"] == 2  # the next row is still read


def test_unterminated_quote():
    error = only_error(check(baby('2022,ON,F,"Olivia,602,1,0.93', "2022,ON,F,Emma,480,4,0.74")),
                       "quoting")
    assert "not closed before the end of the file" in error["message_en"]


def test_quoted_values_with_delimiters_and_newlines_are_fine():
    report = check(baby('2022,ON,F,"Olivia",602,1,0.93') + '2022,ON,"F",Emma,480,4,"0.74"\n',
                   "baby-names")
    assert report["valid"]
    multi = FIXTURES.joinpath("road-events-good.csv").read_text(encoding="utf-8")
    header, first, *rest = multi.splitlines(keepends=True)
    first = first.replace("Single-lane alternating traffic,", "Single-lane\nalternating traffic,")
    report = conformance.check((header + first + "".join(rest)).encode(), "road-events")
    assert report["valid"], report["errors"]


def test_carriage_return_inside_unquoted_value():
    only_error(check(baby("2022,ON,F,Oli\rvia,602,1,0.93")), "line-ending")


def test_over_long_line_is_skipped_and_reading_goes_on():
    report = check(baby("2022,ON,F," + "A" * 500 + ",602,1,0.93", "2022,ON,F,Emma,480,4,0.74",
                        "2022,ON,F,Emma,480,4,0.74"), max_line_bytes=200)
    assert codes(report) == ["line-too-long", "primary-key"]
    assert report["errors"][0]["line"] == 2
    assert report["errors"][1]["row"] == 4


# ---------------------------------------------------------------------------------- cells
def test_bad_enum():
    report = check(baby("2022,ON,X,Olivia,602,1,0.93", "2022,QU,F,Emma,480,4,0.74"))
    assert codes(report) == ["enum", "enum"]
    first, second = report["errors"]
    assert (first["row"], first["column"], first["column_number"]) == (2, "sex_at_birth", 3)
    assert first["message_en"] == "“X” is not an allowed value (F, M)."
    assert first["message_fr"] == "« X » n’est pas une valeur permise (F, M)."
    assert second["column"] == "province_territory" and second["value"] == "QU"


def test_out_of_range_numbers():
    report = check(baby("2022,ON,F,Olivia,3,1,0.93", "2022,ON,F,Emma,480,0,101"))
    assert codes(report) == ["minimum", "minimum", "maximum"]
    assert report["errors"][0]["message_en"] == "3 is less than the minimum, 5."
    assert report["errors"][0]["message_fr"] == "3 est inférieur au minimum, 5."
    assert report["errors"][2]["message_en"] == "101 is greater than the maximum, 100."


@pytest.mark.parametrize("value", ["twelve", "12.5", "1e3", " 12", "12 ", "+", "١٢", "1_000"])
def test_not_an_integer(value):
    error = only_error(check(baby(f"2022,ON,F,Olivia,{value},1,0.93")), "type-error")
    assert error["column"] == "count" and "not an integer" in error["message_en"]
    assert "n’est pas un nombre entier" in error["message_fr"]


@pytest.mark.parametrize("value", ["nan", "inf", "\"1,5\"", "0.9.3", "", "--1", "1e999", "½"])
def test_not_a_number(value):
    # "" is not a missing value in this standard: its marker is "x".
    error = only_error(check(baby(f"2022,ON,F,Olivia,602,1,{value}")), "type-error")
    assert error["column"] == "proportion" and "point décimal" in error["message_fr"]


def test_bad_year_and_name():
    report = check(baby("22,ON,F,Olivia,602,1,0.93", "2022,ON,F,O,602,1,0.93",
                        "2022,ON,F,Zoë,602,1,0.93", "1899,ON,F,Emma,602,1,0.93"))
    assert codes(report) == ["type-error", "min-length", "pattern", "minimum"]
    assert "four-digit year" in report["errors"][0]["message_en"]


def contracts_row(**changes):
    path = FIXTURES / "contracts-good.csv"
    header, first = path.read_text(encoding="utf-8").splitlines()[:2]
    names = header.split(",")
    values = dict(zip(names, next(csv.reader([first]))))
    values.update(changes)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    writer.writerow([values[name] for name in names])
    return out.getvalue()


@pytest.mark.parametrize("value", ["2023-02-30", "15/05/2023", "2023-5-12", "20230512", "2023"])
def test_bad_date(value):
    error = only_error(check(contracts_row(contract_date=value), "contracts"), "type-error")
    assert error["column"] == "contract_date"
    assert "YYYY-MM-DD" in error["message_en"] and "AAAA-MM-JJ" in error["message_fr"]


def test_contract_rules_and_patterns():
    assert check(contracts_row(), "contracts")["valid"]
    report = check(contracts_row(vendor_postal_code="K1P 1A1"), "contracts")
    assert only_error(report, "pattern")["column"] == "vendor_postal_code"
    report = check(contracts_row(contract_period_start="2024-06-01"), "contracts")
    error = only_error(report, "rule-ordered")
    assert error["column"] == "delivery_date" and "cannot end before it starts" in error["message_en"]
    report = check(contracts_row(instrument_type="A", amendment_value=""), "contracts")
    assert only_error(report, "rule-required")["column"] == "amendment_value"
    report = check(contracts_row(solicitation_procedure="TN", number_of_bids="3"), "contracts")
    assert "exactement une soumission" in only_error(report, "rule-enum")["message_fr"]
    report = check(contracts_row(reference_number=""), "contracts")
    assert only_error(report, "required")["message_fr"] == "« reference_number » est obligatoire."


def test_duplicate_primary_key():
    report = check(baby("2022,ON,F,Olivia,602,1,0.93", "2022,ON,M,Olivia,6,900,0.01",
                        "2022,ON,F,Olivia,12,50,0.02"))
    error = only_error(report, "primary-key")
    assert error["row"] == 4
    assert "as row 2 (2022, ON, F, Olivia)" in error["message_en"]
    assert "qu’à la ligne 2" in error["message_fr"]


def test_duplicate_reference_number():
    report = check(contracts_row() + contracts_row().splitlines()[1] + "\n", "contracts")
    assert only_error(report, "primary-key")["row"] == 3


def test_primary_key_compares_typed_values(tmp_path):
    path = tmp_path / "numbered.yaml"
    path.write_text(
        "id: numbered\nversion: 1.0.0\nstatus: draft\nhvd_category: statistics\n"
        "title: {en: Numbered, fr: Numéroté}\ndescription: {en: Test., fr: Essai.}\n"
        "sources: [{url: 'https://example.org', title: {en: Example, fr: Exemple}}]\n"
        "schema:\n  primaryKey: [number]\n  fields:\n"
        "    - {name: number, type: integer, title: {en: N, fr: N}, "
        "description: {en: A number., fr: Un nombre.}}\n",
        encoding="utf-8")
    numbered = standards.load_standard(path)
    report = check("number\n5\n-1\n-2\n05\n+5\n", numbered)
    assert codes(report) == ["primary-key", "primary-key"]  # 05 and +5 repeat 5; -1 is not -2
    assert [e["row"] for e in report["errors"]] == [5, 6]


def test_unique_column_in_memory_and_after_a_spill(tmp_path):
    path = tmp_path / "coded.yaml"
    path.write_text(
        "id: coded\nversion: 1.0.0\nstatus: draft\nhvd_category: statistics\n"
        "title: {en: Coded, fr: Codé}\ndescription: {en: Test., fr: Essai.}\n"
        "sources: [{url: 'https://example.org', title: {en: Example, fr: Exemple}}]\n"
        "schema:\n  fields:\n"
        "    - {name: code, type: string, constraints: {unique: true}, title: {en: C, fr: C}, "
        "description: {en: A code., fr: Un code.}}\n",
        encoding="utf-8")
    coded = standards.load_standard(path)
    report = check("code\nA\nB\nA\n", coded)
    error = only_error(report, "unique")
    assert error["row"] == 4 and "The value “A” already appears in row 2" in error["message_en"]
    assert "La valeur « A » figure déjà à la ligne 2" in error["message_fr"]
    rows = "".join(f"{letters(n)}\n" for n in range(500))
    report = check("code\n" + rows + "Naaaaa\n", coded, key_memory=20)
    error = only_error(report, "unique")
    assert error["row"] == 502 and "already appears in row 2" in error["message_en"]


def test_road_event_rules_and_wkt():
    path = FIXTURES / "road-events-good.csv"
    header, first = path.read_text(encoding="utf-8").splitlines()[:2]
    names = header.split(",")
    base = dict(zip(names, next(csv.reader([first]))))

    def row(**changes):
        values = {**base, **changes}
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerow([values[n] for n in names])
        return header + "\n" + out.getvalue()

    assert check(row(), "road-events")["valid"]
    cases = {
        "rule-ordered": row(schedule_end="2024-05-01T00:00"),
        "rule-together": row(latitude="49.2"),
        "rule-any-of": row(geography=""),
        "rule-required": row(road_direction=""),
        "format-error": row(geography="POINT (49.2 -122.9 7)"),
        "pattern": row(event_subtypes="ACCIDENT;FLOOD"),
    }
    for code, data in cases.items():
        assert codes(check(data, "road-events")) == [code], code
    swapped = check(row(geography="POINT (49.2 -122.9)"), "road-events")["errors"][0]
    assert swapped["code"] == "format-error" and "±90" in swapped["message_en"]
    for wkt in ("LINESTRING (1 2)", "POLYGON ((0 0, 1 0, 1 1, 0 0.5))", "POINT (1)", "CIRCLE (1 2)",
                "POINT (1 2", "MULTIPOINT ((1 2), (3 4 5))"):
        assert codes(check(row(geography=wkt), "road-events")) == ["format-error"], wkt
    for wkt in ("MULTIPOINT (1 2, 3 4)", "MULTIPOINT ((1 2), (3 4))", "point(-75.7 45.4)",
                "MULTILINESTRING ((0 0, 1 1), (2 2, 3 3))", "POINT Z (-75.7 45.4 70)",
                "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), ((2 2, 3 2, 3 3, 2 2)))"):
        assert check(row(geography=wkt), "road-events")["valid"], wkt
    # Created with a UTC offset, updated without: compared on wall clocks, no crash.
    assert check(row(updated="2024-05-02T10:00:00"), "road-events")["valid"]


def test_budget_category_must_match_the_statement():
    data = FIXTURES.joinpath("municipal-budgets-good.csv").read_text(encoding="utf-8")
    bad = data.replace(",revenue,General,Finance,Taxation,40010,Residential property taxes,"
                       "property_taxation,",
                       ",revenue,General,Finance,Taxation,40010,Residential property taxes,"
                       "protection_services,")
    assert bad != data
    error = only_error(check(bad, "municipal-budgets"), "rule-enum")
    assert error["column"] == "category" and error["row"] == 2


# ------------------------------------------------------------------------------ reporting
def test_max_errors_truncates_the_list_not_the_counts():
    rows = [f"2022,ON,X,Name{chr(97 + i % 26)}{chr(97 + i // 26)},10,1,0.1" for i in range(300)]
    report = check(baby(*rows), max_errors=25)
    assert report["error_count"] == 300 and report["summary"] == {"enum": 300}
    assert len(report["errors"]) == 25 and report["truncated"]
    assert [e["row"] for e in report["errors"]] == list(range(2, 27))
    assert report["row_count"] == 300
    assert check(baby(*rows), max_errors=0)["errors"] == []


def test_localized_errors_pick_the_readers_language():
    report = check(baby("2022,ON,X,Olivia,602,1,0.93"))
    (french,) = conformance.localized_errors(report, "fr-CA")
    assert french["message"].startswith("« X »") and "message_en" not in french
    (english,) = conformance.localized_errors(report, "en")
    assert english["message"].startswith("“X”")


@pytest.mark.parametrize("code", sorted(conformance.MESSAGES))
def test_every_message_exists_in_both_languages(code):
    english = conformance.format_message(code, {}, "en")
    french = conformance.format_message(code, {}, "fr")
    assert english and french and english != french


# ----------------------------------------------------------------------- bounded memory
def test_key_index_spills_to_disk_and_finds_every_repeat():
    index = conformance.KeyIndex(memory=50)
    repeats = []
    for row in range(2, 20002):
        key = hash(("key", row % 7000))  # rows 7002.. repeat earlier keys
        first = index.add(key, row)
        if first is not None:
            repeats.append((row, first))
    assert index.files is not None  # spilled after 50 keys
    repeats.extend(index.finish())
    # Key k first appears at row k (k >= 2), or k + 7000 for k = 0, 1.
    expected = {row: row % 7000 if row % 7000 >= 2 else row % 7000 + 7000
                for row in range(7002, 20002)}
    assert len(repeats) == len(expected) == 13000
    assert dict(repeats) == expected
    assert index.files is None  # temporary files closed


def test_key_index_repartitions_a_partition_too_big_for_memory():
    index = conformance.KeyIndex(memory=10)
    keys = [hash(("k", n)) for n in range(3000)]
    for row, key in enumerate(keys + keys[:5], start=2):
        assert index.add(key, row) is None or row < 12
    repeats = sorted(index.finish())
    assert repeats == [(3002 + n, 2 + n) for n in range(5)]


def letters(number):
    word = ""
    for _ in range(4):
        number, digit = divmod(number, 26)
        word += chr(97 + digit)
    return "Na" + word


def test_primary_key_repeats_found_after_a_spill_are_reported():
    rows = [f"2022,ON,F,{letters(i)},10,1,0.1" for i in range(2000)]
    rows.insert(1500, rows[10])  # a repeat far from its first occurrence
    report = check(baby(*rows), key_memory=100)
    error = only_error(report, "primary-key")
    assert error["row"] == 1502 and "as row 12" in error["message_en"]


def write_wide_rows(path, target_bytes):
    """Road events with long texts (≈ 700 bytes a row): many bytes, few rows, so that tracemalloc
    (which costs about a microsecond per allocation) stays quick."""
    header = ",".join(standards.get_standard("road-events").field_names) + "\n"
    filler = ("Travaux de réfection de la chaussée et de la glissière; circulation en alternance. "
              "Pavement and guardrail rehabilitation; alternating traffic. ") * 4
    written = 0
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write(header)
        number = 0
        while written < target_bytes:
            lines = []
            for _ in range(1000):
                number += 1
                lon, lat = -75.7 + (number % 1000) / 10000, 45.4 + (number % 777) / 10000
                lines.append(
                    f"ottawa.ca/RE-{number},ACTIVE,Roadwork {number},\"{filler}\",CONSTRUCTION,"
                    f"ROAD_CONSTRUCTION,MODERATE,,2024-05-01T08:30:00-04:00,"
                    f"2024-05-02T10:00:00-04:00,2024-05-06T07:00,2024-05-31T19:00,America/Toronto,"
                    f"Street {number % 5000},A,B,SOME_LANES_CLOSED,N,"
                    f"\"LINESTRING ({lon:.4f} {lat:.4f}, {lon + 0.001:.4f} {lat + 0.001:.4f})\","
                    f"{lat:.4f},{lon:.4f}\n")
            chunk = "".join(lines)
            out.write(chunk)
            written += len(chunk.encode("utf-8"))
    return number


def test_fifty_megabytes_stream_in_bounded_memory(tmp_path):
    path = tmp_path / "road-events-50mb.csv"
    rows = write_wide_rows(path, 50 * 1024 * 1024)
    assert path.stat().st_size >= 50 * 1024 * 1024
    tracemalloc.start()
    try:
        started = time.perf_counter()
        # key_memory=5000 forces the primary-key index through its spill-to-disk path.
        report = conformance.check(str(path), "road-events", key_memory=5000)
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert report["valid"], report["errors"][:3]
    assert report["row_count"] == rows
    assert peak < MEMORY_BOUND_MB * 1024 * 1024, f"peak {peak / 2**20:.1f} MiB in {elapsed:.0f} s"


def test_fifty_megabytes_of_short_rows_in_bounded_memory(tmp_path):
    path = tmp_path / "baby-names-50mb.csv"
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write(BABY_HEADER)
        syllables = ["al", "an", "ar", "be", "ca", "da", "el", "em", "fa", "ga", "ha", "is",
                     "ja", "ka", "la", "li", "ma", "mi", "na", "no", "ol", "pa", "ra", "ri",
                     "sa", "so", "ta", "th", "va", "wi", "xa", "ya", "za", "lo", "lu", "ne",
                     "ro", "se", "te", "vi"]
        names = [(a + b).capitalize() for a in syllables for b in syllables]
        year, written = 1991, 0
        while written < 50 * 1024 * 1024:
            for pt in ("AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK",
                       "YT"):
                for sex in "FM":
                    chunk = "".join(f"{year},{pt},{sex},{name},{5 + n},{n + 1},0.01\n"
                                    for n, name in enumerate(names))
                    out.write(chunk)
                    written += len(chunk)
            year += 1
    # tracemalloc would slow 1.9 million short rows to minutes: measure the peak resident
    # memory of a fresh process instead (ru_maxrss, KiB), after imports, around the check.
    probe = (
        "import json, resource\n"
        "from ckanext.pancanadian.profile import conformance, standards\n"
        "standards.get_standard('baby-names')\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        f"report = conformance.check({str(path)!r}, 'baby-names')\n"
        "after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print(json.dumps({'growth_kib': after - before, 'rows': report['row_count'], 'valid': report['valid']}))\n"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=tmp_path)
    measured = json.loads(run.stdout.strip().splitlines()[-1])
    assert measured["valid"] and measured["rows"] > 1_500_000
    assert measured["growth_kib"] < MEMORY_BOUND_MB * 1024
