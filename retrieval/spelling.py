"""British and American spellings of one English word, so a question's spelling meets the lexicon's.

The glossary was written with both (centre, programme; popularization, labor), CC-CEDICT leans American, and
users write either: "science popularisation week" has to reach the glossary's "science popularization". The
lexicon looks a word up as written first and tries :func:`variants` only when no entry knows it.

    >>> variants("popularisation"), variants("Labour"), variants("centres")
    (['popularization'], ['labor'], ['centers'])
    >>> variants("organised"), variants("defence"), variants("programme"), variants("travelled")
    (['organized'], ['defense'], ['program'], ['traveled'])
    >>> variants("program"), variants("center"), variants("the")
    (['programme'], ['centre'], [])
"""

from __future__ import annotations

import re

# (pattern, replacement) pairs, each way; a pattern is anchored at the word's end (with its inflection).
_PAIRS = [
    (r"isation(s?)$", r"ization\1"), (r"ization(s?)$", r"isation\1"),
    (r"is(e|es|ed|ing|er|ers)$", r"iz\1"), (r"iz(e|es|ed|ing|er|ers)$", r"is\1"),
    (r"ys(e|es|ed|ing)$", r"yz\1"), (r"yz(e|es|ed|ing)$", r"ys\1"),
    (r"our(s|ed|ing|er|ers)?$", r"or\1"), (r"([^o])or(s|ed|ing)?$", r"\1our\2"),
    (r"tre(s?)$", r"ter\1"), (r"ter(s?)$", r"tre\1"),
    (r"ence(s?)$", r"ense\1"), (r"ense(s?)$", r"ence\1"),
    (r"mme(s?)$", r"m\1"), (r"ram(s?)$", r"ramme\1"),
    (r"ogue(s?)$", r"og\1"), (r"og(s?)$", r"ogue\1"),
    (r"([aeiou])ll(ed|ing|er|ers)$", r"\1l\2"), (r"([aeiou])l(ed|ing|er|ers)$", r"\1ll\2"),
]
_RULES = [(re.compile(p), r) for p, r in _PAIRS]


def variants(word: str) -> list[str]:
    """The other spellings of ``word`` (lower case; at most one per rule), none for a short word."""
    w = word.lower()
    if len(w) < 5 or not w.isalpha():
        return []
    out = []
    for pat, rep in _RULES:
        v = pat.sub(rep, w, count=1)
        if v != w and v not in out:
            out.append(v)
    return out
