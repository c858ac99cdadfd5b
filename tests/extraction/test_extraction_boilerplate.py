"""Page furniture detection (pure string rules, no model) and its effect on extraction."""
from api.extraction.boilerplate import BODY, CAPTION, EMBED, FURNITURE, TITLE, split_blocks


def kinds(text):
    return {text[b.start:b.end]: b.kind for b in split_blocks(text)}


def test_sponsored_player_and_copyright_lines_are_furniture():
    k = kinds("Sponsored message\n0:00\nSubscribe\n• Listen Now Playing Listen\nCopyright 2025 NPR\n")
    assert set(k.values()) == {FURNITURE}


def test_donation_appeals_are_furniture_even_with_facts_in_them():
    k = kinds("Right now, the station has lost $1.7M in annual funding. The support we receive will decide "
              "how our newsroom continues.\n\nYour tax-deductible donation keeps us independent.\n")
    assert set(k.values()) == {FURNITURE}


def test_multiline_photo_credit_is_furniture_and_the_line_above_is_a_caption():
    text = "Headline here\n\nA man waves from a plane on Friday.\n(\nAndrew Harnik\n/\nGetty Images\n)\n\nBody text says so.\n"
    k = kinds(text)
    assert k["A man waves from a plane on Friday."] == CAPTION
    assert k["Andrew Harnik"] == FURNITURE and k["Getty Images"] == FURNITURE and k["("] == FURNITURE
    assert k["Body text says so."] == BODY
    assert k["Headline here"] == TITLE


def test_embed_signature_is_furniture_and_post_text_is_an_embed_with_masked_link():
    text = ("“We made great progress today.” – President Donald J. Trump pic.twitter.com/WBTMLcI0Cv\n"
            "— The White House (@WhiteHouse) August 15, 2025\n")
    blocks = split_blocks(text)
    assert [b.kind for b in blocks] == [EMBED, FURNITURE]
    (ms, me), = blocks[0].masks
    assert text[ms:me] == "pic.twitter.com/WBTMLcI0Cv"


def test_headline_without_closing_punctuation_is_a_title():
    assert kinds("Trump and Putin conclude talks on Ukraine touting progress, but no breakthrough\n") == {
        "Trump and Putin conclude talks on Ukraine touting progress, but no breakthrough": TITLE}


def test_offsets_exclude_surrounding_whitespace_and_crlf():
    text = "  Sponsored message \r\nThe court ruled on Tuesday.\r\n"
    blocks = split_blocks(text)
    assert [text[b.start:b.end] for b in blocks] == ["Sponsored message", "The court ruled on Tuesday."]


def test_a_line_mentioning_a_donation_or_your_support_is_not_fundraising_on_that_word_alone():
    text = ("The senator received a $2 million donation from oil companies in 2022.\n"
            "Thanks to your support, the shelter said, 1,200 families found housing last year.\n"
            "Make a donation today: your support keeps our newsroom independent.\n")
    assert [b.kind for b in split_blocks(text)] == ["body", "body", "furniture"]


def test_an_emoji_after_the_full_stop_does_not_make_a_line_a_headline():
    assert [b.kind for b in split_blocks("Prices rose 4 percent this year. 😀\n")] == ["body"]


def test_every_transcript_line_is_speech_even_without_closing_punctuation():
    assert [b.kind for b in split_blocks("TRUMP: We lost 3 million jobs\n", transcript=True)] == ["body"]
