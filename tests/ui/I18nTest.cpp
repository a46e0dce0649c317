#include <catch2/catch.hpp>

#include <regex>
#include <string>

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
