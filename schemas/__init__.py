"""ckanext-scheming YAML (presets, dataset and story schemas, standards, quality rules).

Shipped as the package ``ckanext.pancanadian.schemas`` so schemas are referenced as
``ckanext.pancanadian.schemas:<file>.yaml``; scheming needs a regular package (with __file__).
"""
