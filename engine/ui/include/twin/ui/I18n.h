// The UI's strings in Simplified Chinese and English. Every user-visible panel string goes
// through tr(); both languages define every key.
#pragma once

#include <initializer_list>
#include <string>
#include <vector>

namespace twin::ui {

enum class Language { ZhCN, En };
constexpr int kLanguageCount = 2;

/** "zh-CN" or "en". */
const char* languageCode(Language language);
/** Accepts exactly "zh-CN" or "en"; false (and `out` untouched) for anything else. */
bool languageFromCode(const std::string& code, Language& out);

/** The text of `key` in `language`. An unknown key is a programming error: it returns the key
    itself wrapped as "[key]" (visible on screen) and logs a warning once per key.
    Thread-safe (the tables are immutable). */
const char* tr(Language language, const char* key);

/** The keys defined for one language, sorted. The i18n test checks both lists are equal. */
std::vector<std::string> translationKeys(Language language);
/** The raw text of `key` in `language`, or nullptr when that language lacks the key. */
const char* findTranslation(Language language, const std::string& key);

/** An ImGui window title: the text of `key`, then "###" and `id`, so the window keeps its place
    and state when the language changes. */
std::string windowTitle(Language language, const char* key, const char* id);

/** The text of `key` in `language` with each "%s" replaced by the next of `values`, in order
    (a "%s" without a value is kept as it is; extra values are ignored). For messages whose
    parts come from data: "saved '%s'" -> "saved 'plan A'". */
std::string trFill(Language language, const char* key, std::initializer_list<std::string> values);

/** Every string of every language (for building the font's glyph ranges). */
std::vector<std::string> allTranslations();

}  // namespace twin::ui
