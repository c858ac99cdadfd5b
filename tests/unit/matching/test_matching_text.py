"""What of a tweet or a claim the matching scorers see (api.matching.text)."""
from api.matching.text import prepare_claim, prepare_query


def test_the_tweet_trailer_keeps_the_authors_name_and_drops_handle_and_date():
    tweet = "Alabama wants to deny food stamps to car owners. — Julie Slama (@Thorsby_Strings) March 18, 2016"
    assert prepare_query(tweet) == "Alabama wants to deny food stamps to car owners. Julie Slama"


def test_a_name_with_parentheses_and_emoji_is_kept_whole():
    tweet = "Soros served under Hitler. pic.twitter.com/pLTfFtGtB1 — G.I. Joe 🇺🇸 (@toombstone) November 26, 2016"
    assert prepare_query(tweet) == "Soros served under Hitler. G.I. Joe 🇺🇸"


def test_links_of_every_shape_are_dropped():
    text = "Read https://t.co/yoEOL6vXBm and www.example.org/x or t.co/abc now pic.twitter.com/Zz9"
    assert prepare_query(text) == "Read and or now"


def test_handles_and_hashtags_become_words_split_at_case_changes():
    text = "@SpeakerPelosi why? #MakeAmericaGreatAgain #COVID19 via @TheBabylonBee"
    assert prepare_query(text) == "Speaker Pelosi why? Make America Great Again COVID19 via The Babylon Bee"


def test_an_email_address_is_not_taken_for_a_handle():
    assert prepare_query("write to tips@snopes.com") == "write to tips@snopes.com"


def test_plain_text_only_has_its_white_space_collapsed():
    assert prepare_query("  Cats  hide in\twheel wells.\n") == "Cats hide in wheel wells."


def test_a_tweet_that_is_only_a_link_leaves_nothing():
    assert prepare_query("https://t.co/abc — Someone (@someone) May 4, 2016") == "Someone"
    assert prepare_query("https://t.co/abc pic.twitter.com/x") == ""


def test_a_date_inside_the_text_is_not_a_trailer():
    text = "On March 18, 2016 Alabama passed a bill"
    assert prepare_query(text) == text


def test_a_claim_is_indexed_as_title_then_text():
    assert prepare_claim("Cats hide in wheel wells.", "Bang or Honk?") == "Bang or Honk?. Cats hide in wheel wells."


def test_a_claim_without_title_is_its_text():
    assert prepare_claim(" Cats hide in wheel wells. ", None) == "Cats hide in wheel wells."
    assert prepare_claim("Cats hide in wheel wells.", "  ") == "Cats hide in wheel wells."
