#!/usr/bin/env bash
# Runs the whole suite on SQLite, then again on PostgreSQL (browser tests and SQLite-only checks run
# once, on SQLite).
# In CI (CI=true) PostgreSQL must be reachable; elsewhere its pass is skipped with a message when it is not.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PG_URL=${TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}

echo "== test suite on SQLite"
env -u TEST_DATABASE_URL $PY -m pytest "$@" || exit $?

if $PY - "$PG_URL" <<'PY'
import sys
import sqlalchemy
try:
    sqlalchemy.create_engine(sys.argv[1]).connect().close()
except Exception as error:
    print(f"PostgreSQL not reachable at {sys.argv[1]}: {error}", file=sys.stderr)
    sys.exit(1)
PY
then
  echo "== test suite on PostgreSQL"
  TEST_DATABASE_URL=$PG_URL $PY -m pytest -m "not browser and not sqlite" "$@" || exit $?
elif [ "${CI:-}" = true ]; then
  echo "PostgreSQL is required in CI." >&2
  exit 1
else
  echo "== PostgreSQL pass skipped: set TEST_DATABASE_URL or start PostgreSQL on 127.0.0.1:5432"
fi
