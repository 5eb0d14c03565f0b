"""Standard outputs: Akoma Ntoso, DOCX and PDF renderings of a report snapshot, the amendment
list in Akoma Ntoso and DOCX, and DOCX import. Pure functions from plain data to bytes (no
database, no HTTP): `snapshot.py` says what they are given."""
