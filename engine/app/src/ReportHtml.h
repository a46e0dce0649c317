// A small HTML writer for `twin report`: escaping, text in one or both report languages, tables
// and the page's stylesheet (screen and A4 print).
#pragma once

#include <string>
#include <vector>

namespace twin::app {

enum class ReportLanguage { Both, ZhCN, En };

/** "<" ">" "&" and both quotes escaped; other bytes (UTF-8) unchanged. */
std::string htmlEscape(const std::string& text);

/** Text in the report's language(s). Every function escapes its arguments. */
class ReportText {
 public:
  explicit ReportText(ReportLanguage language) : _language(language) {}
  ReportLanguage language() const { return _language; }
  /** Inline: "zh" or "en", or both as "zh <span class=en>en</span>". */
  std::string t(const std::string& zh, const std::string& en) const;
  /** Plain text (no markup; for map titles and legends): "zh", "en" or "zh en". */
  std::string plain(const std::string& zh, const std::string& en) const;
  /** A paragraph per language: <p lang="zh-CN">zh</p><p lang="en">en</p> (only one when one
      language is chosen). `cls` (may be empty) is the paragraphs' class. */
  std::string para(const std::string& zh, const std::string& en, const std::string& cls = "") const;
  /** The <html lang> value: "zh-CN" (also for both) or "en". */
  const char* htmlLang() const { return _language == ReportLanguage::En ? "en" : "zh-CN"; }

 private:
  ReportLanguage _language;
};

/** A table. Header and cells are HTML (escape text with htmlEscape() or ReportText). */
struct HtmlTable {
  std::string id;                   // the table's id attribute; may be empty
  std::string caption;              // HTML; may be empty
  std::vector<std::string> header;  // one per column
  std::vector<bool> numeric;        // per column: right-aligned (missing = false)
  struct Row {
    std::vector<std::string> cells;
    std::string attributes;  // extra attributes of <tr>, e.g. data-category="kindergarten"
    std::string cls;         // class of <tr>, e.g. "changed"; may be empty
  };
  std::vector<Row> rows;
};

/** <table> with <thead> (repeated on every printed page) and <tbody>. */
std::string htmlTable(const HtmlTable& table);

/** The page's stylesheet: screen layout, side-by-side figures, and @media print for A4 (a page
    break before every section, rows and figures never cut, the header row repeated). */
const char* reportStylesheet();

}  // namespace twin::app
