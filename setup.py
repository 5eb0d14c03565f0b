"""The package is configured in pyproject.toml; this file only adds the migrations.

The Alembic migrations live at the top of the checkout (`migrations/`), but an installed copy
must find them without the checkout: building the package copies them into it as
`app/migrations/`, where `app.config.MIGRATIONS_DIR` looks first. An editable install reads
the checkout's `migrations/` instead, so nothing is copied for it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SHIPPED = ("*.py", "*.mako")


class BuildWithMigrations(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        if not (MIGRATIONS / "env.py").is_file():
            raise SystemExit(f"no migrations at {MIGRATIONS}: the package would be unusable")
        target = Path(self.build_lib) / "app" / "migrations"
        for pattern in SHIPPED:
            for source in MIGRATIONS.rglob(pattern):
                copy = target / source.relative_to(MIGRATIONS)
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, copy)


setup(cmdclass={"build_py": BuildWithMigrations})
