"""Finding colleagues by name: every start of every word of every name is kept folded in `name_prefixes`, beside
the folded name, so a search reads the first people in name order for the longest word typed straight from that
key, never a scan or a sort of the staff, and checks the other words typed by key."""
import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import delete, event, exists, insert, inspect, select
from sqlalchemy.orm import Session, aliased

from ..extensions import db
from .models import Division, NamePrefix, User

WORD = re.compile(r"[a-z0-9]+")
SHORTEST_SEARCH = 2
MOST_WORDS = 4
LONGEST_WORD = 60
SORT_NAME_LENGTH = 200


def name_words(text: str) -> list[str]:
    """The words of a name or a search, without accents or case: "Côté-Brûlé" gives cote and brule."""
    folded = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    return [word[:LONGEST_WORD] for word in WORD.findall(folded)]


def sort_name(full_name: str) -> str:
    """The name as it is sorted: its folded words, so accents and case do not change the order."""
    return " ".join(name_words(full_name))[:SORT_NAME_LENGTH]


def name_prefixes(full_name: str) -> set[str]:
    return {word[:length] for word in name_words(full_name) for length in range(1, len(word) + 1)}


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
    if not searchable(text):
        return []
    first, *others = sorted(set(name_words(text)), key=len, reverse=True)[:MOST_WORDS]
    found, also = aliased(NamePrefix), aliased(NamePrefix)
    rows = db.session.execute(
        select(User.id, User.full_name, User.email, Division.name_en, Division.name_fr)
        .select_from(found).join(User, User.id == found.user_id)
        .outerjoin(Division, Division.id == User.division_id)
        .where(found.prefix == first, User.active.is_(True),
               *(exists().where(also.prefix == word, also.sort_name == found.sort_name,
                                also.user_id == found.user_id) for word in others))
        .order_by(found.sort_name, found.user_id).limit(limit))
    return [Colleague(*row) for row in rows]


def index_names(user_ids: list[int] | None = None) -> None:
    """Writes the name prefixes of these people again (None: everyone), for bulk loads that bypass the session."""
    connection = db.session.connection()
    people = select(User.id, User.full_name)
    if user_ids is not None:
        connection.execute(delete(NamePrefix).where(NamePrefix.user_id.in_(user_ids)))
        people = people.where(User.id.in_(user_ids))
    else:
        connection.execute(delete(NamePrefix))
    rows = [{"prefix": prefix, "sort_name": sort_name(full_name), "user_id": person_id}
            for person_id, full_name in connection.execute(people) for prefix in name_prefixes(full_name)]
    for start in range(0, len(rows), 5000):
        connection.execute(insert(NamePrefix), rows[start:start + 5000])


@event.listens_for(Session, "after_flush")
def _index_changed_names(session: Session, _context) -> None:
    changed = [person.id for person in list(session.new) + list(session.dirty)
               if isinstance(person, User) and inspect(person).attrs.full_name.history.has_changes()]
    if changed:
        index_names(changed)
