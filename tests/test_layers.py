"""The package's import layers: core <- train, core <- serve, cli on top; training and serving never meet."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# layer -> the layers it may import (besides itself)
ALLOWED = {"core": set(), "train": {"core"}, "serve": {"core"}, "cli": {"core", "train", "serve"}}


def newsframe_imports(path: Path) -> list[tuple[int, str]]:
    """(line, imported newsframe layer) for every import in a file, function-level imports included."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "newsframe" and len(parts) > 1:
                found.append((node.lineno, parts[1]))
    return found


def test_the_rule_sees_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from newsframe.train.trainer import train\n    import newsframe.serve.predictor\n")
    assert newsframe_imports(bad) == [(2, "train"), (2, "train"), (3, "serve")]


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_layer_imports_only_what_it_may(layer: str) -> None:
    files = sorted((REPO / layer).rglob("*.py"))
    assert files, f"no Python files under {layer}/"
    wrong = [f"{path.relative_to(REPO)}:{line} imports newsframe.{target}"
             for path in files for line, target in newsframe_imports(path)
             if target != layer and target not in ALLOWED[layer]]
    assert not wrong, "\n".join(wrong)
