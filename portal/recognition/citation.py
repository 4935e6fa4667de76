"""Counting a citation's words one way on the server and in the browser hint (portal.js uses the same
separators): a word is a run of characters between whitespace."""
import re

SEPARATORS = "\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
WORD = re.compile(f"[^{SEPARATORS}]+")


def word_count(text: str) -> int:
    return len(WORD.findall(text or ""))
