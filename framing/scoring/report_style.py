"""The report's look: colours, CSS, SVG charts and the page shell, shared by the overview and the pages.

Pages are plain HTML with inline CSS and SVG and, for sortable tables, a few lines of inline script; nothing is
fetched, so they open from disk (browsers block `fetch` on file://) and link to each other plainly.
"""
from __future__ import annotations

import html
import itertools

from .aggregate import UNCERTAIN

esc = html.escape
STANCE_COLOURS = {"negative": "#c0392b", "neutral": "#9aa5b1", "positive": "#2e8b57"}

KNOWN_COLOURS = {"accusatory": "#d1495b", "humanitarian": "#2e86ab", "legal_argument": "#8e6bbf",
                 "background": "#8d99a6", UNCERTAIN: "#c9c9c9"}
OTHER_COLOURS = ("#e07a1f", "#3a9e6f", "#c2549d", "#5b6ee1", "#b08d2f", "#2a9d8f")
OPEN_ARTICLES = 3
ERRORS_LISTED = 50
_esc = html.escape


def colours_for(labels: list[str]) -> dict[str, str]:
    others = itertools.cycle(OTHER_COLOURS)
    return {label: KNOWN_COLOURS.get(label) or next(others) for label in [*labels, UNCERTAIN]}


def tint(hex_colour: str, amount: float = 0.28) -> str:
    """The colour mixed with white: a highlight that keeps the text readable."""
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#%02x%02x%02x" % tuple(round(255 - (255 - c) * amount) for c in (r, g, b))


def css(labels: list[str], colours: dict[str, str]) -> str:
    rules = []
    for i, label in enumerate([*labels, UNCERTAIN]):
        c = colours[label]
        rules.append(f".c{i}{{background:{c}}} .s.c{i}{{background:{tint(c)};border-bottom:2px solid {c}}}"
                     f" .s.c{i}:hover{{background:{tint(c, 0.5)}}}")
    rules.append(f".s.c{len(labels)}{{border-bottom-style:dashed}}")
    return CSS + "\n".join(rules)


CSS = """
*{box-sizing:border-box}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1f2933;
 background:#f5f6f8;margin:0}
main{max-width:1100px;margin:0 auto;padding:24px 28px 60px}
h1{font-size:26px;margin:0 0 4px} h2{font-size:19px;margin:32px 0 12px}
.sub{color:#52606d;margin:0 0 20px}
.cards{display:grid;grid-template-columns:repeat(4,1fr);gap:12px}
.card{background:#fff;border-radius:8px;padding:12px 16px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.card b{display:block;font-size:24px} .card span{color:#52606d;font-size:13px}
.panel{background:#fff;border-radius:8px;padding:16px 18px;box-shadow:0 1px 2px rgba(0,0,0,.08);margin-top:12px}
.charts{display:grid;grid-template-columns:1fr 1fr;gap:12px}
.charts h3{font-size:15px;margin:0 0 8px}
svg text{font:13px system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;fill:#1f2933}
svg .v{fill:#52606d}
.legend{display:flex;flex-wrap:wrap;gap:14px;font-size:13px;margin-top:10px}
.legend.sticky{position:sticky;top:0;z-index:1;background:#f5f6f8;padding:8px 0;margin:0}
.legend .note{margin-left:auto}
.legend i,.chip i{display:inline-block;width:11px;height:11px;border-radius:2px;margin-right:5px;vertical-align:-1px}
.stack{display:flex;height:14px;border-radius:3px;overflow:hidden;background:#e4e7eb}
.stack.big{height:22px}
.stack div{height:100%}
details.article{background:#fff;border-radius:8px;margin:8px 0;box-shadow:0 1px 2px rgba(0,0,0,.08)}
details.article>summary{display:grid;grid-template-columns:minmax(0,1fr) 220px 150px 150px;gap:14px;
 align-items:center;padding:10px 16px;cursor:pointer;list-style:none}
details.article>summary::-webkit-details-marker{display:none}
details.article>summary:hover{background:#fafbfc}
.t{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.t b{font-weight:600} .t small{display:block;color:#7b8794;font-size:12px;overflow:hidden;text-overflow:ellipsis}
.chip{font-size:13px;white-space:nowrap} .meta{font-size:12px;color:#52606d;white-space:nowrap}
.body{padding:4px 20px 16px;border-top:1px solid #eef0f2;line-height:1.9}
.body p{margin:10px 0}
.s{padding:1px 0;border-radius:2px;cursor:help}
.tops{font-size:13px;margin:0;padding-left:18px}
table{border-collapse:collapse;font-size:13px;width:100%}
td,th{text-align:left;padding:4px 8px;border-bottom:1px solid #eef0f2;vertical-align:top}
td.n{text-align:right;width:80px}
.note{color:#52606d;font-size:13px}
nav.top{font-size:13px;margin:0 0 14px} nav.top a{margin-right:14px}
a{color:#1c5d99}
th.sort{cursor:pointer;white-space:nowrap} th.sort:after{content:" \\2195";color:#9aa5b1}
table.list td{white-space:nowrap} table.list td.t{max-width:420px}
table.matrix td,table.matrix th{text-align:center;padding:3px 5px;font-size:12px}
table.matrix th.v{writing-mode:vertical-rl;transform:rotate(180deg);text-align:left;height:150px}
table.matrix td a{display:block;color:#1f2933;text-decoration:none;border-radius:3px;padding:2px 0}
table.matrix th.row{text-align:left;white-space:nowrap}
mark{background:none;border-radius:2px;padding:0 1px;font-weight:600}
mark.negative{color:#a11d2f;box-shadow:inset 0 -2px #c0392b} mark.positive{color:#1d6b3f;box-shadow:inset 0 -2px #2e8b57}
mark.neutral{box-shadow:inset 0 -2px #9aa5b1}
.stance i{display:inline-block;width:11px;height:11px;border-radius:2px;margin:0 4px 0 10px;vertical-align:-1px}
"""


def bar_chart(rows: list[tuple[str, int, float, str]], width: int = 480) -> str:
    """Horizontal bars: (label, count, share, colour) per row."""
    label_w, value_w, row_h = 130, 110, 28
    bar_w = width - label_w - value_w
    height = row_h * len(rows) + 4
    parts = [f'<svg viewBox="0 0 {width} {height}" width="100%" role="img" xmlns="http://www.w3.org/2000/svg">']
    for i, (label, count, share, colour) in enumerate(rows):
        y = i * row_h + 4
        w = max(share * bar_w, 0.0)
        parts.append(f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end">{esc(label)}</text>'
                     f'<rect x="{label_w}" y="{y}" width="{bar_w}" height="20" rx="3" fill="#eef0f2"/>'
                     f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="20" rx="3" fill="{colour}"/>'
                     f'<text class="v" x="{label_w + bar_w + 8}" y="{y + 15}">{share:.1%} ({count:,})</text>')
    parts.append("</svg>")
    return "".join(parts)


def stack(shares: dict[str, float], labels: list[str], big: bool = False) -> str:
    cells = []
    for i, label in enumerate([*labels, UNCERTAIN]):
        share = shares.get(label, 0.0)
        if share > 0:
            cells.append(f'<div class="c{i}" style="width:{share * 100:.2f}%" title="{esc(label)} {share:.0%}">'
                         f'</div>')
    return f'<div class="stack{" big" if big else ""}">{"".join(cells)}</div>'


def stance_cell(counts: dict[str, int]) -> str:
    """A matrix cell's background: red for a net-negative actor, green for net-positive, by how much."""
    total = sum(counts.values())
    if not total:
        return "#ffffff"
    balance = (counts.get("positive", 0) - counts.get("negative", 0)) / total
    colour = STANCE_COLOURS["positive" if balance > 0 else "negative"]
    return tint(colour, 0.08 + 0.6 * abs(balance)) if balance else "#eef0f2"


SORT_SCRIPT = """<script>
document.querySelectorAll("table.sortable").forEach(function (table) {
  table.querySelectorAll("th.sort").forEach(function (th, col) {
    th.addEventListener("click", function () {
      var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
      var dir = th.dataset.dir === "desc" ? 1 : -1;
      th.dataset.dir = dir === 1 ? "asc" : "desc";
      rows.sort(function (a, b) {
        var x = a.cells[col].dataset.v, y = b.cells[col].dataset.v, nx = parseFloat(x), ny = parseFloat(y);
        if (!isNaN(nx) && !isNaN(ny)) return dir * (nx - ny);
        return dir * String(x).localeCompare(String(y));
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
});
</script>"""


def page(title: str, style: str, body: str, script: bool = False) -> str:
    return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width,initial-scale=1">'
            f"<title>{esc(title)}</title><style>{style}</style></head><body><main>{body}</main>"
            f"{SORT_SCRIPT if script else ''}</body></html>\n")


def legend(labels: list[str], shown: list[str]) -> str:
    index = {label: i for i, label in enumerate([*labels, UNCERTAIN])}
    return "".join(f'<span><i class="c{index[x]}"></i>{esc(x)}</span>' for x in shown)


def stance_legend() -> str:
    return ('<span class="stance note">stance toward the underlined actor:' + "".join(
        f'<i style="background:{c}"></i>{s}' for s, c in STANCE_COLOURS.items()) + "</span>")
