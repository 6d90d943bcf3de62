"""The content store: SQLAlchemy models, Alembic migrations and the query functions."""
