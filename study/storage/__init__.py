"""Storage, the one data layer: SQLModel tables, the engine with its migrations, and
every statement the app runs on its database, one concept a module (the services hold
no SQL)."""
