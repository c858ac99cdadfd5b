"""When an extracted event is a stored one (api.domain.events.same_event)."""
from api.domain.events import event_name_key, same_event

GENERIC = frozenset({"summit", "press conference"})


def same(a, b):
    return same_event(*a, *b, generic_names=GENERIC)


def test_names_compare_folded_without_a_leading_article():
    assert event_name_key("The Alaska Summit") == "alaska summit"


def test_one_source_giving_the_date_and_another_the_place_is_one_event():
    assert same(("summit", "Alaska summit", "2025-08-15", None), ("summit", "Alaska summit", None, "Anchorage, Alaska"))


def test_dates_one_day_apart_match_and_two_days_apart_do_not():
    dated = ("summit", "Alaska summit", "2025-08-15", None)
    assert same(dated, ("summit", "Alaska summit", "2025-08-16", None))
    assert not same(dated, ("summit", "Alaska summit", "2025-08-17", None))


def test_different_places_or_kinds_are_different_events():
    assert not same(("summit", "Alaska summit", None, "Anchorage"), ("summit", "Alaska summit", None, "Juneau"))
    assert not same(("summit", "Alaska summit", None, None), ("war", "Alaska summit", None, None))


def test_a_place_and_the_same_place_with_its_region_agree():
    assert same(("summit", "Alaska summit", None, "Anchorage"), ("summit", "Alaska summit", None, "Anchorage, Alaska"))


def test_two_generic_press_conferences_match_only_on_an_agreeing_date_or_place():
    assert not same(("press_conference", "press conference", None, None), ("press_conference", "press conference", None, None))
    assert same(("press_conference", "press conference", "2025-08-15", None),
                ("press_conference", "press conference", "2025-08-15", None))
