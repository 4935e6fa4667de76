"""Every model, imported in one place so migrations and the app see the whole schema."""
from .adoption.models import (ComplianceFigure, DivisionPhase, IndicatorSet, Inquiry, InquiryLog, PhaseChange,
                              QuarterlyReport, ReminderSent, ReportingPeriod, ReportRevision)
from .audit import AuditEntry
from .auth.models import Division, NamePrefix, User, UserRole
from .learning.models import (Attempt, AttemptQuestion, Certificate, CertificateFile, LearningDue, LearningTally, Lesson,
                              Module, ModuleVersion, Option, Question, QuestionTag, QuestionTally)
from .mailer import OutgoingMail
from .marks import TallyMark
from .promise.models import Attestation, DivisionTally, Document, DocumentText, DocumentVersion
from .recognition.models import CommitteeMember, Conflict, Cycle, Nomination, Nominee, Programme, Score

__all__ = ["Attempt", "AttemptQuestion", "Certificate", "CertificateFile", "LearningDue", "LearningTally", "Lesson",
           "Module", "ModuleVersion", "Option", "Question", "QuestionTag", "QuestionTally", "TallyMark", "AuditEntry",
           "Attestation", "Division", "DivisionTally", "Document", "DocumentText", "DocumentVersion", "OutgoingMail",
           "User", "UserRole", "NamePrefix", "CommitteeMember", "Conflict", "Cycle", "Nomination", "Nominee",
           "Programme", "Score", "ComplianceFigure", "DivisionPhase", "IndicatorSet", "Inquiry", "InquiryLog",
           "PhaseChange", "QuarterlyReport", "ReminderSent", "ReportingPeriod", "ReportRevision"]
