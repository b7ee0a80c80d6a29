"""Alembic environment of the pancanadian_federation migrations (shared: lib/migration_env.py)."""
from ckanext.pancanadian.lib import migration_env

migration_env.run(__file__)
