#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <fstream>

#include "TestPaths.h"
#include "twin/geo/ObliqueMetadata.h"

using namespace twin::geo;

namespace {

// A metadata.xml as ContextCapture writes it, with the SRS of the Zhongshan production (a local
// Gauss-Kruger zone: CGCS2000, CM 113.37, false northing 90, labelled EPSG:4547 all the same).
const char* const kGaussKrugerMetadata = R"(<?xml version="1.0" encoding="UTF-8"?>
<ModelMetadata version="1">
    <!--Spatial Reference System-->
    <SRS>PROJCS["LOCAL0 / 3-degree Gauss-Kruger CM 113.36E",
    GEOGCS["China Geodetic Coordinate System 2000",
        DATUM["China_2000",
            SPHEROID["CGCS2000",6378137,298.257222101,
                AUTHORITY["EPSG","1024"]],
            AUTHORITY["EPSG","1043"]],
        PRIMEM["Greenwich",0,
            AUTHORITY["EPSG","8901"]],
        UNIT["degree",0.0174532925199433,
            AUTHORITY["EPSG","9122"]],
        AUTHORITY["EPSG","4490"]],
    PROJECTION["Transverse_Mercator"],
    PARAMETER["latitude_of_origin",0],
    PARAMETER["central_meridian",113.37],
    PARAMETER["scale_factor",1],
    PARAMETER["false_easting",500000],
    PARAMETER["false_northing",90],
    UNIT["metre",1,
        AUTHORITY["EPSG","9001"]],
    AUTHORITY["EPSG","4547"]]</SRS>
    <!--Origin in Spatial Reference System-->
    <SRSOrigin>501027.524000,2488718.808000,0.000000</SRSOrigin>
</ModelMetadata>
)";

// The checks of a metadata.xml with kGaussKrugerMetadata's SRS and origin.
void checkGaussKruger(const ObliqueMetadata& meta) {
  CHECK(meta.kind == ObliqueSrsKind::Crs);
  CHECK(meta.srs.rfind("PROJCS[\"LOCAL0 / 3-degree Gauss-Kruger CM 113.36E\"", 0) == 0);
  CHECK(meta.srsOrigin.x == 501027.524);
  CHECK(meta.srsOrigin.y == 2488718.808);
  CHECK(meta.srsOrigin.z == 0.0);
  // The WKT's own parameters (CM 113.37, false northing 90) rule, not its EPSG:4547 label.
  // cs2cs -f %.9f '<the WKT>' +to EPSG:4326 <<< '501027.524 2488718.808 0' -> 22.495136792 113.379985671
  const auto origin = obliqueOriginLonLat(meta);
  REQUIRE(origin.ok());
  CHECK(origin->lon == Approx(113.379985671).margin(2e-9));
  CHECK(origin->lat == Approx(22.495136792).margin(2e-9));
}

}  // namespace

TEST_CASE("a production's metadata.xml: WKT SRS and origin", "[geo]") {
  twin::test::TempDir dir("oblique-metadata");
  { std::ofstream(dir.path() / "metadata.xml", std::ios::binary) << kGaussKrugerMetadata; }
  const auto meta = readObliqueMetadata(dir.path());
  REQUIRE(meta.ok());
  CHECK(meta->file == dir.path() / "metadata.xml");
  checkGaussKruger(*meta);
}

TEST_CASE("the Zhongshan production's metadata.xml: WKT SRS and origin", "[geo]") {
  const auto production = twin::test::requireSharedData("osgb-oblique-zhongshan") / "Production_5";
  const auto meta = readObliqueMetadata(production);
  REQUIRE(meta.ok());
  checkGaussKruger(*meta);
}

TEST_CASE("metadata.xml variants: EPSG code, ENU origin, comments", "[geo]") {
  const auto epsg = parseObliqueMetadata(
      "<ModelMetadata version=\"1\"><!--<SRS>EPSG:1</SRS>--><SRS>EPSG:4547</SRS>"
      "<SRSOrigin>500000,2500000,10</SRSOrigin></ModelMetadata>",
      "m.xml");
  REQUIRE(epsg.ok());
  CHECK(epsg->srs == "EPSG:4547");
  CHECK(epsg->srsOrigin.z == 10);

  const auto enu = parseObliqueMetadata("<ModelMetadata><SRS>ENU:22.5,113.38</SRS></ModelMetadata>", "m.xml");
  REQUIRE(enu.ok());
  CHECK(enu->kind == ObliqueSrsKind::Enu);
  CHECK(enu->enuOrigin.lat == 22.5);
  CHECK(enu->enuOrigin.lon == 113.38);
  CHECK(enu->srsOrigin.x == 0);
  const auto origin = obliqueOriginLonLat(*enu);
  REQUIRE(origin.ok());
  CHECK(origin->lon == 113.38);
}

TEST_CASE("metadata.xml errors name the file and the problem", "[geo]") {
  struct Row {
    const char* xml;
    const char* message;
  };
  const Row rows[] = {
      {"<ModelMetadata></ModelMetadata>",
       "geo::readObliqueMetadata(): m.xml: no <SRS> element (expected an EPSG code, WKT or ENU:lat,lon)"},
      {"<ModelMetadata><SRS>ENU:22.5</SRS></ModelMetadata>",
       "geo::readObliqueMetadata(): m.xml: <SRS> 'ENU:22.5': expected ENU:lat,lon"},
      {"<ModelMetadata><SRS>ENU:95,10</SRS></ModelMetadata>",
       "geo::readObliqueMetadata(): m.xml: <SRS> 'ENU:95,10': latitude or longitude out of range"},
      {"<ModelMetadata><SRS>EPSG:4547</SRS><SRSOrigin>1,x,3</SRSOrigin></ModelMetadata>",
       "geo::readObliqueMetadata(): m.xml: <SRSOrigin> '1,x,3': expected x,y,z"},
      {"<ModelMetadata><SRS>EPSG:4547</SRS><SRSOrigin>1,nan,3</SRSOrigin></ModelMetadata>",
       "geo::readObliqueMetadata(): m.xml: <SRSOrigin> '1,nan,3': expected x,y,z"},
      {"<ModelMetadata><SRS>PWOJCS[\"CGCS2000 / 3-degree Gauss-Kruger CM 114E\"]</SRS></ModelMetadata>",
       "geo::readObliqueMetadata(): m.xml: <SRS> 'PWOJCS[\"CGCS2000 / 3-degree Gauss-Kruger...': expected an EPSG "
       "code, WKT, a PROJ string or ENU:lat,lon"},
      {"<ModelMetadata><SRS>EPSG:45x7</SRS></ModelMetadata>",
       "geo::readObliqueMetadata(): m.xml: <SRS> 'EPSG:45x7': expected an EPSG code, WKT, a PROJ string or "
       "ENU:lat,lon"},
      {"<ModelMetadata><SRS>EPSG:4547</SRS></ModelMetadata>",
       "geo::readObliqueMetadata(): m.xml: no <SRSOrigin> (a production in a projected SRS needs it to be placed)"},
      {"<ModelMetadata><SRS>EPSG:4547</SRS><SRSOrigin>500000,2500000,0</SRSOrigin>",
       "geo::readObliqueMetadata(): m.xml: no closing </ModelMetadata> (the file is truncated or not a metadata.xml)"},
  };
  for (const Row& row : rows) {
    const auto meta = parseObliqueMetadata(row.xml, "m.xml");
    REQUIRE_FALSE(meta.ok());
    CHECK(meta.error().message == row.message);
  }
  const auto missing = readObliqueMetadata(twin::test::sourceDir() / "no-such-production");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message.find("metadata.xml") != std::string::npos);

  const auto unknownSrs = parseObliqueMetadata(
      "<ModelMetadata><SRS>EPSG:999999</SRS><SRSOrigin>0,0,0</SRSOrigin></ModelMetadata>", "m.xml");
  REQUIRE(unknownSrs.ok());
  const auto origin = obliqueOriginLonLat(*unknownSrs);
  REQUIRE_FALSE(origin.ok());
  CHECK(origin.error().message.rfind("geo::obliqueOriginLonLat(): m.xml: SRS not understood: ", 0) == 0);
}

TEST_CASE("truncated copies of metadata.xml are errors naming the file", "[geo]") {
  // A production's metadata.xml as ContextCapture writes it; every cut loses the closing tag,
  // and the cuts after </SRS> used to be accepted with the origin at 0,0,0.
  const std::string full =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ModelMetadata version=\"1\">\n"
      "    <!--Spatial Reference System-->\n    <SRS>EPSG:4547</SRS>\n"
      "    <!--Origin in Spatial Reference System-->\n"
      "    <SRSOrigin>501027.524000,2488718.808000,0.000000</SRSOrigin>\n</ModelMetadata>\n";
  REQUIRE(parseObliqueMetadata(full, "m.xml").ok());
  for (std::size_t cut = 0; cut + 1 < full.size(); ++cut) {
    const auto meta = parseObliqueMetadata(full.substr(0, cut), "m.xml");
    INFO("cut at " << cut);
    REQUIRE_FALSE(meta.ok());
    CHECK(meta.error().message.rfind("geo::readObliqueMetadata(): m.xml: ", 0) == 0);
  }

  twin::test::TempDir dir("oblique-metadata");
  { std::ofstream(dir.path() / "metadata.xml", std::ios::binary) << full.substr(0, full.find("<!--Origin")); }
  const auto truncated = readObliqueMetadata(dir.path());
  REQUIRE_FALSE(truncated.ok());
  CHECK(truncated.error().message ==
        "geo::readObliqueMetadata(): metadata.xml: no closing </ModelMetadata> (the file is truncated or not a "
        "metadata.xml)");
}

TEST_CASE("metadata.xml that is not a regular file or too large is refused before reading", "[geo]") {
  twin::test::TempDir dir("oblique-metadata-kind");
  const auto fifo = dir.path() / "metadata.xml";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const auto fromFifo = readObliqueMetadata(dir.path());
  REQUIRE_FALSE(fromFifo.ok());
  CHECK(fromFifo.error().message == "geo::readObliqueMetadata(): " + fifo.string() + ": not a regular file (a FIFO)");
  std::filesystem::remove(fifo);
  {
    std::ofstream out(fifo, std::ios::binary);
    out << "<ModelMetadata>";
    out << std::string(2 * 1024 * 1024, ' ');
    out << "</ModelMetadata>";
  }
  const auto big = readObliqueMetadata(dir.path());
  REQUIRE_FALSE(big.ok());
  CHECK(big.error().message == "geo::readObliqueMetadata(): " + fifo.string() + ": is " +
                                   std::to_string(std::filesystem::file_size(fifo)) +
                                   " bytes, over the limit of 1048576 bytes (1 MiB) for metadata.xml files");
}
