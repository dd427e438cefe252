"""Persistence: SQLAlchemy models, engine and sessions, migrations at start-up, backups."""
