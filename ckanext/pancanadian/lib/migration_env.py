"""The Alembic environment every pancanadian plugin's migrations share (each plugin's env.py
calls ``run(__file__)``): the plugin's own version table, and only tables whose names start
with ``pancanadian_`` are compared with the model."""
import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import engine_from_config, pool

from ckan.model.meta import metadata


def _include_object(obj, name, type_, reflected, compare_to):
    return name.startswith("pancanadian_") if type_ == "table" else True


def run(env_file):
    """Run the migrations of the plugin whose migration folder holds ``env_file``."""
    config = context.config
    if config.config_file_name:
        fileConfig(config.config_file_name)
    options = {
        "target_metadata": metadata,
        "version_table": f"{os.path.basename(os.path.dirname(env_file))}_alembic_version",
        "include_object": _include_object,
    }
    if context.is_offline_mode():
        context.configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True, **options)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = engine_from_config(config.get_section(config.config_ini_section), prefix="sqlalchemy.",
                                poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, **options)
        with context.begin_transaction():
            context.run_migrations()
