"""What the trained model and the rules take as claims, on inputs of our own (issue 14's list).

Misses it must not make: verbless statistics, verbs the tagger gets wrong, unpunctuated
transcript lines, statements mentioning donations, a sentence followed by an emoji. False
claims it must not propose: opinions, promises, should/must, pleasantries, moderator
questions and hand-offs, procedural talk.
"""
import pytest

from api.extraction import extract


def claim_texts(text, kind=None):
    return [c.text for c in extract(text, kind=kind).claims]


def test_a_verbless_statistic_in_a_transcript_is_a_claim():
    texts = claim_texts("TRUMP: 22 million new jobs, very low unemployment nationally.\n", kind="transcript")
    assert texts == ["22 million new jobs, very low unemployment nationally."]


def test_a_sentence_whose_verb_the_tagger_may_miss_is_a_claim():
    texts = claim_texts("Since 2009 the national debt quadrupled to 28 trillion dollars.\n")
    assert texts == ["Since 2009 the national debt quadrupled to 28 trillion dollars."]


def test_a_transcript_line_without_a_full_stop_is_a_claim_when_it_states_a_fact():
    texts = claim_texts("BIDEN: We lost 3 million manufacturing jobs in four years\n", kind="transcript")
    assert texts == ["We lost 3 million manufacturing jobs in four years"]


def test_a_statement_about_a_donation_is_not_dropped_as_fundraising():
    texts = claim_texts("The senator received a $2 million donation from oil companies in 2022.\n")
    assert texts == ["The senator received a $2 million donation from oil companies in 2022."]


def test_a_sentence_followed_by_an_emoji_on_the_same_line_is_still_read():
    text = 'The new tariffs will cost American households "trillions of dollars" this year. 😀\n'
    assert claim_texts(text) == ['The new tariffs will cost American households "trillions of dollars" this year.']


@pytest.mark.parametrize("sentence", [
    "I think he is the worst president this country has ever had.",   # opinion
    "That whole plan is just wrong and everybody knows it.",           # opinion
    "I will bring back your jobs and I will cut your taxes.",          # promise
    "We must secure our borders and we should support our police.",    # should / must
    "Thank you so much, it is great to be here with all of you tonight.",  # pleasantry
])
def test_opinions_promises_obligations_and_pleasantries_are_not_claims(sentence):
    assert claim_texts(f"SMITH: {sentence}\n", kind="transcript") == []


@pytest.mark.parametrize("line", [
    "WALLACE: Mr. Trump, would you like to respond to that?",          # a question addressed to someone
    "WALLACE: Vice President Biden, you have two minutes.",            # a hand-off
    "WALLACE: Let us go back to the very first question, the economy.",  # procedural
])
def test_moderator_questions_hand_offs_and_procedure_are_not_claims(line):
    assert claim_texts(line + "\n", kind="transcript") == []
