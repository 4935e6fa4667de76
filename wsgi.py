"""Entry point for gunicorn (`gunicorn wsgi:app`) and the flask command."""
import gc

from portal import create_app

app = create_app()
# What starting the portal loaded (modules, mappers, translations) lives as long as the process: kept out of the
# collector's full passes, which otherwise walk it all and pause a worker for tens of milliseconds.
gc.freeze()
