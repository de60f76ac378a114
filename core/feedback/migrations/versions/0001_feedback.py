"""Label events and the labelling queue.

Revision ID: 0001_feedback
Revises:
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from newsframe.core.feedback.models import UtcDateTime

revision = "0001_feedback"
down_revision = None
branch_labels = None
depends_on = None


def _item_columns() -> list[sa.Column]:
    return [sa.Column("item_key", sa.String(32), nullable=False), sa.Column("text", sa.Text, nullable=False),
            sa.Column("headline", sa.Text), sa.Column("body", sa.Text), sa.Column("item_id", sa.String(500)),
            sa.Column("source", sa.String(500)), sa.Column("published", sa.Date)]


def upgrade() -> None:
    op.create_table(
        "queue_items",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        *_item_columns(),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("batch", sa.String(64), nullable=False),
        sa.Column("copies", sa.Integer, nullable=False),
        sa.Column("priority", sa.Float, nullable=False),
        sa.Column("model_version", sa.String(100)),
        sa.Column("suggestions", sa.JSON, nullable=False),
    )
    op.create_index("ix_queue_items_item_key", "queue_items", ["item_key"], unique=True)
    op.create_table(
        "label_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        *_item_columns(),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("annotator", sa.String(200), nullable=False),
        sa.Column("task", sa.String(64), nullable=False),
        sa.Column("label", sa.String(200)),
        sa.Column("target_id", sa.Integer, sa.ForeignKey("label_events.id")),
        sa.Column("queue_id", sa.Integer, sa.ForeignKey("queue_items.id")),
        sa.Column("model_version", sa.String(100)),
        sa.Column("suggestion", sa.String(200)),
        sa.Column("confidence", sa.Float),
    )
    op.create_index("ix_label_events_task_item", "label_events", ["task", "item_key"])
    op.create_index("ix_label_events_annotator", "label_events", ["annotator"])
    op.create_index("ix_label_events_created_at", "label_events", ["created_at"])


def downgrade() -> None:
    op.drop_table("label_events")
    op.drop_table("queue_items")
