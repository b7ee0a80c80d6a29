"""Language-aware search: per-language Solr fields at index time, language-boosted queries.

CKAN's stock schema analyses all text in English only; the fields added to solr/schema.xml
(title_en/fr, text_en/fr, title_sort_en/fr, <tags field>_en/fr) get each fluent value in its
own language's analysis.
"""
import json
import unicodedata

import ckan.plugins.toolkit as tk

from ckanext.pancanadian.bilingual import values
from ckanext.pancanadian.lib import languages

# Languages with analysed fields in solr/schema.xml.
SOLR_LANGUAGES = ("en", "fr")
FLUENT_VALIDATORS = {"fluent_text", "fluent_tags"}


def fluent_fields(fields):
    """Names of the schema fields stored as fluent values, and which of them are tag lists."""
    text, tags = [], []
    for field in fields or []:
        names = set(str(field.get("validators", "")).split())
        if "fluent_tags" in names:
            tags.append(field["field_name"])
        elif names & FLUENT_VALIDATORS:
            text.append(field["field_name"])
    return text, tags


def _by_language(value):
    """``{solr_lang: [texts]}`` of one fluent value; machine translations count for their
    target language."""
    out = {}
    for tag, text in values.as_dict(value).items():
        lang = languages.primary(languages.normalize_tag(tag) or "")
        if lang in SOLR_LANGUAGES and text:
            out.setdefault(lang, []).extend(text if isinstance(text, list) else [text])
    return out


def sort_key(text):
    """Accent- and case-insensitive sort key: 'Élections' sorts with 'elections'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def index_fields(pkg_dict, schema):
    """Add per-language fields to a Solr document and drop the raw fluent JSON strings."""
    validated = json.loads(pkg_dict.get("validated_data_dict") or "{}")
    text_fields, tag_fields = fluent_fields(schema.get("dataset_fields"))
    res_text, res_tags = fluent_fields(schema.get("resource_fields"))
    per_lang = {lang: [] for lang in SOLR_LANGUAGES}

    for name in text_fields + tag_fields:
        for lang, texts in _by_language(validated.get(name)).items():
            per_lang[lang].extend(texts)
            if name in tag_fields:
                pkg_dict[f"{name}_{lang}"] = texts
        pkg_dict.pop(name, None)
        pkg_dict.pop(f"extras_{name}", None)
    for resource in validated.get("resources") or []:
        for name in res_text + res_tags:
            for lang, texts in _by_language(resource.get(name)).items():
                per_lang[lang].extend(texts)
        for name in res_text + res_tags:
            pkg_dict.pop(f"res_extras_{name}", None)

    title_value = validated.get("title_translated") if "title_translated" in text_fields else None
    titles = _by_language(title_value)
    for lang in SOLR_LANGUAGES:
        if per_lang[lang]:
            pkg_dict[f"text_{lang}"] = per_lang[lang]
        if lang in titles:
            pkg_dict[f"title_{lang}"] = titles[lang][0]
        # Sorting in a language the title lacks uses the fallback language's title.
        sort_title = values.text_in(title_value or pkg_dict.get("title") or "", lang, list(SOLR_LANGUAGES))
        if sort_title:
            pkg_dict[f"title_sort_{lang}"] = sort_key(sort_title)
    return pkg_dict


def query_fields(reader_lang):
    """Solr qf for a reader: both languages searched, the reader's boosted."""
    ui = reader_lang if reader_lang in SOLR_LANGUAGES else SOLR_LANGUAGES[0]
    other = [lang for lang in SOLR_LANGUAGES if lang != ui][0]
    return f"title_{ui}^8 title_{other}^4 name^4 text_{ui}^3 text_{other}^2 tags^2 groups^2 text"


def is_free_text(query):
    """A plain user query, not a Solr field query or match-all."""
    return bool(query and query.strip()) and ":" not in query


# CKAN sends q.op=AND, which makes every word mandatory in edismax (mm is then ignored) and
# fails queries whose words sit in different fields or languages. Local parameters are the
# only way to set q.op for the user query alone (facet filters keep AND); they need
# "edismax" in ckan.search.solr_allowed_query_parsers (plugin.update_config adds it).
EDISMAX_LOCAL_PARAMS = "{!edismax q.op=OR sow=true mm.autoRelax=true}"


def search_params(params, reader_lang):
    """Rewrite package_search params for the reader's language."""
    ui = languages.primary(reader_lang or "") if reader_lang else SOLR_LANGUAGES[0]
    ui = ui if ui in SOLR_LANGUAGES else SOLR_LANGUAGES[0]
    query = params.get("q")
    if is_free_text(query) and params.get("defType", "dismax") in ("dismax", "edismax"):
        # Braces would end or open local parameters: user text never carries any.
        text = query.replace("{", " ").replace("}", " ").strip()
        if text:
            params["q"] = EDISMAX_LOCAL_PARAMS + text
            params["defType"] = "lucene"
            params["qf"] = query_fields(ui)
            params.setdefault("tie", "0.1")
    sort = params.get("sort")
    if sort and "title_string" in sort:
        params["sort"] = sort.replace("title_string", f"title_sort_{ui}")
    return params


def keyword_facets(facets_dict, reader_lang):
    """Core tags are unused by bilingual schemas: facet on the reader's keywords instead."""
    ui = languages.primary(reader_lang or "") if reader_lang else SOLR_LANGUAGES[0]
    ui = ui if ui in SOLR_LANGUAGES else SOLR_LANGUAGES[0]
    facets = {}
    for key, label in facets_dict.items():
        if key == "tags":
            facets[f"keywords_{ui}"] = tk._("Keywords")
        else:
            facets[key] = label
    return facets
