"""The pinned revision pairs the corpus is built from.

Every document is a prose file shipped in the source distribution (sdist) of a package on PyPI.
Both releases are pinned by version and by the SHA-256 of the sdist, so a rebuild yields the
same bytes. Pairs were picked so that the old text is 20-200 KB and the revision splits into
10-50 independent changes (see `changes.py`), with a spread of sizes and kinds of edits.
"""

from __future__ import annotations

from dataclasses import dataclass

DJANGO_LICENCE = "BSD-3-Clause (Django Software Foundation; the docs ship under Django's LICENSE)"
SPHINX_LICENCE = "BSD-2-Clause (the Sphinx developers; the docs ship under Sphinx's LICENSE.rst)"


@dataclass(frozen=True)
class Release:
    version: str
    sha256: str


@dataclass(frozen=True)
class DocumentPair:
    name: str
    package: str  # PyPI project name
    path: str  # path inside the sdist, below its top-level directory
    old: Release
    new: Release
    licence: str
    licence_path: str  # the licence file inside the sdist, copied next to the corpus
    kind: str  # what kind of prose and edits, for readers of the manifest


DJANGO_4_2 = Release("4.2", "c36e2ab12824e2ac36afa8b2515a70c53c7742f0d6eaefa7311ec379558db997")
DJANGO_4_2_10 = Release(
    "4.2.10", "b1260ed381b10a11753c73444408e19869f3241fc45c985cd55a30177c789d13"
)
DJANGO_5_0 = Release("5.0", "7d29e14dfbc19cb6a95a4bd669edbde11f5d4c6a71fdaa42c2d40b6846e807f7")
DJANGO_5_1 = Release("5.1", "848a5980e8efb76eea70872fb0e4bc5e371619c70fffbe48e3e1b50b2c09455d")
DJANGO_5_2 = Release("5.2", "1a47f7a7a3d43ce64570d350e008d2949abe8c7e21737b351b6a1611277c6d89")
SPHINX_7_2_6 = Release("7.2.6", "9a5160e1ea90688d5963ba09a2dcd8bdd526620edbb65c328728f1b2228d5ab5")
SPHINX_7_3_7 = Release("7.3.7", "a4a7db75ed37531c05002d56ed6948d4c42f473a36f46e1382b0bd76ca9627bc")
SPHINX_7_4_7 = Release("7.4.7", "242f92a7ea7e6c5b406fdc2615413890ba9f699114a9c09192d7dfead2ee9cfe")

PAIRS: tuple[DocumentPair, ...] = (
    DocumentPair(
        name="django-querysets",
        package="Django",
        path="docs/ref/models/querysets.txt",
        old=DJANGO_5_1,
        new=DJANGO_5_2,
        licence=DJANGO_LICENCE,
        licence_path="LICENSE",
        kind="API reference; reworded sentences, new paragraphs and notes, re-wrapped lines",
    ),
    DocumentPair(
        name="django-admin",
        package="Django",
        path="docs/ref/contrib/admin/index.txt",
        old=DJANGO_4_2,
        new=DJANGO_5_0,
        licence=DJANGO_LICENCE,
        licence_path="LICENSE",
        kind="reference manual; many small word edits, inserted sections and deleted notes",
    ),
    DocumentPair(
        name="django-settings",
        package="Django",
        path="docs/ref/settings.txt",
        old=DJANGO_5_0,
        new=DJANGO_5_1,
        licence=DJANGO_LICENCE,
        licence_path="LICENSE",
        kind="settings reference; word edits, rewritten defaults, added and removed paragraphs",
    ),
    DocumentPair(
        name="sphinx-configuration",
        package="Sphinx",
        path="doc/usage/configuration.rst",
        old=SPHINX_7_2_6,
        new=SPHINX_7_3_7,
        licence=SPHINX_LICENCE,
        licence_path="LICENSE.rst",
        kind="configuration reference; new options, reworded descriptions",
    ),
    DocumentPair(
        name="django-auth-default",
        package="Django",
        path="docs/topics/auth/default.txt",
        old=DJANGO_5_0,
        new=DJANGO_5_1,
        licence=DJANGO_LICENCE,
        licence_path="LICENSE",
        kind="security topic guide; inserted paragraphs, word edits, whitespace-only fixes",
    ),
    DocumentPair(
        name="django-expressions",
        package="Django",
        path="docs/ref/models/expressions.txt",
        old=DJANGO_4_2,
        new=DJANGO_4_2_10,
        licence=DJANGO_LICENCE,
        licence_path="LICENSE",
        kind="reference from a patch release; many small edits (quoting, prompts), a new section",
    ),
    DocumentPair(
        name="django-sessions",
        package="Django",
        path="docs/topics/http/sessions.txt",
        old=DJANGO_5_0,
        new=DJANGO_5_1,
        licence=DJANGO_LICENCE,
        licence_path="LICENSE",
        kind="security-related topic guide; mostly inserted paragraphs and sentences",
    ),
    DocumentPair(
        name="django-howto-release",
        package="Django",
        path="docs/internals/howto-release-django.txt",
        old=DJANGO_5_1,
        new=DJANGO_5_2,
        licence=DJANGO_LICENCE,
        licence_path="LICENSE",
        kind="project procedure; retitled, rewritten steps, deleted and added list items",
    ),
    DocumentPair(
        name="sphinx-rst-basics",
        package="Sphinx",
        path="doc/usage/restructuredtext/basics.rst",
        old=SPHINX_7_3_7,
        new=SPHINX_7_4_7,
        licence=SPHINX_LICENCE,
        licence_path="LICENSE.rst",
        kind="tutorial prose; a term spelt out throughout, paragraphs re-wrapped",
    ),
)
