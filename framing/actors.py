"""Named actors (states, organisations, armed groups, people) and where a sentence mentions them.

The list lives in `actors.yaml` beside this module (a user's own file replaces it); `ActorMatcher`
finds the mentions with one compiled regex. Rules:

- an actor is matched by its name, its aliases and its adjectives ("Russian", "Americans");
- case does not matter, except for forms written in capitals with at most three letters ("US", "U.S.",
  "UN", "IS", "WHO"): those match only in capitals, and not at all in a sentence without a lowercase
  letter (an all-caps headline), where case cannot tell "US" from "us";
- a form matches whole words only ("Iran" is not in "Iranian", "UN" not in "UNICEF", "U.S." not in
  "U.S.S.R."); a possessive "'s" (straight or curly) may follow and is left out of the span; in a form,
  a space or hyphen matches any run of spaces and hyphens ("al-Qaeda", "al Qaeda") and an apostrophe
  either apostrophe;
- at each position the longest form wins and mentions never overlap ("Syrian Democratic Forces", not
  "Syrian"); a leading "the" belongs to a mention only if the form has it;
- an `ambiguous` form ("Georgia", "Jordan") counts only if one of its actor's `context` words occurs in
  the sentence, and only as written ("Turkey", not "turkey") unless the sentence is all capitals;
- an `exclude` phrase ("Latin America") is matched like a form and names no one;
- a form set in capitals though not written so ("MOSCOW") that opens a sentence with lowercase letters
  is a dateline (where the story was filed), not a mention.
"""
from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

log = logging.getLogger(__name__)

DEFAULT_ACTORS = Path(__file__).with_name("actors.yaml")
TYPES = ("state", "organisation", "armed_group", "person")
LIST_FIELDS = ("aliases", "adjectives", "ambiguous", "context", "exclude")
FIELDS = ("name", "type", *LIST_FIELDS)

_SEPARATOR = r"[\s\-\u2010\u2011]+"
_APOSTROPHES = "'\u2019\u02bc"
_PIECES = re.compile(rf"({_SEPARATOR}|[{_APOSTROPHES}])")
_NEVER = re.compile(r"(?!)")
_MAX_PATTERNS = 64  # compiled variants kept, one per set of ambiguous actors both present and in context


@dataclass(frozen=True)
class Actor:
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    adjectives: tuple[str, ...] = ()
    ambiguous: tuple[str, ...] = ()
    context: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    @property
    def forms(self) -> tuple[str, ...]:
        """Everything that names the actor: name, aliases, adjectives (duplicates dropped)."""
        return tuple(dict.fromkeys((self.name, *self.aliases, *self.adjectives)))


@dataclass(frozen=True)
class Mention:
    actor: str
    type: str
    mention: str
    start: int
    end: int


@dataclass(frozen=True)
class _Claim:
    """A string of an actor's entry: a form naming the actor, or an exclude phrase naming no one."""
    text: str
    actor: str
    excluded: bool = False
    line: int = 0

    @property
    def owner(self) -> str | None:
        return None if self.excluded else self.actor

    def __str__(self) -> str:
        return f"{self.text!r} ({'an exclude phrase' if self.excluded else 'a name'} of {self.actor!r})"


@dataclass(frozen=True)
class _Term:
    text: str
    actor: Actor | None  # None: an exclude phrase
    gated: bool  # ambiguous: needs the actor's context


# --- strings to regexes ---------------------------------------------------------------------------

def _key(text: str) -> str:
    """What two spellings share if the matcher cannot tell them apart."""
    for apostrophe in _APOSTROPHES[1:]:
        text = text.replace(apostrophe, "'")
    return re.sub(_SEPARATOR, " ", text).strip().casefold()


def _is_exact(text: str) -> bool:
    """Capitals with at most three letters ("US", "U.S.", "IS"): matched in capitals only."""
    letters = [c for c in text if c.isalpha()]
    return 0 < len(letters) <= 3 and all(c.isupper() for c in letters)


def _alternative(text: str, exact: bool | None = None) -> str:
    """The regex of one form, whole words: separators and apostrophes loosened; matched as written if
    `exact` (default: `_is_exact`), else in any case. After a form ending in a word character no word
    character may follow; after one ending in "." or "$" no letter ("U.S." not in "U.S.S.R.", "US$" in "US$5")."""
    parts = []
    for piece in _PIECES.split(text.strip()):
        if piece and piece[0] in _APOSTROPHES:
            parts.append(f"[{_APOSTROPHES}]")
        elif piece and re.fullmatch(_SEPARATOR, piece):
            parts.append(_SEPARATOR)
        else:
            parts.append(re.escape(piece))
    end = r"(?!\w)" if re.match(r"\w", text.strip()[-1]) else r"(?![^\W\d_])"
    return _cased("".join(parts), text, exact) + end


def _cased(body: str, text: str, exact: bool | None = None) -> str:
    return body if (_is_exact(text) if exact is None else exact) else f"(?i:{body})"


def _whole_words(alternatives: list[str]) -> re.Pattern[str]:
    """One regex of the alternatives (in order: longest first), each starting a word."""
    if not alternatives:
        return _NEVER
    return re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})")


def _words(texts: Iterable[str]) -> re.Pattern[str]:
    """Any of the texts, as whole words, longest first."""
    return _whole_words([_alternative(t) for t in sorted(set(texts), key=_longest_first)])


def _numbered_pattern(texts: list[tuple[int, str, bool]]) -> re.Pattern[str]:
    """`_whole_words` of (i, text, exact), longest first, text i as the group `t{i}`. The alternatives are
    bunched by first letter behind a lookahead, so a position tries one bunch (in order) instead of all
    of them: the same matches as the flat alternation, twenty times faster."""
    bunches: dict[str, list[tuple[int, str, bool]]] = {}
    for item in texts:
        bunches.setdefault(item[1][0].lower(), []).append(item)
    alternatives = []
    for bunch in bunches.values():
        firsts = sorted({_cased(re.escape(t[0]), t, exact) for _, t, exact in bunch})
        body = "|".join(f"(?P<t{i}>{_alternative(t, exact)})" for i, t, exact in bunch)
        alternatives.append(f"(?={'|'.join(firsts)})(?:{body})")
    return _whole_words(alternatives)


# --- checks shared by the loader and the matcher --------------------------------------------------

def _check_claims(claims: Iterable[_Claim], source: str | None = None) -> None:
    """No string may name two actors, or name one and be excluded (spellings compared by `_key`).
    `source`: the file the claims come from, whose lines they carry."""
    first_of: dict[str, _Claim] = {}
    for claim in claims:
        first = first_of.setdefault(_key(claim.text), claim)
        if first is claim or first.owner == claim.owner:
            continue
        if source is None:
            raise ValueError(f"{claim} clashes with {first}")
        raise ValueError(f"{source}:{claim.line}: {claim} clashes with {first}, line {first.line}")


def _claims_of(actor: Actor) -> list[_Claim]:
    return [_Claim(t, actor.name) for t in actor.forms] + [_Claim(t, actor.name, True) for t in actor.exclude]


# --- the matcher ----------------------------------------------------------------------------------

class ActorMatcher:
    """Finds actor mentions in a sentence. Built once from a list of actors; `find` is thread-safe."""

    def __init__(self, actors: Iterable[Actor]) -> None:
        self.actors = list(actors)
        _check_claims(c for a in self.actors for c in _claims_of(a))
        terms = [_Term(t, None, False) for a in self.actors for t in a.exclude]
        for actor in self.actors:
            gated = {_key(x) for x in actor.ambiguous}
            terms += [_Term(t, actor, _key(t) in gated) for t in actor.forms]
        self._terms = sorted((t for t in terms if t.text.strip()), key=_longest_first)
        # per ambiguous actor: (its ambiguous forms, its context words)
        self._gates = {a.name: (_words(t.text for t in self._terms if t.gated and t.actor is a), _words(a.context))
                       for a in self.actors if a.ambiguous}
        self._patterns: OrderedDict[tuple[frozenset[str], bool], re.Pattern[str]] = OrderedDict()
        self._lock = threading.Lock()
        log.debug("actor matcher: %d actors, %d forms and exclude phrases", len(self.actors), len(self._terms))

    @classmethod
    def load(cls, path: str | Path | None = None) -> ActorMatcher:
        return cls(load_actors(path))

    def find(self, sentence: str) -> list[Mention]:
        """Mentions in `sentence`, by start offset; `sentence[m.start:m.end] == m.mention`."""
        in_context = frozenset(name for name, (forms, words) in self._gates.items()
                               if forms.search(sentence) and words.search(sentence))
        cased = any(c.islower() for c in sentence)
        mentions = []
        for match in self._pattern(in_context, cased).finditer(sentence):
            term = self._terms[int(match.lastgroup[1:])]
            if term.actor is None or (cased and _is_dateline(sentence, match, term)):
                continue
            mentions.append(Mention(term.actor.name, term.actor.type, match.group(), match.start(), match.end()))
        return mentions

    def _pattern(self, in_context: frozenset[str], cased: bool) -> re.Pattern[str]:
        """The regex of the terms usable here: ambiguous ones only of actors in context (and as written if
        the sentence has lowercase), exact-case ones only in a sentence with lowercase. Kept per
        (actors in context, cased), the least recently used dropped."""
        key = (in_context, cased)
        with self._lock:
            pattern = self._patterns.get(key)
            if pattern is not None:
                self._patterns.move_to_end(key)
                return pattern
        pattern = _numbered_pattern([
            (i, t.text, _is_exact(t.text) or (t.gated and cased)) for i, t in enumerate(self._terms)
            if (not t.gated or t.actor.name in in_context) and (cased or not _is_exact(t.text))])
        with self._lock:
            self._patterns[key] = pattern
            if len(self._patterns) > _MAX_PATTERNS:
                self._patterns.popitem(last=False)
        return pattern


def _is_dateline(sentence: str, match: re.Match[str], term: _Term) -> bool:
    """"MOSCOW, Aug. 11 -" says where a story was filed: a form set in capitals (and not written so) that
    opens a sentence with lowercase letters is a dateline, not a mention."""
    return not sentence[:match.start()].strip() and match.group().isupper() and not term.text.isupper()


def _longest_first(term: _Term | str) -> tuple[int, str]:
    text = term.text if isinstance(term, _Term) else term
    return -len(text), text


def first_mentions(mentions: Iterable[Mention]) -> list[Mention]:
    """The first mention of each actor, in sentence order (stance is scored on the first mention)."""
    first: dict[str, Mention] = {}
    for mention in sorted(mentions, key=lambda m: (m.start, m.end)):
        first.setdefault(mention.actor, mention)
    return list(first.values())


# --- the loader -----------------------------------------------------------------------------------

def load_actors(path: str | Path | None = None) -> list[Actor]:
    """Actors from a YAML list (None: the shipped `actors.yaml`). Errors are ValueErrors naming file:line."""
    path = Path(path) if path is not None else DEFAULT_ACTORS
    where = str(path)
    root = _compose(path.read_text(encoding="utf-8"), where)
    if not isinstance(root, yaml.SequenceNode):
        line = root.start_mark.line + 1 if root is not None else 1
        raise ValueError(f"{where}:{line}: expected a list of actors")
    actors, claims, names = [], [], {}
    for node in root.value:
        actor, entry_claims = _parse_entry(node, where)
        line = node.start_mark.line + 1
        if actor.name in names:
            raise ValueError(f"{where}:{line}: duplicate actor name {actor.name!r} (first at line {names[actor.name]})")
        names[actor.name] = line
        actors.append(actor)
        claims += entry_claims
    _check_claims(claims, where)
    log.debug("loaded %d actors from %s", len(actors), where)
    return actors


def _compose(text: str, where: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise ValueError(f"{where}{line}: invalid YAML: {getattr(exc, 'problem', None) or exc}") from None


def _parse_entry(node: yaml.Node, where: str) -> tuple[Actor, list[_Claim]]:
    entry_line = node.start_mark.line + 1
    if not isinstance(node, yaml.MappingNode):
        raise ValueError(f"{where}:{entry_line}: an actor must be a mapping with name, type, aliases...")
    values: dict[str, Any] = {}
    lines: dict[str, int] = {}
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else "?"
        line = key_node.start_mark.line + 1
        if key not in FIELDS:
            raise ValueError(f"{where}:{line}: unknown key {key!r} (known: {', '.join(FIELDS)})")
        if key in values:
            raise ValueError(f"{where}:{line}: {key}: given twice")
        lines[key] = line
        values[key] = _strings(value_node, where, key) if key in LIST_FIELDS else _string(value_node, where, key)
    if "name" not in values:
        raise ValueError(f"{where}:{entry_line}: actor without a name")
    if values.get("type") not in TYPES:
        got = f"unknown type {values['type']!r}" if "type" in values else "missing"
        raise ValueError(f"{where}:{lines.get('type', entry_line)}: type: {got} (one of: {', '.join(TYPES)})")
    lists = {k: values.get(k, []) for k in LIST_FIELDS}
    actor = Actor(values["name"], values["type"], **{k: tuple(t for t, _ in v) for k, v in lists.items()})
    _check_context(actor, lists, lines, where)
    claims = [_Claim(actor.name, actor.name, False, lines["name"])]
    claims += [_Claim(t, actor.name, False, n) for k in ("aliases", "adjectives") for t, n in lists[k]]
    return actor, claims + [_Claim(t, actor.name, True, n) for t, n in lists["exclude"]]


def _check_context(actor: Actor, lists: dict[str, list[tuple[str, int]]], lines: dict[str, int], where: str) -> None:
    forms = {_key(t) for t in actor.forms}
    for text, line in lists["ambiguous"]:
        if _key(text) not in forms:
            raise ValueError(f"{where}:{line}: ambiguous: {text!r} is not a name, alias or adjective of {actor.name!r}")
    if actor.ambiguous and not actor.context:
        raise ValueError(f"{where}:{lines['ambiguous']}: ambiguous: needs context words, or it never matches")
    if actor.context and not actor.ambiguous:
        raise ValueError(f"{where}:{lines['context']}: context: only used for ambiguous aliases, and there are none")


def _string(node: yaml.Node, where: str, key: str) -> str:
    if not isinstance(node, yaml.ScalarNode) or node.tag != "tag:yaml.org,2002:str" or not node.value.strip():
        raise ValueError(f"{where}:{node.start_mark.line + 1}: {key}: expected a non-empty string")
    return node.value.strip()


def _strings(node: yaml.Node, where: str, key: str) -> list[tuple[str, int]]:
    """(string, line) for each item of a list of strings."""
    if not isinstance(node, yaml.SequenceNode):
        raise ValueError(f"{where}:{node.start_mark.line + 1}: {key}: expected a list of strings")
    items = []
    for item in node.value:
        if not isinstance(item, yaml.ScalarNode) or item.tag != "tag:yaml.org,2002:str" or not item.value.strip():
            raise ValueError(f"{where}:{item.start_mark.line + 1}: {key}: expected a list of strings "
                             f"(quote values such as yes, no, on, null or numbers)")
        items.append((item.value.strip(), item.start_mark.line + 1))
    return items
