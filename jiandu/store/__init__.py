"""The metadata store: the persistent part of the catalog (and later users, models, clues).

`db` makes engines and sessions, `schema` holds the ORM tables, `migrate` runs the
Alembic migrations shipped in `migrations/`, `pool_catalog` is the data-pool catalog API.
"""
