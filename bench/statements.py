"""SQL statements per page, counted in process with the Flask test client."""
from flask import Flask
from sqlalchemy import event

from portal.extensions import db

from .pages import ACCOUNTS, Page
from .signin import sign_in_client


def count_statements(app: Flask, pages: list[Page]) -> dict[str, int | None]:
    """Statements each page sends on its second request (None when it does not answer 200).

    Requests go over plain HTTP, as under gunicorn in the benchmark."""
    base_url = f"http://{app.config['SERVER_NAME']}"
    clients = {}
    for name in sorted({page.account for page in pages}):
        clients[name] = app.test_client()
        sign_in_client(clients[name], ACCOUNTS[name], base_url)
    with app.app_context():
        engine = db.engine
    counts = {}
    for page in pages:
        client = clients[page.account]
        client.get(page.path, base_url=base_url)
        statements = []

        def remember(*_args):
            statements.append(1)

        event.listen(engine, "before_cursor_execute", remember)
        try:
            status = client.get(page.path, base_url=base_url).status_code
        finally:
            event.remove(engine, "before_cursor_execute", remember)
        counts[page.name] = len(statements) if status == 200 else None
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return counts
