"""Readers for the PETRARCH/TABARI dictionary formats (CAMEO/Phoenix actors, agents, verbs; the format is described
in PETRARCH2's docs/source/dictionaries.rst): used by data/actors/build.py to compile data/actors, and by its tests.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

# CAMEO three-letter type codes -> the product's sector names; codes absent here have no sector.
SECTORS = {
    "GOV": "government", "MIL": "military", "COP": "police", "JUD": "judiciary", "LEG": "legislature",
    "SPY": "intelligence", "ELI": "elites", "PTY": "party", "REB": "rebels", "INS": "rebels", "SEP": "rebels",
    "UAF": "armed group", "IMG": "militant", "OPP": "opposition", "BUS": "business", "MNC": "business",
    "MED": "media", "CVL": "civilians", "PPL": "civilians", "LAB": "labour", "EDU": "education", "HLH": "health",
    "REF": "refugees", "AGR": "agriculture", "HRI": "human rights", "ENV": "environment", "DEV": "development",
    "CRM": "criminals", "NGO": "ngo", "NGM": "ngo", "IGO": "igo", "REL": "religious", "MUS": "religious",
    "CHR": "religious", "JEW": "religious", "BUD": "religious", "HIN": "religious", "OCC": "occupation",
    "RAD": "radicals", "MOD": "moderates",
}


DATE = re.compile(r"^(\d{6}|\d{8})$")
CODE = re.compile(r"\[([^\]]*)\]")


def parse_date(text: str) -> str:
    """A dictionary date (YYMMDD or YYYYMMDD) as ISO text; two-digit years up to 20 are 20xx (the file is 2014's)."""
    if not DATE.match(text):
        raise ValueError(text)
    if len(text) == 6:
        year = int(text[:2])
        text = f"{2000 + year if year <= 20 else 1900 + year}{text[2:]}"
    return dt.date(int(text[:4]), int(text[4:6]), int(text[6:])).isoformat()


def parse_restriction(body: str) -> tuple[str, str, str] | None:
    """``CODE``, ``CODE <d``, ``CODE >d`` or ``CODE d-d`` -> (code, start, end); None for a null or broken one."""
    parts = body.split()
    if not parts or parts[0].startswith("-"):
        return None
    code, start, end = parts[0].strip(), "", ""
    if len(parts) > 1:
        span = "".join(parts[1:])
        try:
            if span.startswith("<"):
                end = parse_date(span[1:])
            elif span.startswith(">"):
                start = parse_date(span[1:])
            elif "-" in span:
                first, last = span.split("-", 1)
                start, end = parse_date(first), parse_date(last)
            else:
                return None
        except ValueError:
            return None  # a typo'd date (e.g. 7 digits) restricts nothing we can trust
    if not re.fullmatch(r"[A-Z]{3,}", code):
        return None
    return code, start, end


def phrase(raw: str) -> tuple[str, bool] | None:
    """Dictionary phrase -> (upper-case words joined by blanks, stem?); a trailing ``_`` stops stemming."""
    raw = raw.strip()
    stem = not raw.endswith("_")
    text = re.sub(r"\([^)]*\)", " ", raw.replace("_", " "))
    text = " ".join(text.replace("+", " ").split()).upper()
    if sum(c.isalpha() for c in text) < 2:
        return None  # "380": a number names nobody
    return text, stem


def parse_actor_file(path: Path) -> list[tuple[list[tuple[str, bool]], list[tuple[str, str, str]], int]]:
    """Records of a PETRARCH actor file: (phrases, code restrictions, line of the primary phrase)."""
    records: list[tuple[list[tuple[str, bool]], list[tuple[str, str, str]], int]] = []
    phrases: list[tuple[str, bool]] = []
    codes: list[tuple[str, str, str]] = []
    start_line = 0
    in_codes = False
    for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
        content = line.split("#", 1)[0]
        if not content.strip():
            continue
        found = [r for r in (parse_restriction(m) for m in CODE.findall(content)) if r]
        bare = CODE.sub(" ", content)
        if content[0] in " \t" and not bare.strip():  # a restriction line of the current record
            codes.extend(found)
            in_codes = True
            continue
        synonym = content.lstrip().startswith("+")
        if not synonym or in_codes:
            if phrases:
                records.append((phrases, codes, start_line))
            phrases, codes, start_line, in_codes = [], [], number, False
        parsed = phrase(bare.lstrip().lstrip("+"))
        if parsed:
            phrases.append(parsed)
        codes.extend(found)
    if phrases:
        records.append((phrases, codes, start_line))
    return records


def plural(word: str) -> str:
    """Regular English plural, as PETRARCH generates it."""
    if word.endswith("Y") and not word.endswith(("AY", "EY", "OY")):
        return word[:-1] + "IES"
    if word.endswith(("SS", "SH", "CH", "X")):
        return word + "ES"
    return word + "S"


def parse_agents(path: Path, fixes: dict[str, str] | None = None) -> list[list[str]]:
    """Agent rows (pattern, sector): substitution sets expanded, regular plurals added unless ``{}`` says otherwise."""
    subs: dict[str, list[str]] = {}
    rows: set[tuple[str, str]] = set()
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        content = line.split("#", 1)[0].strip()
        if not content:
            continue
        sub = re.match(r"^(![A-Z]+!)\s*=\s*(.+)$", content)
        if sub:
            subs[sub.group(1)] = [w.strip() for w in sub.group(2).split(",")]
            continue
        code = re.search(r"\[([^\]}]*)[\]}]", content)
        if not code:
            continue
        raw_code = code.group(1).strip()
        sector_code = raw_code.replace("~", "")[:3]
        sector = SECTORS.get(sector_code)
        if not sector:
            continue
        head = content[:code.start()]
        plural_forms = re.search(r"\{([^}]*)\}", head)
        base = re.sub(r"\{[^}]*\}", " ", head).strip()
        variants = [base]
        for marker, words in subs.items():
            if marker in base:
                variants = [v.replace(marker, w) for v in variants for w in words]
        for variant in variants:
            parsed = phrase(variant + "_")
            if not parsed:
                continue
            rows.add((parsed[0], sector))
            if plural_forms is not None:
                for form in plural_forms.group(1).split():
                    extra = phrase(form + "_")
                    if extra:
                        rows.add((extra[0], sector))
            elif "!" not in base:
                rows.add((plural(parsed[0]), sector))
    fixes = fixes or {}
    rows = {(p, sec) for p, sec in rows if p not in fixes} | set(fixes.items())
    return sorted(list(r) for r in rows)


def verb_forms(verb: str) -> set[str]:
    """Regular forms of an English verb, generous: a form that no text uses costs nothing."""
    forms = {verb, plural(verb)}
    if verb.endswith("E"):
        forms |= {verb + "D", verb[:-1] + "ING"}
    elif verb.endswith("Y") and not verb.endswith(("AY", "EY", "OY")):
        forms |= {verb[:-1] + "IED", verb + "ING"}
    else:
        forms |= {verb + "ED", verb + "ING"}
        if re.search(r"[^AEIOU][AEIOU][BDGKLMNPRT]$", verb):  # stop -> stopped
            forms |= {verb + verb[-1] + "ED", verb + verb[-1] + "ING"}
    return forms


def parse_verbs(path: Path) -> list[list[str]]:
    """(form, verb, code) rows of the CAMEO verb dictionary's single-word verbs and their irregular forms."""
    rows: set[tuple[str, str, str]] = set()
    block_code = "---"
    in_patterns = False
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if "VERB PATTERNS" in line:
            in_patterns = True
        content = line.split("#", 1)[0].rstrip()
        if not in_patterns or not content:
            continue
        header = re.match(r"^---\s+.*?\[([^\]]*)\]", content)
        if header:
            block_code = header.group(1).strip()
            continue
        entry = re.match(r"^([A-Z][A-Z'-]*)\s*(\{[^}]*\})?\s*(\[[^\]]*\])?\s*$", content)
        if not entry:
            continue
        verb = entry.group(1)
        code = entry.group(3)[1:-1].strip() if entry.group(3) else block_code
        forms = {w.strip("+") for w in entry.group(2)[1:-1].split()} | {verb} if entry.group(2) else verb_forms(verb)
        rows |= {(form, verb, code) for form in forms if form}
    return sorted(list(r) for r in rows)
