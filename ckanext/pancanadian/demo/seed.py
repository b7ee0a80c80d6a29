"""Create or update the demo content listed in content.yaml through CKAN's action API."""
import os

import yaml
from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk

CONTENT = os.path.join(os.path.dirname(__file__), "content.yaml")
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


def _with_uploads(dataset, open_files):
    """Replace each resource's `upload: <file>` by the demo file, uploaded to CKAN's storage."""
    resources = []
    for resource in dataset.get("resources", []):
        resource = dict(resource)
        name = resource.pop("upload", None)
        if name:
            stream = open(os.path.join(FILES, name), "rb")
            open_files.append(stream)
            resource.update(url=name, upload=FileStorage(stream, filename=name))
        resources.append(resource)
    return dict(dataset, resources=resources)


def seed(admin, content=None):
    """Yield one line per record written."""
    content = content or load_content()
    context = {"user": admin, "ignore_auth": True}
    for org in content["organizations"]:
        yield f"organization {org['name']}: {_upsert('organization', org, context)}"
    for dataset in content["datasets"]:
        open_files = []
        try:
            outcome = _upsert("package", _with_uploads(dataset, open_files), context)
        finally:
            for stream in open_files:
                stream.close()
        yield f"dataset {dataset['name']}: {outcome}"
