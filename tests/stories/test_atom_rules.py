"""The RFC 4287 checker the feed tests rely on catches what it claims to (pure: no services)."""
import pytest

from tests.stories.atom_rules import violations

VALID = """<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <id>http://example.org/feed</id><title>Stories</title><updated>2026-11-22T10:00:00Z</updated>
  <link rel="self" href="http://example.org/feed"/>
  <entry><id>http://example.org/story/a</id><title>A</title><updated>2026-11-22T10:00:00+00:00</updated>
    <author><name>City</name></author><link rel="alternate" href="http://example.org/story/a"/></entry>
</feed>"""


def test_a_valid_feed_has_no_violation():
    assert violations(VALID) == []


@pytest.mark.parametrize("broken, section", [
    (VALID.replace("<id>http://example.org/feed</id>", ""), "4.1.1: the feed has 0 atom:id"),
    (VALID.replace("<title>A</title>", "<title>A</title><title>B</title>"), "4.1.2: entry 1 has 2 atom:title"),
    (VALID.replace("2026-11-22T10:00:00Z", "22/11/2026"), "3.3: atom:updated of the feed"),
    (VALID.replace("2026-11-22T10:00:00+00:00", "2026-11-22 10:00:00"), "3.3: atom:updated of entry 1"),
    (VALID.replace("<author><name>City</name></author>", ""), "4.1.1: without a feed atom:author"),
    (VALID.replace('<link rel="alternate" href="http://example.org/story/a"/>', ""), "4.1.2: entry 1 has no atom:content"),
    (VALID.replace("<id>http://example.org/story/a</id>", "<id>story-a</id>"), "4.2.6: atom:id of entry 1"),
    (VALID.replace("<title>Stories</title>", '<title type="markdown">Stories</title>'), "3.1.1: atom:title of the feed"),
    (VALID.replace("</entry>", "</entry>" + VALID[VALID.index("<entry>"):VALID.index("</feed>")]), "4.2.6: entry 2 repeats"),
    ("<rss version='2.0'/>", "4.1.1: the document element"),
    ("<feed", "2: not well-formed"),
])
def test_each_broken_rule_is_reported(broken, section):
    assert any(problem.startswith(section) for problem in violations(broken)), violations(broken)
