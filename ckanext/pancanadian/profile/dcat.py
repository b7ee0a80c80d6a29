"""DCAT / DCAT-AP 3 for the pan-Canadian metadata profile (ckanext-dcat RDF profile ``pancanadian``).

Configure it after the EU DCAT-AP 3 profile, which it refines::

    ckan.plugins = ... dcat
    ckanext.dcat.rdf.profiles = euro_dcat_ap_3 pancanadian

``euro_dcat_ap_3`` builds the general DCAT-AP graph first (identifier, landing page,
distribution URLs, media types, sizes...). This profile then *replaces* the triples of every
property it owns, so each one comes out exactly once and in the portal's shape, and adds the
properties the EU profile cannot know about. It also works alone (it types the dataset and its
distributions itself), but the EU profile supplies the rest of a complete DCAT-AP record.

Output choices (``graph_from_dataset``)
---------------------------------------

Languages
    Every fluent field (``title_translated``, ``notes_translated``, ``keywords``,
    ``spatial_coverage``, ``exemption_rationale``, resources' ``name_translated`` and
    ``description_translated``) becomes one literal per stored language, tagged with the stored
    key: ``@en``, ``@fr``, ``@fr-CA``. Machine translations keep their BCP 47 tag ``@fr-t-en``
    (RFC 6497 "transformed content": French, machine-translated from English). They are emitted,
    not skipped: the tag is valid BCP 47 in Turtle, RDF/XML and JSON-LD; a consumer filtering with
    SPARQL ``langMatches(lang(?t), "fr")`` still finds them (``fr-t-en`` has the prefix ``fr``),
    one that knows RFC 6497 can tell them from human French, and the harvester gets the very same
    key back. Blank values are never emitted.

Vocabularies (all URIs below were checked against published lists; see the report of the
change for the sources)
    - ``license_id`` -> ``dct:license <url>`` of the licence in CKAN's licence register
      (``schemas/licences.json``), on the dataset (DCAT 3 allows it on any dcat:Resource) and on
      every distribution (where DCAT-AP expects it), typed ``dct:LicenseDocument`` with its
      ``dct:title`` in English and French. A licence without a URL (``other-closed``) emits none.
    - ``organization`` -> ``dct:publisher``: the organization URI of ckanext-dcat
      (``<catalog>/organization/<id>``), ``foaf:Agent`` with one ``foaf:name`` per language of the
      organization's ``title_translated``.
    - ``jurisdiction_level`` -> ``dct:type`` of that publisher, from the ADMS publisher-type
      vocabulary DCAT-AP recommends there (http://purl.org/adms/publishertype/): federal ->
      NationalAuthority, provincial and territorial -> RegionalAuthority, municipal ->
      LocalAuthority. ADMS has no concept for Indigenous governments (NonGovernmentalOrganisation
      would be false) nor for "other": those emit no type. The dataset's own ``dct:type`` is left
      alone, since DCAT-AP reserves it for the kind of dataset. Reading back: NationalAuthority ->
      federal, LocalAuthority -> municipal, RegionalAuthority -> territorial when every
      province/territory of the record is a territory (NT, NU, YT), else provincial.
    - ``province_territory`` -> one ``dct:spatial`` per code, the URI of that province in the
      Canadian Geographical Names Service of Natural Resources Canada,
      ``https://geogratis.gc.ca/services/geoname/en/codes/province/<SGC>``, where ``<SGC>`` is the
      Statistics Canada Standard Geographical Classification code (Ontario 35, Quebec 24...).
      That is the URI the federal gazetteer itself uses for a province in its API answers
      (``links.province.href``), it is keyed by the SGC code that federal statistics and
      geomatics share, and the SGC province codes have not changed since the SGC began; each is
      typed ``dct:Location`` with ``skos:prefLabel`` @en/@fr from the schema's choices. (Wikidata
      items were the alternative: also stable, but not a Canadian authority.) The ``/fr/`` form of
      the same URI is accepted when reading.
    - ``spatial_coverage`` and ``spatial`` -> one more ``dct:spatial``, a blank ``dct:Location``
      with ``skos:prefLabel`` per language and the GeoJSON geometry as ``locn:geometry`` typed
      with the GeoJSON media-type IRI (GeoDCAT-AP), plus the WKT that ckanext-dcat adds by default
      (``ckanext.dcat.output_spatial_format``).
    - ``frequency`` -> ``dct:accrualPeriodicity``: the EU frequency authority concept when there
      is one (P1D DAILY, P1W WEEKLY, P1M MONTHLY, P3M QUARTERLY, P6M ANNUAL_2, P1Y ANNUAL,
      P2Y BIENNIAL, P5Y QUINQUENNIAL, PT1H HOURLY, as_needed AS_NEEDED, irregular IRREG,
      not_planned NOT_PLANNED, unknown UNKNOWN under
      http://publications.europa.eu/resource/authority/frequency/), typed ``dct:Frequency``;
      any other ISO 8601 duration as a literal typed ``xsd:duration``.
    - ``date_published`` / ``date_modified`` -> ``dct:issued`` / ``dct:modified`` as ``xsd:date``.
      They replace ckanext-dcat's fallbacks to ``metadata_created`` / ``metadata_modified``: those
      date the catalogue record, not the data, so a record without ``date_modified`` has no
      ``dct:modified``.
    - ``temporal_start`` / ``temporal_end`` -> one ``dct:temporal`` ``dct:PeriodOfTime`` with
      ``dcat:startDate`` / ``dcat:endDate`` (``xsd:date``).
    - ``contact_email`` -> ``dcat:contactPoint`` ``vcard:Kind`` with ``vcard:hasEmail
      <mailto:...>`` and the organization's names as ``vcard:fn``.
    - ``data_language`` and resources' ``language`` -> ``dct:language`` from the EU language
      authority (ENG, FRA, MUL, ZXX under
      http://publications.europa.eu/resource/authority/language/). Inuktitut and Cree use the
      Library of Congress ISO 639-2 URIs (http://id.loc.gov/vocabulary/iso639-2/iku, /cre):
      their presence in the EU list could not be verified.
    - High-value datasets (``hvd_category`` set, or a ``hvd_standard`` whose standard names a
      category): ``dcatap:hvdCategory`` the EU HVD category concept (below) and
      ``dcatap:applicableLegislation`` the ELI of Implementing Regulation (EU) 2023/138.
    - ``hvd_standard`` and resources' ``data_standard`` -> ``dct:conformsTo
      <{ckan.site_url}/standards/<id>>``, typed ``dct:Standard`` with the standard's bilingual
      title. The portal's page for the standard lives at that address (the id is the file's
      ``id`` in ``schemas/standards/``).
    - ``exemption_rationale`` -> ``dct:accessRights`` ``dct:RightsStatement`` whose
      ``rdfs:label`` is the rationale per language.
    - Resources: ``dct:format`` from the EU file-type authority where the format has a concept
      (CSV, JSON, GEOJSON, XML, XLSX, XLS, ODS, PDF, HTML, SHP, KML, GPKG, PARQUET, TXT, ZIP,
      WMS_SRVC), else the format label as a literal; ``cnt:characterEncoding`` from
      ``character_set``.
    - Catalog: ``dct:language`` of the portal's languages (``ckanext.pancanadian.languages``).

Input choices (``parse_dataset``, used by the DCAT-AP harvester)
----------------------------------------------------------------

Language-tagged literals become fluent dicts keyed by their tag (``fr-CA`` and ``fr-t-en``
kept, ``EN`` lower-cased). Only languages present in the source appear: a monolingual record
gives ``{"en": ...}`` and never a copy in, or an empty slot for, the other language (the EU
profile pads every form language with ``""``; that padding is removed). Untagged literals
count as the record's language when its ``dct:language`` (or, if it has none, its catalogue's)
names exactly one portal language; else as the one language it declares, whatever it is (a
German record stays ``de``, never mislabelled English); else as the language of the registry
portal it comes from; else as ``ckan.locale_default``. Every vocabulary URI above is read back
to the portal's value; values with no equivalent are dropped rather than stored invalid (an
unknown HVD category, frequency or format URI), so that package_create does not fail on them.

For the federation (DCAT-AP harvesting): ``remote_id`` is ``dct:identifier`` (else the dataset
URI), ``source_url`` the ``dcat:landingPage`` (else the http(s) dataset URI); ``source_portal``
is the portal of ``schemas/federation/portals.yaml`` on whose host the dataset, its landing
page or its catalogue lives (which also gives the jurisdiction and province when the record does not);
licences the register's URLs miss are recognised by ``lib/vocabulary.py`` (http/https
variants, DCAT-AP.de and EU licence authority URIs, licence titles); ``dcat:theme`` URIs and
labels that clearly name a subject (EU data themes) fill ``subject``.
"""
import json
import re

from babel.core import get_global
from rdflib import BNode, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.dcat.profiles import CNT, DCAT, DCATAP, DCT, FOAF, GEOJSON_IMT, LOCN, VCARD, RDFProfile
from ckanext.dcat.profiles.base import CleanedURIRef, namespaces
from ckanext.dcat.utils import publisher_uri_organization_fallback, resource_uri
from ckanext.pancanadian.bilingual import values
from ckanext.pancanadian.federation import registry
from ckanext.pancanadian.lib import languages, vocabulary
from ckanext.pancanadian.profile import standards as standards_module

ELI = Namespace("http://data.europa.eu/eli/ontology#")
ADMS_PUBLISHER_TYPE = "http://purl.org/adms/publishertype/"

# EU vocabulary of high-value dataset categories (http://data.europa.eu/bna/asd487ae75), top
# concepts only, keyed by the slugs of schemas/profile_presets.yaml (pc_hvd_category).
HVD_CATEGORIES = {
    "geospatial": "http://data.europa.eu/bna/c_ac64a52d",
    "earth-observation-and-environment": "http://data.europa.eu/bna/c_dd313021",
    "meteorological": "http://data.europa.eu/bna/c_164e0bf5",
    "statistics": "http://data.europa.eu/bna/c_e1da4e07",
    "companies-and-company-ownership": "http://data.europa.eu/bna/c_a9135398",
    "mobility": "http://data.europa.eu/bna/c_b79e35eb",
}
# Commission Implementing Regulation (EU) 2023/138, the HVD regulation, by its ELI.
HVD_LEGISLATION = "http://data.europa.eu/eli/reg_impl/2023/138/oj"

FREQUENCY_AUTHORITY = "http://publications.europa.eu/resource/authority/frequency/"
FREQUENCIES = {
    "PT1H": "HOURLY",
    "P1D": "DAILY",
    "P1W": "WEEKLY",
    "P1M": "MONTHLY",
    "P3M": "QUARTERLY",
    "P6M": "ANNUAL_2",
    "P1Y": "ANNUAL",
    "P2Y": "BIENNIAL",
    "P5Y": "QUINQUENNIAL",
    "as_needed": "AS_NEEDED",
    "irregular": "IRREG",
    "not_planned": "NOT_PLANNED",
    "unknown": "UNKNOWN",
}
# Read only: EU frequencies that are plain durations but not among the form's choices.
FREQUENCIES_READ = {
    **{code: value for value, code in FREQUENCIES.items()},
    "BIWEEKLY": "P2W",
    "BIMONTHLY": "P2M",
    "TRIENNIAL": "P3Y",
    "QUADRENNIAL": "P4Y",
    "DECENNIAL": "P10Y",
}
_FREQUENCY_KEYWORDS = {"as_needed", "irregular", "not_planned", "unknown"}
_ISO_DURATION = re.compile(
    r"^P(?=\d|T\d)(?:\d+Y)?(?:\d+M)?(?:\d+W)?(?:\d+D)?(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?$"
)

EU_LANGUAGE = "http://publications.europa.eu/resource/authority/language/"
LOC_ISO639_2 = "http://id.loc.gov/vocabulary/iso639-2/"
LANGUAGE_URIS = {
    "en": EU_LANGUAGE + "ENG",
    "fr": EU_LANGUAGE + "FRA",
    "mul": EU_LANGUAGE + "MUL",
    "zxx": EU_LANGUAGE + "ZXX",
    "iu": LOC_ISO639_2 + "iku",
    "cr": LOC_ISO639_2 + "cre",
}
# ISO 639-2/-3 codes (the last segment of EU and Library of Congress language URIs) -> ours.
_LANGUAGE_CODES = {"eng": "en", "fra": "fr", "fre": "fr", "iku": "iu", "cre": "cr", "mul": "mul", "zxx": "zxx"}

# Statistics Canada SGC codes of the provinces and territories, as used by the Canadian
# Geographical Names Service of Natural Resources Canada.
SGC_CODES = {
    "NL": "10", "PE": "11", "NS": "12", "NB": "13", "QC": "24", "ON": "35", "MB": "46",
    "SK": "47", "AB": "48", "BC": "59", "YT": "60", "NT": "61", "NU": "62",
}
PROVINCE_URI = "https://geogratis.gc.ca/services/geoname/en/codes/province/{sgc}"
_PROVINCE_URI = re.compile(r"^https?://geogratis\.gc\.ca/services/geoname/(?:en|fr)/codes/province/(\d{2})(?:\.json)?/?$")
TERRITORIES = {"NT", "NU", "YT"}

PUBLISHER_TYPES = {
    "federal": ADMS_PUBLISHER_TYPE + "NationalAuthority",
    "provincial": ADMS_PUBLISHER_TYPE + "RegionalAuthority",
    "territorial": ADMS_PUBLISHER_TYPE + "RegionalAuthority",
    "municipal": ADMS_PUBLISHER_TYPE + "LocalAuthority",
}

FILE_TYPE_AUTHORITY = "http://publications.europa.eu/resource/authority/file-type/"
FILE_TYPES = {
    "CSV": "CSV", "JSON": "JSON", "GeoJSON": "GEOJSON", "XML": "XML", "XLSX": "XLSX", "XLS": "XLS",
    "ODS": "ODS", "PDF": "PDF", "HTML": "HTML", "SHP": "SHP", "KML": "KML", "GPKG": "GPKG",
    "Parquet": "PARQUET", "TXT": "TXT", "ZIP": "ZIP", "WMS": "WMS_SRVC",
}
FILE_TYPES_READ = {**{code: label for label, code in FILE_TYPES.items()}, "REST": "API"}

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


# ------------------------------------------------------------------------------ shared helpers
def _default_lang():
    return tk.config.get("ckan.locale_default", "en")


def texts_of(value):
    """{language: text} of a fluent value (dict or stored JSON), blank texts left out."""
    return {
        lang: text
        for lang, text in values.as_dict(value, _default_lang()).items()
        if isinstance(text, str) and text.strip()
    }


def keyword_lists_of(value):
    """{language: [keyword, ...]} of a fluent_tags value, blank keywords and languages left out."""
    out = {}
    for lang, keywords in values.as_dict(value, _default_lang()).items():
        if isinstance(keywords, str):
            keywords = [keywords]
        kept = [k for k in keywords or [] if isinstance(k, str) and k.strip()]
        if kept:
            out[lang] = kept
    return out


def _tagged_literal(text, lang):
    try:
        return Literal(text, lang=lang)
    except ValueError:  # not a language tag rdflib accepts
        return None


def _stored_tag(tag):
    """The fluent key for an RDF language tag: as sent when fluent would store it so
    (``fr-CA``, ``fr-t-en``), else its normalized spelling (``EN`` -> ``en``)."""
    return tag if languages.is_stored_as_sent(tag) else languages.normalize_tag(tag)


def _portal_languages():
    return languages.portal_languages() or ["en", "fr"]


def _code_list(value):
    """A scheming multiple-choice value (list or JSON list) as a list of codes."""
    if isinstance(value, list):
        return [v for v in value if v]
    if isinstance(value, str) and value:
        try:
            decoded = json.loads(value)
        except ValueError:
            return [value]
        return [v for v in decoded if v] if isinstance(decoded, list) else [str(decoded)]
    return []


def standards():
    """{id: {"title": {...}, "hvd_category": slug}} of the shipped standards."""
    return {
        standard.id: {"title": standard.titles, "hvd_category": standard.hvd_category}
        for standard in standards_module.list_standards()
    }


def standard_uri(standard_id):
    """The portal's URI of a data standard: ``{ckan.site_url}/standards/<id>``."""
    return "{0}/standards/{1}".format(tk.config.get("ckan.site_url", "").rstrip("/"), standard_id)


def _standard_id(uri):
    """The shipped standard a ``.../standards/<id>`` URI names (any portal running this suite)."""
    match = re.search(r"/standards/([a-z0-9]+(?:-[a-z0-9]+)*)/?$", str(uri))
    return match.group(1) if match and match.group(1) in standards() else None


def language_uri(code):
    return LANGUAGE_URIS.get(code)


def language_code(node):
    """Our data-language code for a dct:language value (EU or LoC URI, or a plain code)."""
    text = str(node).strip().rstrip("/")
    last = text.rsplit("/", 1)[-1].lower() if "/" in text else text.lower()
    if last in _LANGUAGE_CODES:
        return _LANGUAGE_CODES[last]
    normalized = languages.normalize_tag(last)
    return normalized if normalized in LANGUAGE_URIS else None


def province_code(uri):
    match = _PROVINCE_URI.match(str(uri))
    if not match:
        return None
    return next((code for code, sgc in SGC_CODES.items() if sgc == match.group(1)), None)


def _licence_register():
    return model.Package.get_license_register()


def babel_language_aliases():
    """ISO 639-2/-3 codes -> ISO 639-1 (``deu`` -> ``de``), from Babel's CLDR data."""
    return {code: alias for code, alias in get_global("language_aliases").items() if alias and len(alias) == 2}


class PanCanadianDCATProfile(RDFProfile):
    """The pan-Canadian profile in DCAT-AP 3; see the module documentation."""

    # -------------------------------------------------------------------------- graph helpers
    def _drop(self, subject, predicate):
        """Remove ``subject predicate *`` and the blank nodes left unreferenced by it."""
        for obj in list(self.g.objects(subject, predicate)):
            self.g.remove((subject, predicate, obj))
            self._drop_orphan(obj)

    def _drop_orphan(self, node):
        if not isinstance(node, BNode) or next(iter(self.g.subjects(None, node)), None) is not None:
            return
        for predicate, obj in list(self.g.predicate_objects(node)):
            self.g.remove((node, predicate, obj))
            self._drop_orphan(obj)

    def _add_texts(self, subject, predicate, texts):
        for lang, text in texts.items():
            literal = _tagged_literal(text, lang)
            if literal is not None:
                self.g.add((subject, predicate, literal))

    def _set_texts(self, subject, predicate, value):
        """Replace ``subject predicate *`` by the languages of a fluent value (when it has any)."""
        texts = texts_of(value)
        if texts:
            self._drop(subject, predicate)
            self._add_texts(subject, predicate, texts)
        else:
            for obj in list(self.g.objects(subject, predicate)):
                if isinstance(obj, Literal) and not str(obj).strip():
                    self.g.remove((subject, predicate, obj))

    def _choice_labels(self, field_name, value):
        """The bilingual label of a choice of the dataset schema, as {lang: text}."""
        field = self._schema_field(field_name) or {}
        for choice in field.get("choices") or []:
            if choice.get("value") == value:
                label = choice.get("label")
                return texts_of(label) if isinstance(label, dict) else {}
        return {}

    # ------------------------------------------------------------------------------ output
    def graph_from_dataset(self, dataset_dict, dataset_ref):
        g = self.g
        for prefix, namespace in namespaces.items():
            g.bind(prefix, namespace)
        g.bind("eli", ELI)
        g.add((dataset_ref, RDF.type, DCAT.Dataset))

        self._set_texts(dataset_ref, DCT.title, dataset_dict.get("title_translated"))
        self._set_texts(dataset_ref, DCT.description, dataset_dict.get("notes_translated"))
        self._graph_keywords(dataset_dict, dataset_ref)
        self._graph_dates(dataset_dict, dataset_ref)
        self._graph_frequency(dataset_dict, dataset_ref)
        organization_names = self._organization_names(dataset_dict)
        self._graph_publisher(dataset_dict, dataset_ref, organization_names)
        self._graph_contact(dataset_dict, dataset_ref, organization_names)
        self._graph_spatial(dataset_dict, dataset_ref)
        self._graph_languages(dataset_ref, dataset_dict.get("data_language"))
        licence_ref = self._graph_licence(dataset_dict, dataset_ref)
        self._graph_hvd(dataset_dict, dataset_ref)
        self._graph_standard(dataset_ref, dataset_dict.get("hvd_standard"))
        self._graph_access_rights(dataset_dict, dataset_ref)

        for resource_dict in dataset_dict.get("resources") or []:
            self._graph_distribution(resource_dict, dataset_ref, licence_ref)

    def graph_from_catalog(self, catalog_dict, catalog_ref):
        self._drop(catalog_ref, DCT.language)
        for code in _portal_languages():
            uri = language_uri(languages.primary(code))
            if uri:
                self.g.add((catalog_ref, DCT.language, URIRef(uri)))
                self.g.add((URIRef(uri), RDF.type, DCT.LinguisticSystem))

    def _graph_keywords(self, dataset_dict, dataset_ref):
        keywords = keyword_lists_of(dataset_dict.get("keywords"))
        if not keywords:
            return
        self._drop(dataset_ref, DCAT.keyword)
        for lang, words in keywords.items():
            for word in words:
                literal = _tagged_literal(word, lang)
                if literal is not None:
                    self.g.add((dataset_ref, DCAT.keyword, literal))

    def _graph_dates(self, dataset_dict, dataset_ref):
        for key, predicate in (("date_published", DCT.issued), ("date_modified", DCT.modified)):
            self._drop(dataset_ref, predicate)
            if dataset_dict.get(key):
                self._add_date_triple(dataset_ref, predicate, dataset_dict[key])

        start, end = dataset_dict.get("temporal_start"), dataset_dict.get("temporal_end")
        self._drop(dataset_ref, DCT.temporal)
        if start or end:
            period = BNode()
            self.g.add((period, RDF.type, DCT.PeriodOfTime))
            if start:
                self._add_date_triple(period, DCAT.startDate, start)
            if end:
                self._add_date_triple(period, DCAT.endDate, end)
            self.g.add((dataset_ref, DCT.temporal, period))

    def _graph_frequency(self, dataset_dict, dataset_ref):
        frequency = dataset_dict.get("frequency")
        if not frequency:
            return
        self._drop(dataset_ref, DCT.accrualPeriodicity)
        if frequency in FREQUENCIES:
            concept = URIRef(FREQUENCY_AUTHORITY + FREQUENCIES[frequency])
            self.g.add((dataset_ref, DCT.accrualPeriodicity, concept))
            self.g.add((concept, RDF.type, DCT.Frequency))
        elif _ISO_DURATION.match(frequency):
            self.g.add((dataset_ref, DCT.accrualPeriodicity, Literal(frequency, datatype=XSD.duration)))
        else:
            self.g.add((dataset_ref, DCT.accrualPeriodicity, Literal(frequency)))

    def _organization_names(self, dataset_dict):
        """{lang: name} of the dataset's organization (embedded by pancanadian_bilingual in
        package_show; looked up when the dict comes from the search index without it)."""
        organization = dataset_dict.get("organization")
        if not isinstance(organization, dict):
            return {}
        names = texts_of(organization.get("title_translated"))
        if not names and organization.get("id"):
            group = model.Group.get(organization["id"])
            if group is not None:
                names = texts_of((group.extras or {}).get("title_translated"))
        if not names and organization.get("title"):
            names = {_default_lang(): organization["title"]}
        return names

    def _graph_publisher(self, dataset_dict, dataset_ref, names):
        if not isinstance(dataset_dict.get("organization"), dict):
            return
        uri = publisher_uri_organization_fallback(dataset_dict)
        if not uri:
            return
        publisher = CleanedURIRef(uri)
        self._drop(dataset_ref, DCT.publisher)
        self.g.add((dataset_ref, DCT.publisher, publisher))
        self.g.add((publisher, RDF.type, FOAF.Agent))
        if names:
            self.g.remove((publisher, FOAF.name, None))
            self._add_texts(publisher, FOAF.name, names)
        publisher_type = PUBLISHER_TYPES.get(dataset_dict.get("jurisdiction_level"))
        if publisher_type:
            self.g.remove((publisher, DCT.type, None))
            self.g.add((publisher, DCT.type, URIRef(publisher_type)))

    def _graph_contact(self, dataset_dict, dataset_ref, names):
        email = (dataset_dict.get("contact_email") or "").strip()
        if not email:
            return
        self._drop(dataset_ref, DCAT.contactPoint)
        contact = BNode()
        self.g.add((dataset_ref, DCAT.contactPoint, contact))
        self.g.add((contact, RDF.type, VCARD.Kind))
        self.g.add((contact, VCARD.hasEmail, URIRef(self._add_mailto(email))))
        self._add_texts(contact, VCARD.fn, names)

    def _graph_spatial(self, dataset_dict, dataset_ref):
        provinces = [code for code in _code_list(dataset_dict.get("province_territory")) if code in SGC_CODES]
        coverage = texts_of(dataset_dict.get("spatial_coverage"))
        geometry = dataset_dict.get("spatial")
        if not (provinces or coverage or geometry):
            return
        self._drop(dataset_ref, DCT.spatial)
        for code in provinces:
            place = URIRef(PROVINCE_URI.format(sgc=SGC_CODES[code]))
            self.g.add((dataset_ref, DCT.spatial, place))
            self.g.add((place, RDF.type, DCT.Location))
            self.g.remove((place, SKOS.prefLabel, None))
            self._add_texts(place, SKOS.prefLabel, self._choice_labels("province_territory", code))
        if coverage or geometry:
            location = BNode()
            self.g.add((dataset_ref, DCT.spatial, location))
            self.g.add((location, RDF.type, DCT.Location))
            self._add_texts(location, SKOS.prefLabel, coverage)
            if geometry:
                # WKT and/or GeoJSON as configured for ckanext-dcat, and GeoJSON in any case.
                self._add_spatial_value_to_graph(location, LOCN.geometry, geometry)
                try:
                    geojson = json.dumps(json.loads(geometry) if isinstance(geometry, str) else geometry)
                except (TypeError, ValueError):
                    geojson = None
                literal = Literal(geojson, datatype=URIRef(GEOJSON_IMT)) if geojson else None
                if literal is not None and (location, LOCN.geometry, literal) not in self.g:
                    self.g.add((location, LOCN.geometry, literal))

    def _graph_languages(self, subject, value):
        uris = [language_uri(code) for code in _code_list(value)]
        uris = [uri for uri in uris if uri]
        if not uris:
            return
        self._drop(subject, DCT.language)
        for uri in uris:
            self.g.add((subject, DCT.language, URIRef(uri)))
            self.g.add((URIRef(uri), RDF.type, DCT.LinguisticSystem))

    def _graph_licence(self, dataset_dict, dataset_ref):
        licence_id = dataset_dict.get("license_id")
        licence = _licence_register().get(licence_id) if licence_id else None
        record = licence.license_dictize() if licence is not None else {}
        if not record.get("url"):
            return None
        licence_ref = CleanedURIRef(record["url"])
        self._drop(dataset_ref, DCT.license)
        self.g.add((dataset_ref, DCT.license, licence_ref))
        self.g.add((licence_ref, RDF.type, DCT.LicenseDocument))
        self.g.remove((licence_ref, DCT.title, None))
        self._add_texts(licence_ref, DCT.title, texts_of({"en": record.get("title"), "fr": record.get("title_fr")}))
        return licence_ref

    def _graph_hvd(self, dataset_dict, dataset_ref):
        category = dataset_dict.get("hvd_category")
        if not category and dataset_dict.get("hvd_standard"):
            category = (standards().get(dataset_dict["hvd_standard"]) or {}).get("hvd_category")
        # The EU profile writes our slug as a literal: always replace it.
        self._drop(dataset_ref, DCATAP.hvdCategory)
        if category not in HVD_CATEGORIES:
            return
        self.g.add((dataset_ref, DCATAP.hvdCategory, URIRef(HVD_CATEGORIES[category])))
        legislation = URIRef(HVD_LEGISLATION)
        self.g.add((dataset_ref, DCATAP.applicableLegislation, legislation))
        self.g.add((legislation, RDF.type, ELI.LegalResource))

    def _graph_standard(self, subject, standard_id):
        if not standard_id:
            return
        standard = URIRef(standard_uri(standard_id))
        self.g.add((subject, DCT.conformsTo, standard))
        self.g.add((standard, RDF.type, DCT.Standard))
        title = texts_of((standards().get(standard_id) or {}).get("title"))
        if title:
            self.g.remove((standard, DCT.title, None))
            self._add_texts(standard, DCT.title, title)

    def _graph_access_rights(self, dataset_dict, dataset_ref):
        rationale = texts_of(dataset_dict.get("exemption_rationale"))
        if not rationale:
            return
        self._drop(dataset_ref, DCT.accessRights)
        statement = BNode()
        self.g.add((dataset_ref, DCT.accessRights, statement))
        self.g.add((statement, RDF.type, DCT.RightsStatement))
        self._add_texts(statement, RDFS.label, rationale)

    def _graph_distribution(self, resource_dict, dataset_ref, licence_ref):
        if not resource_dict.get("id"):
            return
        distribution = CleanedURIRef(resource_uri(resource_dict))
        self.g.add((dataset_ref, DCAT.distribution, distribution))
        self.g.add((distribution, RDF.type, DCAT.Distribution))
        self._set_texts(distribution, DCT.title, resource_dict.get("name_translated"))
        self._set_texts(distribution, DCT.description, resource_dict.get("description_translated"))

        file_type = FILE_TYPES.get(resource_dict.get("format"))
        if file_type:
            concept = URIRef(FILE_TYPE_AUTHORITY + file_type)
            self._drop(distribution, DCT["format"])
            self.g.add((distribution, DCT["format"], concept))
            self.g.add((concept, RDF.type, DCT.MediaTypeOrExtent))
        elif resource_dict.get("format") and (distribution, DCT["format"], None) not in self.g:
            self.g.add((distribution, DCT["format"], Literal(resource_dict["format"])))

        self._graph_languages(distribution, resource_dict.get("language"))
        self._graph_standard(distribution, resource_dict.get("data_standard"))
        if resource_dict.get("character_set"):
            self._drop(distribution, CNT.characterEncoding)
            self.g.add((distribution, CNT.characterEncoding, Literal(resource_dict["character_set"])))
        if licence_ref is not None:
            self._drop(distribution, DCT.license)
            self.g.add((distribution, DCT.license, licence_ref))

    # ------------------------------------------------------------------------------- input
    def _declared_languages(self, subject):
        """Two-letter codes of every ``dct:language`` of ``subject`` (EU/LoC URIs, ISO 639-1/-2
        codes), in any language: a German record declares ``de``."""
        aliases = babel_language_aliases()
        codes = []
        for node in self.g.objects(subject, DCT.language):
            last = str(node).strip().rstrip("/").rsplit("/", 1)[-1].lower()
            code = last if re.match(r"^[a-z]{2}$", last) else aliases.get(last)
            if code and code not in codes:
                codes.append(code)
        return codes

    def _untagged_language(self, subject, portal=None):
        """The language of untagged literals: the record's only portal language; else the one
        language it declares (a German record's text is German, never English), the record's
        catalogue speaking for a record that declares none; else the language of the registry
        portal it comes from; else ``ckan.locale_default``."""
        portal_languages = {languages.primary(lang) for lang in _portal_languages()}
        declared = self._declared_languages(subject)
        if not declared:
            for catalog in self.g.subjects(DCAT.dataset, subject):
                declared.extend(code for code in self._declared_languages(catalog) if code not in declared)
        in_portal = set(declared) & portal_languages
        if len(in_portal) == 1:
            return in_portal.pop()
        if not in_portal and len(declared) == 1:
            return declared[0]
        if portal and portal["language"] in portal_languages:
            return portal["language"]
        return _default_lang()

    def _source_portal(self, dataset_ref):
        """The registry portal (schemas/federation/portals.yaml) the record comes from, known by
        the host of the dataset URI, its landing page or its catalogue; None if unlisted."""
        candidates = [dataset_ref, *self.g.objects(dataset_ref, DCAT.landingPage),
                      *self.g.subjects(DCAT.dataset, dataset_ref)]
        for node in candidates:
            if isinstance(node, URIRef):
                portal = registry.portal_for_url(str(node))
                if portal:
                    return portal
        return None

    def _parse_source(self, dataset_dict, dataset_ref, portal):
        """Federation fields: remote_id (dct:identifier, else the dataset URI), source_url
        (dcat:landingPage, else the http(s) dataset URI) and source_portal (the registry portal,
        when the record's host is listed; the harvest source sets it otherwise)."""
        identifier = (self._object_value(dataset_ref, DCT.identifier) or "").strip()
        remote_id = identifier or (str(dataset_ref) if isinstance(dataset_ref, URIRef) else "")
        if remote_id:
            dataset_dict["remote_id"] = remote_id
        landing_page = next((str(n) for n in self.g.objects(dataset_ref, DCAT.landingPage) if str(n).strip()), None)
        # Without a landing page, an http(s) dataset URI is the record's page (CKAN, datos.gob.es).
        is_web_uri = isinstance(dataset_ref, URIRef) and str(dataset_ref).startswith(("http://", "https://"))
        if not landing_page and is_web_uri:
            landing_page = str(dataset_ref)
        if landing_page:
            dataset_dict["source_url"] = landing_page
        if portal:
            dataset_dict["source_portal"] = portal["name"]
            # The registry knows the portal's government when the record does not say it.
            dataset_dict.setdefault("jurisdiction_level", portal["jurisdiction_level"])
            if portal["province_territory"] and not dataset_dict.get("province_territory"):
                dataset_dict["province_territory"] = list(portal["province_territory"])

    def _recognised_licence(self, dataset_ref):
        """A licences.json id for licence URIs and names the register's own URLs miss
        (http vs https, DCAT-AP.de and EU licence authority URIs, a dct:title or rdfs:label)."""
        for subject in [dataset_ref, *self._distributions(dataset_ref)]:
            for node in self.g.objects(subject, DCT.license):
                labels = [str(label) for predicate in (DCT.title, RDFS.label)
                          for label in self.g.objects(node, predicate)]
                licence_id = vocabulary.licence_id(str(node), *labels)
                if licence_id:
                    return licence_id
        return None

    def _parse_subjects(self, dataset_dict, dataset_ref):
        """dcat:theme URIs and labels that clearly name our subjects (EU data themes...)."""
        themes = []
        for node in self.g.objects(dataset_ref, DCAT.theme):
            themes.append(str(node))
            themes.extend(str(label) for label in self.g.objects(node, SKOS.prefLabel))
        subjects = vocabulary.subjects(themes)
        if subjects and not dataset_dict.get("subject"):
            dataset_dict["subject"] = self._in_choice_order(self._schema_field("subject"), subjects)

    def _read_texts(self, subject, predicate, untagged):
        """{lang: text} of the literals (or rdfs:labels of nodes) of ``subject predicate``."""
        texts = {}
        for obj in self.g.objects(subject, predicate):
            literals = [obj] if isinstance(obj, Literal) else list(self.g.objects(obj, RDFS.label))
            for literal in literals:
                if not isinstance(literal, Literal) or not str(literal).strip():
                    continue
                lang = _stored_tag(literal.language) if literal.language else untagged
                if lang and lang not in texts:
                    texts[lang] = str(literal)
        return texts

    def _read_keywords(self, subject, untagged):
        out = {}
        for literal in self.g.objects(subject, DCAT.keyword):
            if not isinstance(literal, Literal) or not str(literal).strip():
                continue
            lang = _stored_tag(literal.language) if literal.language else untagged
            if lang and str(literal) not in out.setdefault(lang, []):
                out[lang].append(str(literal))
        # dcat:keyword is unordered: give each language's list a stable order.
        return {lang: sorted(words, key=str.casefold) for lang, words in out.items()}

    def _in_choice_order(self, field, codes):
        """Codes in the order of the schema field's choices (scheming stores them so)."""
        order = [choice.get("value") for choice in (field or {}).get("choices") or []]
        return sorted(codes, key=lambda code: order.index(code) if code in order else len(order))

    @staticmethod
    def _pop_extras(dataset_dict, *keys):
        dataset_dict["extras"] = [e for e in dataset_dict.get("extras", []) if e.get("key") not in keys]

    @staticmethod
    def _date(value):
        text = str(value or "")
        return text[:10] if _DATE.match(text) else None

    def parse_dataset(self, dataset_dict, dataset_ref):
        dataset_dict.setdefault("extras", [])
        dataset_dict.setdefault("resources", [])
        portal = self._source_portal(dataset_ref)
        untagged = self._untagged_language(dataset_ref, portal)
        default = _default_lang()

        for key, predicate in (("title", DCT.title), ("notes", DCT.description)):
            texts = self._read_texts(dataset_ref, predicate, untagged)
            if texts:
                dataset_dict[f"{key}_translated"] = texts
                dataset_dict[key] = values.text_in(texts, default, _portal_languages(), default)
            else:
                dataset_dict.pop(f"{key}_translated", None)
                if not dataset_dict.get(key):
                    dataset_dict.pop(key, None)

        keywords = self._read_keywords(dataset_ref, untagged)
        if keywords:
            dataset_dict["keywords"] = keywords
        # Keywords are the fluent field; the EU profile's core tags mix the languages.
        dataset_dict.pop("tags", None)
        dataset_dict.pop("tags_translated", None)

        self._parse_spatial(dataset_dict, dataset_ref, untagged)
        self._parse_publisher(dataset_dict, dataset_ref)
        self._parse_dates(dataset_dict, dataset_ref)
        self._parse_frequency(dataset_dict, dataset_ref)

        codes = self._read_languages(dataset_ref)
        if codes:
            dataset_dict["data_language"] = self._in_choice_order(self._schema_field("data_language"), codes)
        self._pop_extras(dataset_dict, "language")

        if not dataset_dict.get("license_id"):
            dataset_dict["license_id"] = self._read_licence(dataset_ref) or self._recognised_licence(dataset_ref) or ""

        self._parse_hvd(dataset_dict, dataset_ref)
        self._parse_subjects(dataset_dict, dataset_ref)
        self._parse_source(dataset_dict, dataset_ref, portal)

        # Only a labelled rights statement is a rationale (an access-right concept is not).
        rationale = {}
        for statement in self.g.objects(dataset_ref, DCT.accessRights):
            if isinstance(statement, BNode) or (statement, RDF.type, DCT.RightsStatement) in self.g:
                for lang, text in self._read_texts(statement, RDFS.label, untagged).items():
                    rationale.setdefault(lang, text)
        if rationale:
            dataset_dict["exemption_rationale"] = rationale
            self._pop_extras(dataset_dict, "access_rights")

        for resource_dict in dataset_dict["resources"]:
            distribution = next(
                (d for d in self._distributions(dataset_ref) if str(d) == resource_dict.get("distribution_ref")), None
            )
            if distribution is not None:
                self._parse_distribution(resource_dict, distribution, untagged)
        return dataset_dict

    def _parse_spatial(self, dataset_dict, dataset_ref, untagged):
        provinces, labels = [], {}
        for place in self.g.objects(dataset_ref, DCT.spatial):
            code = province_code(place) if isinstance(place, URIRef) else None
            if code:
                if code not in provinces:
                    provinces.append(code)
                continue
            for literal in self.g.objects(place, SKOS.prefLabel):
                if isinstance(literal, Literal) and str(literal).strip():
                    lang = _stored_tag(literal.language) if literal.language else untagged
                    if lang:
                        labels.setdefault(lang, []).append(str(literal))
        if provinces:
            dataset_dict["province_territory"] = self._in_choice_order(self._schema_field("province_territory"), provinces)
        if labels:
            dataset_dict["spatial_coverage"] = {lang: "; ".join(texts) for lang, texts in labels.items()}
        # The EU profile's single-label reading of the same nodes (geometry stays in `spatial`).
        self._pop_extras(dataset_dict, "spatial_text", "spatial_uri")

    def _parse_publisher(self, dataset_dict, dataset_ref):
        types = {str(t) for p in self.g.objects(dataset_ref, DCT.publisher) for t in self.g.objects(p, DCT.type)}
        if ADMS_PUBLISHER_TYPE + "NationalAuthority" in types:
            dataset_dict["jurisdiction_level"] = "federal"
        elif ADMS_PUBLISHER_TYPE + "LocalAuthority" in types:
            dataset_dict["jurisdiction_level"] = "municipal"
        elif ADMS_PUBLISHER_TYPE + "RegionalAuthority" in types:
            provinces = set(dataset_dict.get("province_territory") or [])
            dataset_dict["jurisdiction_level"] = "territorial" if provinces and provinces <= TERRITORIES else "provincial"

    def _parse_dates(self, dataset_dict, dataset_ref):
        for key, predicate in (("date_published", DCT.issued), ("date_modified", DCT.modified)):
            date = self._date(self._object_value(dataset_ref, predicate))
            if date:
                dataset_dict[key] = date
        self._pop_extras(dataset_dict, "issued", "modified")
        for key in ("temporal_start", "temporal_end"):
            if dataset_dict.get(key):
                date = self._date(dataset_dict[key])
                if date:
                    dataset_dict[key] = date
                else:
                    dataset_dict.pop(key)

    def _parse_frequency(self, dataset_dict, dataset_ref):
        dataset_dict.pop("frequency", None)
        self._pop_extras(dataset_dict, "frequency")
        for node in self.g.objects(dataset_ref, DCT.accrualPeriodicity):
            text = str(node).strip()
            if isinstance(node, URIRef):
                value = FREQUENCIES_READ.get(text.rsplit("/", 1)[-1]) if text.startswith(FREQUENCY_AUTHORITY) else None
            else:
                value = text if (text in _FREQUENCY_KEYWORDS or _ISO_DURATION.match(text)) else None
            if value:
                dataset_dict["frequency"] = value
                return

    def _read_languages(self, subject):
        codes = []
        for node in self.g.objects(subject, DCT.language):
            code = language_code(node)
            if code and code not in codes:
                codes.append(code)
        return codes

    def _read_licence(self, dataset_ref):
        by_url = {}
        for licence in _licence_register().licenses:
            record = licence.license_dictize()
            for key in ("url", "url_fr"):
                if record.get(key):
                    by_url[record[key].rstrip("/")] = licence.id
        subjects = [dataset_ref, *self._distributions(dataset_ref)]
        for subject in subjects:
            for node in self.g.objects(subject, DCT.license):
                licence_id = by_url.get(str(node).rstrip("/"))
                if licence_id:
                    return licence_id
        return None

    def _parse_hvd(self, dataset_dict, dataset_ref):
        slugs = {uri: slug for slug, uri in HVD_CATEGORIES.items()}
        category = next(
            (slugs[str(node)] for node in self.g.objects(dataset_ref, DCATAP.hvdCategory) if str(node) in slugs), None
        )
        if category:
            dataset_dict["hvd_category"] = category
        else:
            dataset_dict.pop("hvd_category", None)
        self._pop_extras(dataset_dict, "hvd_category")

        standard = next(
            (sid for sid in (_standard_id(n) for n in self.g.objects(dataset_ref, DCT.conformsTo)) if sid), None
        )
        if standard:
            dataset_dict["hvd_standard"] = standard
            self._pop_extras(dataset_dict, "conforms_to")

    def _parse_distribution(self, resource_dict, distribution, untagged):
        for key, predicate in (("name", DCT.title), ("description", DCT.description)):
            texts = self._read_texts(distribution, predicate, untagged)
            if texts:
                resource_dict[f"{key}_translated"] = texts
                resource_dict[key] = values.text_in(texts, _default_lang(), _portal_languages(), _default_lang())
            else:
                resource_dict.pop(f"{key}_translated", None)
                if not resource_dict.get(key):
                    resource_dict.pop(key, None)  # the EU profile's "" for the padded default language

        codes = self._read_languages(distribution)
        if codes:
            resource_dict["language"] = self._in_choice_order(self._schema_resource_field("language"), codes)
        else:
            resource_dict.pop("language", None)

        standard = next((sid for sid in (_standard_id(n) for n in self.g.objects(distribution, DCT.conformsTo)) if sid), None)
        if standard:
            resource_dict["data_standard"] = standard
            resource_dict.pop("conforms_to", None)

        encoding = self._object_value(distribution, CNT.characterEncoding)
        if encoding:
            resource_dict["character_set"] = encoding

        for node in self.g.objects(distribution, DCT["format"]):
            text = str(node)
            if isinstance(node, URIRef) and text.startswith(FILE_TYPE_AUTHORITY):
                code = text[len(FILE_TYPE_AUTHORITY):]
                resource_dict["format"] = FILE_TYPES_READ.get(code, code)
                break
