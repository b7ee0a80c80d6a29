"""DCAT-AP RDF catalogues (RDF/XML, Turtle, JSON-LD…), read by ckanext-dcat's RDF parser with
the ``euro_dcat_ap_3`` and ``pancanadian`` profiles: language-tagged literals become bilingual
fields, licences, themes and dates are read by our DCAT profile (profile/dcat.py), so a record
arrives here already in the profile's terms.

Listing: the catalogue document at the source URL, then the pages its ``hydra:next`` names
(ckanext-dcat's paged catalogues); a page seen twice ends the listing as malformed rather than
looping. Untagged text is in the source's language when neither the record nor its catalogue
declares one.
"""
import rdflib
from rdflib.namespace import DCAT, DCTERMS, RDF

NAME = "dcat_ap"
TITLE = {"en": "DCAT-AP (RDF)", "fr": "DCAT-AP (RDF)"}
PAYLOAD = "bytes"  # the harvester hands iter_records a fetcher of raw documents, not of JSON
PROFILES = ("euro_dcat_ap_3", "pancanadian")
LANGUAGES = ("en", "fr")
MAX_PAGES = 10000
_FORMATS = ("xml", "turtle", "json-ld")


def _parser(document):
    """ckanext-dcat's RDFParser holding ``document``; ValueError when no RDF syntax reads it."""
    from ckanext.dcat.processors import RDFParser, RDFParserException

    last_error = None
    for rdf_format in _FORMATS:
        parser = RDFParser(profiles=list(PROFILES))
        try:
            parser.parse(document, _format=rdf_format)
        except (RDFParserException, ValueError) as error:  # ValueError: a JSON-LD reader's
            last_error = error
            continue
        return parser
    raise ValueError(f"not an RDF document ({last_error})")


def _declare_source_language(graph, source):
    """A catalogue that declares no language speaks the source's (when it has one)."""
    language = source.get("language")
    if language not in LANGUAGES:
        return
    for catalog in graph.subjects(RDF.type, DCAT.Catalog):
        if (catalog, DCTERMS.language, None) not in graph:
            graph.add((catalog, DCTERMS.language, rdflib.Literal(language)))


def iter_records(fetch, source):
    url, seen = source["url"], set()
    while url:
        if url in seen or len(seen) >= MAX_PAGES:
            raise ValueError(f"the catalogue pages loop back to {url}")
        seen.add(url)
        parser = _parser(fetch(url))
        if (None, RDF.type, DCAT.Catalog) not in parser.g and (None, RDF.type, DCAT.Dataset) not in parser.g:
            # A 200 answer that parses (an HTML maintenance page is XML) but is no catalogue:
            # taken as empty, it would look like every dataset had been withdrawn.
            raise ValueError(f"no DCAT catalogue or dataset in {url}")
        _declare_source_language(parser.g, source)
        for dataset in parser.datasets():
            if not dataset.get("remote_id"):
                raise ValueError("a catalogue record without an identifier or URI")
            yield dataset
        url = parser.next_page()


def remote_id(record):
    return str(record["remote_id"])


def remote_modified(record):
    return record.get("date_modified") or None


def to_package(record, source):
    return {
        "remote_id": record["remote_id"],
        "source_url": record.get("source_url") or record.get("url"),
        "title_translated": record.get("title_translated") or {},
        "notes_translated": record.get("notes_translated") or {},
        "keywords": record.get("keywords") or {},
        "jurisdiction_level": record.get("jurisdiction_level"),
        "province_territory": record.get("province_territory"),
        "subject": record.get("subject"),
        "frequency": record.get("frequency"),
        "date_published": record.get("date_published"),
        "date_modified": record.get("date_modified"),
        "temporal_start": record.get("temporal_start"),
        "temporal_end": record.get("temporal_end"),
        "license_id": record.get("license_id"),
        "contact_email": record.get("contact_email"),
        "data_language": record.get("data_language"),
        "spatial_coverage": record.get("spatial_coverage"),
        "resources": [_resource(resource) for resource in record.get("resources") or []],
    }


def _resource(resource):
    return {
        "url": resource.get("url") or resource.get("download_url") or resource.get("access_url"),
        "name_translated": resource.get("name_translated") or {},
        "description_translated": resource.get("description_translated") or {},
        "format": resource.get("format"),
        "language": resource.get("language"),
    }
