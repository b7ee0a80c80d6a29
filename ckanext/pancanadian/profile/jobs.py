"""CSV conformance checks as CKAN background jobs (RQ on Redis).

``maybe_enqueue(resource)`` is called after a resource is created or updated: a CSV resource of a
dataset following a standard (the resource's ``data_standard``, else the dataset's
``hvd_standard``) gets a job, unless its fingerprint (standard and version, url, last_modified,
size) matches the stored report. ``check_resource(resource_id)`` is the job: it reads the file
(an upload from CKAN's file storage, a URL through lib/safe_http to a temporary file), runs
``conformance.check`` and stores the report. It never raises: a file that cannot be fetched or
read is stored as a ``failed`` report carrying a bilingual fetch error.
"""
import contextlib
import logging
import os
import shutil
import tempfile

from sqlalchemy import event

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.pancanadian.lib import safe_http
from ckanext.pancanadian.lib.translation import N_, gettext_for
from ckanext.pancanadian.profile import conformance, reports, standards

log = logging.getLogger(__name__)

JOB_TIMEOUT = 3600

# Why a file could not be checked (safe_http reasons, plus storage and internal); msgids of the
# suite's catalogue, rendered in every language when the report is written.
FETCH_MESSAGES = {
    "invalid-url": N_("The resource URL is not an http or https address."),
    "forbidden-address": N_(
        "The resource URL points to a private or local network address, which the portal does not"
        " fetch."
    ),
    "dns": N_("The host name of the resource URL could not be found."),
    "connection": N_("The server of the resource URL could not be reached."),
    "timeout": N_("The server of the resource URL took too long to answer."),
    "too-large": N_("The file is larger than the portal checks ({detail})."),
    "http-status": N_("The server of the resource URL answered with HTTP status {status}."),
    "too-many-redirects": N_("The resource URL redirects too many times."),
    "rate-limited": N_(
        "The server of the resource URL refused to answer now (too many requests); the check can "
        "be run again later."
    ),
    "storage": N_("The uploaded file could not be read from the portal's file storage."),
    "internal": N_("The file could not be checked because of an internal error."),
}


class SourceError(Exception):
    def __init__(self, reason, detail="", status=None):
        super().__init__(reason)
        self.reason = reason
        self.detail = detail
        self.status = status


def _site_context():
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"ignore_auth": True, "user": site_user["name"]}


def standard_for(resource, package):
    """The Standard a resource follows, or None (unknown ids are ignored)."""
    standard_id = resource.get("data_standard") or package.get("hvd_standard")
    if not standard_id:
        return None
    try:
        return standards.get_standard(standard_id)
    except standards.UnknownStandard:
        return None


def is_csv(resource):
    return str(resource.get("format") or "").strip().upper() == "CSV"


def fingerprint(resource, standard):
    return "|".join([
        f"{standard.id}@{standard.version}", resource.get("url_type") or "url",
        resource.get("url") or "", str(resource.get("last_modified") or ""),
        str(resource.get("size") or ""),
    ])


def maybe_enqueue(resource_id, force=False):
    """Queue a check of a resource when it needs one; return the RQ job or None."""
    context = _site_context()
    try:
        resource = tk.get_action("resource_show")(dict(context), {"id": resource_id})
        package = tk.get_action("package_show")(dict(context), {"id": resource["package_id"]})
    except tk.ObjectNotFound:
        return None
    standard = standard_for(resource, package)
    if standard is None or not is_csv(resource):
        if reports.available() and reports.get(resource_id):
            reports.delete(resource_id)  # no longer follows a standard: an old verdict would mislead
        return None
    stored = reports.get(resource_id)
    # A pending check of the same file is not queued twice: resource_create also saves the
    # dataset, so both the resource and the dataset hooks see a new resource.
    if (not force and stored and stored["status"] in ("done", "failed", "pending")
            and stored["fingerprint"] == fingerprint(resource, standard)):
        return None
    reports.mark_pending(resource_id, package["id"], standard)
    try:
        return tk.enqueue_job(check_resource, [resource_id], title=f"conformance {resource_id}",
                              rq_kwargs={"timeout": JOB_TIMEOUT})
    except Exception:
        # Not queued (Redis down...): never leave a "pending" that no job will end.
        if stored:
            reports.upsert(stored)
        else:
            reports.delete(resource_id)
        raise


@contextlib.contextmanager
def local_copy(resource):
    """A path to a temporary copy of a resource's file (removed afterwards); SourceError."""
    handle = tempfile.NamedTemporaryFile(prefix="pancanadian-", suffix=".csv", delete=False)
    try:
        with handle:
            if resource.get("url_type") == "upload":
                _copy_upload(resource, handle)
            else:
                try:
                    safe_http.fetch_to_file(resource.get("url") or "", handle)
                except safe_http.FetchError as error:
                    raise SourceError(error.reason, error.detail, error.status) from None
        yield handle.name
    finally:
        with contextlib.suppress(OSError):
            os.unlink(handle.name)


def _copy_upload(resource, handle):
    from ckan.lib import files, uploader

    import file_keeper as fk

    upload = uploader.get_resource_uploader(resource)
    storage = getattr(upload, "storage", None)
    try:
        location = upload.get_path(resource["id"])
        if isinstance(storage, fk.Storage):
            data = files.FileData(files.Location(location), size=storage.size(files.Location(location)))
            for chunk in storage.stream(data):
                handle.write(chunk)
        else:
            with open(location, "rb") as source:
                shutil.copyfileobj(source, handle)
    except Exception as error:  # missing file, storage not configured, permissions...
        raise SourceError("storage", str(error)) from None


def failure_report(standard, reason, detail="", status=None):
    message = FETCH_MESSAGES.get(reason, FETCH_MESSAGES["internal"])
    params = {"detail": detail, "status": status or ""}
    message_en, message_fr = (gettext_for(lang)(message).format(**params) for lang in ("en", "fr"))
    error = {"row": None, "line": None, "column": None, "column_number": None, "code": "fetch-error",
             "message_en": message_en, "message_fr": message_fr}
    return {
        "standard_id": standard.id, "standard_version": standard.version, "valid": False,
        "row_count": 0, "error_count": 1, "errors": [error], "truncated": False,
        "summary": {"fetch-error": 1}, "warning_count": 0, "warnings": [],
        "fetch_error": {"reason": reason, "detail": detail, "status": status,
                        "message_en": message_en, "message_fr": message_fr},
    }


def check_resource(resource_id):
    """The job: fetch, check, store. Never raises."""
    try:
        context = _site_context()
        try:
            resource = tk.get_action("resource_show")(dict(context), {"id": resource_id})
            package = tk.get_action("package_show")(dict(context), {"id": resource["package_id"]})
        except tk.ObjectNotFound:
            reports.delete(resource_id)
            return None
        standard = standard_for(resource, package)
        if standard is None or not is_csv(resource):
            reports.delete(resource_id)
            return None
        status = "done"
        try:
            with local_copy(resource) as path:
                max_errors = tk.config.get("ckanext.pancanadian.conformance.max_errors") or 1000
                report = conformance.check(path, standard, max_errors=int(max_errors))
        except SourceError as error:
            log.info("conformance: resource %s not fetched: %s %s", resource_id, error.reason, error.detail)
            report, status = failure_report(standard, error.reason, error.detail, error.status), "failed"
        reports.upsert({
            "resource_id": resource_id, "package_id": package["id"], "standard_id": standard.id,
            "standard_version": standard.version, "status": status, "valid": bool(report["valid"]),
            "row_count": report["row_count"], "error_count": report["error_count"],
            "checked_at": reports.now(), "fingerprint": fingerprint(resource, standard), "report": report,
        })
        return status
    except Exception:  # a job must end with a stored verdict, never hang in "pending"
        log.exception("conformance: check of resource %s failed", resource_id)
        return _store_internal_failure(resource_id)


def _store_internal_failure(resource_id):
    try:
        model.Session.rollback()
        stored = reports.get(resource_id)
        if stored is None:
            return None
        standard = standards.get_standard(stored["standard_id"])
        report = failure_report(standard, "internal")
        reports.upsert({"resource_id": resource_id, "package_id": stored["package_id"],
                        "standard_id": standard.id, "standard_version": standard.version,
                        "status": "failed", "valid": False, "row_count": 0, "error_count": 1,
                        "checked_at": reports.now(), "fingerprint": None, "report": report})
        return "failed"
    except Exception:
        log.exception("conformance: could not store the failure of resource %s", resource_id)
        return None


# Datasets saved through package_create / package_update (resources inline, or a new standard)
# are checked once their transaction is committed: the hook itself may not commit, and the
# worker must see the saved rows. after_commit may not run SQL, so it only queues a job.
_SAVED_DATASETS = "pancanadian_conformance_datasets"


def queue_dataset_after_commit(package_id):
    model.Session.info.setdefault(_SAVED_DATASETS, set()).add(package_id)


@event.listens_for(model.meta.Session, "after_commit")
def _queue_saved_datasets(session):
    for package_id in session.info.pop(_SAVED_DATASETS, set()):
        try:
            tk.enqueue_job(check_dataset, [package_id], title=f"conformance of dataset {package_id}")
        except Exception:
            log.exception("conformance: could not queue the checks of dataset %s", package_id)


@event.listens_for(model.meta.Session, "after_rollback")
def _forget_saved_datasets(session):
    session.info.pop(_SAVED_DATASETS, None)


def check_dataset(package_id):
    """Background job: queue a check of every resource of a dataset that needs one."""
    package = model.Package.get(package_id)
    for resource in package.resources if package is not None else []:
        maybe_enqueue(resource.id)
