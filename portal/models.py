"""Every model, imported in one place so migrations and the app see the whole schema."""
from .audit import AuditEntry
from .auth.models import Division, User, UserRole
from .promise.models import Attestation, DivisionTally, Document, DocumentText, DocumentVersion

__all__ = ["AuditEntry", "Attestation", "Division", "DivisionTally", "Document", "DocumentText", "DocumentVersion", "User",
           "UserRole"]
