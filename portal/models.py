"""Every model, imported in one place so migrations and the app see the whole schema."""
from .audit import AuditEntry
from .auth.models import Division, User, UserRole
from .learning.models import (Attempt, AttemptQuestion, Certificate, CertificateFile, LearningDue, LearningTally, Lesson,
                              Module, ModuleVersion, Option, Question, QuestionTag, QuestionTally)
from .promise.models import Attestation, DivisionTally, Document, DocumentText, DocumentVersion

__all__ = ["Attempt", "AttemptQuestion", "Certificate", "CertificateFile", "LearningDue", "LearningTally", "Lesson",
           "Module", "ModuleVersion", "Option", "Question", "QuestionTag", "QuestionTally", "AuditEntry", "Attestation",
           "Division", "DivisionTally", "Document", "DocumentText", "DocumentVersion", "User", "UserRole"]
