"""Feedback: human labels as append-only events in a database (SQLite by default, PostgreSQL for a team), the
labelling queue, and the labels derived from them. Shared by the HTTP service, ``newsframe queue`` and
``newsframe train --feedback``; see :mod:`.database` for ``NEWSFRAME_DB`` and the default file."""
from newsframe.core.feedback.database import ENV_VAR, database_url, default_url
from newsframe.core.feedback.items import Item, item_key
from newsframe.core.feedback.store import CannotUndo, EventNotFound, FeedbackStore
from newsframe.core.feedback.tasks import FeedbackTask, check_label, feedback_tasks

__all__ = ["ENV_VAR", "CannotUndo", "EventNotFound", "FeedbackStore", "FeedbackTask", "Item", "check_label",
           "database_url", "default_url", "feedback_tasks", "item_key"]
