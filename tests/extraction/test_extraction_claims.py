"""Claim kinds, spans and claimants on short texts (real model)."""
from pathlib import Path

import pytest

from api.extraction import extract

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"


@pytest.fixture(scope="module")
def sample_texts():
    return {f.name: f.read_text(encoding="utf-8") for f in sorted(SAMPLES.glob("*.txt"))}


def claims_of(text):
    result = extract(text)
    names = {p.key: p.name for p in result.people}
    return [(c.kind, c.exact, names.get(c.claimant)) for c in result.claims], result


def test_direct_quote_spans_only_the_words_inside_the_quotation_marks():
    text = ('"They want to do business, but they\'re not doing business until we get the war solved," '
            'Trump said.\n')
    claims, _ = claims_of("President Donald Trump spoke on Friday.\n" + text)
    assert ("direct_quote", "They want to do business, but they're not doing business until we get the war solved",
            "Donald Trump") in claims


def test_frame_of_a_quotation_is_not_a_claim():
    text = ('Senator Jane Holloway spoke in Ohio.\n'
            '"The bill cut the state deficit by 40 percent in two years," Holloway told reporters outside the Capitol.\n')
    claims, _ = claims_of(text)
    assert [c[0] for c in claims if "told reporters" in c[1]] == []
    assert claims[-1][0] == "direct_quote" and claims[-1][2] == "Jane Holloway"


def test_attributed_statement_has_the_speaker_as_claimant():
    text = ("President Donald Trump landed in Alaska on Friday. "
            "Trump said he was open to providing security guarantees for Ukraine.")
    claims, _ = claims_of(text)
    assert ("attributed", "Trump said he was open to providing security guarantees for Ukraine.",
            "Donald Trump") in claims


def test_claimant_is_found_through_a_stored_person_when_the_model_misses_the_name():
    from api.extraction import KnownPerson

    text = "Trump said he was open to providing security guarantees for Ukraine on Friday."
    result = extract(text, [KnownPerson("per_trump", "Donald Trump", ["Trump", "Donald J. Trump"])])
    (claim,) = result.claims
    (person,) = result.people
    assert claim.kind == "attributed" and claim.claimant == person.key and person.known_key == "per_trump"


def test_pronoun_speaker_resolves_to_the_last_person_subject_of_the_same_paragraph():
    text = ("Klara Müller kept rates unchanged on Thursday. "
            "She said inflation had fallen to 2.4% in June, its lowest level since 2021.\n")
    claims, _ = claims_of(text)
    assert ("attributed", "She said inflation had fallen to 2.4% in June, its lowest level since 2021.",
            "Klara Müller") in claims


def test_a_pronoun_does_not_reach_into_the_next_paragraph():
    text = ("Klara Müller kept rates unchanged on Thursday.\n"
            "She said inflation had fallen to 2.4% in June, its lowest level since 2021.\n")
    claims, _ = claims_of(text)
    assert ("attributed", "She said inflation had fallen to 2.4% in June, its lowest level since 2021.", None) in claims


def test_outlet_statement_is_reported_with_no_claimant_and_a_calibrated_score():
    claims, result = claims_of("The three-hour meeting ended with a 12-minute joint press conference on Friday.")
    assert claims == [("reported", "The three-hour meeting ended with a 12-minute joint press conference on Friday.",
                       None)]
    assert 0.15 <= result.claims[0].checkworthiness <= 1


def test_sentence_joining_two_statements_with_as_is_split_into_clauses():
    text = ("The Anchorage meeting marked the first summit between US and Russian leaders in four years, as the "
            "Ukraine war entered its third year and bilateral relations reached a post-Cold War low.")
    claims, _ = claims_of(text)
    assert [c[1] for c in claims] == [
        "The Anchorage meeting marked the first summit between US and Russian leaders in four years",
        "as the Ukraine war entered its third year and bilateral relations reached a post-Cold War low."]
    assert {c[0] for c in claims} == {"reported"}


def test_scare_quotes_stay_inside_their_sentence():
    text = 'Trump also warned of "severe consequences" for Putin if progress is not made on ending the war.'
    claims, _ = claims_of(text)
    assert [(c[0], c[1]) for c in claims] == [("attributed", text)]


def test_headlines_and_datelines_are_not_claims():
    text = ("Trump and Putin conclude talks on Ukraine touting progress\n\n"
            "ANCHORAGE, Alaska — President Donald Trump is meeting with Russian President Vladimir Putin today.\n")
    claims, _ = claims_of(text)
    assert [c[1] for c in claims] == [
        "President Donald Trump is meeting with Russian President Vladimir Putin today."]


def test_an_opinion_quote_is_not_a_claim_and_a_numeric_fact_is():
    text = ('"I think, you know, something is going to come up," Trump said. '
            'Turnout was 61%, the highest for a municipal vote in the city since 2012.')
    result = extract(text)
    assert [c.kind for c in result.claims] == ["reported"]
    assert result.claims[0].checkworthiness > 0.5


def test_claims_never_overlap_and_offsets_are_exact(sample_texts):
    for text in sample_texts.values():
        claims = extract(text).claims
        for a, b in zip(claims, claims[1:]):
            assert a.end <= b.start
        for c in claims:
            assert text[c.start:c.end] == c.exact
