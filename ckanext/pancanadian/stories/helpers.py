"""Template helpers of the story pages, the dataset page section and the home page."""
import math
from urllib.parse import quote

import ckan.plugins.toolkit as tk

from ckanext.pancanadian.stories import logic, model, workflow


def _page_number(argument):
    try:
        return max(1, int(tk.request.args.get(argument, 1)))
    except (TypeError, ValueError):
        return 1


def _pages(total, page_size):
    return max(1, math.ceil(total / page_size))


def story_datasets(story_id, argument="datasets_page"):
    """A page (from the ``argument`` query parameter) of the datasets a story uses that the
    reader may see, with the count of linked datasets that are private or deleted."""
    size = tk.config.get("ckanext.pancanadian.stories.datasets_per_page")
    page = _page_number(argument)
    rows, visible, unavailable = model.datasets_page(
        story_id, size, (page - 1) * size, logic.visible_private_org_ids(tk.g.user))
    return {"results": rows, "count": visible, "unavailable": unavailable, "page": page,
            "pages": _pages(visible, size), "argument": argument}


def dataset_stories(dataset_id, argument="stories_page"):
    """A page of the published stories that use a dataset."""
    size = tk.config.get("ckanext.pancanadian.stories.stories_per_page")
    page = _page_number(argument)
    rows, total = model.stories_of_dataset(dataset_id, size, (page - 1) * size)
    return {"results": rows, "count": total, "page": page, "pages": _pages(total, size), "argument": argument}


def featured_stories(limit=3):
    """Published stories a moderator featured, newest first."""
    result = tk.get_action("story_search")({}, {
        "fq": "+featured:true +story_state:published", "rows": limit, "sort": "metadata_modified desc"})
    return result["results"]


def story_state(story_id):
    return logic.workflow_state(story_id)


def story_state_label(state):
    return {model.DRAFT: tk._("Draft"), model.SUBMITTED: tk._("Submitted for moderation"),
            model.PUBLISHED: tk._("Published"), model.ARCHIVED: tk._("Archived")}.get(state, state)


def story_dataset_names(story_id):
    """The names of a story's datasets, one per line (the edit form's value)."""
    if not story_id:
        return ""
    rows, _visible, _unavailable = model.datasets_page(story_id, 5000, 0, logic.visible_private_org_ids(tk.g.user))
    return "\n".join(row["name"] for row in rows)


def story_share_links(title, url):
    """Share links that are plain addresses: no script, no tracker loaded by the page."""
    text, link = quote(title), quote(url, safe="")
    return [
        {"label": tk._("Email"), "url": f"mailto:?subject={text}&body={link}"},
        {"label": "LinkedIn", "url": f"https://www.linkedin.com/sharing/share-offsite/?url={link}"},
        {"label": "Facebook", "url": f"https://www.facebook.com/sharer/sharer.php?u={link}"},
        {"label": "Bluesky", "url": f"https://bsky.app/intent/compose?text={text}%20{link}"},
    ]


def story_workflow_actions(story_id):
    """The workflow buttons the current user may press on a story page: (action, label)."""
    state = logic.workflow_state(story_id)
    labels = {"submit": tk._("Submit for moderation"), "publish": tk._("Publish"), "archive": tk._("Archive")}
    actions = []
    for action, (sources, _target) in workflow.TRANSITIONS.items():
        if state in sources and tk.h.check_access(f"story_{action}", {"id": story_id}):
            actions.append((action, labels[action]))
    return actions


def all_helpers():
    return {
        "pancanadian_story_datasets": story_datasets,
        "pancanadian_dataset_stories": dataset_stories,
        "pancanadian_featured_stories": featured_stories,
        "pancanadian_story_state": story_state,
        "pancanadian_story_state_label": story_state_label,
        "pancanadian_story_dataset_names": story_dataset_names,
        "pancanadian_story_share_links": story_share_links,
        "pancanadian_story_workflow_actions": story_workflow_actions,
    }
