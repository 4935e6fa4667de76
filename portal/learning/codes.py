"""Certificate verification codes: 80 random bits in letters and digits that cannot be misread."""
import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
GROUPS, GROUP_LENGTH = 4, 4


def new_code() -> str:
    """Like K7QM-3XPA-R2VW-9HTC: about 78 bits, far too many to guess under the lookup limit."""
    characters = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_LENGTH))
    return "-".join(characters[start:start + GROUP_LENGTH] for start in range(0, len(characters), GROUP_LENGTH))


def normalise_code(text: str) -> str | None:
    """A code as typed (any case, with spaces or dashes anywhere) in its stored form, or None when it cannot be
    one."""
    cleaned = "".join(char for char in text.upper() if char not in " -\t")
    if len(cleaned) != GROUPS * GROUP_LENGTH or any(char not in ALPHABET for char in cleaned):
        return None
    return "-".join(cleaned[start:start + GROUP_LENGTH] for start in range(0, len(cleaned), GROUP_LENGTH))
