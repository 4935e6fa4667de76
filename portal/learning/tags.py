"""What a question tag means, in the reader's language: the six commitments of the Promise and the four
Standards."""
from flask_babel import lazy_gettext as _l

TITLES = {
    "promise-1": (_l("Commitment 1"), _l("Fairness, dignity and respect")),
    "promise-2": (_l("Commitment 2"), _l("Simple and convenient")),
    "promise-3": (_l("Commitment 3"), _l("Choice, accessibility and flexibility")),
    "promise-4": (_l("Commitment 4"), _l("Knowledgeable and professional")),
    "promise-5": (_l("Commitment 5"), _l("Responsive and reliable")),
    "promise-6": (_l("Commitment 6"), _l("Privacy")),
    "standard-1": (_l("Standard 1"), _l("Acknowledge every inquiry")),
    "standard-2": (_l("Standard 2"), _l("Say when you are away")),
    "standard-3": (_l("Standard 3"), _l("Sign your e-mail")),
    "standard-4": (_l("Standard 4"), _l("Take part in meetings")),
}


def tag_number(tag: str) -> str:
    return str(TITLES[tag][0]) if tag in TITLES else tag


def tag_title(tag: str) -> str:
    return str(TITLES[tag][1]) if tag in TITLES else tag
