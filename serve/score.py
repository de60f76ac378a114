"""File scoring: every input column, then the prediction columns, in the format the output path names."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from newsframe.serve.predictor import Predictor, prediction_columns
from newsframe.train.data import text_of
from newsframe.train.errors import DataError
from newsframe.train.tables import read_table, table_format, write_table


def score_file(input_path: str | Path, output_path: str | Path, models: str | Path, scores: bool = False,
               log: Callable[[str], None] = print) -> dict[str, int]:
    """Score a whole file in memory; rows without text are refused before anything is written."""
    table_format(output_path)
    predictor = Predictor.load(models)
    frame = read_table(input_path)
    text, no_text = text_of(frame, input_path)
    if no_text.notna().any():
        row = int(no_text.notna().to_numpy().nonzero()[0][0]) + 1
        raise DataError(str(input_path), f"{int(no_text.notna().sum())} row(s) have no text", row=row)
    predicted = prediction_columns(predictor.score_frame(text.tolist(), scores=scores), list(frame.columns))
    out = frame.reset_index(drop=True).join(predicted)
    write_table(out, output_path)
    log(f"scored {len(out)} rows with model {predictor.version} -> {output_path}")
    return {"read": len(frame), "scored": len(out), "rejected": 0}
