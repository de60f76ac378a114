"""Actor framing over time: an actors file (``newsframe score --actors``) resampled by ``published``.

For every period (``freq``, a pandas offset alias such as ``W`` or ``MS``) and group (actor, and outlet when grouped
by ``source``) the table counts the actor's appearances (``n_rows``: input rows naming it), how many framed it
``cautious``, ``confrontational`` or ``none`` (only acted upon, or never a source), and the shares of cautious and
confrontational among the framed ones (empty when none was framed). The PNG draws each actor's confrontational
share over time, one line per outlet when grouped by source, with the counts as bars behind it.
"""
from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from newsframe.core.errors import ConfigError, DataError
from newsframe.core.tables import read_table

GROUPS = ("actor", "source")
LABELS = ("cautious", "confrontational", "none")
REQUIRED = ("actor_code", "actor_framing", "published")
MAX_PANELS = 12  # actors drawn in the PNG (the most frequent ones); the table has them all


@dataclass
class Trends:
    """The trends table and where it and its figure were written; ``dropped`` rows had no usable date."""

    table: pd.DataFrame
    csv: Path
    png: Path
    rows: int
    dropped: int

    def line(self) -> str:
        text = f"{self.rows:,} actor rows -> {len(self.table):,} table rows: {self.csv}, {self.png}"
        return text + (f" ({self.dropped:,} rows without a valid published date left out)" if self.dropped else "")


def read_actors(path: Path) -> pd.DataFrame:
    """An actors file, or a Dask run's directory of parts, as one frame."""
    if path.is_dir():
        parts = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith((".", "_")))
        if not parts:
            raise DataError(str(path), "directory holds no actors files")
        frames = [read_table(p) for p in parts]
        return pd.concat(frames, ignore_index=True)
    return read_table(path)


def check_freq(freq: str) -> str:
    """``freq`` if pandas knows it as an offset alias, else a ConfigError (exit 2)."""
    try:
        pd.tseries.frequencies.to_offset(freq)
    except (ValueError, TypeError):
        raise ConfigError(f"--freq: {freq!r} is not a pandas frequency; use e.g. D, W, MS, QS or 2W") from None
    return freq


def prepare(frame: pd.DataFrame, where: str, actors: list[str] | None, by: tuple[str, ...]) -> tuple[pd.DataFrame, int]:
    """Check columns, codes and dates; the rows to count (with a ``when`` timestamp) and how many had no date."""
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        hint = " (score an input that has a 'published' column)" if "published" in missing else ""
        raise DataError(where, f"missing column(s) {', '.join(missing)}{hint}; this needs an actors file "
                               "from `newsframe score --actors`")
    if "source" in by and "source" not in frame.columns:
        raise DataError(where, "--by source: the file has no 'source' column")
    if actors:
        present = set(frame["actor_code"].dropna().astype(str))
        unknown = [a for a in actors if a not in present]
        if unknown:
            known = ", ".join(sorted(present)[:20]) + (" ..." if len(present) > 20 else "")
            raise ConfigError(f"--actor: unknown actor code(s) {', '.join(unknown)}: not in {where} (codes there: {known})")
        frame = frame[frame["actor_code"].isin(actors)]
    when = pd.to_datetime(frame["published"].astype("string").str.strip().str[:10], format="%Y-%m-%d", errors="coerce")
    good = when.notna()
    out = frame.loc[good].assign(when=when[good])
    if out.empty:
        raise DataError(where, "no row has a valid published date (YYYY-MM-DD)")
    return out, int((~good).sum())


def trend_table(rows: pd.DataFrame, freq: str, by: tuple[str, ...]) -> pd.DataFrame:
    """Counts and shares per period and group (see the module docstring)."""
    keys = ["actor_code"] + (["source"] if "source" in by else [])
    rows = rows.assign(source=rows["source"].fillna("(none)")) if "source" in keys else rows
    framing = pd.get_dummies(rows["actor_framing"].astype(str)).reindex(columns=list(LABELS), fill_value=0)
    counts = pd.concat([rows[keys + ["when"]], framing.astype(int).add_prefix("n_")], axis=1)
    grouped = counts.groupby(keys + [pd.Grouper(key="when", freq=freq)])
    table = grouped[[f"n_{label}" for label in LABELS]].sum()
    table.insert(0, "n_rows", grouped.size())
    table = table[table["n_rows"] > 0].reset_index().rename(columns={"when": "period"})
    framed = table["n_cautious"] + table["n_confrontational"]
    table["share_cautious"] = (table["n_cautious"] / framed).where(framed > 0).round(4)
    table["share_confrontational"] = (table["n_confrontational"] / framed).where(framed > 0).round(4)
    names = rows.groupby("actor_code")["actor_name"].first() if "actor_name" in rows.columns else None
    table.insert(1, "actor_name", table["actor_code"].map(names) if names is not None else None)
    table["period"] = table["period"].dt.strftime("%Y-%m-%d")
    return table.sort_values(["actor_code", *keys[1:], "period"], kind="stable").reset_index(drop=True)


def plot(table: pd.DataFrame, by: tuple[str, ...], path: Path, title: str) -> None:
    """One panel per actor (the most frequent first): confrontational share per outlet, counts as bars."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    order = table.groupby("actor_code")["n_rows"].sum().sort_values(ascending=False).index[:MAX_PANELS]
    columns = min(3, len(order))
    rows = -(-len(order) // columns)
    figure, axes = plt.subplots(rows, columns, figsize=(5 * columns, 3.2 * rows), squeeze=False)
    for ax, code in zip(axes.flat, order):
        part = table[table["actor_code"] == code]
        periods = pd.to_datetime(part["period"])
        counts = part.groupby("period")["n_rows"].sum()
        bars = ax.twinx()
        days = pd.to_datetime(counts.index)
        width = 0.6 * (days.to_series().diff().dt.days.median() if len(days) > 1 else 7)
        bars.bar(days, counts.to_numpy(), width=width, color="#d9d9d9", zorder=0)
        bars.set_ylabel("rows", color="#888")
        ax.set_zorder(bars.get_zorder() + 1)
        ax.patch.set_visible(False)
        for source, line in (part.groupby("source") if "source" in by else [("all", part)]):
            ax.plot(pd.to_datetime(line["period"]), line["share_confrontational"], marker="o", label=str(source))
        name = part["actor_name"].dropna().iloc[0] if part["actor_name"].notna().any() else code
        ax.set_title(f"{name} ({code})")
        ax.set_ylim(-0.05, 1.05)
        ax.set_ylabel("share confrontational")
        ax.set_xlim(periods.min() - pd.Timedelta(days=4), periods.max() + pd.Timedelta(days=4))
        ax.tick_params(axis="x", labelrotation=30, labelsize=7)
        if "source" in by:
            ax.legend(fontsize=7)
    for ax in list(axes.flat)[len(order):]:
        ax.axis("off")
    figure.suptitle(title)
    figure.tight_layout()
    tmp = path.with_name(f".{path.name}.tmp-{uuid.uuid4().hex[:8]}.png")
    figure.savefig(tmp, dpi=100)
    plt.close(figure)
    os.replace(tmp, path)


def trends(actors_file: str | Path, out_dir: str | Path, *, by: tuple[str, ...] | None = None, freq: str = "W",
           actors: list[str] | None = None) -> Trends:
    """Write ``trends.csv`` and ``trends.png`` into ``out_dir`` (created if needed); see the module docstring.

    ``by`` defaults to actor and, when the file has a ``source`` column, outlet.
    """
    path, out = Path(actors_file), Path(out_dir)
    freq = check_freq(freq)
    if by is not None:
        unknown = [g for g in by if g not in GROUPS]
        if unknown or "actor" not in by:
            raise ConfigError(f"--by: expected 'actor' or 'actor,source', got {','.join(by)!r}")
    if not path.exists():
        raise DataError(str(path), "file not found")
    frame = read_actors(path)
    by = by or (("actor", "source") if "source" in frame.columns else ("actor",))
    rows, dropped = prepare(frame, str(path), actors, by)
    table = trend_table(rows, freq, by)
    out.mkdir(parents=True, exist_ok=True)
    csv_path, png_path = out / "trends.csv", out / "trends.png"
    tmp = csv_path.with_name(f".{csv_path.name}.tmp-{uuid.uuid4().hex[:8]}")
    table.to_csv(tmp, index=False)
    os.replace(tmp, csv_path)
    plot(table, by, png_path, f"actor framing per {freq} ({path.name})")
    return Trends(table, csv_path, png_path, len(rows), dropped)
