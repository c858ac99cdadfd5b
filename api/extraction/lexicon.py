"""Word lists the rules use. Generic English news vocabulary, nothing document-specific."""

# Words that precede a name as a title or role and are stripped from the canonical name.
TITLE_WORDS = frozenset(
    """
    president vice prime minister chancellor secretary state press spokesperson spokesman
    spokeswoman senator sen rep representative congressman congresswoman governor gov mayor
    judge justice chief attorney general gen lt col maj capt sgt adm admiral commissioner
    director chairman chairwoman chair ceo founder king queen prince princess pope
    mr mrs ms miss dr prof professor sir dame lord lady rev reverend father sister
    ambassador envoy minister deputy foreign defense defence finance interior health
    leader premier speaker house majority minority opposition former late acting
    white executive managing economist analyst coach captain presiding agriculture
    """.split()
)

# Words that join title words ("Secretary of State", "the First Lady"): stripped, not titles.
TITLE_CONNECTORS = frozenset("the of for and first".split())

# Common nouns that introduce an organisation's name ("the shipping company Nordsee Reederei").
ORG_DESCRIPTORS = frozenset(
    """
    company firm group carrier bank airline operator maker insurer retailer lender brand label club
    team band party newspaper broadcaster agency outlet startup manufacturer shipper developer
    publisher fund charity organisation organization network chain giant conglomerate
    """.split()
)

# Role nouns that mark a person in apposition or before a name ("Tobias Brandt, the lawyer").
ROLE_NOUNS = frozenset(
    """
    economist analyst lawyer attorney spokesperson spokesman spokeswoman professor researcher scientist
    director chief executive official minister president founder chairman chairwoman head leader
    activist campaigner expert strategist adviser advisor member resident witness author editor
    reporter correspondent judge prosecutor senator governor mayor candidate coach player
    """.split()
)

# Headwords that make a capitalised phrase an organisation, place or thing, not a person.
NON_PERSON_HEADS = frozenset(
    """
    administration government campaign foundation organization organisation institute
    university college school hospital tower towers hotel house building center centre
    airport station street avenue road bridge park square time times news post journal
    party group company corp inc ltd llc bank fund council committee court department
    ministry agency office museum stadium arena doctrine act law plan deal summit
    """.split()
)

# Verbs (word forms) that attribute a statement to a speaker.
ATTRIBUTION_VERBS = frozenset(
    """
    say says said saying tell tells told telling claim claims claimed claiming
    stress stresses stressed stressing emphasize emphasizes emphasized emphasizing
    emphasise emphasises emphasised emphasising warn warns warned warning
    acknowledge acknowledges acknowledged acknowledging note notes noted noting
    add adds added adding argue argues argued arguing insist insists insisted insisting
    state states stated stating announce announces announced announcing
    deny denies denied denying admit admits admitted admitting assert asserts asserted
    asserting maintain maintains maintained contend contends contended explain explains
    explained explaining describe describes described describing call calls called
    urge urges urged urging suggest suggests suggested suggesting indicate indicates
    indicated indicating predict predicts predicted predicting promise promises promised
    vow vows vowed pledge pledges pledged confirm confirms confirmed confirming
    report reports reported reporting write writes wrote writing reference references
    referenced referencing testify testifies testified accuse accuses accused
    rule rules ruled ruling find finds found conclude concludes concluded
    estimate estimates estimated reply replies replied respond responds responded
    complain complains complained boast boasts boasted concede concedes conceded
    declare declares declared declaring echo echoed echoes posted post posts tweeted
    expect expects expected forecast forecasts believe believes believed
    """.split()
)

# Attribution verbs that report speech only with a clause or an "as" complement
# ("the court ruled that …", "described the meeting as …", not "concluded a summit").
WEAK_ATTRIBUTION_VERBS = frozenset(
    """
    conclude concludes concluded find finds found rule rules ruled ruling report reports reported
    reporting write writes wrote writing reference references referenced referencing describe
    describes described describing call calls called echo echoed echoes add adds added adding
    estimate estimates estimated post posts posted note notes noted state states stated
    """.split()
)

# Nouns that name or describe an event, mapped to an event kind.
EVENT_NOUNS = {
    "summit": "summit",
    "meeting": "summit",
    "talks": "summit",
    "conference": "press_conference",
    "briefing": "press_conference",
    "war": "war",
    "invasion": "war",
    "conflict": "war",
    "election": "election",
    "elections": "election",
    "vote": "election",
    "referendum": "election",
    "runoff": "election",
    "ruling": "ruling",
    "verdict": "ruling",
    "trial": "trial",
    "hearing": "hearing",
    "protest": "protest",
    "protests": "protest",
    "earthquake": "disaster",
    "flood": "disaster",
    "hurricane": "disaster",
}

# Modifiers that make an event mention hypothetical (not annotated as an event).
HYPOTHETICAL_CUES = frozenset("peace broader future possible potential any next planned proposed".split())

# Fundraising / outlet self-promotion cues (lower-case substrings).
FUNDRAISING_CUES = (
    "donate", "donation", "tax-deductible", "tax deductible", "your support", "support we receive",
    "become a member", "monthly member", "membership", "year-end gift", "make a gift", "your gift",
    "our newsroom", "our mission", "our journalism", "our audiences", "our readers", "subscribe now",
    "sign up for our", "newsletter", "chip in", "give now", "contribute today", "in annual funding",
    "independent and free", "audience-funded", "reader-funded", "nonprofit news", "paywall",
    "secure payment", "payment types",
)
# Cues that mark a line as fundraising on their own. "donation", "donate" and "your support"
# are not among them: news reports donations ("a $5 million donation to the campaign") and
# quotes thanks; they count only with a second cue (FUNDRAISING_CUES, two needed).
STRONG_FUNDRAISING_CUES = ("tax-deductible", "tax deductible", "year-end gift", "become a member", "sign up for our",
                           "secure payment", "donate now", "donate today", "please donate", "make a donation",
                           "make a tax", "donate to support", "donate to keep", "support our journalism",
                           "support independent journalism")

# Whole-line page furniture (lower-case, compared after stripping punctuation at the ends).
FURNITURE_LINES = frozenset(
    w.strip()
    for w in """
    sponsored message|advertisement|advertising|sponsored|subscribe|listen|listen now|now playing|
    next up|share|share this|share on facebook|share on twitter|read more|related|related stories|
    most read|most popular|watch|watch live|play|pause|close|menu|skip to content|loading|
    show comments|comments|print|email|copy link|follow us|back to top|live updates
    """.replace("\n", "").split("|")
)

# Photo-credit cues: agencies and credit labels.
CREDIT_CUES = (
    "getty images", "ap photo", "associated press", "reuters", "afp", "shutterstock", "epa-efe",
    "pool photo", "photo by", "photograph:", "photo:", "image:", "credit:", "courtesy of",
    "bloomberg via", "via getty", "anadolu", "sipa", "alamy", "dpa",
)
