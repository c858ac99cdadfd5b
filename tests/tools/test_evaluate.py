"""The scorer on tiny hand-made inputs (no model needed)."""
import pytest

from tools.evaluate import (
    average_precision,
    char_f1,
    check_targets,
    main,
    read_checkworthiness_tsv,
    reliability,
    rows_of_sources,
    score,
    score_checkworthiness,
)
from api.extraction.types import ExtractedClaim, ExtractedPerson, ExtractionResult, Mention

TEXT = "Trump said the war was over. Sponsored message. Putin said it was not. Look, he is a smart guy."
F = "a.txt"


def span(exact, n=0):
    start = -1
    for _ in range(n + 1):
        start = TEXT.index(exact, start + 1)
    return start, start + len(exact)


def gold_claim(cid, exact, kind="attributed", claimant="per_trump", checkable=True, boilerplate=False):
    s, e = span(exact)
    return {"id": cid, "file": F, "start": s, "end": e, "exact": exact, "kind": kind, "claimant": claimant,
            "checkable": checkable, "boilerplate": boilerplate}


def mention(exact):
    s, e = span(exact)
    return {"file": F, "start": s, "end": e, "exact": exact}


GOLD = {
    "people": [
        {"id": "per_trump", "name": "Donald Trump", "aliases": [], "mentions": [mention("Trump")]},
        {"id": "per_putin", "name": "Vladimir Putin", "aliases": [], "mentions": [mention("Putin")]},
    ],
    "events": [],
    "claims": [
        gold_claim("c1", "Trump said the war was over."),
        gold_claim("c2", "Sponsored message.", "reported", None, False, True),
        gold_claim("c3", "Putin said it was not.", claimant="per_putin"),
        gold_claim("c4", "Look, he is a smart guy.", "direct_quote", "per_putin", checkable=False),
    ],
}


def person(key, *exacts):
    return ExtractedPerson(key, key, [], [Mention(*span(x), x) for x in exacts])


def claim(exact, claimant=None, kind="attributed", cut=0):
    s, e = span(exact)
    return ExtractedClaim(s, e - cut, TEXT[s:e - cut], kind, claimant, 0.5)


def test_char_f1_of_identical_disjoint_and_half_overlapping_spans():
    assert char_f1((0, 10), (0, 10)) == 1.0
    assert char_f1((0, 10), (10, 20)) == 0.0
    assert char_f1((0, 10), (5, 15)) == pytest.approx(0.5)


def test_perfect_prediction_scores_one_everywhere():
    pred = ExtractionResult(
        people=[person("t", "Trump"), person("p", "Putin")],
        claims=[claim("Trump said the war was over.", "t"), claim("Putin said it was not.", "p")])
    r = score(GOLD, {F: pred}, {F: TEXT})
    assert r["people"]["f1"] == 1.0 and r["mentions"]["f1"] == 1.0
    assert r["claims"]["precision"] == 1.0 and r["claims"]["recall"] == 1.0
    assert r["claimant"]["accuracy"] == 1.0 and r["boilerplate"]["share"] == 0.0
    assert check_targets(r) == []


def test_claim_match_needs_char_f1_of_at_least_half():
    short = claim("Trump said the war was over.", "t", cut=20)  # 8 of 28 chars: F1 < 0.5
    r = score(GOLD, {F: ExtractionResult(people=[person("t", "Trump")], claims=[short])}, {F: TEXT})
    assert r["claims"]["tp"] == 0 and r["claims"]["fp"] == 1 and r["claims"]["fn"] == 2


def test_boilerplate_claims_count_as_false_positives_and_toward_the_share():
    pred = ExtractionResult(claims=[claim("Sponsored message.", None, "reported"), claim("Putin said it was not.")])
    r = score(GOLD, {F: pred}, {F: TEXT})
    assert r["boilerplate"]["share"] == 0.5
    assert r["claims"]["fp"] == 1 and r["claims"]["tp"] == 1


def test_matching_a_non_checkable_claim_is_neutral():
    pred = ExtractionResult(claims=[claim("Look, he is a smart guy.", None, "direct_quote")])
    r = score(GOLD, {F: pred}, {F: TEXT})
    assert (r["claims"]["tp"], r["claims"]["fp"], r["claims"]["neutral"]) == (0, 0, 1)


def test_wrong_claimant_lowers_claimant_accuracy():
    pred = ExtractionResult(
        people=[person("t", "Trump"), person("p", "Putin")],
        claims=[claim("Trump said the war was over.", "p"), claim("Putin said it was not.", "p")])
    r = score(GOLD, {F: pred}, {F: TEXT})
    assert r["claimant"]["accuracy"] == 0.5 and r["claimant"]["n"] == 2


def test_extra_and_split_people_are_false_positives():
    pred = ExtractionResult(people=[person("t1", "Trump"), person("t2", "Trump"), person("x", "Look")])
    r = score(GOLD, {F: pred}, {F: TEXT})
    assert (r["people"]["tp"], r["people"]["fp"], r["people"]["fn"]) == (1, 2, 1)
    assert r["mentions"]["fp"] == 1  # "Look"; the duplicate Trump span counts once


def test_gold_span_that_does_not_match_the_text_is_rejected():
    bad = {"people": [], "events": [], "claims": [dict(GOLD["claims"][0], start=1)]}
    with pytest.raises(ValueError):
        score(bad, {F: ExtractionResult()}, {F: TEXT})


def test_predictions_may_be_plain_dicts():
    pred = ExtractionResult(people=[person("t", "Trump")], claims=[claim("Trump said the war was over.", "t")])
    r = score(GOLD, {F: pred.to_dict()}, {F: TEXT})
    assert r["claims"]["tp"] == 1 and r["claimant"]["accuracy"] == 1.0


def test_average_precision_of_a_perfect_ranking_is_one_and_of_a_reversed_one_is_lower():
    assert average_precision([1, 1, 0, 0], [0.9, 0.8, 0.2, 0.1]) == 1.0
    assert average_precision([0, 0, 1, 1], [0.9, 0.8, 0.2, 0.1]) == pytest.approx((1 / 3 + 2 / 4) / 2)


def test_reliability_table_bins_scores_and_reports_the_calibration_error():
    table = reliability([1, 0, 1, 1], [0.85, 0.85, 0.15, 0.95])
    bins = {b["bin"]: b for b in table["bins"] if b["n"]}
    assert bins["0.8-0.9"] == {"bin": "0.8-0.9", "n": 2, "mean_score": 0.85, "positive_share": 0.5}
    assert bins["0.1-0.2"]["positive_share"] == 1.0
    assert table["ece"] == pytest.approx((2 * 0.35 + 0.85 + 0.05) / 4, abs=1e-4)


def test_checkworthiness_report_counts_the_positive_class_at_the_threshold():
    report = score_checkworthiness([1, 0, 1, 0], [0.9, 0.6, 0.4, 0.1], threshold=0.5)
    assert (report["tp"], report["fp"], report["fn"]) == (1, 1, 1)
    assert report["f1"] == 0.5


def test_a_checkworthiness_tsv_is_read_by_its_header_with_csv_quoting(tmp_path):
    path = tmp_path / "set.tsv"
    path.write_text('id\ttext\tlabel\n1\t"He said ""no"" twice."\t1\n2\tThank you.\t0\n', encoding="utf-8")
    assert read_checkworthiness_tsv(path) == (['He said "no" twice.', "Thank you."], [1, 0], None)


def test_f1_rows_are_the_rows_of_the_sources_named():
    sources = ["dev-test", "dev", "dev-test", "dev", "dev-test"]
    assert rows_of_sources(sources, ["dev-test"]) == [0, 2, 4]


def test_f1_rows_of_a_source_no_row_has_are_refused():
    with pytest.raises(SystemExit, match="no row has the source dev_test"):
        rows_of_sources(["dev-test", "dev"], ["dev_test"])


def test_the_evaluate_command_names_itself_in_its_help(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    assert capsys.readouterr().out.startswith("usage: claimtrack evaluate")
