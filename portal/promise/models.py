from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import Immutable, utcnow
from ..enums import TitledEnum, enum_column
from ..extensions import db


class DocumentKind(TitledEnum):
    """The published documents, in the order staff meet them; the value is the address and content folder."""

    PROMISE = "promise"
    STANDARDS = "standards"
    CODE_OF_CONDUCT = "code-of-conduct"

    @classmethod
    def titles(cls) -> dict:
        return {cls.PROMISE: _l("Service Promise"), cls.STANDARDS: _l("City-wide Service Standards"),
                cls.CODE_OF_CONDUCT: _l("Service User Code of Conduct")}

    @property
    def short_title(self) -> str:
        """The name in the navigation."""
        short = {DocumentKind.PROMISE: _l("Service Promise"), DocumentKind.STANDARDS: _l("Service Standards"),
                 DocumentKind.CODE_OF_CONDUCT: _l("Code of Conduct")}
        return str(short[self])


class ChangeKind(TitledEnum):
    MAJOR = "major"
    MINOR = "minor"

    @classmethod
    def titles(cls) -> dict:
        return {cls.MAJOR: _l("Major change"), cls.MINOR: _l("Minor change")}


class Document(db.Model):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)

    @property
    def kind(self) -> DocumentKind:
        return DocumentKind(self.slug)


class DocumentVersion(Immutable, db.Model):
    """One published version; its texts in every language are stored with it and never change."""

    __tablename__ = "document_versions"
    __table_args__ = (UniqueConstraint("document_id", "major", "minor"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    major: Mapped[int]
    minor: Mapped[int]
    effective_date: Mapped[date]
    change: Mapped[ChangeKind] = enum_column(ChangeKind, length=10)
    checksum: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime] = mapped_column(default=utcnow)

    document: Mapped[Document] = relationship(lazy="joined")
    texts: Mapped[list["DocumentText"]] = relationship(lazy="selectin", back_populates="version")

    @property
    def label(self) -> str:
        return f"{self.major}.{self.minor}"

    @property
    def kind(self) -> DocumentKind:
        return self.document.kind

    def text(self, language: str) -> "DocumentText":
        by_language = {text.language: text for text in self.texts}
        return by_language.get(language) or by_language["en"]


class DocumentText(Immutable, db.Model):
    __tablename__ = "document_texts"
    __table_args__ = (UniqueConstraint("version_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("document_versions.id"))
    language: Mapped[str] = mapped_column(String(2))
    title: Mapped[str] = mapped_column(String(200))
    change_summary: Mapped[str] = mapped_column(Text)
    body_markdown: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)

    version: Mapped[DocumentVersion] = relationship(back_populates="texts")


class Attestation(Immutable, db.Model):
    """A staff member's statement that they read and will uphold one version of a document."""

    __tablename__ = "attestations"
    __table_args__ = (UniqueConstraint("user_id", "version_id"), Index("ix_attestations_version", "version_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    version_id: Mapped[int] = mapped_column(ForeignKey("document_versions.id"))
    language: Mapped[str] = mapped_column(String(2))
    attested_at: Mapped[datetime] = mapped_column(default=utcnow)

    version: Mapped[DocumentVersion] = relationship(lazy="joined")


class DivisionTally(db.Model):
    """A count kept up to date with every change that affects it, so reports read figures instead of counting.

    Names: `staff` (active staff), `attested:<document id>:<major>` (active staff who attested to that major
    version), `all:<key>` (active staff who attested to every document at the majors the key lists)."""

    __tablename__ = "division_tallies"

    division_id: Mapped[int] = mapped_column(ForeignKey("divisions.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
