"""Builds the extraction gold files from quote-based specs; offsets are computed, never typed.

    python data/gold/build_gold.py          # writes data/gold/samples.json and data/gold/extra.json
    python data/gold/build_gold.py --check  # fails if the written files differ from the specs

Format: data/gold/GOLD-FORMAT.md. Every annotation is given by its exact quote;
a quote that occurs more than once needs `n` (0-based occurrence); an ambiguous or missing quote
is an error. People mentions are given as name forms: every whole-word occurrence of a form
(longest form first) is a mention, except occurrences inside an `exclude` context
("Trump Administration") or inside page furniture.

Annotation decisions (beyond GOLD-FORMAT.md):
- Person mentions are annotated in headlines, body, photo captions and embedded posts, but not
  in page furniture: photo-credit lines (the photographer), embed signature lines
  ("— Name (@handle) Month D, YYYY"), fundraising text. "Trump Administration" is an
  organisation name, not a person mention.
- Photo captions and image alt text are page furniture (boilerplate claims), as are player
  controls, "Sponsored message", fundraising appeals (including their factual-sounding parts),
  copyright lines, embed signatures and the link-only text of an embedded post.
- A dateline ("ANCHORAGE, Alaska —") is outside the claim span.
- Opinion, intent and rhetoric in quotes, vague statements and plans are claims with
  checkable=false: the scorer neither rewards nor penalises extracting them.
- Attributed statements whose speaker is a group ("European leaders … saying") have claimant null.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SAMPLES_DIR = ROOT / "data" / "samples"
EXTRA_DIR = HERE / "extra"


def find(text: str, exact: str, n: int | None = None) -> tuple[int, int]:
    """Offsets of the n-th occurrence of `exact` (n required when it occurs more than once)."""
    starts = [m.start() for m in re.finditer(re.escape(exact), text)]
    if not starts:
        raise ValueError(f"quote not found: {exact!r}")
    if n is None:
        if len(starts) > 1:
            raise ValueError(f"quote occurs {len(starts)} times, give n: {exact!r}")
        n = 0
    s = starts[n]
    return s, s + len(exact)


def name_mentions(text: str, forms: list[str], exclude: list[str] = (), furniture: list[tuple[int, int]] = ()):
    """Every whole-word occurrence of the forms, longest first, minus excluded contexts."""
    blocked = []
    for ctx in exclude:
        for m in re.finditer(re.escape(ctx), text):
            blocked.append((m.start(), m.end()))
    blocked.extend(furniture)
    taken: list[tuple[int, int]] = []
    for form in sorted(forms, key=len, reverse=True):
        for m in re.finditer(r"(?<!\w)" + re.escape(form) + r"(?!\w)", text):
            s, e = m.span()
            if any(bs <= s and e <= be for bs, be in blocked):
                continue
            if any(ts < e and s < te for ts, te in taken):
                continue
            taken.append((s, e))
    return sorted(taken)


def C(exact, kind="reported", claimant=None, checkable=True, n=None):
    return {"exact": exact, "kind": kind, "claimant": claimant, "checkable": checkable, "n": n}


def B(exact, n=None, names=False):
    """Boilerplate (page furniture or fundraising) span; names=True for captions and embedded
    posts, whose person names are still annotated as mentions."""
    return {"exact": exact, "kind": "reported", "claimant": None, "checkable": False, "n": n, "boilerplate": True,
            "names": names}


Q = "direct_quote"
A = "attributed"

# --------------------------------------------------------------------------------- people
PEOPLE = {
    "per_trump": ("Donald Trump", ["Donald J. Trump", "Trump", "President Trump"]),
    "per_putin": ("Vladimir Putin", ["Putin", "President Putin"]),
    "per_leavitt": ("Karoline Leavitt", ["Leavitt"]),
    "per_zelenskyy": ("Volodymyr Zelenskyy", ["Zelenskyy", "Zelensky", "Zelenskiy", "Volodymyr Zelensky"]),
    "per_mueller": ("Klara Müller", ["Müller", "Mueller", "Klara Mueller"]),
    "per_sorensen": ("Henrik Sørensen", ["Sørensen", "Sorensen"]),
    "per_castellanos": ("Zoë Castellanos", ["Castellanos", "Zoe Castellanos"]),
    "per_alvarez": ("Rodrigo Álvarez", ["Álvarez", "Alvarez"]),
    "per_hoffmann": ("Ingrid Hoffmann", ["Hoffmann"]),
    "per_brandt": ("Tobias Brandt", ["Brandt"]),
    "per_lindqvist": ("Maja Lindqvist", ["Lindqvist"]),
    "per_kovalskyy": ("Oleksandr Kovalskyy", ["Kovalskyy", "Kovalsky", "Kovalskiy"]),
    "per_wisniewski": ("Piotr Wiśniewski", ["Wiśniewski", "Wisniewski"]),
    "per_marchand": ("Élodie Marchand", ["Marchand", "Elodie Marchand"]),
    "per_fabre": ("Jean-Luc Fabre", ["Fabre"]),
    "per_dahl": ("Ingrid Dahl", ["Dahl"]),
    "per_lykke": ("Søren Lykke", ["Lykke", "Soren Lykke"]),
}

# ---------------------------------------------------------------------------------- events
EVENTS = {
    "evt_alaska_summit": ("Alaska summit", "summit", "2025-08-15", "Anchorage, Alaska", ["per_trump", "per_putin"]),
    "evt_alaska_presser": ("Joint press conference in Anchorage", "press_conference", "2025-08-15",
                           "Joint Base Elmendorf-Richardson, Anchorage", ["per_trump", "per_putin"]),
    "evt_ukraine_war": ("War in Ukraine", "war", None, "Ukraine", []),
    "evt_ww2": ("World War II", "war", None, None, []),
    "evt_rate_meeting": ("Monetary Authority rate meeting", "summit", None, "Frankfurt", ["per_mueller"]),
    "evt_april_meeting": ("Monetary Authority April meeting", "summit", None, None, []),
    "evt_rate_presser": ("Monetary Authority news conference", "press_conference", None, "Frankfurt", ["per_mueller"]),
    "evt_valparaiso_election": ("Valparaíso mayoral election", "election", None, "Valparaíso",
                                ["per_castellanos", "per_alvarez"]),
    "evt_spill_ruling": ("Appeals court ruling on the Baltic oil spill", "ruling", None, "Hamburg", ["per_hoffmann"]),
    "evt_baltic_spill": ("Baltic Sea oil spill", "disaster", None, "Baltic Sea", []),
    "evt_grain_talks": ("Warsaw grain talks", "summit", None, "Warsaw", ["per_kovalskyy", "per_wisniewski"]),
    "evt_measles_outbreak": ("Measles outbreak in northern France", "outbreak", None, "northern France", []),
    "evt_earnings_call": ("Halvorsen quarterly earnings call", "press_conference", None, None, ["per_dahl"]),
}

# ----------------------------------------------------------------------------- documents
DOCS = {
    "samples": {
        "000_3e424eb520665100.txt": {
            "people": {
                "per_trump": dict(forms=["Donald Trump", "Trump"], exclude=["Trump Administration"]),
                "per_putin": dict(forms=["Vladimir Putin", "Putin"]),
                "per_leavitt": dict(forms=["Karoline Leavitt"]),
                "per_zelenskyy": dict(forms=["Volodymyr Zelenskyy", "Zelenskyy"]),
            },
            "events": {
                "evt_alaska_summit": [("talks", 0), ("talks", 1), ("talks", 2), ("a momentous summit", None),
                                      ("the Anchorage summit", None), ("the summit", 0), ("the summit", 1),
                                      ("Friday's meeting", None)],
                "evt_alaska_presser": [("a press conference", None), ("a joint press conference", None)],
                "evt_ukraine_war": [("the war", 0), ("his invasion", None), ("the war", 1), ("the war", 2),
                                    ("the war", 3), ("its fight", None)],
            },
            "claims": [
                B("Sponsored message", 0),
                B("Audience-funded nonprofit news"),
                B("radio tower icon laist logo"),
                B("Next Up:"),
                B("Listen Now Playing Listen"),
                B("President Trump and Putin are across from each other in a tight shot of the two men.", names=True),
                B("President Trump and Russian President Vladimir Putin hold a press conference at Joint Base "
                  "Elmendorf-Richardson in Anchorage, Alaska on Friday after a day of talks aimed at ending the war "
                  "in Ukraine.", names=True),
                B("Truth matters. Community matters. Your support makes both possible. LAist is one of the few places "
                  "where news remains independent and free from political and corporate influence. Stand up for truth "
                  "and for LAist. Make your year-end tax-deductible gift now."),
                C("President Donald Trump is meeting with Russian President Vladimir Putin in Alaska today, a momentous "
                  "summit on American soil with a leader isolated by the West over his invasion of Ukraine."),
                C("Trump, who pledged a quick end to the war in Ukraine during his 2024 campaign, projected confidence "
                  "ahead of the Anchorage summit — noting his strong relationship with the Russian leader."),
                C("Look, he's a smart guy. He's been doing it for a long time, but so have I", Q, "per_trump", False),
                C("We get along. It's a good respect level on both sides. And I think, you know, something is going to "
                  "come up.", Q, "per_trump", False),
                C("The two leaders are expected to meet at Joint Base Elmendorf-Richardson on the outskirts of Anchorage "
                  "starting at 11 a.m. Alaska Time (3 p.m. ET)."),
                C("White House press secretary Karoline Leavitt said on Thursday that they would hold a joint press "
                  "conference at the end of the summit.", A, "per_leavitt"),
                B("Latest Trump Administration news"),
                B("President Trump waves from the top of airplane stairs next to a door with the seal of the President "
                  "of the U.S.", names=True),
                B("President Trump boards Air Force One on Aug. 15, 2025 at Joint Base Andrews, Maryland, on his way to "
                  "Anchorage, Alaska, for talks with Russian President Vladimir Putin", names=True),
                C("Trump said he was willing to talk about business and trade with Putin, but made clear on Friday that "
                  "he was not ready to expand commercial ties unless fighting stops in Ukraine.", A, "per_trump"),
                C("They want to do business, but they're not doing business until we get the war solved", Q, "per_trump"),
                B("Sponsored message", 1),
                C('Trump also warned of "severe consequences" for Putin if progress is not made on ending the war.',
                  A, "per_trump"),
                C("I'm not doing this for my health, okay", Q, "per_trump", False),
                C("I don't need it. I'd like to focus on our country, but I'm doing this to save a lot of lives.",
                  Q, "per_trump", False),
                C("European leaders who have backed Ukraine in its fight against Russia spoke with Trump on Wednesday, "
                  "saying Putin must agree to a ceasefire and security guarantees for Ukraine before any peace talks "
                  "begin.", A, None),
                C('On Friday, Trump said he was open to providing security guarantees for Ukraine "along with Europe and '
                  'other countries" but emphasized that would not involve Ukraine becoming a part of NATO.',
                  A, "per_trump"),
                C('Ahead of the summit, Trump had talked about the possibility of a "land swap" between Russia and '
                  'Ukraine.'),
                C("Ukrainian President Volodymyr Zelenskyy has strongly opposed ceding territory, noting that doing so "
                  "would violate his country's constitution.", A, "per_zelenskyy"),
                C("On the flight, Trump acknowledged that he and Putin would talk about land being exchanged — but said "
                  "it was up to Ukraine.", A, "per_trump"),
                C("He has said he sees Friday's meeting as a prelude to broader talks between Putin and Zelenskyy.",
                  A, "per_trump"),
                C("I've got to let Ukraine make that decision. And I think they'll make a proper decision. But I'm not "
                  "here to negotiate for Ukraine. I'm here to get them at a table", Q, "per_trump", False),
                B("Copyright 2025 NPR"),
                B("You come to LAist because you want independent reporting and trustworthy local information. Our "
                  "newsroom doesn’t answer to shareholders looking to turn a profit. Instead, we answer to you and our "
                  "connected community. We are free to tell the full truth, to hold power to account without fear or "
                  "favor, and to follow facts wherever they lead. Our only loyalty is to our audiences and our mission: "
                  "to inform, engage, and strengthen our community."),
                B("Right now, LAist has lost $1.7M in annual funding due to Congress clawing back money already "
                  "approved. The support we receive before year-end will determine how fully our newsroom can continue "
                  "informing, serving, and strengthening Southern California."),
                B("If this story helped you today, please become a monthly member today to help sustain this mission. "
                  "It just takes 1 minute to donate below."),
                B("Your tax-deductible donation keeps LAist independent and accessible to everyone."),
                B("Senior Vice President News, Editor in Chief"),
                B("Make your tax-deductible year-end gift today"),
                B("A row of graphics payment types: Visa, MasterCard, Apple Pay and PayPal, and  below a lock with "
                  "Secure Payment text to the right"),
            ],
        },
        "001_87f9c890ea636cff.txt": {
            "people": {
                "per_trump": dict(forms=["Donald Trump", "Donald J. Trump", "Trump"]),
                "per_putin": dict(forms=["Vladimir Putin", "Putin"]),
                "per_zelenskyy": dict(forms=["Volodymyr Zelensky", "Zelensky"]),
            },
            "events": {
                "evt_alaska_summit": [("a highly anticipated summit", None), ("The three-hour meeting", None),
                                      ("the summit", None), ("the meeting", 0), ("the meeting", 1),
                                      ("the Alaska talks", None), ("an extremely productive meeting", None),
                                      ("The Anchorage meeting", None), ("the first summit", None)],
                "evt_alaska_presser": [("a 12-minute joint press conference", None), ("a Press Conference", None)],
                "evt_ukraine_war": [("the conflict", None), ("the Ukraine war", None)],
                "evt_ww2": [("World War II", None)],
            },
            "claims": [
                C("US President Donald Trump and Russian President Vladimir Putin concluded a highly anticipated summit "
                  "in Anchorage, Alaska, without reaching a ceasefire deal for Ukraine, but both leaders described "
                  "their discussions as constructive and productive."),
                C("The three-hour meeting ended with a 12-minute joint press conference during which the leaders "
                  "declined to take questions from journalists, issuing only prepared statements."),
                C("Despite no breakthrough on Ukraine, Trump and Putin sought to highlight progress and the potential "
                  "for improved US-Russia relations."),
                C("President Putin said the discussions were held in a constructive atmosphere of mutual respect, a "
                  "sentiment echoed by Trump, who called the summit “very productive.”", A, "per_putin"),
                B("President Trump Participates in a Press Conference with the President of the Russian Federation "
                  "https://t.co/D07iIhS8lh", names=True),
                B("— The White House (@WhiteHouse) August 15, 2025", 0),
                C("Putin avoided specifics on Ukraine’s battlefield situation but described the meeting as a potential "
                  "“starting point” for resolving the conflict and restoring “business-like and pragmatic” US-Russia "
                  "relations.", A, "per_putin"),
                C("Putin urged that Kyiv and European capitals view developments constructively and cautioned against "
                  "provocations or behind-the-scenes intrigues that could undermine progress.", A, "per_putin"),
                C("He also referenced shared US-Russia history, including Alaska’s Russian heritage and cooperation "
                  "during World War II, suggesting the meeting symbolically represented a step toward a new chapter in "
                  "bilateral ties.", A, "per_putin"),
                C("Trump claimed that some progress had been made on Ukraine, while stressing that “there’s no deal "
                  "until there’s a deal.”", A, "per_trump"),
                C("He emphasized that Putin wants peace, noting that both leaders aim to prevent thousands of deaths "
                  "per week.", A, "per_trump"),
                C("However, Trump stressed that the peace process ultimately rests with Ukrainian President Volodymyr "
                  "Zelensky, saying he would brief Zelensky and NATO on the outcome of the Alaska talks.",
                  A, "per_trump"),
                C("We made some great progress today… We had an extremely productive meeting and many points were "
                  "agreed to.", Q, "per_trump"),
                B("pic.twitter.com/WBTMLcI0Cv"),
                B("— The White House (@WhiteHouse) August 15, 2025", 1),
                C("There were many, many points that we agreed on, most of them, I would say, a couple of big ones that "
                  "we haven’t quite gotten there, but we’ve made some headway", Q, "per_trump"),
                C("The Anchorage meeting marked the first summit between US and Russian leaders in four years"),
                C("as the Ukraine war entered its third year and bilateral relations reached a post-Cold War low."),
                C("Both leaders indicated they were open to continuing dialogue, with Putin inviting Trump to Moscow.",
                  A, None),
            ],
        },
    },
    "extra": {
        "central_bank.txt": {
            "people": {
                "per_mueller": dict(forms=["Klara Müller", "Müller", "Klara Mueller"]),
                "per_sorensen": dict(forms=["Henrik Sørensen", "Sørensen"]),
            },
            "events": {
                "evt_rate_meeting": [("the third consecutive meeting", None)],
                "evt_april_meeting": [("the previous meeting", None)],
                "evt_rate_presser": [("a news conference", None), ("the news conference", None)],
            },
            "claims": [
                C("The Euro-area Monetary Authority kept its benchmark deposit rate at 3.25% on Thursday, the third "
                  "consecutive meeting without a change, but its president signalled that a cut could come as early as "
                  "September."),
                C("Authority President Klara Müller told a news conference in Frankfurt that inflation had fallen to "
                  "2.4% in June, its lowest level since 2021.", A, "per_mueller"),
                C("We are not declaring victory, but the disinflation process is well on track", Q, "per_mueller"),
                C("Müller said the governing council’s decision had been unanimous.", A, "per_mueller"),
                C("Two of its 26 members had argued for a cut at the previous meeting in April, according to minutes "
                  "published last month."),
                B("Klara Mueller arrives for the news conference at the authority’s headquarters in Frankfurt on "
                  "Thursday.", names=True),
                B("(Photo by Kai Pfaffenbach/Reuters)"),
                C("The decision leaves borrowing costs at their highest level in 16 years", Q, "per_sorensen"),
                C("Sørensen expects two cuts before the end of the year.", A, "per_sorensen", False),
                C("Markets reacted calmly.", checkable=False),
                C("The euro slipped 0.3% against the dollar to $1.0840 after the announcement, and the yield on "
                  "Germany’s two-year bond fell to 2.91%, its lowest since January."),
                B("Sponsored message"),
                B("Sign up for our Markets Daily newsletter, delivered every weekday morning."),
            ],
        },
        "election.txt": {
            "people": {
                "per_castellanos": dict(forms=["Zoë Castellanos", "Castellanos"],
                                        exclude=["— Zoë Castellanos (@zoecastellanos)"]),
                "per_alvarez": dict(forms=["Rodrigo Álvarez", "Álvarez"]),
            },
            "events": {
                "evt_valparaiso_election": [("the mayoral election", None)],
            },
            "claims": [
                C("Zoë Castellanos, a 38-year-old former schoolteacher, won the mayoral election in Valparaíso on Sunday "
                  "with 50.8% of the vote, according to official results published by the electoral service on "
                  "Monday."),
                C("Castellanos defeated incumbent mayor Rodrigo Álvarez, who received 49.2%, a margin of roughly 2,300 "
                  "votes."),
                C("Turnout was 61%, the highest for a municipal vote in the city since 2012."),
                C("Tonight Valparaíso chose change, and I will govern for everyone, including those who did not vote "
                  "for me", Q, "per_castellanos", False),
                C("Álvarez conceded defeat on Monday morning but said his campaign would ask for a recount in two "
                  "districts where the margin was under 100 votes.", A, "per_alvarez"),
                B("pic.twitter.com/Xk29sLq0Pz"),
                B("— Zoë Castellanos (@zoecastellanos) October 27, 2024"),
                C("The port city of about 300,000 people has had four mayors in the past decade."),
                C("Castellanos will be the first woman to hold the office when she is sworn in on Dec. 6, 2024."),
                B("Support independent journalism. Donate today and help us keep our reporting free for everyone."),
            ],
        },
        "court_ruling.txt": {
            "people": {
                "per_hoffmann": dict(forms=["Ingrid Hoffmann", "Hoffmann"]),
                "per_brandt": dict(forms=["Tobias Brandt", "Brandt"]),
                "per_lindqvist": dict(forms=["Maja Lindqvist"]),
            },
            "events": {
                "evt_spill_ruling": [("the ruling", None), ("the decision", None)],
                "evt_baltic_spill": [("a 2021 oil spill", None), ("the spill", 0), ("The spill", None)],
            },
            "claims": [
                C("A federal appeals court on Tuesday upheld a 12 million euro fine against the shipping company Nordsee "
                  "Reederei over a 2021 oil spill in the Baltic Sea, rejecting the firm’s argument that the ship’s "
                  "captain alone was responsible."),
                C("Presiding Judge Ingrid Hoffmann said the company had ignored three internal warnings about a faulty "
                  "valve in the months before the spill.", A, "per_hoffmann"),
                C("A company cannot delegate its duty of care to a single employee and then disown him when things go "
                  "wrong", Q, "per_hoffmann", False),
                C("The spill released about 180 tonnes of heavy fuel oil near the island of Fehmarn and forced the "
                  "closure of 40 kilometres of beaches for six weeks, according to the environment ministry."),
                C("The company’s lawyer, Tobias Brandt, said the firm would consider an appeal to the Federal Court of "
                  "Justice.", A, "per_brandt"),
                C("We respect the court, but we believe the judgment misreads the evidence", Q, "per_brandt", False),
                C("Environmental groups welcomed the decision.", checkable=False),
                C("Maja Lindqvist of the Baltic Sea Alliance called it “the largest penalty ever imposed for a spill in "
                  "German waters” and said it should serve as a warning to other operators.", A, "per_lindqvist"),
                B("Advertisement"),
                B("Related stories"),
            ],
        },
        "grain_talks.txt": {
            "people": {
                "per_kovalskyy": dict(forms=["Oleksandr Kovalskyy", "Kovalskyy", "Kovalsky", "Kovalskiy"]),
                "per_wisniewski": dict(forms=["Piotr Wiśniewski", "Wiśniewski"]),
            },
            "events": {
                "evt_grain_talks": [("the first face-to-face talks", None), ("the meeting", None)],
                "evt_ukraine_war": [("the war", None), ("Russia’s full-scale invasion", None)],
            },
            "claims": [
                C("Ukrainian Agriculture Minister Oleksandr Kovalskyy met his Polish counterpart Piotr Wiśniewski in "
                  "Warsaw on Wednesday, the first face-to-face talks between the two ministers since Poland restricted "
                  "grain imports in March."),
                C("Kovalsky said after the meeting that both sides had agreed to set up a joint licensing system for "
                  "wheat and corn shipments by the end of the month.", A, "per_kovalskyy"),
                C("This is a practical step, not a final deal", Q, "per_kovalskyy", False),
                C("Wiśniewski said Poland would keep the import restrictions in place until the licensing system was "
                  "working, noting that farmers in eastern Poland had lost an estimated 2 billion zlotys since the "
                  "start of the war.", A, "per_wisniewski"),
                C("Poland was among Ukraine’s strongest supporters after Russia’s full-scale invasion began on Feb. 24, "
                  "2022, but the grain dispute has strained relations between the neighbours."),
                C("More than 60% of Ukraine’s grain exports now travel by sea, up from 35% a year ago, according to "
                  "ministry figures."),
                C("Kovalskiy is expected to return to Warsaw in two weeks.", checkable=False),
                B("Advertisement"),
                B("Read more"),
            ],
        },
    },
}

# Held-out articles: written after the pipeline's rules were fixed, scored without changing them.
DOCS["heldout"] = {
    "health_ministry.txt": {
        "people": {
            "per_marchand": dict(forms=["Élodie Marchand"]),
            "per_fabre": dict(forms=["Jean-Luc Fabre", "Fabre"]),
        },
        "events": {
            "evt_measles_outbreak": [("outbreak", None)],
        },
        "claims": [
            C("The health ministry on Monday extended a free measles vaccination campaign to all adults under 40 after "
              "312 cases were confirmed in the northern region since January, more than in the whole of last year."),
            C("Health Minister Dr. Élodie Marchand said clinics would open on weekends starting next month.",
              A, "per_marchand"),
            C("Measles is the most contagious disease we know, and every unvaccinated adult is a link in the chain.",
              Q, "per_marchand"),
            B("A nurse prepares a dose of the measles vaccine at a clinic in Lille on Monday.", names=True),
            B("(AP Photo/Lewis Joly)"),
            C("Vaccination coverage among children under two stands at 91%, below the 95% threshold the World Health "
              "Organization recommends, according to the ministry’s latest figures."),
            C("Paediatrician Jean-Luc Fabre, who leads an association of family doctors, said many parents had "
              "delayed appointments during the pandemic and never caught up.", A, "per_fabre"),
            C("We are paying for three lost years", Q, "per_fabre", False),
            C("Mr. Fabre also warned that rural areas had too few nurses to run the campaign on the proposed "
              "schedule.", A, "per_fabre"),
            B("Share this article"),
        ],
    },
    "tech_earnings.txt": {
        "people": {
            "per_dahl": dict(forms=["Ingrid Dahl", "Dahl"]),
            "per_lykke": dict(forms=["Søren Lykke", "Lykke"]),
        },
        "events": {
            "evt_earnings_call": [("a conference call", None)],
        },
        "claims": [
            C("Halvorsen Semiconductor reported quarterly revenue of 4.1 billion dollars on Wednesday, up 38% from a "
              "year earlier and the highest in the company’s 27-year history."),
            C("Chief executive Ingrid Dahl told analysts on a conference call that orders for data-centre chips had "
              "doubled since March.", A, "per_dahl"),
            C("Demand is running ahead of what we can build, and that will stay true well into next year",
              Q, "per_dahl"),
            C("Goldman Sachs said in a note that the results beat its forecast by 6%.", A, None),
            C("Shares rose 11% in early trading in Oslo, valuing the company at about 90 billion dollars."),
            C("Analyst Søren Lykke of Nordic Equity Research said the company still depends on a single supplier in "
              "Taiwan for its most advanced chips.", A, "per_lykke"),
            C("Lykke called that dependence “the biggest risk in the story.”", A, "per_lykke", False),
            C("Dahl said a second plant in Trondheim would start production in 2027.", A, "per_dahl"),
            B("Advertisement"),
        ],
    },
}

HELDOUT_DIR = HERE / "heldout"
OUTPUTS = {"samples": (SAMPLES_DIR, HERE / "samples.json"), "extra": (EXTRA_DIR, HERE / "extra.json"),
           "heldout": (HELDOUT_DIR, HERE / "heldout.json")}


def build(corpus: str) -> dict:
    docs_dir, _ = OUTPUTS[corpus]
    people: dict[str, dict] = {}
    events: dict[str, dict] = {}
    claims: list[dict] = []
    for file, spec in DOCS[corpus].items():
        text = (docs_dir / file).read_text(encoding="utf-8")
        stem = file.split("_")[0] if corpus == "samples" else file.split(".")[0]
        boiler = []
        for i, c in enumerate(spec["claims"]):
            s, e = find(text, c["exact"], c["n"])
            claim = {"id": f"clm_{stem}_{i + 1:02d}", "file": file, "start": s, "end": e, "exact": text[s:e],
                     "claimant": c["claimant"], "kind": c["kind"], "checkable": c["checkable"],
                     "boilerplate": bool(c.get("boilerplate"))}
            claims.append(claim)
            if claim["boilerplate"] and not c.get("names"):
                boiler.append((s, e))
        for pid, mspec in spec["people"].items():
            name, aliases = PEOPLE[pid]
            person = people.setdefault(pid, {"id": pid, "name": name, "aliases": aliases, "mentions": []})
            spans = name_mentions(text, mspec["forms"], mspec.get("exclude", ()), boiler + photo_credits(text))
            if not spans:
                raise ValueError(f"{file}: no mention of {pid}")
            person["mentions"] += [{"file": file, "start": s, "end": e, "exact": text[s:e]} for s, e in spans]
        for eid, quotes in spec["events"].items():
            name, kind, date, location, participants = EVENTS[eid]
            ev = events.setdefault(eid, {"id": eid, "name": name, "kind": kind, "date": date, "location": location,
                                         "participants": participants, "mentions": []})
            for exact, n in quotes:
                s, e = find(text, exact, n)
                ev["mentions"].append({"file": file, "start": s, "end": e, "exact": text[s:e]})
        _check_no_overlap(file, [c for c in claims if c["file"] == file])
    return {"offsets": "unicode code points, end exclusive", "people": list(people.values()),
            "events": list(events.values()), "claims": claims, "corroboration": []}


def photo_credits(text: str) -> list[tuple[int, int]]:
    """Multi-line photo credits '(' / name / '/' / agency / ')': the photographer is no mention."""
    return [m.span() for m in re.finditer(r"\(\n[^()]{1,80}\n\)", text)]


def _check_no_overlap(file: str, claims: list[dict]) -> None:
    spans = sorted((c["start"], c["end"]) for c in claims)
    for (s1, e1), (s2, e2) in zip(spans, spans[1:]):
        if s2 < e1:
            raise ValueError(f"{file}: claims overlap at {s2}")


def main(argv: list[str]) -> int:
    check = "--check" in argv
    status = 0
    for corpus, (_, out) in OUTPUTS.items():
        data = json.dumps(build(corpus), ensure_ascii=False, indent=1) + "\n"
        if check:
            if not out.exists() or out.read_text(encoding="utf-8") != data:
                print(f"{out} is stale: run python data/gold/build_gold.py", file=sys.stderr)
                status = 1
        else:
            out.write_text(data, encoding="utf-8")
            print(f"wrote {out.relative_to(ROOT)}")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
