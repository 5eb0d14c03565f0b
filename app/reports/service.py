"""Reports' public surface: what routers and other domains call.

The rules live in modules named after them (see ARCHITECTURE.md): access.py (reading,
the write lock, states that refuse writes, ETags), lifecycle.py (create, publish, update,
consent rules frozen after adoption), importing.py (Markdown in), outline.py (the placed
outline and its cache), sections.py (changing the outline), versions.py (immutable
versions), milestones.py (snapshots), history.py (the outline's shape at any time),
anchoring.py (paragraph anchors carried to today's text), open_points.py (brackets kept in
the text), footnotes.py (reservations as the exports print them), certified.py (a
transmitted report's exports: which are the certified text).
Who sees names: app/visibility.py.
"""

from __future__ import annotations

from app.reports.access import (
    ReportOf,
    UnresolvedCaller,
    ensure_drafting,
    ensure_not_transmitted,
    ensure_readable,
    get_report,
    get_section,
    lock_report,
    lock_report_row,
    lock_section,
    lock_staged_section,
    lock_staged_section_with,
    readable_section,
    report_etag,
    require_report_match,
    require_section_match,
    section_etag,
    section_read,
)
from app.reports.anchoring import (
    ParagraphAnchor,
    current_paragraphs,
    edits_after,
    fix_paragraph,
    paragraph_owners,
)
from app.reports.certified import sealed_formats, transmission_milestone_id
from app.reports.deriving import derive_report, lineage
from app.reports.history import nodes_at
from app.reports.importing import import_report
from app.reports.known_versions import of as known_versions_of
from app.reports.lifecycle import (
    CONSENT_RULES,
    EDITABLE_AFTER_ADOPTION,
    create_report,
    ensure_consent_rules_kept,
    list_reports,
    set_public,
    update_report,
)
from app.reports.milestones import (
    add_milestone,
    create_milestone,
    get_milestone,
    list_milestones,
    milestone_nodes,
)
from app.reports.open_points import (
    carry_open_points,
    ensure_no_open_points,
    get_open_point,
    keep_open_point,
    list_open_points,
    record_open_point,
    standing_clause,
)
from app.reports.outline import (
    current_nodes,
    first_paragraph_of,
    head_texts_after,
    outline,
    source_headings,
)
from app.reports.outline_ops import (
    insert_section,
    place_section,
    remove_subtree,
    rename_section,
    siblings,
    subtree_ids,
)
from app.reports.owners import (
    owner_of_row,
    section_owner,
    section_owner_statement,
    section_owner_where,
)
from app.reports.section_texts import SectionTexts
from app.reports.sections import add_section, move_section, remove_section, update_section
from app.reports.stages import (
    STAGE_WORDS,
    ensure_parts_settled,
    report_stages,
    stage_of,
)
from app.reports.versions import (
    PreparedEdits,
    append_version,
    get_version,
    list_versions,
    new_version,
    sha256_text,
    write_version,
)
from app.visibility import ATTRIBUTED_ROLES, grant_of, is_attributed

__all__ = [
    "ATTRIBUTED_ROLES",
    "CONSENT_RULES",
    "EDITABLE_AFTER_ADOPTION",
    "STAGE_WORDS",
    "ParagraphAnchor",
    "PreparedEdits",
    "ReportOf",
    "SectionTexts",
    "UnresolvedCaller",
    "add_milestone",
    "add_section",
    "append_version",
    "carry_open_points",
    "create_milestone",
    "create_report",
    "current_nodes",
    "current_paragraphs",
    "derive_report",
    "edits_after",
    "ensure_consent_rules_kept",
    "ensure_drafting",
    "ensure_no_open_points",
    "ensure_not_transmitted",
    "ensure_parts_settled",
    "ensure_readable",
    "first_paragraph_of",
    "fix_paragraph",
    "get_milestone",
    "get_open_point",
    "get_report",
    "get_section",
    "get_version",
    "grant_of",
    "head_texts_after",
    "import_report",
    "insert_section",
    "is_attributed",
    "keep_open_point",
    "known_versions_of",
    "lineage",
    "list_milestones",
    "list_open_points",
    "list_reports",
    "list_versions",
    "lock_report",
    "lock_report_row",
    "lock_section",
    "lock_staged_section",
    "lock_staged_section_with",
    "milestone_nodes",
    "move_section",
    "new_version",
    "nodes_at",
    "outline",
    "owner_of_row",
    "paragraph_owners",
    "place_section",
    "readable_section",
    "record_open_point",
    "remove_section",
    "remove_subtree",
    "rename_section",
    "report_etag",
    "report_stages",
    "require_report_match",
    "require_section_match",
    "sealed_formats",
    "section_etag",
    "section_owner",
    "section_owner_statement",
    "section_owner_where",
    "section_read",
    "set_public",
    "sha256_text",
    "siblings",
    "source_headings",
    "stage_of",
    "standing_clause",
    "subtree_ids",
    "transmission_milestone_id",
    "update_report",
    "update_section",
    "write_version",
]
