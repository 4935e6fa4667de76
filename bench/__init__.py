"""`make bench`: the portal under gunicorn against bare Flask, loaded with wrk (run with `python -m bench.run`)."""
