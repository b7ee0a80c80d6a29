"""Platform modules: one per remote portal software, pure functions from remote records to the
pan-Canadian profile. The contract every module follows is in ``load()``'s docstring."""
import importlib

REQUIRED = ("NAME", "TITLE", "iter_records", "remote_id", "remote_modified", "to_package")


def load(name):
    """The platform module ``ckanext.pancanadian.federation.platforms.<name>``.

    A platform module is pure (no database, no network of its own) and defines:
    ``NAME`` (the harvester type is ``pancanadian_<NAME>``), ``TITLE`` ({"en", "fr"}),
    ``iter_records(fetch, source)`` yielding remote records page by page (a malformed or
    truncated page raises, an empty catalogue yields nothing), ``remote_id(record)``,
    ``remote_modified(record)`` (ISO 8601 or None) and ``to_package(record, source)`` returning
    raw profile fields (see federation/mapping.py for what happens next). A platform whose API
    can filter by modification date may also define ``iter_modified(fetch, source, since)``
    (records modified at or after the naive UTC datetime ``since``), used between complete
    listings. ``iter_records`` gets a ``fetch(url, params=None)`` returning parsed JSON, or the
    document's bytes when the module sets ``PAYLOAD = "bytes"`` (RDF catalogues)."""
    if not name.isidentifier():
        raise ValueError(f"not a platform name: {name!r}")
    module = importlib.import_module(f"{__name__}.{name}")
    lacking = [attribute for attribute in REQUIRED if not hasattr(module, attribute)]
    if lacking:
        raise ValueError(f"platform module {name} lacks {', '.join(lacking)}")
    return module
