#include "ReportHtml.h"

namespace twin::app {

std::string htmlEscape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string ReportText::t(const std::string& zh, const std::string& en) const {
  switch (_language) {
    case ReportLanguage::ZhCN: return htmlEscape(zh);
    case ReportLanguage::En: return htmlEscape(en);
    case ReportLanguage::Both: break;
  }
  if (zh == en) return htmlEscape(zh);
  return htmlEscape(zh) + " <span class=\"en\" lang=\"en\">" + htmlEscape(en) + "</span>";
}

std::string ReportText::plain(const std::string& zh, const std::string& en) const {
  switch (_language) {
    case ReportLanguage::ZhCN: return zh;
    case ReportLanguage::En: return en;
    case ReportLanguage::Both: break;
  }
  return zh == en ? zh : zh + " " + en;
}

std::string ReportText::para(const std::string& zh, const std::string& en, const std::string& cls) const {
  const std::string classAttribute = cls.empty() ? "" : " class=\"" + htmlEscape(cls) + "\"";
  std::string out;
  if (_language != ReportLanguage::En) out += "<p lang=\"zh-CN\"" + classAttribute + ">" + htmlEscape(zh) + "</p>\n";
  if (_language != ReportLanguage::ZhCN)
    out += "<p lang=\"en\"" + classAttribute + (_language == ReportLanguage::Both ? " data-second" : "") + ">" +
           htmlEscape(en) + "</p>\n";
  return out;
}

std::string htmlTable(const HtmlTable& table) {
  std::string out = "<table";
  if (!table.id.empty()) out += " id=\"" + htmlEscape(table.id) + "\"";
  out += ">\n";
  if (!table.caption.empty()) out += "<caption>" + table.caption + "</caption>\n";
  auto cellClass = [&](std::size_t column) {
    return column < table.numeric.size() && table.numeric[column] ? " class=\"num\"" : "";
  };
  out += "<thead><tr>";
  for (std::size_t c = 0; c < table.header.size(); ++c)
    out += std::string("<th") + cellClass(c) + ">" + table.header[c] + "</th>";
  out += "</tr></thead>\n<tbody>\n";
  for (const HtmlTable::Row& row : table.rows) {
    out += "<tr";
    if (!row.cls.empty()) out += " class=\"" + htmlEscape(row.cls) + "\"";
    if (!row.attributes.empty()) out += " " + row.attributes;
    out += ">";
    for (std::size_t c = 0; c < row.cells.size(); ++c)
      out += std::string("<td") + cellClass(c) + ">" + row.cells[c] + "</td>";
    out += "</tr>\n";
  }
  return out + "</tbody>\n</table>\n";
}

const char* reportStylesheet() {
  return R"css(
:root { --ink: #1b1c20; --muted: #5b5e66; --rule: #c9ccd3; --band: #f2f3f6; --bad: #b2182b; --good: #1a7a3c; }
html { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC",
       "DejaVu Sans", sans-serif; color: var(--ink); font-size: 15px; line-height: 1.45; }
body { max-width: 1180px; margin: 0 auto; padding: 24px 28px 60px; }
h1 { font-size: 1.9em; margin: 0.2em 0; }
h2 { font-size: 1.45em; border-bottom: 2px solid var(--ink); padding-bottom: 0.15em; margin-top: 1.6em; }
h3 { font-size: 1.12em; margin: 1.2em 0 0.4em; }
.en { color: var(--muted); font-weight: normal; }
p[data-second] { color: var(--muted); margin-top: -0.5em; }
.meta { color: var(--muted); }
.meta td { padding: 1px 12px 1px 0; border: 0; }
nav ol { columns: 2; padding-left: 1.4em; }
nav a { color: inherit; }
table { border-collapse: collapse; margin: 0.5em 0 1em; width: 100%; font-size: 0.92em; }
caption { text-align: left; font-weight: bold; padding: 0.3em 0; }
th, td { border: 1px solid var(--rule); padding: 3px 6px; text-align: left; vertical-align: top; }
thead th { background: var(--band); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
tr.changed td { background: #fff4d6; }
tr.lost td { background: #fde0dd; }
tr.gained td { background: #e0f3e3; }
.fail { color: var(--bad); font-weight: bold; }
.pass { color: var(--good); font-weight: bold; }
.missing { color: var(--muted); font-style: italic; }
.left-out { border-left: 4px solid var(--bad); background: #fbeceb; padding: 6px 10px; }
figure { margin: 0.6em 0 1.2em; }
figure img { width: 100%; height: auto; border: 1px solid var(--rule); display: block; }
figcaption { color: var(--muted); font-size: 0.9em; margin-top: 0.2em; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
.grid { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; align-items: start; }
footer { margin-top: 3em; color: var(--muted); font-size: 0.9em; border-top: 1px solid var(--rule); }
@page { size: A4; margin: 14mm 12mm 16mm; }
@media print {
  html { font-size: 10pt; }
  body { max-width: none; padding: 0; }
  nav { break-after: page; }
  section { break-before: page; }
  h2, h3 { break-after: avoid; }
  figure, tr, .left-out { break-inside: avoid; }
  /* Two maps to an A4 page; a before/after pair side by side. */
  figure img { max-height: 112mm; width: auto; max-width: 100%; margin: 0 auto; }
  thead { display: table-header-group; }
  /* Fixed layout: a table never grows past the page's width, long cells wrap instead. */
  table { font-size: 8.5pt; table-layout: fixed; }
  th, td { padding: 2px 4px; overflow-wrap: anywhere; }
  td.num { white-space: normal; }
  th:first-child { width: 22%; }
  #coverage-levels th:last-child { width: 36%; }
  table[id^="indicators-"] th:first-child { width: 34%; }
  table[id^="indicators-"] th:nth-child(2) { width: 11%; }
  a { color: inherit; text-decoration: none; }
  .pair, .grid { gap: 6px; }
}
)css";
}

}  // namespace twin::app
