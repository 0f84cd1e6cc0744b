"""Storage: SQLModel tables, the engine with its migrations, and repository functions."""
