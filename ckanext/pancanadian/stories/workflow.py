"""The story workflow: draft → submitted → published (→ archived → published again).

Pure: which transition leads where. Only a published story is public; every other state keeps
the story private to its organization and the moderators.
"""
from ckanext.pancanadian.stories.model import ARCHIVED, DRAFT, PUBLISHED, SUBMITTED

# action: (states it may start from, state it leads to)
TRANSITIONS = {
    "submit": ((DRAFT,), SUBMITTED),
    "publish": ((SUBMITTED, ARCHIVED), PUBLISHED),
    "archive": ((PUBLISHED,), ARCHIVED),
}


def next_state(action, current):
    """The state ``action`` leads to from ``current``, or None when the transition is illegal."""
    sources, target = TRANSITIONS[action]
    return target if current in sources else None


def is_public(state):
    return state == PUBLISHED
