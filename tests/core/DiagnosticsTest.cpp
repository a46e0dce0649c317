#include <catch2/catch.hpp>

#include <thread>
#include <vector>

#include "twin/core/Diagnostics.h"

using namespace twin::core;

TEST_CASE("formatDiagnostic names function, file, layer, record, problem and action", "[core]") {
  Diagnostic d{Severity::Warning, "geo::readVector()",        "cau.osm", "multipolygons",
               "way 48213377",    "building ring not closed", "repaired"};
  CHECK(formatDiagnostic(d) ==
        "geo::readVector(): cau.osm multipolygons way 48213377: building ring not closed; repaired");
  Diagnostic bare{Severity::Error, "", "", "", "", "no data", ""};
  CHECK(formatDiagnostic(bare) == "no data");
}

TEST_CASE("Diagnostics counts every item even past the kept limit", "[core]") {
  Diagnostics diag(3);
  for (int i = 0; i < 10; ++i)
    diag.add(Severity::Warning, "f()", "a.osm", "", "way " + std::to_string(i), "bad", "skipped");
  diag.add(Severity::Error, "f()", "a.osm", "", "", "worse", "");
  CHECK(diag.total() == 11);
  CHECK(diag.items().size() == 3);
  CHECK(diag.items()[2].recordId == "way 2");
  CHECK(diag.count(Severity::Warning) == 10);
  CHECK(diag.count(Severity::Error) == 1);
  CHECK(diag.countByMessage().at("bad") == 10);

  Diagnostics other;
  other.merge(diag);
  CHECK(other.total() == 11);
  CHECK(other.items().size() == 3);
}

TEST_CASE("Diagnostics takes items from several threads", "[core]") {
  Diagnostics diag;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) diag.add(Severity::Info, "", "", "", "", "x", "");
    });
  for (auto& t : threads) t.join();
  CHECK(diag.total() == 4000);
  CHECK(diag.items().size() == 4000);
}
