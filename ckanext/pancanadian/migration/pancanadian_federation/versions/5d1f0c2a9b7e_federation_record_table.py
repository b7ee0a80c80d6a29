"""federation record table

Revision ID: 5d1f0c2a9b7e
Revises:
Create Date: 2026-11-22 08:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = "5d1f0c2a9b7e"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "pancanadian_federation_record",
        sa.Column("harvest_source_id", sa.UnicodeText, nullable=False),
        sa.Column("remote_id", sa.UnicodeText, nullable=False),
        sa.Column("package_id", sa.UnicodeText,
                  sa.ForeignKey("package.id", ondelete="SET NULL"), index=True),
        sa.Column("content_hash", sa.UnicodeText),
        sa.Column("remote_modified", sa.UnicodeText),
        sa.Column("last_seen_job_id", sa.UnicodeText),
        sa.Column("state", sa.UnicodeText, nullable=False, server_default="pending"),
        sa.Column("linked", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("updated", sa.DateTime, nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("harvest_source_id", "remote_id"),
    )
    op.create_index("pancanadian_federation_record_remote_id", "pancanadian_federation_record", ["remote_id"])


def downgrade():
    op.drop_table("pancanadian_federation_record")
