"""Recognition as it stands in a working city, for the demo: a decided cycle last year, one in review and one
open now, with nominations in every state, scores, decisions and stories whose people agreed to share them."""
import random
from datetime import date, datetime, timedelta

from sqlalchemy import select

from ..auth.models import User, UserRole
from ..extensions import db
from ..security import Role
from .models import CommitteeMember, Cycle, Nomination, NominationState, Nominee, Programme, Score
from .operations import recount

DEEDS = [
    ("rebuilt the permit counter's queue so residents with disabilities are served first without having to ask",
     "a réorganisé la file d'attente du comptoir des permis pour que les personnes handicapées soient servies en "
     "priorité sans avoir à le demander"),
    ("answered every one of more than 900 winter storm inquiries within two business days",
     "a répondu à chacune des plus de 900 demandes reçues pendant la tempête hivernale en deux jours ouvrables"),
    ("rewrote the property tax letters in plain language, halving the calls that followed them",
     "a réécrit en langage clair les lettres sur l'impôt foncier, ce qui a réduit de moitié les appels qui suivaient"),
    ("stayed with a distressed caller until help arrived, calmly and with great respect",
     "est resté en ligne avec une personne en détresse jusqu'à l'arrivée des secours, avec calme et grand respect"),
    ("set up a French and English walk-in clinic for newcomers applying for recreation subsidies",
     "a mis sur pied une clinique sans rendez-vous en français et en anglais pour les nouveaux arrivants qui "
     "demandent une aide pour les loisirs"),
    ("found and closed a gap that let personal information appear in shared inspection reports",
     "a repéré et corrigé une faille qui laissait paraître des renseignements personnels dans des rapports "
     "d'inspection partagés"),
    ("trained twelve colleagues to use the reply-by rules, and our late replies fell to almost none",
     "a formé douze collègues aux règles de délai de réponse, et nos réponses tardives sont presque disparues"),
    ("made the online booking form work with a screen reader, after listening to residents who could not use it",
     "a rendu le formulaire de réservation en ligne utilisable avec un lecteur d'écran, après avoir écouté les "
     "résidents qui ne pouvaient pas s'en servir"),
]
CLOSINGS = ("This is what the Service Promise looks like in everyday work.",
            "C'est à cela que ressemble l'engagement de service au quotidien.")
REASONS = {
    NominationState.AWARDED: "Clear, lasting benefit to residents, and an example others can follow.",
    NominationState.NOT_AWARDED: "Strong work, but the committee found other nominations had a wider impact this year.",
}


def citation(chance: random.Random, names: str, language: str) -> str:
    deed = chance.choice(DEEDS)[1 if language == "fr" else 0]
    closing = CLOSINGS[1 if language == "fr" else 0]
    return f"{names} {deed}.\n\n{closing}"


def _committee(chance: random.Random, chair: User, city: list[User], size: int) -> list[User]:
    members = [chair] + chance.sample([person for person in city if person.division_id != chair.division_id], size - 1)
    for person in members:
        if Role.COMMITTEE not in person.roles:
            person.role_rows.append(UserRole(role=Role.COMMITTEE))
    return members


def _cycle(programme: Programme, names: tuple[str, str], opens: date, closes: date, members: list[User],
           division_id: int | None = None) -> Cycle:
    cycle = Cycle(programme=programme, name_en=names[0], name_fr=names[1], opens_on=opens, closes_on=closes,
                  chair_id=members[0].id, definition=programme.definition, division_id=division_id,
                  members=[CommitteeMember(user_id=person.id) for person in members])
    db.session.add(cycle)
    db.session.flush()
    return cycle


def _nominate(chance: random.Random, cycle: Cycle, nominator: User, people: list[User], state: NominationState,
              when: datetime) -> Nomination:
    category = chance.choice(cycle.definition["categories"])["key"]
    names = " ".join(person.full_name for person in people) if len(people) == 1 else "The team"
    if nominator.language == "fr" and len(people) > 1:
        names = "L'équipe"
    nomination = Nomination(cycle=cycle, nominator=nominator, nominator_division_id=nominator.division_id,
                            category_key=category, citation=citation(chance, names, nominator.language),
                            language=nominator.language, state=state, created_at=when, updated_at=when,
                            submitted_at=None if state is NominationState.DRAFT else when + timedelta(days=1),
                            team_name=("Winter Response Team" if len(people) > 1 else None))
    nomination.nominees = [Nominee(user_id=person.id, position=number, cycle_id=cycle.id, nominator_id=nominator.id,
                                   category_key=category, division_id=person.division_id,
                                   withdrawn=state is NominationState.WITHDRAWN)
                           for number, person in enumerate(people, start=1)]
    db.session.add(nomination)
    db.session.flush()
    return nomination


def _review(chance: random.Random, nomination: Nomination, members: list[User]) -> None:
    rubric = nomination.cycle.definition["rubric"]
    strength = chance.uniform(0.4, 1.0)
    for reviewer in members:
        if reviewer.division_id in nomination.division_ids or chance.random() < 0.2:
            continue
        for criterion in rubric["criteria"]:
            value = max(1, min(rubric["scale"], round(strength * rubric["scale"] + chance.uniform(-1, 1))))
            db.session.add(Score(nomination_id=nomination.id, reviewer_id=reviewer.id,
                                 criterion_key=criterion["key"], score=value))
    recount(nomination)


def _decide(nomination: Nomination, state: NominationState, chair: User, when: datetime, consent: bool) -> None:
    nomination.state, nomination.decided_at, nomination.decided_by_id = state, when, chair.id
    nomination.decision_reason = REASONS[state]
    if state is NominationState.AWARDED and consent:
        for nominee in nomination.nominees:
            nominee.consent = True
        nomination.story_published = True


def load_recognition(chance: random.Random, today: date, city: list[User], chair: User, staff: User,
                     lead_division_id: int) -> None:
    """The demo's cycles and nominations; `staff` has a draft, a submitted and a withdrawn nomination."""
    programmes = {found.slug: found for found in db.session.scalars(select(Programme))}
    if "city-managers-award" not in programmes:
        return
    city_award = programmes["city-managers-award"]
    members = _committee(chance, chair, city, 3)
    past = _cycle(city_award, (str(today.year - 1),) * 2, date(today.year - 1, 3, 1), date(today.year - 1, 5, 31),
                  members)
    review = _cycle(city_award, (str(today.year),) * 2, today - timedelta(days=120), today - timedelta(days=10),
                    members)
    upcoming = _cycle(city_award, (str(today.year + 1),) * 2, today - timedelta(days=5), today + timedelta(days=60),
                      members)
    eligible = [person for person in city if person.active and person.id not in {m.id for m in members}]
    for number in range(14):
        nominator, nominee = chance.sample(eligible, 2)
        state = NominationState.AWARDED if number < 6 else NominationState.NOT_AWARDED
        nomination = _nominate(chance, past, nominator, [nominee], state,
                               datetime(today.year - 1, 3, 10) + timedelta(days=number * 4))
        _review(chance, nomination, members)
        _decide(nomination, state, chair, datetime(today.year - 1, 6, 20 + number % 8, 10), consent=number != 2)
    states = ([NominationState.SUBMITTED] * 14 + [NominationState.SHORTLISTED] * 4 + [NominationState.AWARDED] * 2
              + [NominationState.NOT_AWARDED] * 2 + [NominationState.WITHDRAWN] * 2)
    for number, state in enumerate(states):
        nominator = chance.choice(eligible)
        team = chance.sample([p for p in eligible if p.id != nominator.id], 3 if number % 7 == 0 else 1)
        nomination = _nominate(chance, review, nominator, team, state,
                               datetime.combine(review.opens_on, datetime.min.time()) + timedelta(days=number * 4))
        if state is not NominationState.WITHDRAWN and number % 5 != 4:
            _review(chance, nomination, members)
        if state in REASONS:
            _decide(nomination, state, chair, datetime.combine(today, datetime.min.time()) - timedelta(days=3),
                    consent=True)
    colleagues = [person for person in eligible if person.id != staff.id]
    for state, days in ((NominationState.DRAFT, 1), (NominationState.SUBMITTED, 3), (NominationState.WITHDRAWN, 4)):
        _nominate(chance, upcoming, staff, [chance.choice(colleagues)], state,
                  datetime.combine(today, datetime.min.time()) - timedelta(days=days))
    for number in range(6):
        nominator, nominee = chance.sample(eligible, 2)
        _nominate(chance, upcoming, nominator, [nominee], NominationState.SUBMITTED,
                  datetime.combine(today, datetime.min.time()) - timedelta(days=number))
    divisional = programmes.get("divisional-recognition")
    if divisional is not None:
        lead_members = _committee(chance, chair, city, 2)
        own = [person for person in eligible if person.division_id == lead_division_id]
        cycle = _cycle(divisional, (f"Fall {today.year}", f"Automne {today.year}"), today - timedelta(days=20),
                       today + timedelta(days=25), lead_members, lead_division_id)
        for number in range(min(4, len(own) // 2)):
            nominator, nominee = chance.sample(own, 2)
            _nominate(chance, cycle, nominator, [nominee], NominationState.SUBMITTED,
                      datetime.combine(today, datetime.min.time()) - timedelta(days=number + 1))
    db.session.flush()
