"""Human-readable evaluation report: Markdown text plus confusion-matrix and reliability PNGs."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # headless: reports are written on servers and in CI
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def plot_confusion(metrics: dict[str, Any], title: str, path: Path) -> None:
    """Confusion matrix with counts, rows = true label."""
    labels, matrix = metrics["labels"], np.asarray(metrics["confusion_matrix"])
    fig, ax = plt.subplots(figsize=(1.2 * len(labels) + 2.5, 1.0 * len(labels) + 2))
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=30, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    for (i, j), count in np.ndenumerate(matrix):
        ax.text(j, i, str(count), ha="center", va="center", color="white" if count > matrix.max() / 2 else "black")
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_reliability(metrics: dict[str, Any], title: str, path: Path) -> None:
    """Reliability diagram: accuracy against mean confidence per bin, bar width by bin."""
    fig, ax = plt.subplots(figsize=(4.5, 4.5))
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfect calibration")
    bins = metrics["reliability"]
    ax.bar([b["low"] for b in bins], [b["accuracy"] for b in bins], width=[b["high"] - b["low"] for b in bins],
           align="edge", alpha=0.6, edgecolor="black", label="accuracy")
    ax.plot([b["confidence"] for b in bins], [b["accuracy"] for b in bins], "o-", color="darkred", label="mean confidence")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("confidence")
    ax.set_ylabel("accuracy")
    ax.set_title(f"{title}\nECE = {metrics['ece']:.3f}")
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def document_lines(m: dict[str, Any]) -> list[str]:
    """The three-way (cautious / confrontational / none) section for the document label as a user sees it."""
    lines = ["## framing as a user sees it (three-way: `none` when posture < threshold)", "",
             f"Rows evaluated: {m['n']}  ", f"Accuracy: {m['accuracy']:.4f}  ", f"Macro-F1: {m['macro_f1']:.4f}", "",
             "| class | precision | recall | F1 | support |", "|---|---|---|---|---|"]
    lines += [f"| {c} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {s['support']} |" for c, s in m["per_class"].items()]
    lines += ["", "| true \\ predicted | " + " | ".join(m["labels"]) + " |", "|---" * (len(m["labels"]) + 1) + "|"]
    lines += [f"| {label} | " + " | ".join(str(v) for v in row) + " |" for label, row in zip(m["labels"], m["confusion_matrix"])]
    return [*lines, ""]


def write_report(metrics_by_task: dict[str, dict[str, Any]], directory: Path, heading: str,
                 document: dict[str, Any] | None = None) -> list[Path]:
    """Write report.md and one PNG pair per task into ``directory``; return the files written.

    ``document``: three-way metrics of the document framing label (``metrics.label_metrics``), as its own section.
    """
    directory.mkdir(parents=True, exist_ok=True)
    lines, written = [f"# {heading}", ""], []
    for task, m in metrics_by_task.items():
        confusion, reliability = directory / f"{task}_confusion.png", directory / f"{task}_reliability.png"
        plot_confusion(m, f"{task}: confusion matrix", confusion)
        plot_reliability(m, f"{task}: reliability", reliability)
        written += [confusion, reliability]
        lines += [f"## {task}", "", f"Rows evaluated: {m['n']}  ", f"Accuracy: {m['accuracy']:.4f}  ",
                  f"Macro-F1: {m['macro_f1']:.4f}  ", f"Expected calibration error ({len(m['reliability'])} non-empty bins): {m['ece']:.4f}", "",
                  "| class | precision | recall | F1 | support |", "|---|---|---|---|---|"]
        lines += [f"| {c} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {s['support']} |" for c, s in m["per_class"].items()]
        lines += ["", f"![confusion]({confusion.name}) ![reliability]({reliability.name})", ""]
    if document is not None:
        lines += document_lines(document)
    report = directory / "report.md"
    report.write_text("\n".join(lines), encoding="utf-8")
    return [report, *written]
