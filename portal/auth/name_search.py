"""Finding colleagues by name: every word of every name is kept folded in `name_words`, and a search is a
range read of that index per word typed, never a scan of the staff."""
import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import delete, event, insert, inspect, select
from sqlalchemy.orm import Session

from ..extensions import db
from .models import Division, NameWord, User

WORD = re.compile(r"[a-z0-9]+")
SHORTEST_SEARCH = 2
MOST_WORDS = 4
LONGEST_WORD = 60


def name_words(text: str) -> list[str]:
    """The words of a name or a search, without accents or case: "Côté-Brûlé" gives cote and brule."""
    folded = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    return [word[:LONGEST_WORD] for word in WORD.findall(folded)]


def _after(prefix: str) -> str:
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


@dataclass(frozen=True)
class Colleague:
    id: int
    full_name: str
    email: str
    division_en: str | None
    division_fr: str | None

    def division(self, language: str) -> str:
        return (self.division_fr if language == "fr" else self.division_en) or ""


def searchable(text: str) -> bool:
    return len("".join(name_words(text))) >= SHORTEST_SEARCH


def find_colleagues(text: str, limit: int = 10) -> list[Colleague]:
    """Active people each of whose searched words starts a word of their name, by name; at most `limit`."""
    words = sorted(set(name_words(text)), key=len, reverse=True)[:MOST_WORDS]
    if not searchable(text):
        return []
    rows = db.session.execute(
        select(User.id, User.full_name, User.email, Division.name_en, Division.name_fr)
        .outerjoin(Division, Division.id == User.division_id)
        .where(User.active.is_(True),
               *(User.id.in_(select(NameWord.user_id).where(NameWord.word >= word, NameWord.word < _after(word)))
                 for word in words))
        .order_by(User.full_name, User.id).limit(limit))
    return [Colleague(*row) for row in rows]


def index_names(user_ids: list[int] | None = None) -> None:
    """Writes the name words of these people again (None: everyone), for bulk loads that bypass the session."""
    connection = db.session.connection()
    people = select(User.id, User.full_name)
    if user_ids is not None:
        connection.execute(delete(NameWord).where(NameWord.user_id.in_(user_ids)))
        people = people.where(User.id.in_(user_ids))
    else:
        connection.execute(delete(NameWord))
    rows = [{"word": word, "user_id": person_id}
            for person_id, full_name in connection.execute(people) for word in set(name_words(full_name))]
    for start in range(0, len(rows), 5000):
        connection.execute(insert(NameWord), rows[start:start + 5000])


@event.listens_for(Session, "after_flush")
def _index_changed_names(session: Session, _context) -> None:
    changed = [person.id for person in list(session.new) + list(session.dirty)
               if isinstance(person, User) and inspect(person).attrs.full_name.history.has_changes()]
    if changed:
        index_names(changed)
