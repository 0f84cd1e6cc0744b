"""The services: what the app does (study sessions, statistics, export and import,
maintenance, card generation), over the domain and the storage; never textual, and no
SQL of their own (every statement is in :mod:`study.storage`)."""
