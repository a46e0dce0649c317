#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "TestPaths.h"
#include "twin/ui/I18n.h"

using namespace twin::ui;

namespace {
// The printf conversions of a string, in order ("%zu", "%d", ...).
std::string conversions(const std::string& s) {
  static const std::regex re("%[-+ #0]*[0-9]*(\\.[0-9]+)?(hh|h|ll|l|z|j|t)?[diouxXeEfgGcsp%]");
  std::string out;
  for (auto it = std::sregex_iterator(s.begin(), s.end(), re); it != std::sregex_iterator(); ++it)
    out += it->str() + " ";
  return out;
}
}  // namespace

TEST_CASE("every i18n key has both languages", "[ui]") {
  const auto zh = translationKeys(Language::ZhCN);
  const auto en = translationKeys(Language::En);
  CHECK(zh.size() > 40);
  for (const std::string& key : en) {
    INFO("key " << key);
    CHECK(findTranslation(Language::ZhCN, key) != nullptr);
  }
  for (const std::string& key : zh) {
    INFO("key " << key);
    CHECK(findTranslation(Language::En, key) != nullptr);
  }
  CHECK(zh == en);
}

TEST_CASE("i18n: each key, one section per key, is in both tables", "[ui]") {
  std::set<std::string> keys;
  for (Language lang : {Language::ZhCN, Language::En})
    for (const std::string& key : translationKeys(lang)) keys.insert(key);
  for (const std::string& key : keys) {
    DYNAMIC_SECTION("key " << key) {
      CHECK(findTranslation(Language::ZhCN, key) != nullptr);
      CHECK(findTranslation(Language::En, key) != nullptr);
    }
  }
}

TEST_CASE("i18n: every key the engine's sources look up with tr() is in both tables", "[ui]") {
  // tr(lang, "literal") in the ui and app sources: a key missing from a table would show as
  // "[key]" on screen. Keys built at run time ("use." + name) are checked by their own tests.
  const std::regex call(R"re(\btr\(\s*[A-Za-z_.:()>*-]+\s*,\s*"([^"]+)"\s*\))re");
  std::set<std::string> used;
  for (const char* module : {"ui", "app"}) {
    const std::filesystem::path dir = twin::test::sourceDir() / "engine" / module / "src";
    REQUIRE(std::filesystem::is_directory(dir));
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      if (entry.path().extension() != ".cpp") continue;
      std::ifstream in(entry.path());
      std::stringstream text;
      text << in.rdbuf();
      const std::string source = text.str();
      for (auto it = std::sregex_iterator(source.begin(), source.end(), call); it != std::sregex_iterator(); ++it)
        used.insert((*it)[1].str());
    }
  }
  CHECK(used.size() > 100);
  CHECK(used.count("indicator.noData") == 1);  // the regex finds the calls it is meant to
  for (const std::string& key : used) {
    INFO("key " << key);
    CHECK(findTranslation(Language::ZhCN, key) != nullptr);
    CHECK(findTranslation(Language::En, key) != nullptr);
  }
}

TEST_CASE("i18n texts are non-empty, keys unique, printf conversions match", "[ui]") {
  for (Language lang : {Language::ZhCN, Language::En}) {
    const auto keys = translationKeys(lang);
    for (std::size_t i = 1; i < keys.size(); ++i) {
      INFO(languageCode(lang) << " duplicate key " << keys[i]);
      CHECK(keys[i] != keys[i - 1]);
    }
    for (const std::string& key : keys) {
      INFO(languageCode(lang) << " key " << key);
      CHECK(std::string(findTranslation(lang, key)).size() > 0);
    }
  }
  for (const std::string& key : translationKeys(Language::En)) {
    const char* zh = findTranslation(Language::ZhCN, key);
    if (!zh) continue;  // reported by the test above
    INFO("key " << key);
    CHECK(conversions(zh) == conversions(findTranslation(Language::En, key)));
  }
  CHECK(conversions("and %zu more") == "%zu ");
}

TEST_CASE("i18n: messages with data in them, both languages", "[ui]") {
  CHECK(trFill(Language::En, "planning.saved", {"plan A"}) == "saved 'plan A'");
  CHECK(trFill(Language::ZhCN, "planning.saved", {"方案甲"}) == "已保存方案“方案甲”");
  CHECK(trFill(Language::En, "planning.unknownScenario", {"x"}) == "unknown scenario 'x'");
  CHECK(trFill(Language::ZhCN, "planning.skipped", {"3"}) == "已跳过 3 个方案条目");
  CHECK(trFill(Language::En, "alertText.validRange", {"0"}) == " (valid 0 .. %s)");  // a missing value keeps its %s
  CHECK(trFill(Language::En, "alertText.stale", {"60", "extra"}) == "silent for 60 s");
}

TEST_CASE("i18n lookups", "[ui]") {
  CHECK(std::string(tr(Language::En, "layer.buildings")) == "Buildings");
  CHECK(std::string(tr(Language::ZhCN, "layer.buildings")) == "建筑");
  CHECK(std::string(tr(Language::ZhCN, "no.such.key")) == "[no.such.key]");

  Language lang = Language::En;
  CHECK(languageFromCode("zh-CN", lang));
  CHECK(lang == Language::ZhCN);
  CHECK(languageFromCode("en", lang));
  CHECK(lang == Language::En);
  CHECK_FALSE(languageFromCode("zh", lang));
  CHECK(lang == Language::En);
  CHECK(std::string(languageCode(Language::ZhCN)) == "zh-CN");
}

TEST_CASE("i18n: the big screen's strings exist in both languages, translated", "[ui]") {
  // Every key the big-screen panels and the quit dialog look up (BigScreen.cpp, TwinViewer.cpp):
  // present in both tables, and the Chinese text is not the English one left untranslated.
  const char* keys[] = {"screen.clock",
                        "screen.replay",
                        "screen.live",
                        "screen.sensorsOnline",
                        "screen.activeAlarms",
                        "screen.keys",
                        "screen.indicators",
                        "screen.sceneFigures",
                        "screen.buildings",
                        "screen.measuredShare",
                        "screen.pois",
                        "screen.legend",
                        "legend.buildingUse",
                        "legend.coverage",
                        "legend.isochrone",
                        "legend.minutes",
                        "legend.beyond",
                        "poiCategory.amenity",
                        "poiCategory.shop",
                        "poiCategory.leisure",
                        "poiCategory.healthcare",
                        "poiCategory.railway",
                        "poiCategory.public_transport",
                        "poiCategory.highway",
                        "screen.carousel",
                        "indicator.noData",
                        "indicator.source",
                        "indicator.why",
                        "indicator.computing",
                        "indicator.failed",
                        "unit.min",
                        "unit.per1000Residents",
                        "alertText.stale",
                        "alertText.invalid",
                        "alertText.rate",
                        "planning.saved",
                        "planning.unknownScenario",
                        "planning.skipped",
                        "quit.title",
                        "quit.unsaved",
                        "quit.yes",
                        "quit.no"};
  for (const char* key : keys) {
    INFO("key " << key);
    const char* zh = findTranslation(Language::ZhCN, key);
    const char* en = findTranslation(Language::En, key);
    REQUIRE(zh != nullptr);
    REQUIRE(en != nullptr);
    CHECK(std::string(zh) != std::string(en));
  }
}
