"""The bench city's recognition: 5,000 nominations over three cycles of the City Manager's Award, inserted with
SQLAlchemy `insert()`. The cycle in review is the first (pages.REVIEW_CYCLE) and its first nomination is the one
the bench committee member opens (pages.NOMINATION); the open cycle is the third (pages.OPEN_CYCLE)."""
import random
from datetime import date, datetime, timedelta

from sqlalchemy import insert, select

from portal.auth.name_search import index_names
from portal.auth.queries import user_by_email
from portal.config import BASE_DIR
from portal.extensions import db
from portal.recognition.models import CommitteeMember, Cycle, Nomination, NominationState, Nominee, Programme
from portal.recognition.operations import sync_programmes
from portal.recognition.source import load_programmes

from .pages import ACCOUNTS, NOMINATION, OPEN_CYCLE, REVIEW_CYCLE

IN_REVIEW, DECIDED, OPEN = 3_500, 1_200, 300
CITATION = ("Answered every storm inquiry within two business days and rewrote the reply templates in plain "
            "language, so residents knew what would happen next. ") * 3


def _cycle(programme: Programme, name: str, opens: date, closes: date, chair_id: int) -> Cycle:
    cycle = Cycle(programme=programme, name_en=name, name_fr=name, opens_on=opens, closes_on=closes, chair_id=chair_id,
                  definition=programme.definition, members=[CommitteeMember(user_id=chair_id)])
    db.session.add(cycle)
    db.session.flush()
    return cycle


def _nominations(rng: random.Random, cycle: Cycle, people: list[dict], count: int, states) -> int:
    keys = [category["key"] for category in cycle.definition["categories"]]
    decided = datetime.combine(cycle.closes_on, datetime.min.time()) + timedelta(days=30)
    rows, pairs, seen = [], [], set()
    while len(rows) < count:
        nominator, nominee = rng.sample(people, 2)
        category = rng.choice(keys)
        if (nominator["id"], nominee["id"], category) in seen:
            continue
        seen.add((nominator["id"], nominee["id"], category))
        state = rng.choice(states)
        rows.append({"cycle_id": cycle.id, "nominator_id": nominator["id"],
                     "nominator_division_id": nominator["division_id"], "category_key": category,
                     "citation": CITATION, "language": nominator["language"], "state": state, "revision": 2,
                     "created_at": decided - timedelta(days=60), "updated_at": decided,
                     "submitted_at": decided - timedelta(days=59),
                     "combined_score": round(rng.uniform(35, 98), 1), "reviewer_count": rng.randint(1, 4),
                     "decided_at": decided if state in (NominationState.AWARDED, NominationState.NOT_AWARDED) else None,
                     "story_published": state is NominationState.AWARDED and rng.random() < 0.8})
        pairs.append(nominee)
    ids = db.session.scalars(insert(Nomination).returning(Nomination.id, sort_by_parameter_order=True), rows).all()
    db.session.execute(insert(Nominee), [
        {"nomination_id": nomination_id, "user_id": nominee["id"], "position": 1, "cycle_id": cycle.id,
         "nominator_id": row["nominator_id"], "category_key": row["category_key"],
         "division_id": nominee["division_id"], "withdrawn": False, "consent": row["story_published"] or None}
        for nomination_id, row, nominee in zip(ids, rows, pairs)])
    return len(ids)


def insert_recognition(rng: random.Random, people: list[dict], today: date) -> int:
    """The cycles and nominations, and the name index of every person inserted in bulk."""
    index_names()
    sync_programmes(load_programmes(BASE_DIR / "content"))
    award = db.session.scalar(select(Programme).where(Programme.slug == "city-managers-award"))
    chair = user_by_email(ACCOUNTS["committee"].email)
    others = [person for person in people if person["division_id"] != chair.division_id and person["active"]]
    review = _cycle(award, "2026", today - timedelta(days=120), today - timedelta(days=10), chair.id)
    past = _cycle(award, "2025", date(2025, 3, 1), date(2025, 5, 31), chair.id)
    upcoming = _cycle(award, "2027", today - timedelta(days=5), today + timedelta(days=60), chair.id)
    if (review.id, upcoming.id) != (REVIEW_CYCLE, OPEN_CYCLE):
        raise RuntimeError("the bench cycles are not the ones bench/pages.py names")
    count = _nominations(rng, review, others, IN_REVIEW, [NominationState.SUBMITTED] * 4 + [NominationState.SHORTLISTED])
    if db.session.scalar(select(Nomination.cycle_id).where(Nomination.id == NOMINATION)) != review.id:
        raise RuntimeError("the bench nomination is not in the cycle in review")
    count += _nominations(rng, past, others, DECIDED, [NominationState.AWARDED, NominationState.NOT_AWARDED,
                                                       NominationState.NOT_AWARDED])
    count += _nominations(rng, upcoming, others, OPEN, [NominationState.SUBMITTED, NominationState.DRAFT])
    return count
