"""conformance report table

Revision ID: aaf3a9c236e3
Revises: 
Create Date: 2026-11-22 06:20:16.191765

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB


revision = 'aaf3a9c236e3'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "pancanadian_conformance_report",
        sa.Column("resource_id", sa.UnicodeText, primary_key=True),
        sa.Column("package_id", sa.UnicodeText,
                  sa.ForeignKey("package.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("standard_id", sa.UnicodeText, nullable=False, index=True),
        sa.Column("standard_version", sa.UnicodeText),
        sa.Column("status", sa.UnicodeText, nullable=False, server_default="pending"),
        sa.Column("valid", sa.Boolean),
        sa.Column("row_count", sa.Integer),
        sa.Column("error_count", sa.Integer),
        sa.Column("checked_at", sa.DateTime),
        sa.Column("fingerprint", sa.UnicodeText),
        sa.Column("report", JSONB),
    )


def downgrade():
    op.drop_table("pancanadian_conformance_report")
