"""Entry point for gunicorn (`gunicorn wsgi:app`) and the flask command."""
import gc
import sys

from portal import create_app
from portal.config import ConfigurationError

try:
    app = create_app()
except ConfigurationError as error:
    # A setting is missing or wrong: one line naming it, no traceback. Status 3 is what gunicorn takes as a worker
    # that cannot boot, so it stops instead of starting workers again and again.
    print(f"Service Promise Portal not started: {error}", file=sys.stderr)
    sys.exit(3)
# What starting the portal loaded (modules, mappers, translations) lives as long as the process: kept out of the
# collector's full passes, which otherwise walk it all and pause a worker for tens of milliseconds.
gc.freeze()
