"""Storage: SQLModel tables, the engine with its migrations, and the queries and
writes, one concept a module."""
