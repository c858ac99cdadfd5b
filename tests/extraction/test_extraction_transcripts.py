"""Speaker labels of transcripts (pure string rules) and how they set claimants (real models)."""
from api.extraction import extract
from api.extraction.transcripts import display_name, label_at


def label(line):
    return label_at(line, 0, len(line))


def test_an_upper_case_label_names_the_speaker_and_the_statement_starts_after_it():
    found = label("TRUMP: We built the greatest economy")
    assert (found.name, found.start, found.end, found.content_start) == ("TRUMP", 0, 5, 7)


def test_a_role_label_with_a_name_in_parentheses_names_that_person():
    line = "MODERATOR (Kristen Welker): Two minutes."
    found = label(line)
    assert found.name == "Kristen Welker" and line[found.start:found.end] == "Kristen Welker"


def test_a_bare_role_label_names_nobody():
    assert label("MODERATOR: Good evening.").name is None


def test_clock_times_and_sentences_with_a_colon_later_are_not_labels():
    assert label("10:30 The debate begins") is None
    assert label("The president said one thing: taxes will rise.") is None


def test_display_name_title_cases_upper_case_labels_only():
    assert display_name("JOE BIDEN") == "Joe Biden"
    assert display_name("McCain") == "McCain"


TRANSCRIPT = (
    "WALLACE: Mr. Trump, would you like to respond?\n"
    "TRUMP: We created 22 million new jobs, the best numbers in the history of our country\n"
    "Unemployment fell to 3.5 percent in 2019.\n"
    "BIDEN: Unemployment is now higher than it was during the Great Depression.\n"
)


def by_exact(result):
    names = {p.key: p.name for p in result.people}
    return {c.exact: names.get(c.claimant) for c in result.claims}


def test_a_label_sets_the_speaker_for_its_line_and_the_unlabelled_lines_after_it():
    claims = by_exact(extract(TRANSCRIPT, kind="transcript"))
    assert claims["Unemployment fell to 3.5 percent in 2019."] == "Trump"
    assert claims["Unemployment is now higher than it was during the Great Depression."] == "Biden"


def test_a_transcript_line_without_closing_punctuation_is_still_speech():
    claims = by_exact(extract(TRANSCRIPT, kind="transcript"))
    assert claims["We created 22 million new jobs, the best numbers in the history of our country"] == "Trump"


def test_a_question_addressed_to_someone_is_not_their_claim_nor_anyone_else_s():
    claims = extract(TRANSCRIPT, kind="transcript").claims
    assert not any("respond" in c.exact for c in claims)


def test_speaker_labels_are_mentions_of_the_speaker():
    result = extract(TRANSCRIPT, kind="transcript")
    trump = next(p for p in result.people if p.name == "Trump")
    assert {(m.start, m.exact) for m in trump.mentions} >= {(TRANSCRIPT.index("TRUMP"), "TRUMP")}
    assert "Wallace" in {p.name for p in result.people}


def test_he_does_not_reach_across_speaker_turns():
    text = ("TRUMP: Mr. Putin is a strong leader.\n"
            "BIDEN: He said the Russian economy grew by 4 percent last year.\n")
    result = extract(text, kind="transcript")
    names = {p.key: p.name for p in result.people}
    said = [c for c in result.claims if "4 percent" in c.exact]
    assert [(c.text, names.get(c.claimant)) for c in said] == [("the Russian economy grew by 4 percent last year", None)]
