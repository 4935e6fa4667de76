from dataclasses import dataclass
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..audit import name_actions, record
from ..content import ContentError, DocumentSource, load_documents, render_markdown, version_problem
from ..events import attestation_earned
from ..extensions import db
from .models import Attestation, ChangeKind, Document, DocumentKind, DocumentText, DocumentVersion
from . import tallies
from .queries import PublishedVersion, current_versions


name_actions({"content.sync": _l("Document version published"), "attestation.create": _l("Attested")})


@dataclass(frozen=True)
class SyncOutcome:
    slug: str
    label: str
    published: bool


def _problem(source: DocumentSource, latest: PublishedVersion | None) -> str | None:
    if latest is None or latest.checksum == source.checksum:
        return None
    return version_problem(f"content/{source.slug}", (source.major, source.minor), source.change,
                           (latest.major, latest.minor))


def sync_documents(sources: list[DocumentSource]) -> list[SyncOutcome]:
    """Publishes each document whose files changed as a new immutable version; all or nothing."""
    documents = {document.slug: document for document in db.session.scalars(select(Document))}
    latest = {kind.value: version for kind, version in current_versions().items()}
    problems = [problem for source in sources if (problem := _problem(source, latest.get(source.slug)))]
    if problems:
        raise ContentError(problems)
    outcomes = []
    for source in sources:
        current = latest.get(source.slug)
        if current is not None and current.checksum == source.checksum:
            outcomes.append(SyncOutcome(source.slug, source.label, False))
            continue
        document = documents.get(source.slug) or Document(slug=source.slug)
        version = DocumentVersion(document=document, major=source.major, minor=source.minor,
                                  effective_date=source.effective_date, change=ChangeKind(source.change),
                                  checksum=source.checksum)
        version.texts = [DocumentText(language=text.language, title=text.title, change_summary=text.change_summary,
                                      body_markdown=text.body_markdown, body_html=render_markdown(text.body_markdown))
                         for text in source.texts]
        db.session.add(version)
        db.session.flush()
        record("content.sync", f"document:{source.slug}@{source.label}", {"change": source.change})
        outcomes.append(SyncOutcome(source.slug, source.label, True))
    return outcomes


def sync_content(content_dir: Path) -> list[SyncOutcome]:
    """Reads every document kind from content/ and publishes what changed; ContentError loads nothing."""
    return sync_documents(load_documents(content_dir, [kind.value for kind in DocumentKind]))


def attest(user, version: PublishedVersion, language: str) -> Attestation:
    """Records that the user read and will uphold this version; attesting twice keeps the first record."""
    existing = db.session.scalar(select(Attestation).where(Attestation.user_id == user.id,
                                                           Attestation.version_id == version.id))
    if existing is not None:
        return existing
    attestation = Attestation(user_id=user.id, version_id=version.id, language=language)
    db.session.add(attestation)
    db.session.flush()
    record("attestation.create", f"document:{version.kind.value}@{version.label}",
           {"language": language}, actor_id=user.id)
    return attestation


def refresh_attestation_summaries() -> None:
    """Counts every division's tallies again; for data loaded in bulk, past the ORM."""
    tallies.refresh_all()


@attestation_earned.connect
def _attest_when_earned(slug: str, user, language: str) -> None:
    """Another feature (passing the Service Promise module) earned an attestation to this document's current
    version."""
    version = current_versions().get(DocumentKind(slug))
    if version is not None:
        attest(user, version, language)
