"""Create or update the demo content listed in content.yaml through CKAN's action API."""
import os

import yaml
from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk

CONTENT = os.path.join(os.path.dirname(__file__), "content.yaml")
STORIES = os.path.join(os.path.dirname(__file__), "stories.yaml")
FILES = os.path.join(os.path.dirname(__file__), "files")


def load_content(path=CONTENT):
    with open(path, encoding="utf-8") as source:
        return yaml.safe_load(source)


def _upsert(kind, data, context):
    """Update the record named data['name'] when it exists, create it otherwise."""
    try:
        tk.get_action(f"{kind}_show")(dict(context), {"id": data["name"]})
    except tk.ObjectNotFound:
        tk.get_action(f"{kind}_create")(dict(context), data)
        return "created"
    tk.get_action(f"{kind}_update")(dict(context), dict(data, id=data["name"]))
    return "updated"


def _upsert_resources(dataset_name, resources, context):
    """Create or update each resource, matched by its file name; `upload: <file>` uploads a demo file."""
    existing = {
        r["url"].rsplit("/", 1)[-1]: r["id"]
        for r in tk.get_action("package_show")(dict(context), {"id": dataset_name})["resources"]
    }
    for resource in resources:
        resource = dict(resource, package_id=dataset_name)
        file_name = resource.pop("upload", None)
        with open(os.path.join(FILES, file_name), "rb") as stream:
            resource.update(url=file_name, upload=FileStorage(stream, filename=file_name))
            if file_name in existing:
                tk.get_action("resource_update")(dict(context), dict(resource, id=existing[file_name]))
            else:
                tk.get_action("resource_create")(dict(context), resource)


def seed(admin, content=None):
    """Yield one line per record written."""
    content = content or load_content()
    context = {"user": admin, "ignore_auth": True}
    for org in content["organizations"]:
        yield f"organization {org['name']}: {_upsert('organization', org, context)}"
    for dataset in content["datasets"]:
        dataset = dict(dataset)
        resources = dataset.pop("resources", [])
        outcome = _upsert("package", dataset, context)
        _upsert_resources(dataset["name"], resources, context)
        yield f"dataset {dataset['name']}: {outcome}, {len(resources)} resource(s)"
    if _stories_enabled():
        yield from seed_stories(context, load_content(STORIES))


def _stories_enabled():
    try:
        tk.get_action("story_create")
    except KeyError:
        return False
    return True


def seed_stories(context, content):
    """The moderation organization, then each story, published through the workflow."""
    for org in content["organizations"]:
        yield f"organization {org['name']}: {_upsert('organization', org, context)}"
    # Demo images are served by the portal itself (stories/public/pancanadian/stories/demo).
    images_url = tk.config.get("ckan.site_url").rstrip("/") + "/pancanadian/stories/demo/"
    for story in content["stories"]:
        story = dict(story, images=[dict(image, url=images_url + image.pop("file"))
                                    for image in map(dict, story.get("images") or [])])
        outcome = _upsert("story", story, context)
        state = tk.get_action("story_show")(dict(context), {"id": story["name"], "limit": 1})["workflow_state"]
        if state == "draft":
            tk.get_action("story_submit")(dict(context), {"id": story["name"]})
        if state != "published":
            tk.get_action("story_publish")(dict(context), {"id": story["name"]})
        yield f"story {story['name']}: {outcome}, published"
