"""ckanext-pancanadian: a bilingual pan-Canadian open-data portal suite for CKAN.

Each capability is a plugin in its own sub-package (see README.md); ``lib`` holds only what two
or more capabilities share.
"""
