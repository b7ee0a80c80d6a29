"""Pure logic of the stories, no services: workflow, references, submission text, search filters."""
import pytest

from ckanext.pancanadian.stories import search, submission, validators, workflow


@pytest.mark.parametrize("action, current, expected", [
    ("submit", "draft", "submitted"), ("submit", "submitted", None), ("submit", "published", None),
    ("publish", "submitted", "published"), ("publish", "archived", "published"), ("publish", "draft", None),
    ("archive", "published", "archived"), ("archive", "submitted", None), ("archive", "archived", None),
])
def test_transitions(action, current, expected):
    assert workflow.next_state(action, current) == expected


def test_only_published_is_public():
    assert [state for state in ("draft", "submitted", "published", "archived") if workflow.is_public(state)] == ["published"]


def test_dataset_references_from_text_lists_and_addresses():
    text = " water-quality \n\nhttps://portal.example.ca/fr/dataset/baby-names/ ,roads\nwater-quality"
    assert validators.split_references(text) == ["water-quality", "baby-names", "roads"]
    assert validators.split_references(["a1", " b2 ", ""]) == ["a1", "b2"]
    assert validators.split_references(None) == []


def test_summary_cuts_at_a_word():
    assert submission.summary_of("  A short\nstory. ") == "A short story."
    long_text = "word " * 100
    summary = submission.summary_of(long_text)
    assert summary.endswith("…") and len(summary) <= submission.SUMMARY_LENGTH + 1
    assert not summary[:-1].endswith(" ")


def test_honeypot():
    assert submission.is_spam({"website": "http://spam.example"})
    assert not submission.is_spam({"website": "  "}) and not submission.is_spam({})


def test_searches_without_a_type_exclude_stories():
    assert search.exclude_stories({"q": "water"})["fq"] == "-dataset_type:story"
    assert search.exclude_stories({"fq": "+dataset_type:dataset"})["fq"] == "+dataset_type:dataset"
    assert search.exclude_stories({"fq_list": ["+dataset_type:harvest"]}).get("fq") is None
    assert search.asks_for_stories({"fq": ["+capacity:public", " +dataset_type:story"]})
    assert not search.asks_for_stories({"fq": "-dataset_type:story"})
