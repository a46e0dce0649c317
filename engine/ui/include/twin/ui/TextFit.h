// Text that must stay inside a panel's width: elided with "..." (the whole text in a tooltip) or
// laid out on as many lines as it needs, and a check of how far a window's items ran past its
// right edge (for the layout tests).
#pragma once

#include <functional>
#include <string>

struct ImVec4;

namespace twin::ui {

/** The width of a text in pixels (ImGui::CalcTextSize in the panels, a fake in tests). */
using TextMeasure = std::function<float(const std::string&)>;

/** `text` if measure(text) <= maxWidth; else its longest prefix, cut between UTF-8 characters
    (never inside one), with "..." appended, that fits; "..." alone when no character fits with
    it, and "" when even "..." does not fit (maxWidth below its width, or not positive). Invalid
    UTF-8 is cut between bytes that are not continuation bytes. */
std::string elideText(const std::string& text, float maxWidth, const TextMeasure& measure);

/** Draws `text` (in `colour`, or the disabled colour when null) elided to `maxWidth` pixels, or
    to the space left on the line when maxWidth <= 0. When it was cut, hovering shows the whole
    text (and `tooltip` below it, when not empty). Returns true when the text was cut. Call
    inside an ImGui window. */
bool textElided(const std::string& text, const ImVec4* colour, float maxWidth = 0, const std::string& tooltip = "");

/** Starts the next widget on the same line when `nextWidth` pixels of it still fit before the
    window's right edge, else on a new line: rows of buttons and checkboxes that wrap. Call
    after a widget, before the next one. */
void sameLineIfFits(float nextWidth);

/** How many pixels the current window's items reached past its work area's right edge in this
    frame so far (0 when everything fits). Call before ImGui::End()/EndChild(). */
float horizontalOverflow();

}  // namespace twin::ui
