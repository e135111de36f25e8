"""Alembic's environment for saksrobot's tables. Run through ``saksrobot db upgrade`` (which passes
the connection, inside its exclusive transaction), never with a URL of its own."""

from alembic import context

from saksrobot.database.schema import include_name, load_models

connection = context.config.attributes.get("connection")
if connection is None or context.is_offline_mode():
    raise RuntimeError("saksrobot's migrations run through `saksrobot db upgrade`")
context.configure(connection=connection, target_metadata=load_models(), render_as_batch=True,  # SQLite: batch mode
                  compare_type=True, include_name=include_name)
with context.begin_transaction():
    context.run_migrations()
