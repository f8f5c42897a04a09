"""The actor list and the alias matcher (framing/actors.py, framing/actors.yaml): no model, fast."""
from __future__ import annotations

import re
from collections import Counter
from itertools import pairwise
from pathlib import Path

import pytest

from framing.actors import (
    TYPES,
    Actor,
    ActorMatcher,
    Mention,
    first_mentions,
    load_actors,
)


@pytest.fixture(scope="module")
def matcher() -> ActorMatcher:
    return ActorMatcher(load_actors())


def found(matcher: ActorMatcher, sentence: str) -> list[tuple[str, str]]:
    """(actor, mention) pairs, checking the offsets and order on the way."""
    mentions = matcher.find(sentence)
    for m in mentions:
        assert sentence[m.start:m.end] == m.mention
    assert [m.start for m in mentions] == sorted(m.start for m in mentions)
    assert all(a.end <= b.start for a, b in pairwise(mentions)), "mentions overlap"
    return [(m.actor, m.mention) for m in mentions]


def actors_of(matcher: ActorMatcher, sentence: str) -> list[str]:
    return [actor for actor, _ in found(matcher, sentence)]


# --- the shipped list ----------------------------------------------------------------------------

def test_shipped_list_loads_with_every_type():
    actors = load_actors()
    counts = Counter(a.type for a in actors)
    assert set(counts) == set(TYPES)
    assert counts["state"] >= 25 and counts["organisation"] >= 15 and counts["armed_group"] >= 15
    assert counts["person"] >= 25
    names = {a.name for a in actors}
    assert {"United States", "Islamic State", "Hamas", "United Nations", "UNICEF", "Bashar al-Assad"} <= names


# --- longest alias first, no overlaps ------------------------------------------------------------

def test_longest_alias_wins_and_a_leading_the_counts_only_if_the_alias_has_it():
    matcher = ActorMatcher([
        Actor("United States", "state", aliases=("the United States", "United States")),
        Actor("States", "organisation", aliases=("State",)),
    ])
    assert found(matcher, "Officials of the United States met.") == [("United States", "the United States")]
    assert found(matcher, "United States officials met.") == [("United States", "United States")]
    assert found(matcher, "The States voted.") == [("States", "States")]  # "the" is not part of it


def test_islamic_state_is_one_mention_not_state(matcher):
    assert found(matcher, "Islamic State claimed the attack.") == [("Islamic State", "Islamic State")]
    with_state = ActorMatcher([*load_actors(), Actor("A state", "organisation", aliases=("State",))])
    assert found(with_state, "Islamic State claimed it; the State denied it.") == [
        ("Islamic State", "Islamic State"), ("A state", "State")]


def test_syrian_democratic_forces_over_syrian(matcher):
    assert found(matcher, "Syrian Democratic Forces fighters clashed with Syrian troops.") == [
        ("Syrian Democratic Forces", "Syrian Democratic Forces"), ("Syria", "Syrian")]
    assert actors_of(matcher, "Palestinian Islamic Jihad fired rockets.") == ["Islamic Jihad"]
    assert actors_of(matcher, "The UN refugee agency and the UN said so.") == ["UNHCR", "United Nations"]


# --- possessives, case, word boundaries ----------------------------------------------------------

@pytest.mark.parametrize("apostrophe", ["'", "\u2019"])
def test_possessives_match_and_the_span_leaves_out_the_s(matcher, apostrophe):
    sentence = f"Russia{apostrophe}s envoy said the Kremlin{apostrophe}s line backs Assad{apostrophe}s army."
    assert found(matcher, sentence) == [("Russia", "Russia"), ("Russia", "Kremlin"), ("Bashar al-Assad", "Assad")]


def test_short_capitals_match_only_in_capitals(matcher):
    assert actors_of(matcher, "Let us know what the US thinks.") == ["United States"]
    assert actors_of(matcher, "This is what it is.") == []
    assert actors_of(matcher, "Is it true that IS fighters fled?") == ["Islamic State"]
    assert actors_of(matcher, "Un peu de calme, said the U.N. envoy.") == ["United Nations"]
    assert actors_of(matcher, "Who knows what WHO will say?") == ["World Health Organization"]


def test_all_caps_headline_drops_short_capitals_but_keeps_the_rest(matcher):
    assert actors_of(matcher, "WHAT IS LEFT FOR US IN SYRIA") == ["Syria"]


def test_longer_aliases_ignore_case(matcher):
    assert actors_of(matcher, "nato and the islamic state") == ["NATO", "Islamic State"]


def test_word_boundaries(matcher):
    bare = ActorMatcher([Actor("Iran", "state"), Actor("United Nations", "organisation", aliases=("UN",))])
    assert found(bare, "Iranian officials and UNICEF staff met.") == []
    assert found(bare, "Iran and the UN met.") == [("Iran", "Iran"), ("United Nations", "UN")]
    assert found(matcher, "Iranian officials and UNICEF staff met.") == [("Iran", "Iranian"), ("UNICEF", "UNICEF")]
    assert actors_of(matcher, "The U.S.S.R. is gone; the U.S.-led coalition and Iran-backed militias remain.") == [
        "United States", "Iran"]


def test_spaces_and_hyphens_are_interchangeable(matcher):
    assert actors_of(matcher, "al Qaeda and al-Qaeda and Al-Qaeda") == ["al-Qaeda"] * 3
    assert actors_of(matcher, "the Kurdish led forces") == ["Kurdish forces"]


# --- forms -------------------------------------------------------------------------------------

def test_adjectival_and_collective_forms(matcher):
    assert found(matcher, "Russian forces advanced.") == [("Russia", "Russian")]
    assert found(matcher, "Americans protested.") == [("United States", "Americans")]
    assert actors_of(matcher, "Turkish, Iranian, Israeli and Saudi officials met.") == [
        "Turkey", "Iran", "Israel", "Saudi Arabia"]


def test_metonyms(matcher):
    assert found(matcher, "the Kremlin said on Monday.") == [("Russia", "Kremlin")]
    assert found(matcher, "Washington rejected the plan.") == [("United States", "Washington")]
    assert actors_of(matcher, "The White House, the Pentagon and Downing Street agreed.") == [
        "United States", "United States", "United Kingdom"]
    assert actors_of(matcher, "Beijing, Ankara, Tehran and Kyiv responded.") == ["China", "Turkey", "Iran", "Ukraine"]


def test_exclude_phrases_name_no_one(matcher):
    assert actors_of(matcher, "Latin America and the Washington Post reported on the Jordan Valley.") == []
    assert actors_of(matcher, "It cost US$325 million, paid in US dollars.") == []
    assert actors_of(matcher, "Hafez al-Assad ruled before Bashar al-Assad.") == ["Bashar al-Assad"]


def test_a_dateline_is_not_a_mention(matcher):
    sentence = "MOSCOW, August 11 /TASS/. The Georgian leadership is to blame, the Kremlin said."
    assert found(matcher, sentence) == [("Georgia", "Georgian"), ("Russia", "Kremlin")]
    assert actors_of(matcher, "US officials said.") == ["United States"]  # written in capitals: no dateline


# --- ambiguous names ---------------------------------------------------------------------------

def test_georgia_needs_context(matcher):
    assert actors_of(matcher, "Voters in Atlanta, Georgia, went to the polls on Tuesday.") == []
    assert actors_of(matcher, "Georgia said Tbilisi would never accept the occupation of Abkhazia.") == [
        "Georgia", "Georgia"]


def test_turkey_needs_context_and_its_capital(matcher):
    assert actors_of(matcher, "Turkey is on the table at Thanksgiving.") == []
    assert actors_of(matcher, "We roasted a turkey; Turkish troops would not have.") == ["Turkey"]
    assert found(matcher, "Turkey said Ankara would not recognise the vote.") == [
        ("Turkey", "Turkey"), ("Turkey", "Ankara")]


def test_jordan_needs_context(matcher):
    assert actors_of(matcher, "Jordan said he would stay home.") == []
    assert found(matcher, "Jordan's King Abdullah met Netanyahu.") == [
        ("Jordan", "Jordan"), ("Benjamin Netanyahu", "Netanyahu")]


def test_chad_and_amnesty_need_context(matcher):
    assert actors_of(matcher, "Chad said the game was over.") == []
    assert actors_of(matcher, "Chad closed its border with Sudan.") == ["Chad", "Sudan"]
    assert actors_of(matcher, "Amnesty was offered to fighters who surrendered.") == []
    assert actors_of(matcher, "Amnesty, the rights group, said so.") == ["Amnesty International"]


# --- first mentions ----------------------------------------------------------------------------

def test_first_mentions_keeps_the_first_of_each_actor(matcher):
    sentence = "The Kremlin said Russia and Washington disagree, and Moscow blamed the U.S."
    firsts = first_mentions(matcher.find(sentence))
    assert [(m.actor, m.mention) for m in firsts] == [("Russia", "Kremlin"), ("United States", "Washington")]
    assert firsts[0] == Mention("Russia", "state", "Kremlin", 4, 11)
    assert first_mentions([]) == []


# --- bad actor files ---------------------------------------------------------------------------

GOOD_ENTRY = "- name: Russia\n  type: state\n  aliases: [Moscow, Kremlin]\n"


def load_error(tmp_path: Path, text: str) -> str:
    path = tmp_path / "my-actors.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError) as info:
        load_actors(path)
    return str(info.value)


def assert_at(message: str, line: int) -> None:
    assert re.search(rf"my-actors\.yaml:{line}:", message), message


def test_invalid_yaml(tmp_path):
    assert_at(load_error(tmp_path, GOOD_ENTRY + "- name: Syria\n  type: state\n    aliases: [Damascus]\n"), 6)


def test_entry_without_a_name(tmp_path):
    message = load_error(tmp_path, GOOD_ENTRY + "- type: state\n  aliases: [Damascus]\n")
    assert_at(message, 4)
    assert "name" in message


def test_unknown_type(tmp_path):
    message = load_error(tmp_path, GOOD_ENTRY + "- name: Syria\n  aliases: [Damascus]\n  type: country\n")
    assert_at(message, 6)
    assert "'country'" in message


def test_an_alias_claimed_by_two_actors_names_both_lines(tmp_path):
    text = GOOD_ENTRY + "- name: Syria\n  type: state\n  aliases:\n    - Damascus\n    - kremlin\n"
    message = load_error(tmp_path, text)
    assert_at(message, 8)
    assert "line 3" in message and "'Russia'" in message and "'Syria'" in message


def test_duplicate_names_unknown_keys_and_wrong_shapes(tmp_path):
    assert_at(load_error(tmp_path, GOOD_ENTRY + "- name: Russia\n  type: state\n"), 4)
    assert_at(load_error(tmp_path, GOOD_ENTRY + "- name: Syria\n  type: state\n  alias: [Damascus]\n"), 6)
    message = load_error(tmp_path, GOOD_ENTRY + "- name: Syria\n  type: state\n  aliases: Damascus\n")
    assert_at(message, 6)
    assert "aliases: expected a list of strings" in message
    assert_at(load_error(tmp_path, GOOD_ENTRY + "- name: Syria\n  type: state\n  ambiguous: [Syria]\n"), 6)
    assert_at(load_error(tmp_path, "name: Russia\n"), 1)


def test_a_user_file_replaces_the_shipped_one(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(GOOD_ENTRY + "- name: Georgia\n  type: state\n  ambiguous: [Georgia]\n  context: [Tbilisi]\n",
                    encoding="utf-8")
    matcher = ActorMatcher.load(path)
    assert [a.name for a in matcher.actors] == ["Russia", "Georgia"]
    assert actors_of(matcher, "Moscow and Georgia; Washington.") == ["Russia"]
    assert actors_of(matcher, "Moscow and Georgia; Tbilisi.") == ["Russia", "Georgia"]


def test_matcher_rejects_an_alias_of_two_actors():
    with pytest.raises(ValueError, match="'Kremlin'"):
        ActorMatcher([Actor("Russia", "state", aliases=("Kremlin",)), Actor("Kremlin", "organisation")])
