"""Finding colleagues by name: every start of every word of every name is kept folded in `name_prefixes`, beside
the name's sort key (portal/collation.py), so a search reads the first people in name order for the longest word
typed straight from that key, never a scan or a sort of the staff, and checks the other words typed by key."""
import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import bindparam, delete, event, exists, insert, inspect, select
from sqlalchemy.orm import Session

from ..collation import sort_key
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
    """The name's sort key as hex, which sorts byte by byte in the order people expect on either database."""
    return sort_key(full_name or "").hex()[:SORT_NAME_LENGTH]


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


def _search(word_count: int, in_division: bool):
    """The search for this many words, built once, on the tables: the first word read in name order from the
    index, each other word checked by key for the same person; only staff of one division when asked."""
    prefixes, people, divisions = NamePrefix.__table__, User.__table__.c, Division.__table__.c
    found = prefixes.alias("found")
    others = [prefixes.alias(f"also_{number}") for number in range(1, word_count)]
    division = (people.division_id == bindparam("division_id"),) if in_division else ()
    return (select(people.id, people.full_name, people.email, divisions.name_en, divisions.name_fr)
            .select_from(found.join(User.__table__, people.id == found.c.user_id)
                         .outerjoin(Division.__table__, divisions.id == people.division_id))
            .where(found.c.prefix == bindparam("word_0"), people.active.is_(True), *division,
                   *(exists().where(also.c.prefix == bindparam(f"word_{number}"),
                                    also.c.sort_name == found.c.sort_name, also.c.user_id == found.c.user_id)
                     for number, also in enumerate(others, start=1)))
            .order_by(found.c.sort_name, found.c.user_id).limit(bindparam("limit")))


_SEARCHES = {(count, in_division): _search(count, in_division)
             for count in range(1, MOST_WORDS + 1) for in_division in (False, True)}


def find_colleagues(text: str, limit: int = 10, division_id: int | None = None) -> list[Colleague]:
    """Active people each of whose searched words starts a word of their name, by name; at most `limit`; only
    staff of `division_id` when it is given."""
    if not searchable(text):
        return []
    words = sorted(set(name_words(text)), key=len, reverse=True)[:MOST_WORDS]
    within = {} if division_id is None else {"division_id": division_id}
    rows = db.session.connection().execute(_SEARCHES[(len(words), division_id is not None)], {
        "limit": limit, **within, **{f"word_{number}": word for number, word in enumerate(words)}})
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
