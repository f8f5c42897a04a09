from pathlib import Path

import pytest

from framing.segment import segment

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed-article.txt"

# The 14 sentences of the annotation guide's worked example, by their opening words.
GUIDE_STARTS = [
    "Washington stands in the way", "Idlib is the only region", "MOSCOW, August 22. /TASS/. The US is impeding",
    "The diplomat said Washington", '"It hurts Americans', '"They keep the base', "He stressed that Moscow",
    '"We are working on this trajectory', "A joint [humanitarian] operation", '"Unlike the US',
    "Idlib is the only region", "In 2017, a northern", "Turkey, which is guarantor", "Russian military in Idlib",
]


@pytest.mark.skipif(not SEED.exists(), reason="shared/seed-article.txt not beside the repository")
def test_reference_article_matches_guide_with_exact_offsets():
    text = SEED.read_text(encoding="utf-8")
    spans = segment(text)
    assert len(spans) == 14
    for span, start in zip(spans, GUIDE_STARTS):
        assert text[span.start:span.end] == span.text
        assert span.text.startswith(start)
    assert all("All news" not in s.text for s in spans)


@pytest.mark.parametrize("text,expected", [
    ("He met U.S. officials and Dr. Smith at the U.N. on Monday. It was calm.",
     ["He met U.S. officials and Dr. Smith at the U.N. on Monday.", "It was calm."]),
    ("KHARTOUM (wire) — Fighting resumed. Aid stopped.", ["KHARTOUM (wire) — Fighting resumed.", "Aid stopped."]),
    ("BAKU, October 3 /Agency/. Azerbaijan said it was ready.", ["BAKU, October 3 /Agency/. Azerbaijan said it was ready."]),
    ("“We will not leave!” he said. The crowd cheered.", ["“We will not leave!” he said.", "The crowd cheered."]),
    ("Gen. Ivanov visited base No. 3 in Jan. 2020. He left.", ["Gen. Ivanov visited base No. 3 in Jan. 2020.", "He left."]),
    ("Share\nRebels seize town\n\nBy John Smith\nThe town fell at dawn.",
     ["Rebels seize town", "The town fell at dawn."]),
])
def test_news_patterns(text, expected):
    spans = segment(text)
    assert [s.text for s in spans] == expected
    assert all(text[s.start:s.end] == s.text for s in spans)


@pytest.mark.parametrize("text", ["", "   \n\n  ", "All news\nRead more"])
def test_empty_and_boilerplate_only(text):
    assert segment(text) == []


def test_offsets_survive_crlf_and_unicode():
    text = "Première ligne\r\n\r\n«Les civils fuient», a dit l’ONG. Deuxième phrase ici."
    spans = segment(text)
    assert all(text[s.start:s.end] == s.text for s in spans)
    assert len(spans) == 3


@pytest.mark.parametrize("text", [
    "RABAT, April 7 /Maghreb Dispatch/. Algeria is blocking a census of the camps.",
    "ADDIS ABABA, November 24 /Addis Press Service/. More than 500 trucks have entered the region.",
    "BAKU, Azerbaijan, Oct. 3 (AzerNews). The ministry said the talks would resume.",
    "KYIV, 12/03/2022. Shelling continued overnight.",
])
def test_city_date_and_agency_dateline_stays_with_its_sentence(text):
    spans = segment(text)
    assert [s.text for s in spans] == [text]


@pytest.mark.parametrize("text, first", [
    ("US, Russia trade barbs (again). Talks resumed on Monday.", "US, Russia trade barbs (again)."),
    ("UN, Red Cross warn of famine /statement/. Aid is short.", "UN, Red Cross warn of famine /statement/."),
])
def test_sentences_that_only_look_like_datelines_stay_separate(text, first):
    assert [s.text for s in segment(text)][0] == first


@pytest.mark.parametrize("text", [
    "But Rep. Mike Pompeo, Kansas Republican, disagreed.",
    "Lt. Gen. William Mayville said the strikes would go on.",
    "Freshman Rep. Elissa Slotkin asked for the legal basis.",
])
def test_a_title_before_a_name_does_not_end_the_sentence(text):
    assert [s.text for s in segment(text)] == [text]
