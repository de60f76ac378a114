"""Word cues of the role rules: reporting verbs, auxiliaries, common news verbs, prepositions, agency datelines."""
from __future__ import annotations

import re

# Verbs that attribute speech: the speaker is the sentence's source, what it speaks about its targets.
REPORTING = {
    "SAY", "SAYS", "SAID", "TELL", "TELLS", "TOLD", "ANNOUNCE", "ANNOUNCES", "ANNOUNCED", "WARN", "WARNS", "WARNED",
    "STATE", "STATES", "STATED", "CLAIM", "CLAIMS", "CLAIMED", "ADD", "ADDS", "ADDED", "INSIST", "INSISTS",
    "INSISTED", "DECLARE", "DECLARES", "DECLARED", "ASSERT", "ASSERTS", "ASSERTED", "STRESS", "STRESSES",
    "STRESSED", "ARGUE", "ARGUES", "ARGUED", "REITERATE", "REITERATES", "REITERATED", "WROTE", "WRITES", "REPORTED",
    "REPORTS", "CONFIRM", "CONFIRMS", "CONFIRMED", "ADMIT", "ADMITS", "ADMITTED", "ACKNOWLEDGED", "EXPLAINED",
    "COMMENTED", "REMARKED", "NOTED", "NOTES",
}
BE = {"IS", "ARE", "WAS", "WERE", "BE", "BEEN", "BEING", "GET", "GETS", "GOT", "GETTING"}
AUX = BE | {"HAS", "HAVE", "HAD", "WILL", "WOULD", "CAN", "COULD", "SHOULD", "MAY", "MIGHT", "MUST", "DO", "DOES",
            "DID", "SHALL"}
IRREGULAR_PARTICIPLES = {
    "HELD", "HIT", "SHOT", "KEPT", "MADE", "TAKEN", "SEEN", "GIVEN", "BROUGHT", "CAUGHT", "FOUGHT", "BOUGHT", "SOLD",
    "TOLD", "SENT", "SPENT", "BUILT", "LEFT", "LED", "MET", "PAID", "SAID", "PUT", "SET", "SHUT", "CUT", "STRUCK",
    "FOUND", "WON", "HUNG", "DRIVEN", "BEATEN", "BROKEN", "CHOSEN", "FORGIVEN", "FROZEN", "HIDDEN", "STOLEN",
    "SWORN", "THROWN", "TORN", "WORN", "WRITTEN", "KNOWN", "SHOWN", "GROWN", "DRAWN", "FLOWN", "SLAIN", "BOUND",
    "SOUGHT", "THOUGHT", "TAUGHT", "FED", "BRED", "LOST", "SPREAD", "BURNT", "OVERRUN", "OVERTHROWN", "UPHELD",
    "WITHHELD", "FORBIDDEN", "BLOWN", "SHAKEN", "HURT", "QUIT", "RUN", "BEGUN", "DONE", "GONE",
}
COMMON_VERBS = {
    "PLANS", "WANTS", "SEEKS", "SOUGHT", "TRIES", "AGREES", "MEETS", "MET", "HOLDS", "HELD", "SENDS", "SENT", "GIVES",
    "GAVE", "TAKES", "TOOK", "MAKES", "MADE", "SEES", "SAW", "GETS", "FACES", "HITS", "LAUNCHES", "KILLS", "SLAMS",
    "URGES", "BACKS", "EYES", "VOWS", "RAPS", "BLASTS", "FIRES", "WINS", "WON", "LOSES", "LOST", "LEADS", "LED",
    "CALLS", "STORMS", "SEIZES", "PUSHES", "PRESSES", "OPENS", "CLOSES", "RISES", "ROSE", "FALLS", "FELL", "HANDS",
    "OFFERS", "ASKS", "BLAMES", "ACCUSES", "REJECTS", "SIGNS", "REMAINS", "SEEMS", "APPEARS", "CONTINUES", "STAYS",
    "LOOKS", "BECOMES", "BECAME", "KEEPS", "KEPT", "NEEDS", "HOPES", "EXPECTS", "GOES", "WENT", "COMES", "CAME",
    "RETURNS", "BEGINS", "BEGAN", "STARTS", "ENDS", "FEARS", "SHOWS", "TURNS", "HEADS", "MOVES", "FINDS", "FOUND",
    "ROCKS", "STOOD", "STANDS", "RELEASES", "FREES", "DEPORTS", "EXPELS", "SLASHES", "CUTS", "RAISES", "BOOSTS",
    "DROPS", "ADOPTS", "PASSES", "BLOCKS", "BANS", "LIFTS", "EASES", "TIGHTENS", "CRITICIZES", "CRITICISES",
    "CONDEMNS", "DENOUNCES", "WELCOMES", "PRAISES", "THANKS", "DEFENDS", "SUES", "CHARGES", "ARRESTS", "DETAINS",
    "JAILS", "ATTACKS", "BOMBS", "SHELLS", "INVADES", "DEPLOYS", "WITHDRAWS", "PULLS", "SUSPENDS", "RESUMES",
    "DEMANDS", "THREATENS", "THREATENED", "VOWED", "PLEDGED", "PROMISED", "DENIED", "DENIES", "ASSURED", "BELIEVES",
    "THINKS", "SUGGESTED", "PREDICTED", "TURNED", "DOUBLES", "NEARS", "HALTS", "HALTED", "STRIKES", "STRUCK",
}
DETERMINERS = {"THE", "A", "AN", "ITS", "THEIR", "HIS", "HER", "THIS", "THAT", "THESE", "THOSE", "NEW", "OF", "OUR"}
INDEFINITE = {"A", "AN", "ITS", "THEIR", "HIS", "HER", "OUR"}
PLACE_PREPS = {"IN", "AT", "NEAR", "INSIDE", "ACROSS", "THROUGHOUT", "AROUND", "OUTSIDE", "WITHIN", "FROM", "INTO",
               "OVER", "BEYOND", "BORDERING", "THROUGH", "VIA", "TOWARD"}
PLACE_ADJECTIVES = {"THE", "CENTRAL", "NORTHERN", "SOUTHERN", "EASTERN", "WESTERN", "NORTHEASTERN", "NORTHWESTERN",
                    "SOUTHEASTERN", "SOUTHWESTERN", "NORTH", "SOUTH", "EAST", "WEST", "NEIGHBOURING", "NEIGHBORING",
                    "NEARBY", "RURAL", "REMOTE", "NORTH-EASTERN", "SOUTH-WESTERN", "NORTH-WESTERN", "SOUTH-EASTERN"}
INTRO_STARTS = {"IN", "AT", "ON", "AFTER", "BEFORE", "DURING", "WHILE", "SINCE", "AS", "WITH", "FOLLOWING",
                "DESPITE", "AMID", "UNDER", "MEANWHILE", "FOR", "ALTHOUGH", "THOUGH", "IF", "WHEN", "BY", "LAST",
                "EARLIER", "LATER", "LATE", "FOURTH", "THIRD", "SECOND", "FIRST", "FINALLY", "HOWEVER", "ALSO"}
# Where a "by" phrase ends: "returned by US officials | to Spanish authorities".
BY_PHRASE_END = {",", ";", ":", "(", ")", "TO", "IN", "AT", "ON", "FOR", "FROM", "INTO", "AFTER", "BEFORE",
                 "DURING", "WHILE", "WHEN", "SINCE", "UNLESS", "BECAUSE", "WHO", "WHICH", "THAT", "AS"}
CLAUSE_BREAKS = {",", ";", ":", "THAT", "WHICH", "WHO", "BUT", "WHILE", "BECAUSE"}

# Agency datelines: "ABIDJAN (Reuters) - ", "BAGHDAD, Iraq - ", "Taipei, Nov. 12 (CNA) ", "TEHRAN: ",
# "Vienna, Austria -- ", "Bukavu/Nairobi - ".
DATELINES = [
    re.compile(r"^[A-Z][A-Za-z]+(?:[ /-][A-Z][A-Za-z]+)*(?:,\s*[A-Z][A-Za-z]+(?:\s[A-Z][A-Za-z]+)*)?"
               r"(?:,?\s*[A-Z][a-z]{2,4}\.?\s+\d{1,2}(?:,\s*\d{4})?)?\s*\([A-Z][\w .&/-]{1,25}\)"
               r"\s*(?:-{1,2}|\u2014|\u2013|:)?\s*"),
    re.compile(r"^[A-Z]{3,}(?:[ /][A-Z]{2,})*(?:,\s*[A-Z][\w.]*(?:\s[A-Z][\w.]*){0,3})?"
               r"\s*(?:-{1,2}|\u2014|\u2013|:)\s+"),
    re.compile(r"^[A-Z][a-z]+(?:[ /][A-Z][a-z]+)*,\s*[A-Z][a-z]+(?:\s[A-Z][a-z]+)*\s*(?:--|\u2014|\u2013)\s+"),
    re.compile(r"^[A-Z][a-z]+(?:/[A-Z][a-z]+)+\s+-\s+"),
]
# One pattern: an alternation tries its branches in order and takes the first that matches, as a loop would.
DATELINE = re.compile("|".join(f"(?:{p.pattern})" for p in DATELINES))
