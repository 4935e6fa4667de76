from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from sqlalchemy import and_, bindparam, case, false, func, literal_column, select

from ..auth.models import User
from ..auth.queries import DivisionName, division_names
from ..collation import by_name, sort_key
from ..extensions import db
from ..formatting import shares
from ..marks import current_mark
from .models import Attestation, ChangeKind, DivisionTally, Document, DocumentKind, DocumentVersion


@dataclass(frozen=True)
class PublishedText:
    language: str
    title: str
    change_summary: str
    body_html: str


@dataclass(frozen=True)
class PublishedVersion:
    """A published version as pages read it; versions never change, so each process keeps those it has read."""

    id: int
    document_id: int
    kind: DocumentKind
    major: int
    minor: int
    effective_date: date
    change: ChangeKind
    checksum: str
    texts: tuple[PublishedText, ...]
    equivalent_ids: tuple[int, ...]
    first: bool  # no earlier version of the document was published

    @property
    def label(self) -> str:
        return f"{self.major}.{self.minor}"

    def text(self, language: str) -> PublishedText:
        by_language = {text.language: text for text in self.texts}
        return by_language.get(language) or by_language["en"]


_published: dict[tuple[int, str, int], PublishedVersion] = {}


def _read_versions(ids: list[int]) -> None:
    """Reads newly current versions, with the ids of the earlier minor versions an attestation may name, and
    whether any version came before."""
    rows = db.session.scalars(select(DocumentVersion).where(DocumentVersion.id.in_(ids))).all()
    every = db.session.execute(select(DocumentVersion.id, DocumentVersion.document_id, DocumentVersion.major,
                                      DocumentVersion.minor)
                               .where(DocumentVersion.document_id.in_([row.document_id for row in rows]))).all()
    for row in rows:
        texts = tuple(PublishedText(text.language, text.title, text.change_summary, text.body_html)
                      for text in row.texts)
        own = [(version_id, major, minor) for version_id, document_id, major, minor in every
               if document_id == row.document_id]
        equivalent = tuple(version_id for version_id, major, _minor in own if major == row.major)
        first = all((major, minor) >= (row.major, row.minor) for _id, major, minor in own)
        _published[row.id, row.checksum, row.document_id] = PublishedVersion(
            row.id, row.document_id, row.document.kind, row.major, row.minor, row.effective_date, row.change,
            row.checksum, texts, equivalent, first)


# Read on every page, so written on the tables rather than the models: plain statements cost half as much to run.
# Unlike the ORM's, they do not flush pending changes first: a write that reads them back flushes itself.
_VERSIONS, _ATTESTATIONS = DocumentVersion.__table__.c, Attestation.__table__.c
_RANK = _VERSIONS.major * 1000 + _VERSIONS.minor
_NEWEST = select(_VERSIONS.document_id, func.max(_RANK).label("rank")).group_by(_VERSIONS.document_id).subquery()
CURRENT_VERSION_KEYS = select(_VERSIONS.id, _VERSIONS.checksum, _VERSIONS.document_id).join(
    _NEWEST, and_(_VERSIONS.document_id == _NEWEST.c.document_id, _RANK == _NEWEST.c.rank))


def current_versions() -> dict[DocumentKind, PublishedVersion]:
    """The newest version of every published document, in DocumentKind order, in one light query.

    Versions rank as major * 1000 + minor: content.VERSION_PATTERN keeps both below 1000. A version is
    kept by id, checksum and document, so one that was never committed cannot stand in for a later one."""
    keys = db.session.connection().execute(CURRENT_VERSION_KEYS).all()
    unknown = [key[0] for key in keys if tuple(key) not in _published]
    if unknown:
        _read_versions(unknown)
    found = {version.kind: version for version in (_published[tuple(key)] for key in keys)}
    return {kind: found[kind] for kind in DocumentKind if kind in found}


def history(kind: DocumentKind) -> list[DocumentVersion]:
    return list(db.session.scalars(
        select(DocumentVersion).join(Document).where(Document.slug == kind.value)
        .order_by(DocumentVersion.major.desc(), DocumentVersion.minor.desc())))


def is_first(version: DocumentVersion) -> bool:
    """Whether no earlier version of the document was published: the first is not a change of anything."""
    earlier = select(DocumentVersion.id).where(
        DocumentVersion.document_id == version.document_id,
        DocumentVersion.major * 1000 + DocumentVersion.minor < version.major * 1000 + version.minor)
    return db.session.scalar(select(~earlier.exists()))


def version(kind: DocumentKind, major: int, minor: int) -> DocumentVersion | None:
    return db.session.scalar(
        select(DocumentVersion).join(Document)
        .where(Document.slug == kind.value, DocumentVersion.major == major, DocumentVersion.minor == minor))


def _satisfies(version: PublishedVersion):
    """An attestation counts when it names the current version or an earlier minor version of its major."""
    return Attestation.version_id.in_(version.equivalent_ids)


def _any_satisfies(versions):
    ids = [version_id for version in versions for version_id in version.equivalent_ids]
    return Attestation.version_id.in_(ids) if ids else false()


@dataclass(frozen=True)
class AttestationStatus:
    kind: DocumentKind
    version: PublishedVersion
    attested_at: datetime | None
    attested_label: str | None

    @property
    def done(self) -> bool:
        return self.attested_at is not None


MY_ATTESTATIONS = (
    select(_VERSIONS.document_id, _ATTESTATIONS.attested_at, _VERSIONS.major, _VERSIONS.minor)
    .join_from(Attestation.__table__, DocumentVersion.__table__, _ATTESTATIONS.version_id == _VERSIONS.id)
    .where(_ATTESTATIONS.user_id == bindparam("user_id"),
           _ATTESTATIONS.version_id.in_(bindparam("ids", expanding=True)))
    .order_by(_ATTESTATIONS.attested_at.desc()))


def status_for(user: User, versions: dict[DocumentKind, PublishedVersion]) -> list[AttestationStatus]:
    """For each current document: whether the user has attested to it (or to an equivalent minor version)."""
    ids = [version_id for version in versions.values() for version_id in version.equivalent_ids]
    rows = db.session.execute(MY_ATTESTATIONS, {"user_id": user.id, "ids": ids}).all() if ids else []
    latest = {}
    for document_id, attested_at, major, minor in rows:
        latest.setdefault(document_id, (attested_at, f"{major}.{minor}"))
    return [AttestationStatus(kind, version, *latest.get(version.document_id, (None, None)))
            for kind, version in versions.items()]


def version_key(versions: dict[DocumentKind, PublishedVersion]) -> str:
    return "|".join(f"{version.document_id}:{version.major}" for version in versions.values())


def tally_names(versions: dict[DocumentKind, PublishedVersion]) -> dict[str, str]:
    """The names of the tallies a report of these current versions reads, by what they count."""
    names = {"staff": "staff", "all": f"all:{version_key(versions)}"}
    names.update({kind.value: f"attested:{version.document_id}:{version.major}" for kind, version in versions.items()})
    return names


@dataclass(frozen=True)
class DivisionAttestation:
    division: DivisionName
    staff: int
    attested: dict[DocumentKind, int]
    attested_all: int

    @property
    def rate(self) -> float | None:
        """Share of active staff who attested to every current document; None without active staff."""
        return self.attested_all / self.staff if self.staff else None

    @property
    def shares(self) -> list[tuple[str, str] | None]:
        """Each document's rate, then the rate for all of them, as reports show them."""
        return shares((*self.attested.values(), self.attested_all), self.staff)


def division_summary(versions: dict[DocumentKind, PublishedVersion],
                     division_ids: Iterable[int] | None = None) -> list[DivisionAttestation]:
    """Staff and attestation counts per division, read from the tallies kept with every change (two queries).

    A division whose tallies were never counted is counted from the rows instead."""
    return summary_of(versions, division_names(division_ids))


_TALLIES = (select(DivisionTally.division_id, DivisionTally.name, DivisionTally.count)
            .where(DivisionTally.name.in_(bindparam("names", expanding=True)),
                   DivisionTally.division_id.in_(bindparam("ids", expanding=True))))


def summary_of(versions: dict[DocumentKind, PublishedVersion],
               divisions: list[DivisionName]) -> list[DivisionAttestation]:
    """The summary of these divisions, in their order, from their tallies (one query)."""
    names = tally_names(versions)
    found: dict[int, dict[str, int]] = {}
    for division_id, name, count in db.session.execute(
            _TALLIES, {"names": list(names.values()), "ids": [division.id for division in divisions]}):
        found.setdefault(division_id, {})[name] = count
    complete = {division_id for division_id, counts in found.items() if len(counts) == len(names)}
    missing = [division.id for division in divisions if division.id not in complete]
    counted = {summary.division.id: summary for summary in count_division_attestations(versions, missing)} \
        if missing else {}
    summaries = []
    for division in divisions:
        if division.id in counted:
            summaries.append(counted[division.id])
            continue
        counts = found[division.id]
        summaries.append(DivisionAttestation(division, counts[names["staff"]],
                                             {kind: counts[names[kind.value]] for kind in versions},
                                             counts[names["all"]]))
    return summaries


ATTESTATION_TALLIES = "attestation_tallies"


def tallies_mark() -> int:
    """Raised with every change to the attestation tallies: a report drawn from them can be kept under it."""
    return current_mark(ATTESTATION_TALLIES)


SORT_ORDERS = ("name", "lowest", "highest")


def sorted_summary(summary: list[DivisionAttestation], order: str, language: str) -> list[DivisionAttestation]:
    """By division name in the reader's language, or by the share who attested to everything (divisions
    without staff last)."""
    if order not in ("lowest", "highest"):
        return sorted(summary, key=lambda row: sort_key(row.division.name(language)))
    staffed = sorted((row for row in summary if row.rate is not None), key=lambda row: row.rate,
                     reverse=order == "highest")
    return staffed + [row for row in summary if row.rate is None]


@dataclass(frozen=True)
class CityTotal:
    staff: int
    attested: dict[DocumentKind, int]
    attested_all: int

    @property
    def shares(self) -> list[tuple[str, str] | None]:
        return shares((*self.attested.values(), self.attested_all), self.staff)


def city_total(summary: list[DivisionAttestation]) -> CityTotal:
    kinds = summary[0].attested.keys() if summary else ()
    return CityTotal(sum(row.staff for row in summary),
                     {kind: sum(row.attested[kind] for row in summary) for kind in kinds},
                     sum(row.attested_all for row in summary))


def count_division_attestations(versions: dict[DocumentKind, PublishedVersion],
                                division_ids: list[int] | None = None) -> list[DivisionAttestation]:
    """Staff and attestation counts per division counted from the rows, in three queries."""
    staff_query = select(User.division_id, func.count(User.id)).where(User.active).group_by(User.division_id)
    if division_ids is not None:
        staff_query = staff_query.where(User.division_id.in_(division_ids))
    divisions = division_names(division_ids)
    staff = dict(db.session.execute(staff_query).all())

    kinds = list(versions)
    if not kinds:
        return [DivisionAttestation(division, staff.get(division.id, 0), {}, 0) for division in divisions]
    per_user = (select(User.division_id, *(func.max(case((_satisfies(versions[kind]), 1), else_=0)).label(f"d{i}")
                                           for i, kind in enumerate(kinds)))
                .select_from(Attestation).join(User, Attestation.user_id == User.id)
                .where(User.active, _any_satisfies(list(versions.values())))
                .group_by(Attestation.user_id, User.division_id))
    if division_ids is not None:
        per_user = per_user.where(User.division_id.in_(division_ids))
    per_user = per_user.subquery()
    flags = [per_user.c[f"d{i}"] for i in range(len(kinds))]
    rows = db.session.execute(
        select(per_user.c.division_id, *(func.sum(flag) for flag in flags),
               func.sum(case((sum(flags[1:], flags[0]) == len(kinds), 1), else_=0)))
        .group_by(per_user.c.division_id)).all()
    counts = {row[0]: (dict(zip(kinds, (int(value or 0) for value in row[1:-1]))), int(row[-1] or 0)) for row in rows}
    empty = (dict.fromkeys(kinds, 0), 0)
    return [DivisionAttestation(division, staff.get(division.id, 0), *counts.get(division.id, empty))
            for division in divisions]


@dataclass(frozen=True)
class OutstandingStaff:
    full_name: str
    email: str
    start_date: date | None
    missing: list[DocumentKind]


@lru_cache(maxsize=32)
def _outstanding(shape: tuple[tuple[int, ...], ...], paged: bool):
    """Active staff of a division missing an attestation to any of these documents (each given by the version ids
    that satisfy it), by name, with a mask of the documents they did attest to (bit i for document i); built once
    per set of current versions. One look at each person's attestations gives the whole mask."""
    bit = case(*((Attestation.version_id.in_([literal_column(str(int(version_id))) for version_id in ids]), 1 << i)
                 for i, ids in enumerate(shape)))
    mask = (select(func.coalesce(func.sum(bit.distinct()), 0)).where(Attestation.user_id == User.id)
            .correlate(User).scalar_subquery())
    staff = (select(User.full_name, User.email, User.start_date, User.id, mask.label("mask"))
             .where(User.division_id == bindparam("division_id"), User.active).subquery())
    listed = (select(staff.c.full_name, staff.c.email, staff.c.start_date, staff.c.mask)
              .where(staff.c.mask != (1 << len(shape)) - 1).order_by(by_name(staff.c.full_name), staff.c.id))
    return listed.limit(bindparam("limit")).offset(bindparam("offset")) if paged else listed


def outstanding_in_division(division_id: int, versions: dict[DocumentKind, PublishedVersion],
                            page: int, per_page: int | None) -> list[OutstandingStaff]:
    """Active staff of a division who still have a document to attest to, by name, one page at a time
    (every one of them when per_page is None). How many there are is the division's staff less those who
    attested to everything, which its summary already holds."""
    if not versions:
        return []
    shape = tuple(version.equivalent_ids for version in versions.values())
    parameters = {"division_id": division_id}
    if per_page is not None:
        parameters.update(limit=per_page, offset=(page - 1) * per_page)
    kinds = list(versions)
    return [OutstandingStaff(name, email, start_date, [kind for i, kind in enumerate(kinds) if not mask >> i & 1])
            for name, email, start_date, mask in db.session.execute(_outstanding(shape, per_page is not None),
                                                                     parameters)]
