"""story workflow and story-dataset association tables

Revision ID: 5b1e7c2d9a40
Revises:
Create Date: 2026-11-22 08:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = "5b1e7c2d9a40"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "pancanadian_story",
        sa.Column("package_id", sa.UnicodeText, sa.ForeignKey("package.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("workflow_state", sa.UnicodeText, nullable=False, server_default="draft", index=True),
        sa.Column("submitter_name", sa.UnicodeText),
        sa.Column("submitter_email", sa.UnicodeText),
        sa.Column("submitted_at", sa.DateTime),
        sa.Column("published_at", sa.DateTime),
        sa.Column("changed_at", sa.DateTime, nullable=False, server_default=sa.func.now()),
    )
    op.create_table(
        "pancanadian_story_dataset",
        sa.Column("story_id", sa.UnicodeText, sa.ForeignKey("package.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("package_id", sa.UnicodeText, sa.ForeignKey("package.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("position", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created", sa.DateTime, nullable=False, server_default=sa.func.now()),
    )
    # dataset -> stories lookups (the dataset page section) go through package_id first.
    op.create_index("pancanadian_story_dataset_package_idx", "pancanadian_story_dataset",
                    ["package_id", "story_id"])


def downgrade():
    op.drop_index("pancanadian_story_dataset_package_idx", table_name="pancanadian_story_dataset")
    op.drop_table("pancanadian_story_dataset")
    op.drop_table("pancanadian_story")
