import pytest

from framing.debris import content_ranges, is_debris
from framing.segment import segment


@pytest.mark.parametrize("line", [
    "JUST WATCHED Do Iranian citizens want a nuke deal? Replay More Videos ... MUST WATCH Do Iranian citizens "
    "want a nuke deal? 02:42",
    "Image copyright AP Image caption Russia has denied involvement in the seizures",
    "Media playback is unsupported on your device Media caption Fires were set next to the walls",
    "Enlarge this image toggle caption Alexander Aksakov/Getty Images Alexander Aksakov/Getty Images",
    "More:U.S. vetoes U.N. resolution on Jerusalem",
    "EU, China and Russia in move to sidestep US sanctions on Iran Read more",
    "Read or Share this story: http://usat.ly/1Ch2zSj",
    "Copyright © 2019 The Washington Times, LLC. Click here for reprint permission.",
    "Sign up for Daily Newsletters Manage Newsletters",
    "Samantha Power (Photo: Andrew Burton, Getty Images)",
    "FILE - In this Dec. 25, 2019, file photo, an Army carry team moves a transfer case at Dover.",
    "The Associated Press contributed to this report.",
    "Kyle Smith, National Review",
    "michael barbaro",
    "Update 2:21AM EDT (07:21 BST)",
    "___", "• • •", "9:20 p.m.", "Advertisement", "Story Continued Below", "Slideshow (5 Images)",
    "Please verify you're not a robot by clicking the box.", "Thank you for subscribing.",
    "Material from the Associated Press and Reuters was used in this story.",
    "Zalmay Khalilzad, US envoy for reconciliation in Afghanistan [Sorin Furcoi/Al Jazeera]",
    "Image caption The Taliban claimed responsibility for the attack", "We pay for your stories!",
])
def test_debris_lines_are_dropped(line):
    assert content_ranges(line) == []
    assert segment(line) == []


@pytest.mark.parametrize("line", [
    "Major disagreement",                                   # a sub-heading is a sentence
    "North Korea, South Korea agree to talks",              # a headline with a comma, not a credit line
    "Updated figures show 1,200 killed in the attack.",     # 'Updated' in a sentence
    "More than 500 trucks have entered the region.",        # 'More' opening a sentence
    "Photographs of the camp were shown to the court.",
    "The video showed soldiers firing on the crowd.",
    "Related talks will resume in Geneva on Monday.",
    "Most of the displaced returned home.",
])
def test_sentences_are_kept(line):
    assert content_ranges(line) == [(0, len(line))]
    assert not is_debris(line)


@pytest.mark.parametrize("line, kept", [
    ('Story highlights NATO chief: "Time is short" for a deal', 'NATO chief: "Time is short" for a deal'),
    ("[Updated 7:28 a.m. ET] Police say the public should stay indoors.", "Police say the public should stay indoors."),
    ("19.04.2017(updated 1041 19.04.2017) Get short URL 0 73 The Kurdish-led forces advanced.",
     "The Kurdish-led forces advanced."),
])
def test_inline_debris_is_cut_and_offsets_hold(line, kept):
    text = "Headline here\n" + line
    spans = segment(text)
    assert [s.text for s in spans] == ["Headline here", kept]
    assert all(text[s.start:s.end] == s.text for s in spans)


def test_video_widget_inside_an_article_leaves_the_sentences():
    text = ("Talks resumed in Vienna.\n\nJUST WATCHED Gap in Iran talks bridgeable Replay More Videos ... MUST WATCH "
            "Gap in Iran talks bridgeable 09:30\n\nIran insists it has a right to nuclear power.")
    assert [s.text for s in segment(text)] == ["Talks resumed in Vienna.", "Iran insists it has a right to nuclear power."]


def test_a_debris_sentence_inside_a_line_of_article_text_is_dropped():
    text = "Shelling resumed overnight. Follow us on Instagram. Aid convoys waited at the border."
    spans = segment(text)
    assert [s.text for s in spans] == ["Shelling resumed overnight.", "Aid convoys waited at the border."]
    assert all(text[s.start:s.end] == s.text for s in spans)
