#include "twin/geo/VrtSources.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <memory>

#include <cpl_minixml.h>

#include "GdalSupport.h"

namespace twin::geo {

namespace fs = std::filesystem;

namespace {

constexpr std::uintmax_t kMaxVrtBytes = 16u << 20;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

struct XmlFree {
  void operator()(CPLXMLNode* node) const { CPLDestroyXMLNode(node); }
};

}  // namespace

bool isVrtSource(const std::string& source) {
  const std::string l = lower(source);
  return l.rfind("vrt://", 0) == 0 || (l.size() > 4 && l.compare(l.size() - 4, 4, ".vrt") == 0);
}

core::Result<std::vector<std::string>> vrtSources(const std::string& file) {
  auto fail = [&](const std::string& why) { return core::Error{"geo::vrtSources(): " + file + ": " + why}; };
  if (lower(file).rfind("vrt://", 0) == 0) {
    // vrt://PATH?bands=1&...: the VRT made on the fly reads PATH.
    std::string path = file.substr(6);
    path = path.substr(0, path.find('?'));
    return std::vector<std::string>{path};
  }
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return fail("not a regular file");
  const std::uintmax_t size = fs::file_size(file, ec);
  if (ec) return fail("cannot read its size (" + ec.message() + ")");
  if (size > kMaxVrtBytes) return fail(std::to_string(size) + " bytes is over the 16 MiB limit for a VRT");
  std::ifstream in(file, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  if (!in.good() && !in.eof()) return fail("cannot be read");
  return parseVrtSources(text, fs::path(file).parent_path(), file);
}

core::Result<std::vector<std::string>> parseVrtSources(const std::string& text, const std::filesystem::path& folder,
                                                       const std::string& label) {
  detail::GdalSession session;  // the parser's complaints become this error, not stderr lines
  std::unique_ptr<CPLXMLNode, XmlFree> root(CPLParseXMLString(text.c_str()));
  if (!root)
    return core::Error{"geo::vrtSources(): " + label + ": not XML" +
                       (session.failures.empty() ? std::string() : " (" + session.lastFailure() + ")")};

  std::vector<std::string> sources;
  // Walked in document order with an explicit stack: the XML may be nested as deep as the file is long.
  std::vector<const CPLXMLNode*> stack = {root.get()};
  while (!stack.empty()) {
    const CPLXMLNode* node = stack.back();
    stack.pop_back();
    if (node->psNext) stack.push_back(node->psNext);
    if (node->eType != CXT_Element) continue;
    const std::string name = node->pszValue;
    if (name == "SourceFilename" || name == "SrcDataSource") {
      std::string value = CPLGetXMLValue(node, nullptr, "");
      const std::string relative = CPLGetXMLValue(node, "relativeToVRT", "0");
      if (relative == "1" && !value.empty() && value.front() != '/')
        value = (folder / value).lexically_normal().string();
      sources.push_back(value);
    } else if (node->psChild) {
      stack.push_back(node->psChild);
    }
  }
  return sources;
}

}  // namespace twin::geo
