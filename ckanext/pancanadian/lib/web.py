"""What the suite's web views share."""
import ckan.plugins.toolkit as tk


def user_context():
    """The action context of the web request's user (an anonymous visitor has an empty name)."""
    user = tk.current_user
    return {"user": user.name if user.is_authenticated else "", "auth_user_obj": user}
