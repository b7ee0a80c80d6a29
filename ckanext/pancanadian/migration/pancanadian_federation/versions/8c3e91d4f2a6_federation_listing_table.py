"""federation listing table

Revision ID: 8c3e91d4f2a6
Revises: 5d1f0c2a9b7e
Create Date: 2026-11-22 11:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = "8c3e91d4f2a6"
down_revision = "5d1f0c2a9b7e"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "pancanadian_federation_listing",
        sa.Column("harvest_job_id", sa.UnicodeText, primary_key=True),
        sa.Column("harvest_source_id", sa.UnicodeText, nullable=False, index=True),
        sa.Column("started", sa.DateTime, nullable=False),
        sa.Column("complete", sa.Boolean, nullable=False),
        sa.Column("source_fingerprint", sa.UnicodeText, nullable=False),
    )


def downgrade():
    op.drop_table("pancanadian_federation_listing")
