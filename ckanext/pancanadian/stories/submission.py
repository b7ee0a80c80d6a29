"""Public story submission without an account: the fields, the honeypot and the per-IP rate
limit (a counter in CKAN's Redis, keyed by a hash of the address so no address is stored)."""
import hashlib

import ckan.lib.redis as ckan_redis
import ckan.plugins.toolkit as tk

# A field hidden from people (off-screen, out of the tab order); robots fill it in.
HONEYPOT_FIELD = "website"
FIELDS = ("submitter_name", "submitter_email", "title", "story", "datasets", "language")
MAX_LENGTHS = {"submitter_name": 200, "submitter_email": 254, "title": 300, "story": 20000}
SUMMARY_LENGTH = 280


def is_spam(data_dict):
    return bool(str(data_dict.get(HONEYPOT_FIELD) or "").strip())


def client_address():
    """The requesting client's address, or None outside a web request (CLI, jobs).

    Behind ``trusted_proxy_hops`` reverse proxies, each appending the address it received from
    to X-Forwarded-For, the client is the hops-th address from the right; the entries left of it
    come from the client itself and are never trusted (CKAN trusts the header blindly)."""
    try:
        remote = tk.request.remote_addr
        forwarded = tk.request.headers.get("X-Forwarded-For", "")
    except RuntimeError:
        return None
    hops = tk.config.get("ckanext.pancanadian.stories.trusted_proxy_hops")
    chain = [address.strip() for address in forwarded.split(",") if address.strip()]
    if hops and len(chain) >= hops:
        return chain[-hops]
    return remote


def _counter_key(address):
    digest = hashlib.sha256(address.encode("utf-8")).hexdigest()
    return f"{tk.config.get('ckan.site_id')}:pancanadian:stories:submissions:{digest}"


def count_attempt(address):
    """Count one submission from ``address`` in the current window; True when over the limit."""
    limit = tk.config.get("ckanext.pancanadian.stories.submission_limit")
    window = tk.config.get("ckanext.pancanadian.stories.submission_window")
    key = _counter_key(address)
    pipeline = ckan_redis.connect_to_redis().pipeline()
    pipeline.incr(key)
    pipeline.expire(key, window, nx=True)
    attempts, _expiry_set = pipeline.execute()
    return attempts > limit


def summary_of(text):
    """The first words of a story, for lists (the moderator may rewrite it)."""
    flat = " ".join(str(text).split())
    if len(flat) <= SUMMARY_LENGTH:
        return flat
    return flat[:SUMMARY_LENGTH].rsplit(" ", 1)[0] + "…"


def field_errors(data_dict, languages):
    """Field-level errors of a public submission, in the reader's language."""
    errors = {}
    for name in ("submitter_name", "submitter_email", "title", "story"):
        value = str(data_dict.get(name) or "").strip()
        if not value:
            errors[name] = [tk._("Missing value")]
        elif len(value) > MAX_LENGTHS[name]:
            errors[name] = [tk._("Must be {max} characters or fewer").format(max=MAX_LENGTHS[name])]
    email = str(data_dict.get("submitter_email") or "").strip()
    if "submitter_email" not in errors:
        try:
            tk.get_validator("email_validator")(email, {})
        except tk.Invalid:
            errors["submitter_email"] = [tk._("Enter a valid email address, like name@example.org")]
    if data_dict.get("language") and data_dict["language"] not in languages:
        errors["language"] = [tk._("Choose English or French")]
    return errors
