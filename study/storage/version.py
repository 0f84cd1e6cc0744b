"""The schema version this study reads: a module of its own, so that ``study review`` can
check it with sqlite3 before SQLAlchemy loads (see :mod:`study.services.first_card`)."""

SCHEMA_VERSION = 10
