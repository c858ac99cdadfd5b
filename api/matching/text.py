"""Text preparation for matching: what of a tweet or a claim the scorers see.

Pure functions, no I/O. Offsets are not kept: the prepared text only feeds the lexical
scorer and the sentence encoder, never a span. Case and accents are left to them: BM25
lower-cases (api.matching.lexical.terms) and the encoder's tokenizer lower-cases and strips accents
(BERT's normaliser). api.domain.text.fold_search is not applied here yet: the numbers in
tools/MATCHING.md were measured without it (using it means retraining the fusion).
"""
from __future__ import annotations

import re

# The trailer the CheckThat! lab (and Twitter's embed code) appends to a tweet:
# "… — Name (@handle) January 14, 2020". The name may hold anything but an em dash.
_TWEET_TRAILER = re.compile(
    r"\s*—(?P<name>[^—]*)\(@\w{1,15}\)\s+"
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
    r"\s+\d{1,2},\s+\d{4}\s*$"
)
_URL = re.compile(r"(?:https?://|www\.|pic\.twitter\.com/)\S*", re.IGNORECASE)
# A bare shortened link such as "t.co/abc" or "bit.ly/x" that lost its scheme.
_BARE_LINK = re.compile(r"\b[\w-]+(?:\.[\w-]+)*\.(?:com|co|ly|me|org|net|gl|be)/\S*", re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w@])@(\w{1,15})")
_HASH = re.compile(r"(?<![\w#])#(\w+)")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_SPACE = re.compile(r"\s+")


def prepare_query(text: str) -> str:
    """The part of a query (typically a tweet) that states something.

    Of the "— Name (@handle) Month D, YYYY" trailer only the author's name is kept (it names
    who the claim is often about: "Donald J. Trump"); the date is dropped, as dates must not
    decide matches. Links (http(s)://…, www.…, pic.twitter.com/…, bare t.co/… style links)
    are dropped. @handles and #hashtags become words split at case changes ("@SpeakerPelosi"
    → "Speaker Pelosi", "#MakeAmericaGreatAgain" → "Make America Great Again"). White space
    is collapsed. Returns "" when nothing is left (e.g. a tweet that was only a link).

    Chosen with BM25 on the claim-retrieval train split (MAP@5): the tweet as given 0.796;
    trailer, links and handles dropped 0.772; as described here 0.819.
    """
    trailer = _TWEET_TRAILER.search(text)
    if trailer:
        text = text[: trailer.start()] + " " + trailer.group("name")
    text = _URL.sub(" ", text)
    text = _BARE_LINK.sub(" ", text)
    words = lambda m: " " + _CAMEL.sub(" ", m.group(1)) + " "  # noqa: E731
    text = _HANDLE.sub(words, text)
    text = _HASH.sub(words, text)
    return _SPACE.sub(" ", text).strip()


def prepare_claim(text: str, title: str | None = None) -> str:
    """The indexed text of a stored claim: its title (when it has one) then its text.

    The title of a fact-check often names the entities a repeating tweet names
    (claim-retrieval README: title + claim reaches 0.90 MAP@5 with BM25, claim alone 0.73).
    """
    parts = [part.strip() for part in (title, text) if part and part.strip()]
    return _SPACE.sub(" ", ". ".join(parts))
