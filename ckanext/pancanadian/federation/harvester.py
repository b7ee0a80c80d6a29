"""The federation harvester: one ckanext-harvest harvester per platform module.

gather  streams the remote catalogue page by page (platforms/<name>.iter_records, or
        iter_modified between complete listings, see source_config) through safe_http,
        hashes each record, skips unchanged ones (records table), stores a harvest
        object per new or changed record and, after a COMPLETE listing and the max-delete guard,
        one per withdrawn record. Objects are grouped in pages (config option
        ckanext.pancanadian.federation.page_size); only the first of each page (its leader) is
        queued, so a fetch consumer takes a whole page and several
        consumers share a job page by page. Gather never raises: a failed listing is a gather
        error, the records already listed are still imported, and nothing is withdrawn.
fetch   nothing to do: the record was stored at gather.
import  the leader imports its page: each record is mapped (platform to_package, then
        mapping.finalize) and saved with package_create / package_update, i.e. through the
        profile's validators, all in one transaction, then the page is indexed with a single
        Solr commit (instead of one commit per dataset). If a record fails, the page is redone
        one record per transaction, so the failure is an object error of that record only.
"""
import datetime
import json
import logging
import urllib.parse
import uuid

import ckan.model as model
import ckan.plugins as p
from ckan import logic
from ckan.lib import search
import ckan.plugins.toolkit as tk
from ckanext.harvest.interfaces import IHarvester
from ckanext.harvest.model import HarvestGatherError, HarvestObject, HarvestObjectError, HarvestObjectExtra

from ckanext.pancanadian.federation import mapping, platforms, records, source_config
from ckanext.pancanadian.lib import safe_http
from ckanext.pancanadian.lib.deferred_update import defer_package_update
from ckanext.pancanadian.lib.plugin_mixins import PancanadianPluginMixin

log = logging.getLogger(__name__)

STATUS_KEY = "pancanadian_status"
HASH_KEY = "pancanadian_content_hash"
MODIFIED_KEY = "pancanadian_remote_modified"
BATCH_KEY = "pancanadian_batch"
# A modified-since listing starts this long before the previous one did: records changed while
# it ran, and clocks of the two portals that disagree a little, are listed again (and skipped
# by their hash when unchanged).
LISTING_OVERLAP = datetime.timedelta(minutes=10)
DELETE = "delete"


def _fetch(url, params, accept):
    if params:
        url = url + ("&" if "?" in url else "?") + urllib.parse.urlencode(params)
    return safe_http.fetch_bytes(url, headers={"Accept": accept})


def fetch_json(url, params=None):
    """Parsed JSON of ``url`` (with ``params``) through safe_http: FetchError on network or HTTP
    failure, ValueError on a body that is not JSON."""
    return json.loads(_fetch(url, params, "application/json").decode("utf-8"))


def fetch_document(url, params=None):
    """The body of ``url`` as bytes through safe_http (RDF catalogues: their parser decodes)."""
    return _fetch(url, params, "application/rdf+xml, text/turtle;q=0.9, application/ld+json;q=0.8, */*;q=0.1")


FETCHERS = {"json": fetch_json, "bytes": fetch_document}


def _site_user():
    return tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]


class FederationHarvester(PancanadianPluginMixin, p.SingletonPlugin):
    """Base class; a subclass names its platform module in ``PLATFORM``."""

    p.implements(p.ITranslation)
    p.implements(p.IConfigDeclaration)
    p.implements(p.IClick)
    p.implements(IHarvester)

    PLATFORM = None

    @property
    def platform(self):
        return platforms.load(self.PLATFORM)

    # ------------------------------------------------------------------ IHarvester
    def info(self):
        title = self.platform.TITLE
        return {
            "name": f"pancanadian_{self.PLATFORM}",
            "title": tk._("{platform} (pan-Canadian federation)").format(platform=title.get("en")),
            "description": tk._("Harvests a {platform} portal into the bilingual pan-Canadian profile.").format(
                platform=title.get("en")),
        }

    def validate_config(self, config):
        try:
            parsed = source_config.parse(config)
        except source_config.ConfigError as invalid:
            raise ValueError(str(invalid)) from None
        return json.dumps(parsed, ensure_ascii=False)

    def get_original_url(self, harvest_object_id):
        obj = HarvestObject.get(harvest_object_id)
        if obj is None or not obj.package_id:
            return None
        package = model.Package.get(obj.package_id)
        return (package.extras or {}).get("source_url") if package is not None else None

    def gather_stage(self, harvest_job):
        try:
            return self._gather(harvest_job)
        except Exception as error:  # a job must end: any fault becomes a gather error
            model.Session.rollback()
            log.exception("federation gather of job %s failed", harvest_job.id)
            HarvestGatherError.create(tk._("Harvest stopped: {error}").format(error=error), harvest_job)
            return self._job_object_ids(harvest_job)

    def fetch_stage(self, harvest_object):
        return True

    def import_stage(self, harvest_object):
        """Imports the page ``harvest_object`` leads (see gather): ckanext-harvest queues one
        object per page, so each fetch consumer takes whole pages."""
        batch = self._batch(harvest_object)
        try:
            outcomes = self._import_batch(batch)
        except Exception as error:  # a job must end: every object of the page gets its outcome
            model.Session.rollback()
            log.exception("federation import of the page of object %s failed", harvest_object.id)
            batch = [model.Session.merge(obj) for obj in batch]
            harvest_object = batch[0]
            outcomes = {}
            for obj in batch:
                self._object_error(obj, tk._("Import failed: {error}").format(error=error))
                outcomes[obj.id] = False
        self._close_siblings(harvest_object, batch, outcomes)
        return outcomes[harvest_object.id]

    # ------------------------------------------------------------------ gather
    @staticmethod
    def _job_object_ids(harvest_job):
        """The page leaders the job stored before a fault (its other objects follow them)."""
        return [row[0] for row in model.Session.query(HarvestObjectExtra.harvest_object_id).join(HarvestObject).filter(
            HarvestObject.harvest_job_id == harvest_job.id, HarvestObjectExtra.key == BATCH_KEY,
            HarvestObjectExtra.value == HarvestObjectExtra.harvest_object_id)]

    def _gather(self, job):
        harvest_source = job.source
        try:
            source = source_config.source_dict(harvest_source, self.PLATFORM)
        except source_config.ConfigError as invalid:
            HarvestGatherError.create(tk._("Invalid source configuration: {errors}").format(errors=invalid), job)
            return []
        config = source_config.parse(harvest_source.config)
        platform = self.platform
        page_size = tk.config.get("ckanext.pancanadian.federation.page_size")
        started = datetime.datetime.utcnow()
        fingerprint = mapping.source_fingerprint(source)
        since = self._modified_since(job.source_id, config, fingerprint)
        fetch = FETCHERS[getattr(platform, "PAYLOAD", "json")]
        listing = platform.iter_records(fetch, source) if since is None else \
            platform.iter_modified(fetch, source, since)
        object_ids = []
        batch = []
        listed = 0
        failure = None
        try:
            for record in listing:
                batch.append(record)
                if len(batch) >= page_size:
                    listed += self._gather_batch(job, fingerprint, platform, batch, object_ids)
                    batch = []
        except safe_http.FetchError as error:
            failure = tk._("The source could not be read ({reason}): {url}.").format(reason=error.reason, url=error.url)
        except (ValueError, KeyError, TypeError) as error:
            failure = tk._("The source answered with a malformed page ({error}).").format(error=error)
        # Records of the pages read before a failure are real: they are imported all the same.
        listed += self._gather_batch(job, fingerprint, platform, batch, object_ids)
        if failure:
            HarvestGatherError.create(
                failure + " " + tk._("Records listed before the failure are imported; nothing is withdrawn."), job)
        else:
            if since is None:  # only a complete listing tells what the source no longer holds
                object_ids.extend(self._gather_withdrawals(job, config, page_size))
            records.save_listing(job.source_id, job.id, started, complete=since is None,
                                 source_fingerprint=fingerprint)
            model.Session.commit()
        log.info("federation gather of job %s: %d listed, %d pages queued", job.id, listed, len(object_ids))
        return object_ids

    def _modified_since(self, source_id, config, fingerprint):
        """None when this run lists the whole catalogue; else the date from which it lists the
        modified records only: the platform can, a complete listing is recent enough and the
        source's settings (hence every dataset made from them) did not change since."""
        if not hasattr(self.platform, "iter_modified"):
            return None
        complete = records.last_listing(source_id, complete_only=True)
        latest = records.last_listing(source_id)
        if complete is None or latest["source_fingerprint"] != fingerprint or \
                datetime.datetime.utcnow() - complete["started"] >= datetime.timedelta(
                    days=config["complete_listing_days"]):
            return None
        return latest["started"] - LISTING_OVERLAP

    def _gather_batch(self, job, fingerprint, platform, batch, object_ids):
        """Store objects for the new and changed records of one page; returns how many distinct
        records the page listed."""
        if not batch:
            return 0
        by_id = {}
        for record in batch:
            by_id[platform.remote_id(record)] = record  # a record listed twice counts once
        known = records.lookup(job.source_id, by_id)
        listed = 0
        created = []
        for remote_id, record in by_id.items():
            row = known.get(remote_id)
            if row is not None and row["last_seen_job_id"] == job.id:
                continue  # already listed on an earlier page of this run
            listed += 1
            digest = mapping.content_hash(record, fingerprint)
            if row is not None and row["state"] == "active" and row["content_hash"] == digest:
                continue
            obj = HarvestObject(id=str(uuid.uuid4()), guid=remote_id, job=job, source=job.source,
                                content=json.dumps(record, ensure_ascii=False))
            obj.extras = [HarvestObjectExtra(key=HASH_KEY, value=digest),
                          HarvestObjectExtra(key=MODIFIED_KEY, value=platform.remote_modified(record) or "")]
            model.Session.add(obj)
            created.append(obj)
        object_ids.extend(self._lead(created))
        records.mark_seen(job.source_id, list(by_id), job.id)
        model.Session.commit()
        for obj in created:  # keep the session (and memory) flat across pages
            model.Session.expunge(obj)
        return listed

    def _gather_withdrawals(self, job, config, page_size):
        """Delete objects for the active records this complete listing no longer holds, unless
        they are more than the source's max-delete fraction."""
        active = records.count_active(job.source_id)
        unseen = records.count_unseen_active(job.source_id, job.id)
        if not unseen:
            return []
        fraction = config["max_delete_fraction"]
        if unseen > fraction * active:
            HarvestGatherError.create(
                tk._("Withdrawal stopped: this run would withdraw {count} of {total} datasets, more than "
                     "the source's limit of {percent} %. Check the source; if the withdrawals are real, "
                     "raise max_delete_fraction in the source configuration.").format(
                    count=unseen, total=active, percent=round(fraction * 100, 1)), job)
            return []
        object_ids, page = [], []
        for remote_id in list(records.unseen_active(job.source_id, job.id)):
            obj = HarvestObject(id=str(uuid.uuid4()), guid=remote_id, job=job, source=job.source)
            obj.extras = [HarvestObjectExtra(key=STATUS_KEY, value=DELETE)]
            model.Session.add(obj)
            page.append(obj)
            if len(page) >= page_size:
                object_ids.extend(self._lead(page))
                page = []
        object_ids.extend(self._lead(page))
        model.Session.commit()
        return object_ids

    @staticmethod
    def _lead(page):
        """Tag the objects of a page with its first one, the only one queued: [its id], or []."""
        if not page:
            return []
        leader = page[0]
        for obj in page:
            obj.extras.append(HarvestObjectExtra(key=BATCH_KEY, value=leader.id))
        return [leader.id]

    # ------------------------------------------------------------------ import
    @staticmethod
    def _extra(harvest_object, key):
        return next((extra.value for extra in harvest_object.extras if extra.key == key), None)

    @staticmethod
    def _object_error(harvest_object, message):
        # Added to the session, not committed: it lands with the rest of the object's outcome.
        model.Session.add(HarvestObjectError(message=message, object=harvest_object, stage="Import"))

    @staticmethod
    def _context(source):
        context = {"user": _site_user(), "ignore_auth": True}
        if source["language"] in ("en", "fr"):
            # A monolingual source publishes its language only; the other stays empty.
            context["pancanadian_required_languages"] = [source["language"]]
        return context

    def _make_current(self, harvest_object, package_id):
        model.Session.query(HarvestObject).filter(
            HarvestObject.harvest_source_id == harvest_object.harvest_source_id,
            HarvestObject.guid == harvest_object.guid,
            HarvestObject.id != harvest_object.id,
        ).update({"current": False}, synchronize_session=False)
        harvest_object.package_id = package_id
        harvest_object.current = True
        model.Session.add(harvest_object)

    @staticmethod
    def _batch(leader):
        """The leader and the objects of its page still waiting (a page re-delivered after a
        crash resumes where it stopped)."""
        member_ids = model.Session.query(HarvestObjectExtra.harvest_object_id).filter(
            HarvestObjectExtra.key == BATCH_KEY, HarvestObjectExtra.value == leader.id)
        siblings = model.Session.query(HarvestObject).filter(
            HarvestObject.id.in_(member_ids.scalar_subquery()), HarvestObject.id != leader.id,
            HarvestObject.state == "WAITING").order_by(HarvestObject.guid).all()
        return [leader] + siblings

    def _import_batch(self, batch):
        """{object id: outcome} of a page: in one transaction with one search commit; if a
        record fails in it, the page is redone one record per transaction, so that record
        alone is an object error."""
        if self._extra(batch[0], STATUS_KEY) == DELETE:
            return {obj.id: self._withdraw(obj, records.get(obj.harvest_source_id, obj.guid)) for obj in batch}
        try:
            return self._import_together(batch)
        except _RecordFailed:
            model.Session.rollback()
        outcomes = {}
        for obj in batch:
            outcomes.update(self._import_together([obj]))
        return outcomes

    def _import_together(self, batch):
        source = source_config.source_dict(batch[0].source, self.PLATFORM)
        source_dataset = model.Package.get(batch[0].harvest_source_id)
        owner_org = source_dataset.owner_org if source_dataset is not None else None
        known_licences = set(model.Package.get_license_register().keys())
        rows = records.lookup(batch[0].harvest_source_id, [obj.guid for obj in batch])
        context = self._context(source)
        outcomes, written = {}, []
        for obj in batch:
            if not owner_org:
                self._object_error(obj, tk._("The harvest source has no organization to publish under."))
                outcomes[obj.id] = False
                continue
            try:
                outcome, package_id = self._write(obj, rows.get(obj.guid), source, owner_org, known_licences,
                                                  dict(context))
            except Exception as error:
                if len(batch) > 1:
                    raise _RecordFailed() from error
                # The action rolled back already on a validation error; any other fault likewise.
                model.Session.rollback()
                self._object_error(obj, self._failure_message(error))
                outcomes[obj.id] = False
                model.Session.commit()
                return outcomes
            outcomes[obj.id] = outcome
            if package_id:
                written.append(package_id)
        for package_id in written:
            logic.index_update_package({"ignore_auth": True}, package_id, defer_commit=True)
        model.Session.commit()
        if written:
            search.commit()
        return outcomes

    @staticmethod
    def _failure_message(error):
        if isinstance(error, tk.ValidationError):
            log.info("federation record refused by the profile: %s", error.error_dict)
            return tk._("Refused by the profile: {errors}").format(
                errors=json.dumps(error.error_dict, ensure_ascii=False, default=str))
        log.error("federation import failed", exc_info=error)
        return tk._("Import failed: {error}").format(error=error)

    def _write(self, harvest_object, row, source, owner_org, known_licences, context):
        """Everything one record changes, short of the commit: (outcome, id of the dataset
        to index or None). A profile refusal raises ValidationError."""
        source_id, remote_id = harvest_object.harvest_source_id, harvest_object.guid
        digest = self._extra(harvest_object, HASH_KEY)
        modified = self._extra(harvest_object, MODIFIED_KEY) or None
        try:
            raw = self.platform.to_package(json.loads(harvest_object.content), source)
            package = mapping.finalize(raw, source, owner_org=owner_org, known_licences=known_licences)
        except mapping.MappingError as refused:
            self._object_error(harvest_object, str(refused))
            return False, None

        package_id = row["package_id"] if row and row["package_id"] else None
        if package_id is None:
            primary = records.primary_elsewhere(source_id, remote_id)
            if primary is not None:
                # The same remote record through a second source: link it, never duplicate it.
                records.save(source_id, remote_id, package_id=primary["package_id"], content_hash=digest,
                             remote_modified=modified, state="active", linked=True)
                self._make_current(harvest_object, primary["package_id"])
                return "unchanged", None
            existing = model.Package.get(package["name"])
            package_id = existing.id if existing is not None else None
        if row and row["linked"]:
            records.save(source_id, remote_id, content_hash=digest, remote_modified=modified, state="active")
            return "unchanged", None

        # Deferred: the page is indexed and committed once, after its last record.
        if package_id:
            defer_package_update(context, package_id)
            saved_id = tk.get_action("package_update")(context, dict(package, id=package_id, state="active"))
        else:
            context.update(defer_commit=True, return_id_only=True)
            saved_id = tk.get_action("package_create")(context, package)
        records.save(source_id, remote_id, package_id=saved_id, content_hash=digest,
                     remote_modified=modified, state="active", linked=False)
        self._make_current(harvest_object, saved_id)
        return True, saved_id

    @staticmethod
    def _close_siblings(leader, batch, outcomes):
        """Give the page's other objects the state and report status ckanext-harvest gives the
        objects it runs itself (the leader's are set by ckanext-harvest from our return)."""
        now = datetime.datetime.utcnow()
        for obj in batch:
            if obj is leader:
                continue
            outcome = outcomes.get(obj.id, False)
            obj.fetch_started = obj.fetch_finished = obj.import_started = obj.import_finished = now
            obj.state = "COMPLETE" if outcome else "ERROR"
            if not outcome:
                obj.report_status = "errored"
            elif outcome == "unchanged":
                obj.report_status = "not modified"
            elif obj.current is False:
                obj.report_status = "deleted"
            else:
                earlier = model.Session.query(HarvestObject.id).filter(
                    HarvestObject.package_id == obj.package_id, HarvestObject.id != obj.id).first()
                obj.report_status = "updated" if earlier else "added"
            model.Session.add(obj)
        model.Session.commit()

    def _withdraw(self, harvest_object, row):
        """Withdrawn at the source: the dataset is deleted (state=deleted keeps its history)."""
        source_id, remote_id = harvest_object.harvest_source_id, harvest_object.guid
        if row is not None and row["package_id"] and not row["linked"]:
            tk.get_action("package_delete")({"user": _site_user(), "ignore_auth": True}, {"id": row["package_id"]})
        records.save(source_id, remote_id, state="deleted")
        model.Session.query(HarvestObject).filter(
            HarvestObject.harvest_source_id == source_id, HarvestObject.guid == remote_id,
        ).update({"current": False}, synchronize_session=False)
        if row is not None and row["package_id"]:
            harvest_object.package_id = row["package_id"]
        harvest_object.current = False
        model.Session.add(harvest_object)
        model.Session.commit()
        return True


class _RecordFailed(Exception):
    """A record of a page failed inside the page's shared transaction."""


class CKANHarvester(FederationHarvester):
    """pancanadian_ckan: CKAN portals (open.canada.ca-style bilingual or monolingual)."""

    PLATFORM = "ckan"


class DcatUsHarvester(FederationHarvester):
    """pancanadian_dcat_us: ArcGIS Hub DCAT-US 1.1 feeds and data.json catalogues."""

    PLATFORM = "dcat_us"


class SocrataHarvester(FederationHarvester):
    """pancanadian_socrata: Socrata portals through the Discovery API."""

    PLATFORM = "socrata"


class OdsHarvester(FederationHarvester):
    """pancanadian_ods: OpenDataSoft portals through the Explore API v2.1 catalogue."""

    PLATFORM = "ods"


class DcatApHarvester(FederationHarvester):
    """pancanadian_dcat_ap: DCAT-AP RDF catalogues, read by ckanext-dcat's parser with our profile."""

    PLATFORM = "dcat_ap"
