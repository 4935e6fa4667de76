"""Times the attestation pages for a city of 40,000 staff in 40 divisions (make bench).

Builds a scratch SQLite database through the migrations, inserts the staff and about two thirds of them
attested, then requests each page several times and prints the median time, the slowest time, the
number of SQL statements, and the peak memory of the process.
"""
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event, insert

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from portal import create_app  # noqa: E402
from portal.config import BASE_DIR, TestConfig  # noqa: E402
from portal.content import read_divisions_csv  # noqa: E402
from portal.extensions import db  # noqa: E402

STAFF = int(os.environ.get("BENCH_STAFF", "40000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "7"))
TARGET_MS = 500


def build(app) -> str:
    from portal.auth.operations import import_divisions
    from portal.auth.models import User, UserRole
    from portal.promise.models import Attestation
    from portal.promise.operations import sync_content
    from portal.promise.queries import current_versions

    with app.app_context():
        upgrade(directory=str(BASE_DIR / "migrations"))
        import_divisions(read_divisions_csv(BASE_DIR / "content" / "divisions.csv"))
        sync_content(BASE_DIR / "content")
        db.session.commit()
        from portal.auth.models import Division

        divisions = [division.id for division in db.session.scalars(db.select(Division).order_by(Division.id))]
        password = generate_password_hash("bench password 2026")
        db.session.execute(insert(User), [
            {"email": f"staff{i}@example.org", "full_name": f"Staff {i:05d}", "password_hash": password,
             "division_id": divisions[i % len(divisions)], "language": "en", "active": True,
             "session_token": f"{i:032x}"} for i in range(STAFF)])
        ids = list(db.session.scalars(db.select(User.id).order_by(User.id)))
        db.session.execute(insert(UserRole), [{"user_id": user_id, "role": "staff"} for user_id in ids])
        steward = ids[0]
        db.session.execute(insert(UserRole), [{"user_id": steward, "role": "steward"}])
        versions = [version.id for version in current_versions().values()]
        db.session.execute(insert(Attestation), [
            {"user_id": user_id, "version_id": version_id, "language": "en"}
            for n, user_id in enumerate(ids) for k, version_id in enumerate(versions) if (n + k) % 3])
        db.session.commit()
        return "staff0@example.org"


def measure(client, path: str, engine) -> tuple[float, float, int]:
    statements = []
    listener = lambda *args: statements.append(1)  # noqa: E731
    timings = []
    for round_number in range(ROUNDS):
        statements.clear()
        event.listen(engine, "before_cursor_execute", listener)
        started = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        event.remove(engine, "before_cursor_execute", listener)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(timings), max(timings), len(statements)


def main() -> int:
    folder = tempfile.mkdtemp(prefix="portal-bench-")
    settings = TestConfig.defaults()
    settings.update(SQLALCHEMY_DATABASE_URI=os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{folder}/bench.db"),
                    WTF_CSRF_ENABLED=False)
    app = create_app(settings)
    started = time.perf_counter()
    email = build(app)
    print(f"built {STAFF} staff in 40 divisions in {time.perf_counter() - started:.1f} s "
          f"({app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]})")
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": "bench password 2026"}).status_code == 302
    with app.app_context():
        engine = db.engine
    failures = 0
    print(f"{'page':<22}{'median ms':>10}{'max ms':>10}{'queries':>9}")
    for path in ("/", "/promise", "/attestation/", "/attestation/CXD", "/attestation/CXD?page=10", "/promise/pdf"):
        median, slowest, queries = measure(client, path, engine)
        flag = "" if median <= TARGET_MS or path.endswith("/pdf") else f"  over {TARGET_MS} ms"
        failures += bool(flag)
        print(f"{path:<22}{median:>10.1f}{slowest:>10.1f}{queries:>9}{flag}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of the process: {peak:.0f} MiB")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
