"""``newsframe trends``: each actor's framing over time from an actors file (the work is in :mod:`newsframe.serve.trends`)."""
from __future__ import annotations

import argparse


def add_trends(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("trends", help="each actor's framing over time (and by outlet) from a `score --actors` file",
                       epilog="writes OUT/trends.csv and OUT/trends.png; exit 2 for a file without 'published', "
                              "an unknown actor code or a bad --freq")
    p.add_argument("actors_file", metavar="ACTORS_FILE", help="<output stem>.actors.<ext> from `newsframe score --actors`")
    p.add_argument("--out", required=True, metavar="DIR", help="directory for trends.csv and trends.png")
    p.add_argument("--by", metavar="GROUPS", help="'actor' or 'actor,source' (default: actor, and source when the file has it)")
    p.add_argument("--freq", default="W", help="period: a pandas frequency such as D, W, MS, QS (default: W)")
    p.add_argument("--actor", nargs="+", metavar="CODE", help="only these actor codes (e.g. RUS USA)")
    p.set_defaults(handler=run_trends)


def run_trends(args: argparse.Namespace) -> int:
    from newsframe.serve.trends import trends

    by = tuple(g.strip() for g in args.by.split(",") if g.strip()) if args.by else None
    result = trends(args.actors_file, args.out, by=by, freq=args.freq, actors=args.actor)
    print(result.line(), flush=True)
    return 0
