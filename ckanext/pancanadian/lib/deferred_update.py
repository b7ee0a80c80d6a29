"""A package_update whose commit and indexing the caller does later, in its own transaction."""


def defer_package_update(context, package_id):
    """Make ``context`` defer package_update's commit and indexing of ``package_id``.

    CKAN 2.12's package_update keeps a deferred update only when it returns the id alone
    (otherwise it rolls its own savepoint back), and then does not tell the activity stream the
    dataset changed: both are set here."""
    context.update(defer_commit=True, return_id_only=True)
    context.setdefault("changed_entities", {}).setdefault("packages", set()).add(package_id)
