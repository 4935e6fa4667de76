"""Every change in recognition: programmes from content, cycles, nominations, review, decisions and consent.

Each operation checks the state, changes it, records it in the audit log and leaves the commit to the caller;
a refusal raises `Refused` with a message for the person, and nothing is changed."""
from dataclasses import dataclass
from datetime import date

from flask import render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm.exc import StaleDataError

from .. import mailer
from ..audit import name_actions, record
from ..auth.models import User
from ..database import utcnow
from ..extensions import db
from ..formatting import long_date
from ..security import Role
from ..refusals import Refused, Stale
from .citation import word_count
from .models import (UNDER_REVIEW, CommitteeMember, Conflict, Cycle, Nomination, NominationState, Nominee, Programme,
                     Scope, Score)
from .source import ProgrammeSource

MOST_NOMINEES = 12
CHANGED_MEANWHILE = _l("Someone else changed this nomination while you were looking at it. Nothing was saved: "
                       "here it is as it is now.")
NOT_WITHDRAWABLE = _l("This nomination can no longer be withdrawn: its cycle has closed or it was decided.")
NO_CONFLICT_HERE = _l("A conflict can be declared only on a nomination under review.")
NOT_SHORTLISTABLE = _l("Only the chair can shortlist a submitted nomination, once the cycle has closed.")

name_actions({
    "recognition.programme_sync": _l("Award programme loaded"),
    "recognition.cycle_open": _l("Award cycle opened"),
    "recognition.cycle_change": _l("Award cycle changed"),
    "recognition.nomination_start": _l("Nomination started"),
    "recognition.nomination_save": _l("Nomination draft saved"),
    "recognition.nomination_submit": _l("Nomination submitted"),
    "recognition.nomination_withdraw": _l("Nomination withdrawn"),
    "recognition.nomination_view": _l("Nomination viewed"),
    "recognition.nomination_score": _l("Nomination scored"),
    "recognition.conflict_declare": _l("Conflict of interest declared"),
    "recognition.nomination_shortlist": _l("Nomination shortlisted"),
    "recognition.nomination_decide": _l("Nomination decided"),
    "recognition.story_consent": _l("Consent to share a story"),
})


@dataclass(frozen=True)
class ProgrammeSyncOutcome:
    slug: str
    label: str
    published: bool


def sync_programmes(sources: list[ProgrammeSource]) -> list[ProgrammeSyncOutcome]:
    """Creates or updates each programme whose file changed; open cycles keep the definition they opened with."""
    existing = {programme.slug: programme for programme in db.session.scalars(select(Programme))}
    outcomes = []
    for source in sources:
        programme = existing.get(source.slug)
        if programme is not None and programme.checksum == source.checksum:
            outcomes.append(ProgrammeSyncOutcome(source.slug, "award programme", False))
            continue
        programme = programme or Programme(slug=source.slug)
        programme.scope, programme.definition, programme.checksum = source.scope, source.definition, source.checksum
        programme.updated_at = utcnow()
        db.session.add(programme)
        db.session.flush()
        record("recognition.programme_sync", f"programme:{source.slug}", {"checksum": source.checksum[:12]})
        outcomes.append(ProgrammeSyncOutcome(source.slug, "award programme", True))
    return outcomes


@dataclass(frozen=True)
class CycleSettings:
    """A cycle's name, dates and committee; a name given in English only is used in French as well."""

    name_en: str
    opens_on: date
    closes_on: date
    member_ids: frozenset[int]
    chair_id: int
    division_id: int | None = None
    name_fr: str | None = None

    @property
    def names(self) -> dict[str, str]:
        return {"en": self.name_en, "fr": self.name_fr or self.name_en}


def _committee(settings: CycleSettings) -> list[User]:
    people = list(db.session.scalars(select(User).where(User.id.in_(settings.member_ids), User.active.is_(True))))
    if len(people) != len(settings.member_ids) or any(Role.COMMITTEE not in person.roles for person in people):
        raise Refused(_("Every committee member must be an active awards committee member."))
    if settings.chair_id not in settings.member_ids:
        raise Refused(_("The chair must be one of the committee members."))
    if settings.closes_on < settings.opens_on:
        raise Refused(_("The closing date must be on or after the opening date."))
    return people


def open_cycle(programme: Programme, settings: CycleSettings, steward: User) -> Cycle:
    """Opens a cycle of a programme with its committee; a divisional programme's cycle belongs to one division."""
    if (programme.scope is Scope.DIVISION) != (settings.division_id is not None):
        raise Refused(_("Choose the division for a divisional programme, and none for a city-wide one."))
    people = _committee(settings)
    cycle = Cycle(programme=programme, division_id=settings.division_id, name_en=settings.names["en"],
                  name_fr=settings.names["fr"],
                  opens_on=settings.opens_on, closes_on=settings.closes_on, chair_id=settings.chair_id,
                  definition=programme.definition, opened_by_id=steward.id,
                  members=[CommitteeMember(user_id=person.id) for person in people])
    db.session.add(cycle)
    db.session.flush()
    record("recognition.cycle_open", f"cycle:{cycle.id}",
           {"programme": programme.slug, "names": settings.names, "opens_on": settings.opens_on.isoformat(),
            "closes_on": settings.closes_on.isoformat(), "committee": sorted(settings.member_ids),
            "chair": settings.chair_id})
    return cycle


def change_cycle(cycle: Cycle, settings: CycleSettings) -> None:
    """Changes a cycle's names, dates and committee; its programme and division stay."""
    people = _committee(settings)
    cycle.name_en, cycle.name_fr = settings.names["en"], settings.names["fr"]
    cycle.opens_on, cycle.closes_on, cycle.chair_id = settings.opens_on, settings.closes_on, settings.chair_id
    kept = [member for member in cycle.members if member.user_id in settings.member_ids]
    cycle.members = kept + [CommitteeMember(user_id=person.id) for person in people
                            if person.id not in {member.user_id for member in kept}]
    db.session.flush()
    record("recognition.cycle_change", f"cycle:{cycle.id}",
           {"names": settings.names, "opens_on": settings.opens_on.isoformat(),
            "closes_on": settings.closes_on.isoformat(), "committee": sorted(settings.member_ids),
            "chair": settings.chair_id})


def _flush(nomination: Nomination) -> None:
    """Writes the change; a change someone else committed first makes this one fail, never overwrite."""
    nomination.updated_at = utcnow()
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise Stale(str(CHANGED_MEANWHILE)) from None


def _current(nomination: Nomination, seen_revision: int | None) -> None:
    if seen_revision is not None and seen_revision != nomination.revision:
        raise Stale(str(CHANGED_MEANWHILE))


def nominee_problem(cycle: Cycle, nominator: User, person: User | None) -> str | None:
    """Why this person cannot be named in a nomination of this cycle, or None."""
    if person is None or not person.active:
        return _("There is no active staff member with that name. Search again.")
    if person.id == nominator.id:
        return _("You cannot nominate yourself or a team you belong to.")
    if person.id in cycle.member_ids:
        return _("%(name)s is on this cycle's awards committee and cannot be nominated in it.",
                 name=person.full_name)
    if cycle.division_id is not None and person.division_id != cycle.division_id:
        return _("%(name)s is not in %(division)s, the division this programme is for.", name=person.full_name,
                 division=cycle.division.name(nominator.language))
    return None


def _must_be_open(cycle: Cycle, today: date) -> None:
    if not cycle.is_open(today):
        raise Refused(_("This cycle is not taking nominations: it is open from %(opens)s to %(closes)s.",
                        opens=long_date(cycle.opens_on), closes=long_date(cycle.closes_on)))


def _name(nomination: Nomination, person: User) -> None:
    problem = nominee_problem(nomination.cycle, nomination.nominator, person)
    if problem:
        raise Refused(problem)
    if person.id in nomination.nominee_ids:
        raise Refused(_("%(name)s is already named in this nomination.", name=person.full_name))
    if len(nomination.nominees) >= MOST_NOMINEES:
        raise Refused(ngettext("A team nomination names at most %(num)d person.",
                               "A team nomination names at most %(num)d people.", MOST_NOMINEES))
    _refuse_repeat(nomination, nomination.category_key, [person.id])
    nomination.nominees.append(Nominee(user_id=person.id, position=len(nomination.nominees) + 1,
                                       cycle_id=nomination.cycle.id, nominator_id=nomination.nominator.id,
                                       category_key=nomination.category_key, division_id=person.division_id))


def _refuse_repeat(nomination: Nomination, category_key: str | None, person_ids: list[int]) -> None:
    """The same nominator may not name the same person twice in one category and cycle."""
    if category_key is None:
        return
    repeated = db.session.scalar(
        select(User.full_name).join(Nominee, Nominee.user_id == User.id)
        .where(Nominee.cycle_id == nomination.cycle.id, Nominee.category_key == category_key,
               Nominee.nominator_id == nomination.nominator.id, Nominee.user_id.in_(person_ids),
               Nominee.withdrawn.is_(False), Nominee.nomination_id != (nomination.id or 0)).limit(1))
    if repeated:
        raise Refused(_("You have already nominated %(name)s in this category in this cycle.", name=repeated))


def start_nomination(cycle: Cycle, nominator: User, person: User | None, today: date) -> Nomination:
    """A draft nomination naming its first nominee."""
    _must_be_open(cycle, today)
    nomination = Nomination(cycle=cycle, nominator=nominator, nominator_division_id=nominator.division_id,
                            language=nominator.language, state=NominationState.DRAFT, citation="")
    nomination.nominees = []
    _name(nomination, person)
    db.session.add(nomination)
    _flush(nomination)
    record("recognition.nomination_start", f"nomination:{nomination.id}", {"cycle": cycle.id})
    return nomination


def add_nominee(nomination: Nomination, person: User | None, seen_revision: int, today: date) -> None:
    _editable(nomination, seen_revision, today)
    _name(nomination, person)
    _flush(nomination)


def remove_nominee(nomination: Nomination, person_id: int, seen_revision: int, today: date) -> None:
    _editable(nomination, seen_revision, today)
    if len(nomination.nominees) <= 1:
        raise Refused(_("A nomination names at least one person. Add someone else first, or withdraw it."))
    nomination.nominees = [nominee for nominee in nomination.nominees if nominee.user_id != person_id]
    for position, nominee in enumerate(nomination.nominees, start=1):
        nominee.position = position
    _flush(nomination)


def _editable(nomination: Nomination, seen_revision: int, today: date) -> None:
    _current(nomination, seen_revision)
    _must_be_open(nomination.cycle, today)
    if nomination.state is not NominationState.DRAFT:
        raise Refused(_("Only a draft can be changed. This nomination is %(state)s.",
                        state=nomination.state.title.lower()))


def save_draft(nomination: Nomination, category_key: str | None, team_name: str | None, citation: str,
               seen_revision: int, today: date) -> None:
    _editable(nomination, seen_revision, today)
    if category_key is not None and nomination.cycle.category(category_key) is None:
        raise Refused(_("Choose one of this programme's categories."))
    if category_key != nomination.category_key:
        _refuse_repeat(nomination, category_key, sorted(nomination.nominee_ids))
    nomination.category_key, nomination.team_name, nomination.citation = category_key, team_name or None, citation
    for nominee in nomination.nominees:
        nominee.category_key = category_key
    _flush(nomination)
    record("recognition.nomination_save", f"nomination:{nomination.id}", {"words": word_count(citation)})


def submit_nomination(nomination: Nomination, seen_revision: int, today: date) -> None:
    """Sends a complete draft to the committee: a category, a citation within the limit, at least one person."""
    _editable(nomination, seen_revision, today)
    limit = nomination.cycle.definition["citation_word_limit"]
    if nomination.category_key is None:
        raise Refused(_("Choose a category before you submit."))
    if not nomination.citation.strip():
        raise Refused(_("Write the citation before you submit."))
    if word_count(nomination.citation) > limit:
        raise Refused(ngettext("The citation is longer than %(num)d word.",
                               "The citation is longer than %(num)d words.", limit))
    for nominee in nomination.nominees:
        nominee.division_id = nominee.user.division_id
    nomination.nominator_division_id = nomination.nominator.division_id
    nomination.state, nomination.submitted_at = NominationState.SUBMITTED, utcnow()
    _flush(nomination)
    record("recognition.nomination_submit", f"nomination:{nomination.id}", {"cycle": nomination.cycle_id})


def withdraw_nomination(nomination: Nomination, user: User, seen_revision: int, today: date) -> None:
    _current(nomination, seen_revision)
    if not nomination.can_withdraw(user, today):
        raise Refused(str(NOT_WITHDRAWABLE))
    nomination.state = NominationState.WITHDRAWN
    for nominee in nomination.nominees:
        nominee.withdrawn = True
    _flush(nomination)
    record("recognition.nomination_withdraw", f"nomination:{nomination.id}", {"cycle": nomination.cycle_id})


def view_is_recorded(nomination: Nomination, viewer: User) -> bool:
    """Anyone but the nominator reading a nomination (a committee member, an administrator) is in the audit log."""
    return viewer.id != nomination.nominator_id


def record_view(nomination: Nomination, viewer: User) -> None:
    if view_is_recorded(nomination, viewer):
        record("recognition.nomination_view", f"nomination:{nomination.id}", {"cycle": nomination.cycle_id})


_CONFLICTS = Conflict.__table__.c
_DECLARED = select(_CONFLICTS.reviewer_id).where(_CONFLICTS.nomination_id == bindparam("nomination_id"),
                                                 _CONFLICTS.reviewer_id == bindparam("reviewer_id"))


def declared_conflict(nomination: Nomination, reviewer: User) -> bool:
    found = db.session.execute(_DECLARED, {"nomination_id": nomination.id, "reviewer_id": reviewer.id}).first()
    return found is not None


def declare_conflict(nomination: Nomination, reviewer: User, today: date) -> None:
    """The reviewer steps aside: the nomination leaves their list and their scores no longer count."""
    if nomination.state not in UNDER_REVIEW or not nomination.cycle.is_reviewer(reviewer):
        raise Refused(str(NO_CONFLICT_HERE))
    if declared_conflict(nomination, reviewer):
        return
    db.session.add(Conflict(nomination_id=nomination.id, reviewer_id=reviewer.id))
    db.session.execute(delete(Score).where(Score.nomination_id == nomination.id, Score.reviewer_id == reviewer.id))
    recount(nomination)
    _flush(nomination)
    record("recognition.conflict_declare", f"nomination:{nomination.id}", {"cycle": nomination.cycle_id})


def recount(nomination: Nomination) -> None:
    """Keeps the combined weighted score (0–100) and the number of reviewers on the nomination, for ranking."""
    rubric = nomination.cycle.definition["rubric"]
    weights = {criterion["key"]: criterion["weight"] for criterion in rubric["criteria"]}
    db.session.flush()
    rows = db.session.execute(select(Score.reviewer_id, Score.criterion_key, Score.score)
                              .where(Score.nomination_id == nomination.id)).all()
    reviewers = {reviewer for reviewer, _key, _score in rows}
    total = sum(weights.get(key, 0) * score for _reviewer, key, score in rows)
    nomination.reviewer_count = len(reviewers)
    nomination.combined_score = round(total / (len(reviewers) * rubric["scale"]), 1) if reviewers else None


def score_nomination(nomination: Nomination, reviewer: User, scores: dict[str, int], seen_revision: int,
                     today: date) -> None:
    """Records the reviewer's score on every criterion of the rubric, replacing their earlier ones."""
    _current(nomination, seen_revision)
    if not nomination.can_score(reviewer, today, declared_conflict(nomination, reviewer)):
        raise Refused(_("You cannot score this nomination: the cycle is still open, it was decided, or you "
                        "have a conflict."))
    rubric = nomination.cycle.definition["rubric"]
    keys = [criterion["key"] for criterion in rubric["criteria"]]
    if sorted(scores) != sorted(keys) or any(not 1 <= value <= rubric["scale"] for value in scores.values()):
        raise Refused(_("Score every criterion from 1 to %(scale)d.", scale=rubric["scale"]))
    db.session.execute(delete(Score).where(Score.nomination_id == nomination.id, Score.reviewer_id == reviewer.id))
    db.session.add_all(Score(nomination_id=nomination.id, reviewer_id=reviewer.id, criterion_key=key, score=value)
                       for key, value in scores.items())
    recount(nomination)
    _flush(nomination)
    record("recognition.nomination_score", f"nomination:{nomination.id}", {"scores": scores})


def shortlist_nomination(nomination: Nomination, chair: User, seen_revision: int, today: date) -> None:
    _current(nomination, seen_revision)
    if nomination.state is not NominationState.SUBMITTED or not nomination.can_decide(
            chair, today, declared_conflict(nomination, chair)):
        raise Refused(str(NOT_SHORTLISTABLE))
    nomination.state = NominationState.SHORTLISTED
    _flush(nomination)
    record("recognition.nomination_shortlist", f"nomination:{nomination.id}", {"cycle": nomination.cycle_id})


def decide_nomination(nomination: Nomination, chair: User, awarded: bool, reason: str, seen_revision: int,
                      today: date) -> None:
    """Awarded or not, with the chair's reason; nominator and nominees are told by e-mail in the same
    transaction, each in their own language."""
    _current(nomination, seen_revision)
    if not nomination.can_decide(chair, today, declared_conflict(nomination, chair)):
        raise Refused(_("Only the chair can decide a nomination under review, once the cycle has closed."))
    nomination.state = NominationState.AWARDED if awarded else NominationState.NOT_AWARDED
    nomination.decision_reason, nomination.decided_at, nomination.decided_by_id = reason, utcnow(), chair.id
    _flush(nomination)
    record("recognition.nomination_decide", f"nomination:{nomination.id}",
           {"state": nomination.state.value, "reason": reason})
    _tell(nomination, nomination.nominator, "nominator")
    for nominee in nomination.nominees:
        _tell(nomination, nominee.user, "nominee")


MESSAGES = {
    "nominator": (_l("Decision on your nomination"), "recognition/decision_nominator.txt", "recognition.nomination"),
    "nominee": (_l("News about your nomination for recognition"), "recognition/decision_nominee.txt",
                "recognition.my_awards"),
}


def _tell(nomination: Nomination, person: User, audience: str) -> None:
    """Queues the decision for one person, written in their language."""
    subject, template, endpoint = MESSAGES[audience]
    address = {"nomination_id": nomination.id} if audience == "nominator" else {}
    category = nomination.cycle.category(nomination.category_key) or {"title": {"en": "", "fr": ""}}
    with force_locale(person.language):
        body = render_template(template, nomination=nomination, person=person, language=person.language,
                               programme=nomination.cycle.title(person.language),
                               category=category["title"][person.language],
                               link=url_for(endpoint, _external=True, **address))
        mailer.queue(str(subject), [person.email], body)


def give_consent(nomination: Nomination, person: User, agree: bool) -> None:
    """A nominee agrees (or not) to the story being shown; it is shown once everyone named has agreed."""
    nominee = next((found for found in nomination.nominees if found.user_id == person.id), None)
    if nominee is None or nomination.state is not NominationState.AWARDED:
        raise Refused(_("Only the people named in an award can agree to share its story."))
    nominee.consent = agree
    nomination.story_published = all(found.consent for found in nomination.nominees)
    _flush(nomination)
    record("recognition.story_consent", f"nomination:{nomination.id}", {"agree": agree})
