"""Scraper debris in news text: what is on a page but is not a sentence of the article.

Real pages scraped to text carry video widgets ("JUST WATCHED ... MUST WATCH 02:42"), photo captions and
credits ("Image copyright AP Image caption ...", "(Photo: Name, AP)"), teaser links ("More: ...",
"... Read more"), newsletter and app prompts, update stamps, bylines and separators. `content_ranges`
returns the parts of one line that are article text, as offsets into the line, so that the segmenter
can keep exact character offsets into the original article.

Whole-line patterns drop the line; inline patterns cut a piece out of a line and keep the rest
("Story highlights NATO chief: ..." keeps the highlight, which the outlet wrote as a sentence).
"""
from __future__ import annotations

import re

_LINE_PATTERNS = [
    # navigation, prompts and page furniture
    r"all news|latest news|top stories|news feed|read more.*|read also.*|see also.*|more on this.*",
    r"related(?: (?:news|stories|articles|coverage))?(?::.*)?|related (?:news|stories|articles|coverage) .*|more on this topic",
    r"most (?:popular|viewed)",
    r"share(?: this(?: article| story)?)?(?: on \w+)?|tweet|print|e-?mail|comments?(?: \(\d+\))?|close|video|photo",
    r"advertisement.*|ad|sponsored(?: content)?|subscribe.*|sign up.*|follow us.*|join us on .*|click.*",
    r"story continued below|continue reading.*|skip to (?:main )?content|cookie.*|accept|menu",
    r"home(?: [|/>»] .*)?|tags?:.*|chapter \d+|\[[a-z ]+\]|vote now:.*|urgent:|cnn map|slideshow \(\d+ images?\)",
    r"next image \d+ of \d+|this article is more than \w+ years? old|read or share this story:.*",
    r"(?:special coverage|photos?|videos?|watch|listen|more|read more|editorial|analysis/opinion)\s*:.*",
    r"read \w+'s new flipboard magazine.*|get our top investigations.*|take me back to the top.*|for more:?|youtube",
    r"most read.*|newsletter sign up.*|please verify you're not a robot.*|invalid email address\.?|please re-enter\.?",
    r"you must select a newsletter.*|thank you for subscribing\.?|an error has occurred\.?|please try again later\.?",
    r"view all .{0,40} newsletters\.?|we pay for (?:your stories|videos).*|do you have a story for .*|email us at .*",
    # credits, captions and copyright
    r"(?:photo|image|video|source|media)\s*(?:credit|caption|copyright)?\s*:.*",
    r"(?:©|\(c\)|copyright).*|all rights reserved.*",
    r"image copyright .*|(?:image|media) caption .*|media playback is unsupported.*|enlarge this image.*|toggle caption.*",
    r".*\[[^\]/]{2,60}/[^\]]{2,40}\]",                                          # caption with [Name/Outlet] credit
    r"file\s*[-–—]\s*in this .*photo.*|.*\((?:ap |afp |reuters )?photo(?::|/)[^)]*\)\s*(?:story highlights.*)?",
    r"(?:the )?associated press contributed to this (?:report|story)\.?|contributing:.*|"
    r".*this article is based in part on wire[- ]service reports\.?|material from .{0,80} was used in this (?:report|story)\.?",
    r"follow (?:him|her|them|me) on (?:twitter|facebook|instagram).*",
    # bylines, datestamps and separators
    r"by [A-Z][\w.'-]+(?: [A-Z][\w.'-]+){0,3}(?:,? (?:and|&) [A-Z][\w.'-]+(?: [A-Z][\w.'-]+){0,3})?",
    r"\d{1,2}:\d{2}\s*[ap]\.?m\.?(?: \w+)?|\d+ (?:hours?|days?|years?) ago",
    r"special for usa today|usa today",
]
# A line that is only a teaser link ("EU, China and Russia in move to sidestep US sanctions Read more").
_TEASER = r".{0,160}\bread more"
# An opinion-roundup credit ("Kyle Smith, National Review") or a transcript speaker label ("michael barbaro").
_CREDIT = (r"[A-Z][\w.'-]+(?: [A-Z][\w.'-]+){1,2}, (?:The )?(?:[A-Z][\w.'-]+ ){0,3}"
           r"(?:Review|Times|Post|Journal|Examiner|Conservative|Bloomberg|News|Magazine|Atlantic|Week|Herald|"
           r"Guardian|Tribune|Monitor|Beacon|Caller|Hill|Vox|Slate|Reason|Salon|Intercept|Politico|Globe)"
           r"|[a-z]+ [a-z]+(?: [a-z]+)?")

DEBRIS_LINE = re.compile(r"^\W*(?:" + "|".join(_LINE_PATTERNS) + r")\W*$", re.IGNORECASE)
TEASER_LINE = re.compile(r"^(?:" + _TEASER + r")\W*$", re.IGNORECASE)
CREDIT_LINE = re.compile(r"^(?:" + _CREDIT + r")$")

# Pieces cut out of a line; what is left around them stays.
INLINE = re.compile(
    r"""JUST\ WATCHED\b.*?\bMUST\ WATCH\b.*?(?:\b\d{1,2}:\d{2}\b|$)    # CNN video widget
      | ^\s*Story\ Highlights\s*                                     # CNN/USA Today summary label
      | Get\ short\ URL(?:\s+\d+)*\s*                                 # Sputnik share widget
      | ^\W*updated?\b[^.\]\n]{0,12}?\d{1,2}:?\d{2}\s*(?:[ap]\.?m\.?)?\s*(?:[A-Z]{2,4}\b)?\s*  # live-blog stamp
        (?:\([^)]{0,20}\))?\]?[:.]?\s*
      | ^\d{2}\.\d{2}\.\d{4}(?:\(updated\ \d{3,4}\ \d{2}\.\d{2}\.\d{4}\))?\s*   # Sputnik date stamp
      | \s*\((?:AP|AFP|Reuters)?\ ?Photo[:/][^)]*\)                   # inline photo credit
    """,
    re.IGNORECASE | re.VERBOSE,
)
_LETTER = re.compile(r"[^\W\d_]")


def is_debris(line: str) -> bool:
    """True when the whole line, or the whole sentence, is page furniture rather than article text (the
    segmenter asks for each sentence too: "Follow us on Instagram." inside a line with article text)."""
    stripped = line.strip()
    if not _LETTER.search(stripped):
        return True  # separators ("___", "• • •"), bare numbers and times
    return bool(DEBRIS_LINE.match(stripped) or TEASER_LINE.match(stripped) or CREDIT_LINE.match(stripped))


def content_ranges(line: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the article text inside `line`, in order; [] when the line is all debris."""
    if is_debris(line):
        return []
    ranges, position = [], 0
    for match in INLINE.finditer(line):
        if match.start() > position:
            ranges.append((position, match.start()))
        position = max(position, match.end())
    ranges.append((position, len(line)))
    return [(start, end) for start, end in ranges if not is_debris(line[start:end])]
