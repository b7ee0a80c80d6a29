"""What every benchmark shares: progress lines on stderr and the service URLs of the stack."""
import os
import sys


def log(message):
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def service_env():
    """The service URLs bin/stack test exports, from the same port variables; returns Solr's
    base URL."""
    pg, redis, solr = (os.environ.get(k, d) for k, d in
                       (("PG_PORT", "5433"), ("REDIS_PORT", "6380"), ("SOLR_PORT", "8983")))
    os.environ.setdefault("CKAN_SQLALCHEMY_URL", f"postgresql://ckan_default:pass@127.0.0.1:{pg}/ckan_test")
    os.environ.setdefault("CKAN_SOLR_URL", f"http://127.0.0.1:{solr}/solr/ckan_test")
    os.environ.setdefault("CKAN_REDIS_URL", f"redis://127.0.0.1:{redis}/1")
    return os.environ["CKAN_SOLR_URL"].rstrip("/").rsplit("/", 1)[0]
