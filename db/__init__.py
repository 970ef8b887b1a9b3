"""Persistence: typed models, the session factory, repositories and Alembic migrations."""
