"""People resolution on short texts (real model, no mocks)."""
import pytest

from api.extraction import KnownPerson, extract


def people_by_name(text, known=()):
    return {p.name: p for p in extract(text, known).people}


def test_titles_are_stripped_from_canonical_name_and_mentions():
    text = ("Russian President Vladimir Putin met reporters in Moscow on Tuesday. "
            "President Putin said the talks had been useful.")
    people = people_by_name(text)
    assert list(people) == ["Vladimir Putin"]
    assert [m.exact for m in people["Vladimir Putin"].mentions] == ["Vladimir Putin", "Putin"]


def test_zelenskyy_spelling_variants_resolve_to_one_person():
    text = ("Ukrainian President Volodymyr Zelenskyy spoke in Kyiv on Monday. Zelensky said the army had held "
            "the line. Later, Zelenskiy thanked allies for their support.")
    people = extract(text).people
    assert len(people) == 1
    assert {m.exact for m in people[0].mentions} == {"Volodymyr Zelenskyy", "Zelensky", "Zelenskiy"}
    assert {"Zelensky", "Zelenskiy", "Zelenskyy"} <= set(people[0].aliases)


def test_trump_surname_and_middle_initial_form_are_one_person():
    text = ("President Donald J. Trump arrived in Ohio on Friday. Trump told supporters the economy was strong. "
            "Donald Trump later left for Florida.")
    people = extract(text).people
    assert [p.name for p in people] == ["Donald Trump"]
    assert {m.exact for m in people[0].mentions} == {"Donald J. Trump", "Trump", "Donald Trump"}


def test_headline_verb_glued_to_a_name_is_not_a_person():
    text = ("President Donald Trump met the press on Friday.\n"
            "President Trump Participates in a Press Conference with the President of the Russian Federation\n")
    people = extract(text).people
    assert [p.name for p in people] == ["Donald Trump"]
    assert all(m.exact in ("Donald Trump", "Trump") for m in people[0].mentions)


def test_places_and_organisations_are_not_people():
    text = ("NATO and the European Union met in Brussels on Monday. Officials from Germany, France and "
            "Poland said the White House had not yet replied. The Trump Administration declined to comment.")
    assert extract(text).people == []


def test_people_resolve_against_known_people_case_and_accent_insensitively():
    known = [KnownPerson("per_1", "Volodymyr Zelenskyy", ["Zelensky"]), KnownPerson("per_2", "Zoë Müller", [])]
    text = "Zelenskiy met ZOE MULLER in Kyiv. Zoe Muller said the visit went well, and Zelenskiy agreed."
    people = extract(text, known).people
    keys = {p.known_key for p in people}
    assert "per_1" in keys and "per_2" in keys


def test_unknown_person_has_no_known_key():
    people = extract("Karoline Leavitt said the meeting would start at noon.",
                     [KnownPerson("per_1", "Donald Trump", ["Trump"])]).people
    assert [(p.name, p.known_key) for p in people] == [("Karoline Leavitt", None)]


@pytest.mark.parametrize("text", [
    "Zoë Castellanos won the vote on Sunday. Castellanos thanked voters in Valparaíso.",
    "Klara Müller said rates would stay. Müller added that inflation was falling. Klara Mueller left.",
])
def test_non_ascii_names_keep_exact_offsets_and_merge(text):
    people = extract(text).people
    assert len(people) == 1
    for m in people[0].mentions:
        assert text[m.start:m.end] == m.exact


def test_a_bare_first_name_never_creates_a_person():
    text = ("Hunter said the laptop story was false. Hunter later left the hearing early. "
            "Hunter has not commented since.")
    assert "Hunter" not in people_by_name(text)


def test_a_surname_shared_by_two_stored_people_matches_neither():
    known = [KnownPerson("per_41", "George H. W. Bush"), KnownPerson("per_43", "George W. Bush")]
    people = extract("Mr. Bush said taxes would not rise in 1989.", known).people
    assert [p.known_key for p in people] == [None]


def test_a_different_first_name_before_a_stored_surname_is_another_person():
    known = [KnownPerson("per_43", "George W. Bush")]
    people = extract("Jeb Bush said the primary was far from over. Bush spoke in Iowa.", known).people
    assert [(p.name, p.known_key) for p in people] == [("Jeb Bush", None)]


def test_a_stored_person_named_with_a_long_title_is_found():
    known = [KnownPerson("per_lagarde", "Christine Lagarde")]
    result = extract("European Central Bank President Christine Lagarde said inflation fell to 2.1 percent in May.",
                     known)
    assert [(p.name, p.known_key) for p in result.people] == [("Christine Lagarde", "per_lagarde")]
    assert [(c.text, c.claimant) for c in result.claims] == [("inflation fell to 2.1 percent in May", result.people[0].key)]


@pytest.mark.parametrize("dateline", [
    "FRANKFURT — ",
    "FRANKFURT (Reuters) — ",
    "FRANKFURT, Oct 31 (Reuters) - ",
    "FRANKFURT, Germany (AP) — ",
])
def test_a_leading_dateline_does_not_block_attribution(dateline):
    # the README's walkthrough example: a news dateline before the attributed sentence
    known = [KnownPerson("per_lagarde", "Christine Lagarde")]
    text = (dateline + "European Central Bank President Christine Lagarde said on Thursday that inflation "
            "fell to 2.1% in October, the lowest level in three years.")
    result = extract(text, known)
    lagarde = next(p for p in result.people if p.known_key == "per_lagarde")
    assert [(c.kind, c.claimant) for c in result.claims] == [("attributed", lagarde.key)]
    assert result.claims[0].text.startswith("inflation fell to 2.1% in October")
    assert result.claims[0].exact.startswith("European Central Bank President Christine Lagarde said")


def test_he_does_not_resolve_to_a_woman_named_with_an_honorific():
    text = "Mrs. Alvarez opened the meeting. He said the budget grew by 12 percent in 2023."
    result = extract(text)
    said = [c for c in result.claims if "12 percent" in c.exact]
    assert [(c.text, c.claimant) for c in said] == [("the budget grew by 12 percent in 2023", None)]
