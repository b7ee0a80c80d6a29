"""quality result and history tables

Revision ID: 5c1e2a7d9b30
Revises:
Create Date: 2026-11-22 08:20:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB


revision = '5c1e2a7d9b30'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "pancanadian_quality_result",
        sa.Column("package_id", sa.UnicodeText, sa.ForeignKey("package.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("owner_org", sa.UnicodeText, index=True),
        sa.Column("source_portal", sa.UnicodeText, index=True),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("max_score", sa.Integer, nullable=False),
        sa.Column("percent", sa.Integer, nullable=False, index=True),
        sa.Column("rating", sa.UnicodeText, nullable=False),
        sa.Column("conforming", sa.Boolean, nullable=False),
        sa.Column("csv_count", sa.Integer, nullable=False),
        sa.Column("csv_api_count", sa.Integer, nullable=False),
        sa.Column("dimensions", JSONB, nullable=False),
        sa.Column("checked_at", sa.DateTime, nullable=False),
        sa.Column("result", JSONB, nullable=False),
    )
    op.create_table(
        "pancanadian_quality_history",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("package_id", sa.UnicodeText, sa.ForeignKey("package.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("owner_org", sa.UnicodeText),
        sa.Column("source_portal", sa.UnicodeText),
        sa.Column("percent", sa.Integer, nullable=False),
        sa.Column("rating", sa.UnicodeText, nullable=False),
        sa.Column("conforming", sa.Boolean, nullable=False),
        sa.Column("csv_count", sa.Integer, nullable=False),
        sa.Column("csv_api_count", sa.Integer, nullable=False),
        sa.Column("dimensions", JSONB, nullable=False),
        sa.Column("checked_at", sa.DateTime, nullable=False, index=True),
    )
    op.create_index("pancanadian_quality_history_org_time", "pancanadian_quality_history",
                    ["owner_org", "checked_at"])


def downgrade():
    op.drop_table("pancanadian_quality_history")
    op.drop_table("pancanadian_quality_result")
