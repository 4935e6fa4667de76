"""Alembic runs inside the Flask app: the engine and the models' metadata come from it."""
from alembic import context
from flask import current_app

database = current_app.extensions["migrate"].db
metadata = database.metadata


def run_offline() -> None:
    context.configure(url=database.engine.url.render_as_string(hide_password=False), target_metadata=metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    with database.engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata, render_as_batch=True,
                          compare_type=True)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
