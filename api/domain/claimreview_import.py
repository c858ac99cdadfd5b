"""Reading other desks' fact-checks: schema.org ClaimReview (JSON-LD) and the Google Fact Check
Tools `claims:search` response, into plain `ImportedReview` values. Pure: parsed JSON in.

Shapes accepted by `parse_body` (sources: https://schema.org/ClaimReview,
https://schema.org/DataFeed, https://developers.google.com/fact-check/tools/api/reference/rest/v1alpha1/claims/search):

- one ClaimReview object;
- a JSON array of ClaimReview objects;
- a DataFeed: `{"@type": "DataFeed", "dataFeedElement": [...]}`, each element a ClaimReview or
  a wrapper (DataFeedItem) holding it in `item` (an object or a list of them);
- a `claims:search` response: `{"claims": [{"text", "claimant", "claimDate",
  "claimReview": [{"publisher": {"name", "site"}, "url", "title", "reviewDate",
  "textualRating", "languageCode"}]}]}`; each claimReview is one item.

Items are numbered in document order, 0-based (for a claims:search response, the claimReview
entries across all claims, in order). A bad item becomes an `ItemError` with its index and
reason; the others are still read.

Ratings are mapped onto claimtrack's verdict ratings (api.domain.verdicts.RATINGS) by
`map_rating`: a numeric reviewRating scaled within worstRating..bestRating when it has both
bounds and a value inside them, else the textual rating through `TEXTUAL_RATINGS`; a label not
in the table maps to `unverifiable`.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from api.domain.verdicts import RATINGS

# Longest statement / label / URL accepted from a feed: generous for a claim (claimReviewed is
# one sentence or a short paragraph), and a bound on what one item can store.
MAX_CLAIM_CHARS = 10_000
MAX_FIELD_CHARS = 2_000

CORROBORATED, PARTLY, CONTRADICTED, UNVERIFIABLE = "corroborated", "partly_corroborated", "contradicted", "unverifiable"
assert {CORROBORATED, PARTLY, CONTRADICTED, UNVERIFIABLE} == set(RATINGS)

# Common textual ratings → our verdict rating (claimtrack's own labels included, so that a
# feed of ours reads back as it was). Keys are folded by `fold_label` (case, accents,
# punctuation and spacing ignored). Sources: the scales of PolitiFact (True … Pants on Fire),
# Snopes (Mixture, Unproven, Miscaptioned, Outdated …), Full Fact / AFP / Reuters / AP labels
# (Misleading, Missing context, Satire …), and the usual Spanish, French, German, Portuguese and
# Italian equivalents used by IFCN signatories. "Half true" and "Mixture" count as partly
# corroborated: part of the claim holds. Labels saying the evidence is insufficient (Unproven,
# Unsupported, No evidence …) are unverifiable; labels about framing rather than truth (Satire,
# Outdated) are unverifiable too, the original label being kept alongside.
def fold_label(label: str) -> str:
    """How a textual rating is looked up: 'Pants on Fire!' → 'pants on fire', 'Engañoso' →
    'enganoso' (case, accents, punctuation and spacing ignored)."""
    stripped = "".join(ch for ch in unicodedata.normalize("NFKD", label.casefold()) if not unicodedata.combining(ch))
    return " ".join(re.findall(r"[a-z0-9]+", stripped))


TEXTUAL_RATINGS: dict[str, str] = {}
for _rating, _labels in {
    CORROBORATED: ("corroborated", "true", "correct", "accurate", "mostly true", "mostly correct", "mostly accurate", "largely true",
                   "verified", "confirmed", "legit", "correct attribution",
                   "verdadero", "cierto", "verdadeiro", "vrai", "wahr", "richtig", "vero",
                   "mayormente verdadero", "en gran parte cierto", "plutot vrai", "largement vrai", "meist wahr",
                   "c'est vrai"),
    PARTLY: ("partly corroborated", "half true", "half-true", "mixture", "mixed", "partly true", "partially true", "partly false",
             "partially false", "partially correct", "partly correct", "half right",
             "medio verdadero", "verdad a medias", "parcialmente verdadero", "parcialmente falso",
             "meia verdade", "parcialmente verdadeiro", "en partie vrai", "partiellement vrai", "a moitie vrai",
             "partiellement faux", "teilweise wahr", "teilweise falsch", "halbwahr", "halb wahr",
             "vero a meta", "parzialmente vero", "c'est plus complique"),
    CONTRADICTED: ("contradicted", "false", "mostly false", "pants on fire", "pants on fire!", "incorrect", "inaccurate", "wrong",
                   "fake", "hoax", "fabricated", "scam", "four pinocchios", "three pinocchios", "misleading",
                   "distorts the facts", "exaggerated", "exaggeration", "miscaptioned", "misattributed",
                   "incorrect attribution", "manipulated", "altered", "altered photo", "altered video",
                   "false context", "missing context", "lacks context", "cherry picks", "spins the facts",
                   "not the whole story", "baseless", "debunked", "full flop",
                   "falso", "mayormente falso", "engañoso", "enganoso", "bulo", "faux", "plutot faux", "trompeur",
                   "infox", "falsch", "irrefuhrend", "frei erfunden", "fake news",
                   "sbagliato", "fuorviante", "bufala"),
    UNVERIFIABLE: ("unproven", "unverified", "unverifiable", "unsupported", "no evidence", "insufficient evidence",
                   "not enough evidence", "research in progress", "undetermined", "unclear", "satire", "labeled satire",
                   "outdated", "legend", "no evidence found", "inconclusive", "sin evidencia", "no verificable",
                   "inverificable", "sans preuve", "invérifiable", "unbelegt", "nicht belegt", "non verificabile",
                   "sem provas", "insustentavel"),
}.items():
    for _label in _labels:
        TEXTUAL_RATINGS.setdefault(fold_label(_label), _rating)


def rating_from_text(label: str | None) -> str:
    """The verdict rating of a textual rating through TEXTUAL_RATINGS; unknown or empty →
    unverifiable. A label starting with a known one followed by words ('False. The photo…')
    maps as its known beginning."""
    if not label:
        return UNVERIFIABLE
    folded = fold_label(label)
    if folded in TEXTUAL_RATINGS:
        return TEXTUAL_RATINGS[folded]
    words = folded.split()
    for n in range(min(len(words) - 1, 4), 0, -1):  # the longest known beginning, up to 4 words
        rating = TEXTUAL_RATINGS.get(" ".join(words[:n]))
        if rating is not None:
            return rating
    return UNVERIFIABLE


def rating_from_value(value: float, best: float, worst: float) -> str:
    """A numeric rating scaled to 0 (worst) .. 1 (best): below 0.4 contradicted, 0.4 up to 0.6
    unverifiable (the middle of the scale says neither), 0.6 up to 0.85 partly corroborated,
    0.85 and above corroborated. On claimtrack's own 1..5 scale (api.domain.verdicts.RATING_VALUES)
    this gives back each rating: 1 → 0.0, 3 → 0.5, 4 → 0.75, 5 → 1.0."""
    position = (value - worst) / (best - worst)
    if position < 0.4:
        return CONTRADICTED
    if position < 0.6:
        return UNVERIFIABLE
    if position < 0.85:
        return PARTLY
    return CORROBORATED


def _number(value) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def known_label(label: str | None) -> bool:
    """Whether the textual rating (or its beginning) is in TEXTUAL_RATINGS."""
    return bool(label) and (rating_from_text(label) != UNVERIFIABLE or fold_label(label) in TEXTUAL_RATINGS)


def map_rating(rating_value=None, best_rating=None, worst_rating=None, textual: str | None = None) -> str:
    """The verdict rating of a review. A textual rating (alternateName / textualRating) found
    in TEXTUAL_RATINGS wins: it is what the desk wrote, while numeric scales differ from desk
    to desk. Otherwise numeric, when ratingValue, bestRating and worstRating are numbers (or
    numeric strings) with best ≠ worst and the value between them; otherwise unverifiable."""
    if known_label(textual):
        return rating_from_text(textual)
    value, best, worst = _number(rating_value), _number(best_rating), _number(worst_rating)
    if value is not None and best is not None and worst is not None and best != worst \
            and min(best, worst) <= value <= max(best, worst):
        return rating_from_value(value, best, worst)
    return rating_from_text(textual)


@dataclass(frozen=True)
class ClaimAppearance:
    """Where the reviewed claim was made: a URL and/or a date (provenance, not a stored text)."""

    url: str | None = None
    date: str | None = None
    headline: str | None = None


@dataclass(frozen=True)
class ImportedReview:
    """One review read from a feed. `rating` is ours (RATINGS); `rating_text` the original label."""

    index: int
    review_url: str
    claim_text: str
    rating: str
    rating_text: str | None = None
    rating_value: float | None = None
    best_rating: float | None = None
    worst_rating: float | None = None
    publisher: str | None = None
    publisher_url: str | None = None
    title: str | None = None
    review_date: str | None = None
    language: str | None = None
    license: str | None = None
    claimant: str | None = None
    claimant_is_person: bool = False
    claim_date: str | None = None
    appearances: tuple[ClaimAppearance, ...] = field(default=())

    def as_dict(self) -> dict:
        """The values the import keeps (and compares to tell `updated` from `unchanged`)."""
        return {
            "review_url": self.review_url, "claim_text": self.claim_text, "rating": self.rating,
            "rating_text": self.rating_text, "rating_value": self.rating_value, "best_rating": self.best_rating,
            "worst_rating": self.worst_rating, "publisher": self.publisher, "publisher_url": self.publisher_url,
            "title": self.title, "review_date": self.review_date, "language": self.language, "license": self.license,
            "claimant": self.claimant, "claimant_is_person": self.claimant_is_person, "claim_date": self.claim_date,
            "appearances": [{k: v for k, v in (("url", a.url), ("date", a.date), ("headline", a.headline)) if v}
                            for a in self.appearances],
        }


@dataclass(frozen=True)
class ItemError:
    index: int
    reason: str
    field: str | None = None
    review_url: str | None = None


class NotAFeed(ValueError):
    """The body is none of the accepted shapes (the whole request is refused)."""


# ---------------------------------------------------------------------------------- reading


class _Bad(ValueError):
    def __init__(self, field: str, reason: str):
        super().__init__(reason)
        self.field, self.reason = field, reason


def _types(obj: dict) -> set[str]:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.rsplit("/", 1)[-1] for k in kinds if isinstance(k, str)}


def _text(obj: dict, key: str, *, limit: int = MAX_FIELD_CHARS, path: str | None = None) -> str | None:
    """An optional string field: stripped, None when absent or empty; _Bad when not a string or too long."""
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, list) and len(value) == 1:  # JSON-LD allows a one-element list for a value
        value = value[0]
    if isinstance(value, (int, float)) and not isinstance(value, bool) and key in ("ratingValue", "bestRating", "worstRating"):
        return str(value)
    if not isinstance(value, str):
        raise _Bad(path or key, f"{path or key} must be a string.")
    value = value.strip().lstrip("\ufeff").strip()  # a BOM is no part of a statement (source texts drop it)
    if len(value) > limit:
        raise _Bad(path or key, f"{path or key} is longer than {limit:,} characters.")
    if "\x00" in value or not value.isprintable() and _has_surrogate(value):
        raise _Bad(path or key, f"{path or key} holds U+0000 (NUL) or a lone surrogate, which cannot be stored.")
    return value or None


def _has_surrogate(value: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in value)


def _url(obj: dict, key: str, path: str | None = None) -> str | None:
    value = _text(obj, key, path=path)
    if value is not None and not re.match(r"^https?://\S+$", value, re.IGNORECASE):
        raise _Bad(path or key, f"{path or key} must be an http(s) URL.")
    return value


def _obj(value, path: str) -> dict | None:
    if value is None:
        return None
    if isinstance(value, list):
        value = value[0] if value else None
        if value is None:
            return None
    if isinstance(value, str):
        return {"name": value}
    if not isinstance(value, dict):
        raise _Bad(path, f"{path} must be an object.")
    return value


def _date(obj: dict, key: str, path: str) -> str | None:
    value = _text(obj, key, limit=40, path=path)
    if value is not None and not re.match(r"^\d{4}(-\d{2}(-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?)?)?$", value):
        raise _Bad(path, f"{path} must be an ISO 8601 date or date-time.")
    return value


def _statement_and_url(claim: dict, key: str, review: dict) -> tuple[str, str]:
    """What every item needs: the statement reviewed (claim[key]) and the review's URL."""
    claim_text = _text(claim, key, limit=MAX_CLAIM_CHARS)
    if claim_text is None:
        raise _Bad(key, f"{key} is missing or empty: there is no claim to import.")
    review_url = _url(review, "url")
    if review_url is None:
        raise _Bad("url", "url (the review's address) is missing: it identifies the review on re-import.")
    return claim_text, review_url


def _claim_review(obj, index: int) -> ImportedReview:
    if not isinstance(obj, dict):
        raise _Bad("", "An item must be a ClaimReview object.")
    types = _types(obj)
    if types and "ClaimReview" not in types:
        raise _Bad("@type", f"@type is {obj.get('@type')!r}, not ClaimReview.")
    claim_text, review_url = _statement_and_url(obj, "claimReviewed", obj)
    rating = _obj(obj.get("reviewRating"), "reviewRating") or {}
    rating_text = _text(rating, "alternateName", path="reviewRating.alternateName") or \
        _text(rating, "name", path="reviewRating.name")
    raw = {k: _text(rating, k, limit=40, path=f"reviewRating.{k}") for k in ("ratingValue", "bestRating", "worstRating")}
    numbers = {k: _number(v) for k, v in raw.items()}
    for key, value in raw.items():
        if value is not None and numbers[key] is None:
            raise _Bad(f"reviewRating.{key}", f"reviewRating.{key} must be a number.")
    if rating_text is None and numbers["ratingValue"] is None:
        raise _Bad("reviewRating", "reviewRating has neither a ratingValue nor an alternateName: there is no rating.")
    author = _obj(obj.get("author"), "author") or {}
    item = _obj(obj.get("itemReviewed"), "itemReviewed") or {}
    claimant = _obj(item.get("author"), "itemReviewed.author") or {}
    appearances = []
    raw_appearances = item.get("appearance", []) if item else []
    if isinstance(raw_appearances, dict):
        raw_appearances = [raw_appearances]
    if not isinstance(raw_appearances, list):
        raise _Bad("itemReviewed.appearance", "itemReviewed.appearance must be a list of objects.")
    for i, appearance in enumerate(raw_appearances + ([item["firstAppearance"]] if isinstance(item.get("firstAppearance"), dict) else [])):
        if isinstance(appearance, str):
            appearance = {"url": appearance}
        if not isinstance(appearance, dict):
            raise _Bad(f"itemReviewed.appearance.{i}", f"itemReviewed.appearance.{i} must be an object.")
        path = f"itemReviewed.appearance.{i}"
        found = ClaimAppearance(_url(appearance, "url", f"{path}.url"), _date(appearance, "datePublished", f"{path}.datePublished"),
                                _text(appearance, "headline", path=f"{path}.headline"))
        if (found.url or found.date) and found not in appearances:
            appearances.append(found)
    claimant_name = _text(claimant, "name", path="itemReviewed.author.name")
    return ImportedReview(
        index=index, review_url=review_url, claim_text=claim_text,
        rating=map_rating(numbers["ratingValue"], numbers["bestRating"], numbers["worstRating"], rating_text),
        rating_text=rating_text, rating_value=numbers["ratingValue"], best_rating=numbers["bestRating"],
        worst_rating=numbers["worstRating"],
        publisher=_text(author, "name", path="author.name"), publisher_url=_url(author, "url", "author.url"),
        title=_text(obj, "headline") or _text(obj, "name"),
        review_date=_date(obj, "datePublished", "datePublished"), language=_text(obj, "inLanguage", limit=35),
        license=_text(obj, "sdLicense") or _text(obj, "license"),
        claimant=claimant_name, claimant_is_person=bool(claimant_name) and "Person" in _types(claimant),
        claim_date=_date(item, "datePublished", "itemReviewed.datePublished"), appearances=tuple(appearances),
    )


def _google_review(claim: dict, review, index: int) -> ImportedReview:
    if not isinstance(review, dict):
        raise _Bad("", "A claimReview entry must be an object.")
    claim_text, review_url = _statement_and_url(claim, "text", review)
    publisher = _obj(review.get("publisher"), "publisher") or {}
    site = _text(publisher, "site", path="publisher.site")
    rating_text = _text(review, "textualRating")
    claimant = _text(claim, "claimant")
    return ImportedReview(
        index=index, review_url=review_url, claim_text=claim_text, rating=rating_from_text(rating_text),
        rating_text=rating_text, publisher=_text(publisher, "name", path="publisher.name"),
        publisher_url=(site if site is None or site.startswith("http") else f"https://{site}"),
        title=_text(review, "title"), review_date=_date(review, "reviewDate", "reviewDate"),
        language=_text(review, "languageCode", limit=35), claimant=claimant,
        # The API gives a name only: a person only if the people lookup finds one.
        claimant_is_person=False, claim_date=_date(claim, "claimDate", "claimDate"),
    )


def _feed_items(elements) -> list:
    if not isinstance(elements, list):
        raise NotAFeed("dataFeedElement must be a list.")
    items = []
    for element in elements:
        if isinstance(element, dict) and "ClaimReview" not in _types(element) and "item" in element:
            inner = element["item"]
            items.extend(inner if isinstance(inner, list) else [inner])
        else:
            items.append(element)
    return items


def count_items(body) -> int:
    """How many items `parse_body` would read (without reading them); NotAFeed as parse_body."""
    if isinstance(body, dict) and "claims" in body and "claimReviewed" not in body:
        claims = body["claims"]
        if not isinstance(claims, list):
            raise NotAFeed("claims must be a list (the claims:search response shape).")
        return sum(len(c["claimReview"]) if isinstance(c, dict) and isinstance(c.get("claimReview"), list) else 1
                   for c in claims)
    if isinstance(body, dict) and ("DataFeed" in _types(body) or "dataFeedElement" in body):
        return len(_feed_items(body.get("dataFeedElement", [])))
    if isinstance(body, list):
        return len(body)
    if isinstance(body, dict):
        return 1
    raise NotAFeed("The body must be a ClaimReview object, a list of them, a DataFeed, or a claims:search response.")


def parse_body(body) -> list[ImportedReview | ItemError]:
    """Every item of an accepted body (see the module docstring), in order: an ImportedReview,
    or an ItemError naming the item's index, the field and the reason. Raises NotAFeed when the
    body is none of the shapes."""
    count_items(body)  # refuses what is no feed at all
    results: list[ImportedReview | ItemError] = []

    def read(index, build):
        try:
            results.append(build())
        except _Bad as bad:
            results.append(ItemError(index, bad.reason, bad.field or None))

    if isinstance(body, dict) and "claims" in body and "claimReviewed" not in body:
        index = 0
        for c, claim in enumerate(body["claims"]):
            reviews = claim.get("claimReview") if isinstance(claim, dict) else None
            if not isinstance(reviews, list) or not reviews:
                results.append(ItemError(index, f"claims.{c} has no claimReview list.", "claimReview"))
                index += 1
                continue
            for review in reviews:
                read(index, lambda i=index, r=review: _google_review(claim, r, i))
                index += 1
        return results
    if isinstance(body, dict) and ("DataFeed" in _types(body) or "dataFeedElement" in body):
        items = _feed_items(body.get("dataFeedElement", []))
    elif isinstance(body, list):
        items = body
    else:
        items = [body]
    for index, item in enumerate(items):
        read(index, lambda i=index, o=item: _claim_review(o, i))
    return results


def review_source_text(review: ImportedReview) -> str:
    """The text of the source an imported review anchors its claim in: the statement reviewed
    first (so the claim's span is exactly 0..len(claim_text)), then a line naming the review.
    The review URL makes it unique per review (source texts are unique)."""
    by = f" by {review.publisher}" if review.publisher else ""
    return f"{review.claim_text}\n\n(Claim reviewed{by}: {review.review_url})"
