"""Compile the CAMEO/Phoenix actor and agent dictionaries (PETRARCH2, MIT) into data/actors/.

Usage: python data/actors/build.py [--shared ../shared/data]

Reads ``cameo_dictionaries/Phoenix.{Countries,International,MilNonState}.actors.txt`` and ``Phoenix.agents.txt``
plus the hand-written ``data/actors/updates.csv`` (what changed since the dictionaries' 2014 cut) and writes:

- ``actors.csv``: one row per actor the product reports: ``code`` (ISO 3166-1 alpha-3 for a country, the CAMEO code
  for an organisation or a non-state group), ``name``, ``kind`` (country, igo, ngo, nonstate), ``sector``.
- ``patterns.csv``: one row per (phrase, date range): ``pattern`` (upper case, words separated by one blank),
  ``actor`` (an ``actors.csv`` code), ``sector`` (of this phrase: ``government`` for "the Kremlin"), ``start`` /
  ``end`` (ISO dates, inclusive, empty = open), ``priority`` (1 = updates.csv, which wins over the 2014 rows of the
  same phrase for the dates it covers). Actor ``-`` marks a phrase of ``not_actors.csv``: it names nobody, but
  as the longer match it keeps "Paris Club" from being read as France.
- ``agents.csv``: generic agents (``pattern``, ``sector``): "police", "troops", "rebels", "foreign minister" ...
- ``verbs.csv``: the verbs of the CAMEO verb dictionary in all their forms (``form``, ``verb``, ``code``: the CAMEO
  event code of the verb alone, ``---`` when it codes none), which tell the role rules where a clause's verb is.

Multinational corporations (code MNC) are left out: company names collide with common words and the product frames
state and political actors. Deterministic: the same sources give the same bytes.
"""
from __future__ import annotations

import argparse
import csv
import io
from collections import Counter
from pathlib import Path

from newsframe.core.actors.petrarch import SECTORS, parse_actor_file, parse_agents, parse_verbs, phrase

HERE = Path(__file__).resolve().parent
COUNTRY_FILE = "Phoenix.Countries.actors.txt"
ORG_FILE = "Phoenix.International.actors.txt"
MILITANT_FILE = "Phoenix.MilNonState.actors.txt"
AGENT_FILE = "Phoenix.agents.txt"
VERB_FILE = "CAMEO.2.0.txt"

# Sectors whose actors are not the state: "Afghan rebels" is its own actor (AFGREB), "Afghan police" is AFG.
NONSTATE = {"REB", "INS", "SEP", "UAF", "IMG", "OPP", "BUS", "MNC", "MED", "CVL", "PPL", "LAB", "EDU", "HLH",
            "REF", "AGR", "HRI", "ENV", "DEV", "CRM", "NGO", "NGM", "REL", "MUS", "CHR", "JEW", "BUD", "HIN",
            "RAD", "MOD", "PTY"}
# CAMEO country codes that are not ISO 3166-1 alpha-3 (Kosovo has the user-assigned XKX); KNT is fictional.
ISO_FIX = {"KSV": "XKX", "ROM": "ROU", "ZAR": "COD", "TMP": "TLS", "BUR": "MMR"}
DROP_COUNTRIES = {"KNT"}
# Display names where the dictionary's primary phrase is not the usual name.
NAMES = {
    "USA": "United States", "GBR": "United Kingdom", "RUS": "Russia", "CHN": "China", "KOR": "South Korea",
    "PRK": "North Korea", "IRN": "Iran", "SYR": "Syria", "TZA": "Tanzania", "ZAF": "South Africa",
    "COD": "DR Congo", "COG": "Republic of the Congo", "CZE": "Czechia", "TUR": "Türkiye", "MKD": "North Macedonia",
    "SWZ": "Eswatini", "LAO": "Laos", "VNM": "Vietnam", "BRN": "Brunei", "MDG": "Madagascar", "PSE": "Palestine",
    "CIV": "Côte d'Ivoire", "CPV": "Cabo Verde", "MDA": "Moldova", "BOL": "Bolivia", "VEN": "Venezuela",
    "XKX": "Kosovo", "SUN": "Soviet Union", "TWN": "Taiwan", "HKG": "Hong Kong", "MMR": "Myanmar",
    "IGOUNO": "United Nations", "IGOWSTNAT": "NATO", "IGOEUREEC": "European Union", "IGOUNOIAE": "IAEA",
    "IGOUNOJUDICJ": "International Court of Justice", "IGOUNOKID": "UNICEF", "IGOUNOREFHCR": "UNHCR",
    "IGOUNOHLHWHO": "World Health Organization", "IGOUNODEVWBK": "World Bank", "IGOBUSIMF": "IMF",
    "IGOBUSWTO": "World Trade Organization", "IGOAFRAFU": "African Union", "IGOSEAASN": "ASEAN",
    "IGOARBARL": "Arab League", "IGOBUSOPC": "OPEC", "IGOWSTOSC": "OSCE", "IGOEURCOE": "Council of Europe",
    "IGOUNOREF": "UN refugee agency", "IGOJUDICC": "International Criminal Court",
    "IGOMEAGCC": "Gulf Cooperation Council",
    "IGOMEAARL": "Arab League", "IGOOPC": "OPEC", "IMGMUSALQ": "al-Qaeda", "NGOHRIAMN": "Amnesty International",
    "IMGMUSISI": "Islamic State", "RUSUAF": "Wagner Group", "YEMREB": "Houthis", "LBNREB": "Hezbollah",
    "AFGREB": "Taliban", "YUG": "Yugoslavia", "FRY": "Federal Republic of Yugoslavia", "CSK": "Czechoslovakia",
    "DDR": "East Germany", "SCG": "Serbia and Montenegro", "TLS": "Timor-Leste", "GEO": "Georgia",
}
def country_prefixes(records) -> set[str]:
    """The country codes of the country file: the codes it gives alone (``[AFG]``), plus former Yugoslavia's."""
    bare = {code for _, codes, _ in records for code, _, _ in codes if len(code) == 3}
    return (bare | {"YUG", "FRY"}) - DROP_COUNTRIES


def resolve(code: str, countries: set[str], militant: bool) -> tuple[str, str, str] | None:
    """CAMEO code -> (actor code, kind, sector name or ""); None for codes the product does not report."""
    head, rest = code[:3], code[3:]
    if head in countries:
        iso = ISO_FIX.get(head, head)
        sector = rest[:3]
        if militant or sector in NONSTATE:
            return iso + rest, "nonstate", SECTORS.get(sector, "rebels" if militant else "")
        return iso, "country", SECTORS.get(sector, "")
    if code in ("IGO", "NGO", "NGM", "IMG", "MNC"):
        return None  # a type without an organisation names nobody
    if head == "IGO":
        return code, "igo", ""
    if head in ("NGO", "NGM"):
        return code, "ngo", ""
    if head == "IMG" or militant:
        return code, "nonstate", "militant" if head == "IMG" else SECTORS.get(rest[:3], "rebels")
    return None


def display_name(code: str, primary: str) -> str:
    """The name shown for an actor: NAMES, else the primary phrase title-cased (acronyms stay upper case)."""
    if code in NAMES:
        return NAMES[code]
    words = [w for w in primary.split() if w]
    if words and words[0] == "THE":
        words = words[1:]
    small = {"OF", "AND", "THE", "FOR", "IN", "ON", "DE", "AL", "EL"}
    return " ".join(w if (len(w) <= 4 and len(words) == 1) else (w.lower() if w in small and i else w.title())
                    for i, w in enumerate(words))


def read_updates(path: Path) -> list[dict[str, str]]:
    """updates.csv rows (comment lines starting with # are skipped)."""
    with open(path, encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(lines))


def compile_dictionaries(shared: Path) -> tuple[list[list[str]], list[list[str]], list[list[str]]]:
    """(actors rows, pattern rows, agent rows) from the dictionaries and updates.csv, each sorted."""
    folder = shared / "cameo_dictionaries"
    country_records = parse_actor_file(folder / COUNTRY_FILE)
    countries = country_prefixes(country_records)
    actors: dict[str, tuple[str, str, str]] = {}
    patterns: set[tuple[str, str, str, str, str, str, str]] = set()
    named: set[str] = set()
    for name, militant in ((COUNTRY_FILE, False), (ORG_FILE, False), (MILITANT_FILE, True)):
        records = country_records if name == COUNTRY_FILE else parse_actor_file(folder / name)
        for phrases, codes, _ in records:
            for code, start, end in codes:
                resolved = resolve(code, countries, militant)
                if resolved is None:
                    continue
                actor, kind, sector = resolved
                if kind == "country":
                    actor_sector = ""
                    if len(code) == 3 and actor not in named:  # the record giving the bare code names the country
                        actors[actor] = (display_name(actor, phrases[0][0]), kind, "")
                        named.add(actor)
                    actors.setdefault(actor, (display_name(actor, phrases[0][0]), kind, ""))
                else:
                    actor_sector = sector
                    generic = kind == "nonstate" and len(actor) == 6 and actor[:3] not in ("IMG", "INT")
                    shown = f"{actor[:3]} {sector}" if generic else display_name(actor, phrases[0][0])
                    actors.setdefault(actor, (shown, kind, actor_sector))
                for text, stem in phrases:
                    patterns.add((text, actor, sector, start, end, "0", "1" if stem else "0"))
            readings = [resolve(code, countries, militant) for code, _, _ in codes]
            if (readings and None not in readings and len({r[0] for r in readings}) == 1 and readings[0][1] == "country"
                    and any(len(code) == 3 for code, _, _ in codes) and all(s or e for _, s, e in codes)):
                # a place whose dated readings all name one country ("Iraq": IRQ, occupied IRQ, IRQ, with a gap
                # where a date is mistyped) names it on any date
                for text, stem in phrases:
                    patterns.add((text, readings[0][0], "", "", "", "0", "1" if stem else "0"))
    for row in read_updates(HERE / "updates.csv"):
        resolved = resolve(row["code"], countries, False)
        if resolved is None:
            raise SystemExit(f"updates.csv: code {row['code']!r} does not resolve")
        actor, kind, sector = resolved
        actors.setdefault(actor, (display_name(actor, row["name"].upper()), kind, "" if kind == "country" else sector))
        for alias in [row["name"], *row["aliases"].split("|")]:
            parsed = phrase(alias.replace(" ", "_") + "_")
            if parsed:
                patterns.add((parsed[0], actor, sector, row["start"], row["end"], "1", "0"))
    for code, (name, kind, sector) in list(actors.items()):
        if kind == "country" and code in NAMES:  # a country seen only through sector codes still needs a name
            actors[code] = (NAMES[code], kind, "")
        elif name[:3] == code[:3] and name[3:4] == " " and code[:3] in actors:  # "AFG rebels" -> "Afghanistan rebels"
            actors[code] = (f"{actors[code[:3]][0]} {name[4:]}", kind, sector)
    with open(HERE / "not_actors.csv", encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    for row in csv.DictReader(lines):
        parsed = phrase(row["phrase"].replace(" ", "_") + "_")
        if parsed:
            patterns.add((parsed[0], "-", "", "", "", "1", "0"))
    used = {p[1] for p in patterns}
    actor_rows = sorted([code, *actors[code]] for code in actors if code in used)
    pattern_rows = sorted(list(p) for p in patterns)
    return actor_rows, pattern_rows, parse_agents(folder / AGENT_FILE, AGENT_FIXES)


# Agents the Phoenix file lacks or files under a sector that misreads news ("Russian spokesman" is the government's).
AGENT_FIXES = {"OFFICIAL": "government", "OFFICIALS": "government", "FORCES": "military", "LEADER": "government",
               "LEADERS": "government", "SPOKESMAN": "government", "SPOKESWOMAN": "government",
               "SPOKESPERSON": "government", "SPOKESMEN": "government", "SPOKESWOMEN": "government",
               "SPOKESPEOPLE": "government", "SPOKESPERSONS": "government"}


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """Write rows with a header, LF line ends, UTF-8: byte-identical for identical rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=HERE.parent.parent.parent / "shared" / "data")
    args = parser.parse_args(argv)
    actors, patterns, agents = compile_dictionaries(args.shared)
    write_csv(HERE / "actors.csv", ["code", "name", "kind", "sector"], actors)
    write_csv(HERE / "patterns.csv", ["pattern", "actor", "sector", "start", "end", "priority", "stem"], patterns)
    write_csv(HERE / "agents.csv", ["pattern", "sector"], agents)
    verbs = parse_verbs(args.shared / "cameo_dictionaries" / VERB_FILE)
    write_csv(HERE / "verbs.csv", ["form", "verb", "code"], verbs)
    kinds = Counter(row[2] for row in actors)
    print(f"actors {len(actors)} ({dict(sorted(kinds.items()))}), patterns {len(patterns)}, agents {len(agents)}, "
          f"verb forms {len(verbs)}")


if __name__ == "__main__":
    main()
