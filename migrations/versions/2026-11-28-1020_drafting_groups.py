"""drafting groups, section stages and version lineage (issue 20)

Revision ID: 9e4b2c7d1a30
Revises: 2aa324f281e4
Create Date: 2026-11-28 10:20:00

New tables only; nothing existing changes. A report with no section_stage row keeps
working as before (its parts are not staged).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.db

revision = '9e4b2c7d1a30'
down_revision = '2aa324f281e4'
branch_labels = None
depends_on = None

STAGES = (
    'in_drafting_group', 'agreed_in_drafting_group', 'posted_to_group', 'posted_publicly',
    'approved', 'left_out',
)


def upgrade() -> None:
    op.create_table('drafting_group',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['working_group.id'], name=op.f('fk_drafting_group_group_id_working_group')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_drafting_group')),
    sa.UniqueConstraint('group_id', 'name', name=op.f('uq_drafting_group_group_id_name'))
    )
    with op.batch_alter_table('drafting_group', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_drafting_group_group_id'), ['group_id'], unique=False)

    op.create_table('drafting_group_member',
    sa.Column('drafting_group_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('is_co_lead', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['drafting_group_id'], ['drafting_group.id'], name=op.f('fk_drafting_group_member_drafting_group_id_drafting_group')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_drafting_group_member_participant_id_participant')),
    sa.PrimaryKeyConstraint('drafting_group_id', 'participant_id', name=op.f('pk_drafting_group_member'))
    )
    with op.batch_alter_table('drafting_group_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_drafting_group_member_participant_id'), ['participant_id'], unique=False)

    op.create_table('section_stage',
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('drafting_group_id', sa.Integer(), nullable=True),
    sa.Column('stage', sa.Enum(*STAGES, name='stage', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('changed_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['changed_by_id'], ['participant.id'], name=op.f('fk_section_stage_changed_by_id_participant')),
    sa.ForeignKeyConstraint(['drafting_group_id'], ['drafting_group.id'], name=op.f('fk_section_stage_drafting_group_id_drafting_group')),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], name=op.f('fk_section_stage_report_id_report')),
    sa.ForeignKeyConstraint(['section_id'], ['section.id'], name=op.f('fk_section_stage_section_id_section')),
    sa.PrimaryKeyConstraint('section_id', name=op.f('pk_section_stage'))
    )
    with op.batch_alter_table('section_stage', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_section_stage_drafting_group_id'), ['drafting_group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_section_stage_report_id'), ['report_id'], unique=False)

    op.create_table('version_lineage',
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('source_report_id', sa.Integer(), nullable=False),
    sa.Column('source_section_id', sa.Integer(), nullable=False),
    sa.Column('source_version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['source_report_id'], ['report.id'], name=op.f('fk_version_lineage_source_report_id_report')),
    sa.ForeignKeyConstraint(['source_section_id'], ['section.id'], name=op.f('fk_version_lineage_source_section_id_section')),
    sa.ForeignKeyConstraint(['version_id'], ['section_version.id'], name=op.f('fk_version_lineage_version_id_section_version')),
    sa.PrimaryKeyConstraint('version_id', name=op.f('pk_version_lineage'))
    )
    with op.batch_alter_table('version_lineage', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_version_lineage_source_report_id'), ['source_report_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('version_lineage', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_version_lineage_source_report_id'))
    op.drop_table('version_lineage')
    with op.batch_alter_table('section_stage', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_section_stage_report_id'))
        batch_op.drop_index(batch_op.f('ix_section_stage_drafting_group_id'))
    op.drop_table('section_stage')
    with op.batch_alter_table('drafting_group_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_drafting_group_member_participant_id'))
    op.drop_table('drafting_group_member')
    with op.batch_alter_table('drafting_group', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_drafting_group_group_id'))
    op.drop_table('drafting_group')
