# Production image: CKAN 2.12 + ckanext-pancanadian and its pinned extensions.
FROM python:3.11-slim-bookworm

ENV CKAN_INI=/srv/app/ckan.ini \
    CKAN_STORAGE_PATH=/var/lib/ckan \
    PIP_NO_CACHE_DIR=1 \
    PYTHONUNBUFFERED=1

RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libpq-dev libmagic1 postgresql-client gettext curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home /srv/app --create-home ckan \
 && mkdir -p /var/lib/ckan && chown ckan /var/lib/ckan

WORKDIR /srv/src
COPY requirements.txt docker/requirements-production.txt ./
RUN pip install -r requirements.txt -r requirements-production.txt
COPY . .
RUN pip install --no-deps . \
 && cp docker/wsgi.py docker/entrypoint.sh /srv/app/ \
 && ckan generate config "$CKAN_INI" && chown ckan "$CKAN_INI"

USER ckan
WORKDIR /srv/app
EXPOSE 5000
ENTRYPOINT ["/srv/app/entrypoint.sh"]
CMD ["gunicorn", "--bind", "0.0.0.0:5000", "--workers", "4", "--timeout", "60", "wsgi:application"]
