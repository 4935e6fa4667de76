"""Signals between features, so that one can act on another's news without importing it."""
from blinker import Namespace

_signals = Namespace()

# Sent with the slug of a document (e.g. "promise") when a person earns an attestation to its current version
# by other means than the document page, such as passing a module; keywords: user, language.
attestation_earned = _signals.signal("attestation-earned")
