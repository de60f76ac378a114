"""Which tasks take feedback and which labels each allows.

Extension point: a new labelled task (actor framing, say) is one more :class:`FeedbackTask` in the mapping that
:func:`feedback_tasks` returns; the HTTP validation, the export, the labelling page and ``train --feedback`` all
read the tasks from here. A task that needs more than the item (an actor code) names it in ``extra_fields``.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from newsframe.core.schema import FRAMING_LABELS, POSTURE_NONE


@dataclass(frozen=True)
class FeedbackTask:
    """A task annotators label: its allowed labels, in the order the labelling page offers them (keys 1, 2, ...)."""

    name: str
    labels: tuple[str, ...]
    extra_fields: tuple[str, ...] = field(default=())


def feedback_tasks(topic_labels: Iterable[str]) -> dict[str, FeedbackTask]:
    """The labelled tasks: ``topic`` (the loaded model's topics) and ``framing`` (two postures or none)."""
    return {"topic": FeedbackTask("topic", tuple(topic_labels)),
            "framing": FeedbackTask("framing", (*FRAMING_LABELS, POSTURE_NONE))}


def check_label(tasks: dict[str, FeedbackTask], task: str, label: str) -> None:
    """ValueError naming the allowed tasks or labels when ``task``/``label`` is not one of them."""
    if task not in tasks:
        raise ValueError(f"task: unknown task {task!r}; allowed: {', '.join(tasks)}")
    if label not in tasks[task].labels:
        raise ValueError(f"label: unknown {task} label {label!r}; allowed: {', '.join(tasks[task].labels)}")
