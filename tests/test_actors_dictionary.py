"""Actor dictionaries: the PETRARCH format parser of data/actors/build.py, the compiled bundled dictionary, dated
leaders, metonyms and the matcher's case and longest-match rules."""
from __future__ import annotations

import datetime as dt
import importlib.util
import shutil
from pathlib import Path

import pytest
from newsframe.core.actors import ActorIndex, extract_actors
from newsframe.core.actors.dictionary import DEFAULT_DIR, FILES
from newsframe.core.actors.matcher import find_mentions
from newsframe.core.actors.petrarch import parse_actor_file, parse_agents, parse_restriction
from newsframe.core.errors import DataError

REPO = Path(__file__).resolve().parent.parent


def _build_module():
    spec = importlib.util.spec_from_file_location("actors_build", REPO / "data" / "actors" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def index() -> ActorIndex:
    return ActorIndex.default()


def codes(index: ActorIndex, text: str, day: dt.date) -> list[tuple[str, str | None]]:
    return [(m.actor, m.sector) for m in find_mentions(index, text, day) if m.actor]


def test_parser_reads_records_synonyms_and_dated_codes(tmp_path: Path) -> None:
    source = tmp_path / "x.actors.txt"
    source.write_text(
        "# comment\nAFGHANISTAN_  [AFG]\n+AFGHAN_\n+KABUL_\n\n"
        "MOHAMMAD_ZAHIR_SHAH_  # CountryInfo.txt\n\t[AFGELI 320101-331108]\n\t[AFGGOV 331108-730717]\n\t[AFGELI]\n"
        "B._LYNN_PASCOE_\t[USAGOV 981022-010811] [IGOUNO  >070201]# note\n", encoding="utf-8")
    records = parse_actor_file(source)
    assert [r[0] for r in records] == [[("AFGHANISTAN", False), ("AFGHAN", False), ("KABUL", False)],
                                       [("MOHAMMAD ZAHIR SHAH", False)], [("B. LYNN PASCOE", False)]]
    assert records[1][1] == [("AFGELI", "1932-01-01", "1933-11-08"), ("AFGGOV", "1933-11-08", "1973-07-17"),
                             ("AFGELI", "", "")]
    assert records[2][1] == [("USAGOV", "1998-10-22", "2001-08-11"), ("IGOUNO", "2007-02-01", "")]


def test_restrictions_and_codes() -> None:
    build = _build_module()
    assert parse_restriction("RUSGOV >080508") == ("RUSGOV", "2008-05-08", "")
    assert parse_restriction("IRQ <20030320") == ("IRQ", "", "2003-03-20")
    assert parse_restriction("KORGOVBUS 2004017-20061201") is None  # a typo'd date restricts nothing
    assert parse_restriction("---") is None
    countries = {"RUS", "PSE", "AFG", "KSV"}
    assert build.resolve("RUSGOV", countries, False) == ("RUS", "country", "government")
    assert build.resolve("PSEREBHMS", countries, True) == ("PSEREBHMS", "nonstate", "rebels")
    assert build.resolve("AFGREB", countries, False) == ("AFGREB", "nonstate", "rebels")
    assert build.resolve("KSV", countries, False) == ("XKX", "country", "")  # Kosovo's ISO user code
    assert build.resolve("IGOUNO", countries, False) == ("IGOUNO", "igo", "")
    assert build.resolve("MNCUSA", countries, False) is None


def test_agents_expand_substitutions_and_plurals(tmp_path: Path) -> None:
    source = tmp_path / "agents.txt"
    source.write_text("!PERSON! = MAN, WOMAN\nPOLICE {} [~COP]\nTROOP [~MIL]\nCONGRESS!PERSON! [~LEG]\n"
                      "ATTORNEY_GENERAL {ATTORNEYS_GENERAL} [~GOVATG]\n", encoding="utf-8")
    rows = parse_agents(source)
    assert ["POLICE", "police"] in rows and ["POLICES", "police"] not in rows
    assert ["TROOPS", "military"] in rows and ["CONGRESSWOMAN", "legislature"] in rows
    assert ["ATTORNEYS GENERAL", "government"] in rows
    fixed = parse_agents(source, {"POLICE": "government"})  # build.py's AGENT_FIXES override a sector
    assert ["POLICE", "government"] in fixed and ["POLICE", "police"] not in fixed


def test_bundled_dictionary_loads_with_a_stable_version(index: ActorIndex, tmp_path: Path) -> None:
    assert index.actors["RUS"].kind == "country" and index.actors["IGOUNO"].name == "United Nations"
    assert index.actors["IGOWSTNAT"].kind == "igo" and index.actors["PSEREBHMS"].kind == "nonstate"
    copy = tmp_path / "dict"
    copy.mkdir()
    for name in FILES:
        shutil.copy(DEFAULT_DIR / name, copy / name)
    assert ActorIndex.load(copy).version == index.version
    (copy / "actors.csv").write_text((DEFAULT_DIR / "actors.csv").read_text(encoding="utf-8") + "ZZZ,Zed,country,\n",
                                     encoding="utf-8")
    assert ActorIndex.load(copy).version != index.version
    (copy / "verbs.csv").unlink()
    with pytest.raises(DataError):
        ActorIndex.load(copy)


def test_us_presidents_resolve_by_date(index: ActorIndex) -> None:
    assert codes(index, "Trump spoke.", dt.date(2016, 6, 1)) == [("USABUS", "business")]  # US business, not the state
    assert codes(index, "Trump spoke.", dt.date(2017, 1, 20)) == [("USA", "government")]
    assert codes(index, "Trump spoke.", dt.date(2022, 3, 1)) == [("USA", "elites")]
    assert codes(index, "Biden spoke.", dt.date(2022, 3, 1)) == [("USA", "government")]
    assert codes(index, "Biden spoke.", dt.date(2025, 2, 1)) == [("USA", "elites")]
    assert codes(index, "Obama spoke.", dt.date(2016, 1, 1)) == [("USA", "government")]
    assert codes(index, "Obama spoke.", dt.date(2018, 1, 1)) == [("USA", "elites")]


def test_leaders_change_country_with_office(index: ActorIndex) -> None:
    assert codes(index, "Mark Rutte said so.", dt.date(2020, 1, 1)) == [("NLD", "government")]
    assert codes(index, "Mark Rutte said so.", dt.date(2025, 1, 1)) == [("IGOWSTNAT", None)]  # NATO chief
    assert codes(index, "Zelensky spoke.", dt.date(2023, 1, 1)) == [("UKR", "government")]
    assert codes(index, "Putin spoke.", dt.date(2024, 1, 1)) == [("RUS", "government")]
    assert codes(index, "Xi Jinping spoke.", dt.date(2024, 1, 1)) == [("CHN", "government")]
    assert codes(index, "Keir Starmer spoke.", dt.date(2025, 1, 1)) == [("GBR", "government")]
    assert codes(index, "The Taliban attacked.", dt.date(2019, 1, 1))[0][0] == "AFGREB"
    assert codes(index, "The Taliban decreed.", dt.date(2023, 1, 1)) == [("AFG", "government")]


def test_metonyms_and_renamed_places(index: ActorIndex) -> None:
    day = dt.date(2024, 5, 1)
    assert codes(index, "The Kremlin replied.", day) == [("RUS", "government")]
    found = [c for c, _ in codes(index, "Washington and Beijing met in Kyiv, not Kiev.", day)]
    assert found == ["USA", "CHN", "UKR", "UKR"]
    found = [c for c, _ in codes(index, "Türkiye, Czechia, North Macedonia and Eswatini", day)]
    assert found == ["TUR", "CZE", "MKD", "SWZ"]
    assert index.actors["TUR"].name == "Türkiye"


def test_case_rules_and_longest_match(index: ActorIndex) -> None:
    day = dt.date(2024, 5, 1)
    assert codes(index, "He told us the turkey was cold.", day) == []
    assert codes(index, "The US and the UN agreed.", day) == [("USA", None), ("IGOUNO", None)]
    found = find_mentions(index, "Russian Foreign Minister Sergei Lavrov arrived.", day)
    assert [(m.actor, m.sector, m.start, m.end) for m in found] == [("RUS", "government", 0, 38)]
    found = find_mentions(index, "Russian troops and Iraqi police", day)
    assert [(m.actor, m.sector) for m in found] == [("RUS", "military"), ("IRQ", "police")]
    assert [a["code"] for a in extract_actors(index, "Russians and Afghans met.", day)] == ["RUS", "AFG"]


def test_non_state_sectors_are_their_own_actors(index: ActorIndex) -> None:
    day = dt.date(2019, 6, 1)
    found = {a["code"]: a for a in extract_actors(index, "Afghan rebels attacked Syrian refugees near Kabul.", day)}
    assert found["AFGREB"]["kind"] == "nonstate" and found["AFGREB"]["role"] == "source"
    assert found["SYRREF"]["name"] == "Syria refugees" and found["SYRREF"]["sector"] == "refugees"
    assert found["AFG"]["role"] == "mentioned"  # Kabul, a place
    assert codes(index, "Russian officials met.", day) == [("RUS", "government")]


def test_phrases_that_name_nobody_hide_the_name_inside(index: ActorIndex) -> None:
    day = dt.date(2004, 9, 1)
    assert codes(index, "The Paris Club offered a debt freeze.", day) == []
    assert codes(index, "Police in Paris said so (Canadian Press).", day) == [("FRA", "police")]


def test_places_resolve_on_any_date(index: ActorIndex) -> None:
    # the 2014 file dates Iraq's readings (occupation 2003-2006, one date mistyped): the place is Iraq throughout
    for year in (1999, 2004, 2010):
        assert codes(index, "Iraq said no.", dt.date(year, 1, 1)) == [("IRQ", None)]
