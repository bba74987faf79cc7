"""Alembic migrations of the metadata store; run them with `jiandu.store.migrate`."""
