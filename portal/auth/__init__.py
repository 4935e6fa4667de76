"""People, divisions, roles and signing in; the name index is kept with every change of a name."""
from . import name_search  # noqa: F401
