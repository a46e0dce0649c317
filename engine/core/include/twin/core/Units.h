// Parsing of lengths as OpenStreetMap and GIS attributes write them.
#pragma once

#include <optional>
#include <string_view>

namespace twin::core {

/** Parses a length into metres. Accepts a plain number (metres), a number with a unit
    (`m`, `metre(s)`, `meter(s)`, `km`, `cm`, `mm`, `ft`, `feet`, `'`, `in`, `"`), feet and
    inches (`12'6"`), a decimal comma (`3,5`), surrounding spaces, a leading `~` or `ca.`, and a
    list or range (`12;15`, `12-15`: the first value). Returns nullopt for anything else: empty,
    text, NaN/Inf, a unit it does not know. Never throws. */
std::optional<double> parseLengthMeters(std::string_view text);

/** Parses a count such as `building:levels` ("6", "6.5", "5;6" -> first). nullopt when not a
    finite number. */
std::optional<double> parseNumber(std::string_view text);

}  // namespace twin::core
