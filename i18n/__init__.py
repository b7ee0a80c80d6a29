"""Gettext catalogues of the ``ckanext-pancanadian`` domain, shipped as ckanext.pancanadian.i18n."""
