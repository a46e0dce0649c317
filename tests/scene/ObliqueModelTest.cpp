// Oblique-photography productions: small productions written here with OSG (placement against
// PROJ, database paths, bad input), paging through the viewer's DatabasePager in headless EGL
// frames, a multi-tile multi-level production (tests/support), and the real Zhongshan sample
// when the shared data is present.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <set>

#include <osg/Geode>
#include <osg/Geometry>
#include <osg/Image>
#include <osg/MatrixTransform>
#include <osg/PagedLOD>
#include <osg/Program>
#include <osg/Texture2D>
#include <osgDB/DatabasePager>
#include <osgDB/Options>
#include <osgDB/WriteFile>

#include "ObliqueProduction.h"
#include "SceneFixtures.h"
#include "TestPaths.h"
#include "twin/app/HeadlessRenderer.h"
#include "twin/geo/FrameFit.h"
#include "twin/geo/PointConversion.h"
#include "twin/geo/Transform.h"
#include "twin/scene/ObliqueModel.h"
#include "twin/scene/SiteScene.h"

using namespace twin;
namespace fs = std::filesystem;

namespace {

constexpr const char* kTile = "Tile_+000_+000";
constexpr const char* kDetailFile = "Tile_+000_+000_L16_0.osgb";
constexpr const char* kNestedFile = "Tile_+000_+000_nested.osgb";
constexpr const char* kStalePath = "/elsewhere/Production_1/Data/Tile_+000_+000/";
// EPSG:4547 = CGCS2000 / 3-degree Gauss-Kruger CM 114E: x 400000 is about 113.03 E.
constexpr const char* kSrsOrigin = "400000.5,2500000.25,10";

void writeText(const fs::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary);
  out << text;
}

std::string metadataXml(const std::string& srs, const std::string& origin) {
  return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<ModelMetadata version=\"1\">\n  <!--Spatial Reference "
         "System-->\n"
         "  <SRS>" +
         srs + "</SRS>\n  <SRSOrigin>" + origin + "</SRSOrigin>\n</ModelMetadata>\n";
}

// A PagedLOD that never pages (its file child needs a tile of 1e29 pixels), with a stale path.
osg::ref_ptr<osg::PagedLOD> idleLod(float z) {
  osg::ref_ptr<osg::PagedLOD> lod = new osg::PagedLOD;
  lod->setRangeMode(osg::LOD::PIXEL_SIZE_ON_SCREEN);
  lod->setDatabasePath(kStalePath);
  lod->addChild(test::texturedGrid(0, 0, 100, 1, z, test::solidImage(0, 200, 0)), 0, 1e29f);
  lod->setFileName(1, kNestedFile);
  lod->setRange(1, 1e29f, 1e30f);
  return lod;
}

/** A one-tile production: the root PagedLOD (paths stale, as if copied from another machine)
    shows a green quad and pages to a magenta 10 x 10 grid in kDetailFile when the tile is more
    than 40 pixels on screen; the root level and the detail level each hold an idle PagedLOD. */
void writeTile(const fs::path& production, const std::string& tile = kTile) {
  const fs::path folder = production / "Data" / tile;
  fs::create_directories(folder);
  osg::ref_ptr<osg::Group> detail = new osg::Group;
  detail->addChild(test::texturedGrid(0, 0, 100, 10, 5, test::solidImage(255, 0, 255)));
  detail->addChild(idleLod(4));
  test::writeOsgNode(*detail, folder / kDetailFile);

  osg::ref_ptr<osg::Group> coarse = new osg::Group;
  coarse->addChild(test::texturedGrid(0, 0, 100, 1, 5, test::solidImage(0, 255, 0)));
  coarse->addChild(idleLod(4));

  osg::ref_ptr<osg::PagedLOD> root = new osg::PagedLOD;
  root->setRangeMode(osg::LOD::PIXEL_SIZE_ON_SCREEN);
  root->setCenterMode(osg::LOD::USER_DEFINED_CENTER);
  root->setCenter(osg::Vec3(50, 50, 5));
  root->setRadius(71);
  root->setDatabasePath(kStalePath);
  root->addChild(coarse, 0, 40);
  root->setFileName(1, kDetailFile);
  root->setRange(1, 40, 1e30f);
  test::writeOsgNode(*root, folder / (tile + ".osgb"));
}

fs::path writeProduction(const fs::path& production, const std::string& srs, const std::string& origin = kSrsOrigin) {
  fs::create_directories(production);
  writeText(production / "metadata.xml", metadataXml(srs, origin));
  writeTile(production);
  return production;
}

osg::PagedLOD* rootLod(const scene::SceneModel& model, unsigned tile = 0) {
  auto* transform = dynamic_cast<osg::MatrixTransform*>(model.node.get());
  REQUIRE(transform);
  REQUIRE(transform->getNumChildren() == 1);
  osg::Group* content = transform->getChild(0)->asGroup();
  REQUIRE(content);
  REQUIRE(tile < content->getNumChildren());
  return dynamic_cast<osg::PagedLOD*>(content->getChild(tile));
}

const osgDB::Options* databaseOptions(const osg::PagedLOD& lod) {
  return dynamic_cast<const osgDB::Options*>(lod.getDatabaseOptions());
}

osg::Matrixd placement(const scene::SceneModel& model) {
  auto* transform = dynamic_cast<osg::MatrixTransform*>(model.node.get());
  REQUIRE(transform);
  return transform->getMatrix();
}

// Where PROJ puts a point given in EPSG:4547 in `frame`.
osg::Vec3d throughProj(const std::string& crs, const osg::Vec3d& p, const geo::SiteFrame& frame) {
  auto lonLat = geo::convertPoint(crs, "wgs84", {p.x(), p.y(), p.z()});
  REQUIRE(lonLat.ok());
  const core::Vec2 local = frame.toLocal({lonLat->x, lonLat->y});
  return {local.x, local.y, p.z()};
}

std::unique_ptr<app::HeadlessRenderer> makeRenderer(int width, int height) {
  unsetenv("DISPLAY");
  auto renderer = app::HeadlessRenderer::create(width, height);
  INFO((renderer.ok() ? std::string() : renderer.error().message));
  REQUIRE(renderer.ok());
  return std::move(renderer.value());
}

/** Renders until the DatabasePager has had nothing to read or merge for `quietFrames` frames
    (at least `minFrames`); false when it is still busy after `maxFrames`. */
bool renderUntilPagerIdle(app::HeadlessRenderer& renderer, int& frames, int minFrames = 3, int quietFrames = 5,
                          int maxFrames = 3000) {
  osgDB::DatabasePager* pager = renderer.viewer().getDatabasePager();
  REQUIRE(pager);
  int quiet = 0;
  for (frames = 0; frames < maxFrames; ++frames) {
    renderer.renderFrame();
    quiet = pager->getRequestsInProgress() ? 0 : quiet + 1;
    if (frames + 1 >= minFrames && quiet >= quietFrames) {
      ++frames;
      return true;
    }
    OpenThreads::Thread::microSleep(2000);  // the pager reads on its own threads
  }
  return false;
}

struct Pixels {
  std::size_t magenta = 0, green = 0, red = 0, total = 0;
};

Pixels countPixels(const osg::Image& image) {
  Pixels p;
  for (int y = 0; y < image.t(); ++y)
    for (int x = 0; x < image.s(); ++x) {
      const unsigned char* c = image.data(x, y);
      ++p.total;
      if (c[0] > 230 && c[1] < 25 && c[2] > 230) ++p.magenta;
      if (c[0] < 25 && c[1] > 230 && c[2] < 25) ++p.green;
      if (c[0] > 150 && c[1] < 80 && c[2] < 80) ++p.red;
    }
  return p;
}

}  // namespace

TEST_CASE("loadObliqueProduction: placement against PROJ, database paths, root tiles only", "[scene][oblique]") {
  test::TempDir dir("oblique-place");
  const fs::path production = writeProduction(dir.path() / "Production_1", "EPSG:4547");
  auto frame = geo::SiteFrame::create({113.04, 22.6});
  REQUIRE(frame.ok());
  core::Diagnostics diag;
  auto model = scene::loadObliqueProduction(production, std::nullopt, 0, frame.value(), diag);
  INFO((model.ok() ? std::string() : model.error().message));
  REQUIRE(model.ok());
  CHECK(diag.empty());
  CHECK(model->id == "Production_1");
  CHECK(model->format == model::ModelFormat::Osgb);
  CHECK_FALSE(model->loading);
  CHECK(model->frame.origin().lon == 113.04);

  osg::PagedLOD* lod = rootLod(model.value());
  REQUIRE(lod);
  CHECK(lod->getName() == kTile);
  CHECK(lod->getNumChildren() == 1);  // the detail level is left to the pager
  CHECK(lod->getFileName(1) == kDetailFile);
  const std::string tileFolder = (production / "Data" / kTile / "").string();
  CHECK(lod->getDatabasePath() == tileFolder);
  auto* nested = dynamic_cast<osg::PagedLOD*>(lod->getChild(0)->asGroup()->getChild(1));
  REQUIRE(nested);
  CHECK(nested->getDatabasePath() == tileFolder);
  REQUIRE(databaseOptions(*lod));
  CHECK(databaseOptions(*lod)->getReadFileCallback() != nullptr);

  const osg::Matrixd matrix = placement(model.value());
  for (const osg::Vec3d& vertex : {osg::Vec3d(0, 0, 5), osg::Vec3d(100, 100, 5), osg::Vec3d(100, 0, 5)}) {
    const osg::Vec3d placed = vertex * matrix;
    const osg::Vec3d expected = throughProj("EPSG:4547", osg::Vec3d(400000.5, 2500000.25, 10) + vertex, model->frame);
    INFO("vertex " << vertex.x() << ", " << vertex.y());
    CHECK(placed.x() == Approx(expected.x()).margin(0.01));
    CHECK(placed.y() == Approx(expected.y()).margin(0.01));
    CHECK(placed.z() == Approx(expected.z()).margin(0.01));
  }
  // Bounds: the root's sphere (centre 50, 50, 5; radius 71) as a box through the placement.
  const osg::Vec3d centre = osg::Vec3d(50, 50, 5) * matrix;
  CHECK(model->bounds.center().x() == Approx(centre.x()).margin(0.01));
  CHECK(model->bounds.center().y() == Approx(centre.y()).margin(0.01));
  CHECK(model->bounds.zMin() == Approx(15 - 71).margin(0.01));
  CHECK(model->bounds.zMax() == Approx(15 + 71).margin(0.01));
  // 142 m wide, turned by the grids' meridian convergence (about 0.37 degrees here).
  CHECK(model->bounds.xMax() - model->bounds.xMin() == Approx(142).margin(1.5));

  SECTION("height offset raises every z") {
    core::Diagnostics d;
    auto raised = scene::loadObliqueProduction(production, std::nullopt, -3.5, frame.value(), d);
    REQUIRE(raised.ok());
    const osg::Vec3d a = osg::Vec3d(100, 100, 5) * matrix, b = osg::Vec3d(100, 100, 5) * placement(raised.value());
    CHECK(b.z() == Approx(a.z() - 3.5).margin(1e-6));
    CHECK(b.x() == Approx(a.x()).margin(1e-6));
    CHECK(raised->bounds.zMax() == Approx(model->bounds.zMax() - 3.5).margin(1e-6));
  }
  SECTION("metadata.xml itself may be passed; an invalid frame is made at SRSOrigin") {
    core::Diagnostics d;
    auto own = scene::loadObliqueProduction(production / "metadata.xml", std::nullopt, 0, geo::SiteFrame{}, d);
    REQUIRE(own.ok());
    auto originLonLat = geo::convertPoint("EPSG:4547", "wgs84", {400000.5, 2500000.25, 10});
    REQUIRE(originLonLat.ok());
    CHECK(own->frame.valid());
    CHECK(own->frame.origin().lon == Approx(originLonLat->x).margin(1e-9));
    CHECK(own->frame.origin().lat == Approx(originLonLat->y).margin(1e-9));
    const osg::Vec3d origin = osg::Vec3d(0, 0, 0) * placement(own.value());
    CHECK(origin.x() == Approx(0).margin(0.01));
    CHECK(origin.y() == Approx(0).margin(0.01));
    CHECK(origin.z() == Approx(10).margin(0.01));
  }
  SECTION("an SRS override wins over metadata.xml") {
    // The same grid written as a WKT with other parameters (false northing 90, CM 113.37): the
    // production's own parameters, not its authority code, must be used.
    const std::string wkt =
        "PROJCS[\"LOCAL0\",GEOGCS[\"China Geodetic Coordinate System 2000\",DATUM[\"China_2000\","
        "SPHEROID[\"CGCS2000\",6378137,298.257222101]],PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433]],"
        "PROJECTION[\"Transverse_Mercator\"],PARAMETER[\"latitude_of_origin\",0],PARAMETER[\"central_meridian\",113.37]"
        ","
        "PARAMETER[\"scale_factor\",1],PARAMETER[\"false_easting\",500000],PARAMETER[\"false_northing\",90],"
        "UNIT[\"metre\",1],AUTHORITY[\"EPSG\",\"4547\"]]";
    core::Diagnostics d;
    auto overridden = scene::loadObliqueProduction(production, wkt, 0, frame.value(), d);
    INFO((overridden.ok() ? std::string() : overridden.error().message));
    REQUIRE(overridden.ok());
    const osg::Vec3d vertex(100, 100, 5);
    const osg::Vec3d placed = vertex * placement(overridden.value());
    const osg::Vec3d expected = throughProj(wkt, osg::Vec3d(400000.5, 2500000.25, 10) + vertex, frame.value());
    CHECK(placed.x() == Approx(expected.x()).margin(0.01));
    CHECK(placed.y() == Approx(expected.y()).margin(0.01));
    CHECK(std::abs(placed.x() - (vertex * matrix).x()) > 1000);  // really another grid
  }
  SECTION("roots read in parallel or in turn give the same model") {
    writeTile(production, "Tile_+000_+001");
    writeTile(production, "Tile_+001_+000");
    for (unsigned threads : {1u, 3u}) {
      core::Diagnostics d;
      scene::ObliqueLoadOptions options;
      options.readThreads = threads;
      auto three = scene::loadObliqueProduction(production, std::nullopt, 0, frame.value(), d, options);
      REQUIRE(three.ok());
      CHECK(d.empty());
      CHECK(rootLod(three.value(), 0)->getName() == "Tile_+000_+000");
      CHECK(rootLod(three.value(), 1)->getName() == "Tile_+000_+001");
      CHECK(rootLod(three.value(), 2)->getName() == "Tile_+001_+000");
      CHECK(rootLod(three.value(), 2)->getDatabasePath() == (production / "Data" / "Tile_+001_+000" / "").string());
    }
  }
}

TEST_CASE("loadObliqueProduction: ENU metadata", "[scene][oblique]") {
  test::TempDir dir("oblique-enu");
  const fs::path production = writeProduction(dir.path() / "P", "ENU:22.5,113.38", "10,20,0");
  auto frame = geo::SiteFrame::create({113.381, 22.501});
  REQUIRE(frame.ok());
  core::Diagnostics diag;
  auto model = scene::loadObliqueProduction(production, std::nullopt, 0, frame.value(), diag);
  INFO((model.ok() ? std::string() : model.error().message));
  REQUIRE(model.ok());
  CHECK(diag.empty());
  // East-north-up at (113.38 E, 22.5 N) worked out here: ECEF = base + e*east + n*north + u*up.
  constexpr double kRadians = 3.14159265358979323846 / 180;
  const double lon = 113.38 * kRadians, lat = 22.5 * kRadians;
  const osg::Vec3d east(-std::sin(lon), std::cos(lon), 0);
  const osg::Vec3d north(-std::sin(lat) * std::cos(lon), -std::sin(lat) * std::sin(lon), std::cos(lat));
  const osg::Vec3d up(std::cos(lat) * std::cos(lon), std::cos(lat) * std::sin(lon), std::sin(lat));
  const core::Vec3 base = geo::lonLatHeightToEcef({113.38, 22.5}, 0);
  for (const osg::Vec3d& vertex : {osg::Vec3d(0, 0, 5), osg::Vec3d(100, 100, 5)}) {
    const osg::Vec3d enu = vertex + osg::Vec3d(10, 20, 0);
    const osg::Vec3d ecef = osg::Vec3d(base.x, base.y, base.z) + east * enu.x() + north * enu.y() + up * enu.z();
    const core::Vec3 geodetic = geo::ecefToLonLatHeight({ecef.x(), ecef.y(), ecef.z()});
    const core::Vec2 expected = frame->toLocal({geodetic.x, geodetic.y});
    const osg::Vec3d placed = vertex * placement(model.value());
    CHECK(placed.x() == Approx(expected.x).margin(0.01));
    CHECK(placed.y() == Approx(expected.y).margin(0.01));
    CHECK(placed.z() == Approx(geodetic.z).margin(0.01));
  }
  SECTION("own frame at the ENU origin") {
    core::Diagnostics d;
    auto own = scene::loadObliqueProduction(production, std::nullopt, 0, geo::SiteFrame{}, d);
    REQUIRE(own.ok());
    CHECK(own->frame.origin().lon == 113.38);
    CHECK(own->frame.origin().lat == 22.5);
    const osg::Vec3d origin = osg::Vec3d(-10, -20, 0) * placement(own.value());
    CHECK(origin.length() == Approx(0).margin(0.01));
  }
}

TEST_CASE("loadObliqueProduction: errors and skipped tiles", "[scene][oblique]") {
  test::TempDir dir("oblique-bad");
  auto frame = geo::SiteFrame::create({113.04, 22.6});
  REQUIRE(frame.ok());
  core::Diagnostics diag;

  SECTION("missing metadata.xml") {
    const fs::path production = dir.path() / "NoMetadata";
    writeTile(production);
    auto model = scene::loadObliqueProduction(production, std::nullopt, 0, frame.value(), diag);
    REQUIRE_FALSE(model.ok());
    CHECK(model.error().message == "geo::readObliqueMetadata(): " + (production / "metadata.xml").string() +
                                       ": cannot open (a production needs metadata.xml beside Data/)");
  }
  SECTION("an SRS PROJ does not know") {
    const fs::path production = writeProduction(dir.path() / "Unknown", "EPSG:99999");
    const std::string reason = geo::Transform::create("EPSG:99999", "EPSG:4326").error().message;
    for (const geo::SiteFrame& f : {frame.value(), geo::SiteFrame{}}) {
      auto model = scene::loadObliqueProduction(production, std::nullopt, 0, f, diag);
      REQUIRE_FALSE(model.ok());
      CHECK(model.error().message == "scene::loadObliqueProduction(): " + (production / "metadata.xml").string() +
                                         ": SRS not understood: " + reason);
    }
    const fs::path good = writeProduction(dir.path() / "Good", "EPSG:4547");
    auto overridden = scene::loadObliqueProduction(good, std::string("EPSG:99999"), 0, frame.value(), diag);
    REQUIRE_FALSE(overridden.ok());
    CHECK(overridden.error().message ==
          "scene::loadObliqueProduction(): " + (good / "metadata.xml").string() + ": SRS not understood: " + reason);
    auto badEnu = scene::loadObliqueProduction(good, std::string("ENU:22.5"), 0, frame.value(), diag);
    REQUIRE_FALSE(badEnu.ok());
    CHECK(badEnu.error().message == "scene::loadObliqueProduction(): " + (good / "metadata.xml").string() +
                                        ": SRS override: geo::readObliqueMetadata(): metadata.xml: <SRS> 'ENU:22.5': "
                                        "expected ENU:lat,lon");
  }
  SECTION("no Data folder, no tiles") {
    const fs::path production = dir.path() / "Empty";
    fs::create_directories(production);
    writeText(production / "metadata.xml", metadataXml("EPSG:4547", kSrsOrigin));
    auto model = scene::loadObliqueProduction(production, std::nullopt, 0, frame.value(), diag);
    REQUIRE_FALSE(model.ok());
    CHECK(model.error().message == "scene::loadObliqueProduction(): " + (production / "Data").string() +
                                       ": no Data/ folder beside metadata.xml");
    fs::create_directories(production / "Data" / "Tile_+000_+000");
    model = scene::loadObliqueProduction(production, std::nullopt, 0, frame.value(), diag);
    REQUIRE_FALSE(model.ok());
    CHECK(model.error().message ==
          "scene::loadObliqueProduction(): " + (production / "Data").string() + ": no <Tile>/<Tile>.osgb root tiles");
    REQUIRE(diag.items().size() == 1);
    CHECK(core::formatDiagnostic(diag.items()[0]) ==
          "scene::loadObliqueProduction(): Tile_+000_+000: tile folder without its root Tile_+000_+000.osgb; skipped");
  }
  SECTION("a corrupt root is skipped and reported") {
    const fs::path production = writeProduction(dir.path() / "Corrupt", "EPSG:4547");
    fs::create_directories(production / "Data" / "Tile_+000_+001");
    writeText(production / "Data" / "Tile_+000_+001" / "Tile_+000_+001.osgb", std::string(4096, '\x5a') + "garbage");
    auto model = scene::loadObliqueProduction(production, std::nullopt, 0, frame.value(), diag);
    REQUIRE(model.ok());
    CHECK(rootLod(model.value(), 0)->getName() == kTile);
    CHECK(dynamic_cast<osg::MatrixTransform*>(model->node.get())->getChild(0)->asGroup()->getNumChildren() == 1);
    REQUIRE(diag.items().size() == 1);
    const core::Diagnostic d = diag.items()[0];
    CHECK(d.where == "scene::loadObliqueProduction()");
    CHECK(d.file == "Tile_+000_+001.osgb");
    CHECK(d.layer == "Tile_+000_+001");
    CHECK(d.message == "not an OSG binary scene (no .osgb header)");
    CHECK(d.action == "skipped");

    SECTION("only corrupt roots: an error") {
      fs::remove_all(production / "Data" / kTile);
      core::Diagnostics only;
      auto none = scene::loadObliqueProduction(production, std::nullopt, 0, frame.value(), only);
      REQUIRE_FALSE(none.ok());
      CHECK(none.error().message == "scene::loadObliqueProduction(): " + (production / "Data").string() +
                                        ": none of the 1 root tiles could be read");
      CHECK(only.items().size() == 1);
    }
  }
  SECTION("truncated copies of a root never crash: each is read or skipped and reported") {
    const fs::path production = writeProduction(dir.path() / "Truncated", "EPSG:4547");
    const fs::path root = production / "Data" / kTile / (std::string(kTile) + ".osgb");
    std::ifstream in(root, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    REQUIRE(bytes.size() > 1000);
    std::size_t loaded = 0, skipped = 0;
    for (std::size_t length = 0; length < bytes.size(); length += 1 + bytes.size() / 97) {
      writeText(root, bytes.substr(0, length));
      core::Diagnostics d;
      auto model = scene::loadObliqueProduction(production, std::nullopt, 0, frame.value(), d);
      if (model.ok()) {
        ++loaded;
      } else {
        ++skipped;
        REQUIRE(d.items().size() == 1);
        const std::string message = d.items()[0].message;
        CHECK((message == "the file ends inside an object (truncated)" ||
               message == "not an OSG binary scene (no .osgb header)"));
      }
    }
    INFO("loaded " << loaded << " skipped " << skipped);
    CHECK(skipped > 90);  // every copy but the whole file (the loop may reach it) is cut inside an object
  }
}

TEST_CASE("loadObliqueProduction: the pager loads detail near the camera, not far away", "[scene][oblique][render]") {
  test::TempDir dir("oblique-paging");
  const fs::path production = writeProduction(dir.path() / "Production_1", "EPSG:4547");
  auto frame = geo::SiteFrame::create({113.04, 22.6});
  REQUIRE(frame.ok());
  core::Diagnostics diag;
  auto model = scene::loadObliqueProduction(production, std::nullopt, 0, frame.value(), diag);
  REQUIRE(model.ok());
  osg::PagedLOD* lod = rootLod(model.value());
  REQUIRE(lod);

  // An ancestor that paints everything red with a GLSL program and lighting, both OVERRIDE:
  // the model must still be drawn fixed-function with its own textures.
  osg::ref_ptr<osg::Group> root = new osg::Group;
  osg::ref_ptr<osg::Program> red = new osg::Program;
  red->addShader(new osg::Shader(osg::Shader::VERTEX, "void main() { gl_Position = ftransform(); }"));
  red->addShader(new osg::Shader(osg::Shader::FRAGMENT, "void main() { gl_FragColor = vec4(1.0, 0.0, 0.0, 1.0); }"));
  root->getOrCreateStateSet()->setAttributeAndModes(red, osg::StateAttribute::ON | osg::StateAttribute::OVERRIDE);
  root->getOrCreateStateSet()->setMode(GL_LIGHTING, osg::StateAttribute::ON | osg::StateAttribute::OVERRIDE);
  root->addChild(model->node);

  auto renderer = makeRenderer(320, 240);
  osgViewer::Viewer& viewer = renderer->viewer();
  viewer.getCamera()->setClearColor(osg::Vec4(0, 0, 0, 1));
  viewer.setSceneData(root);
  const osg::Vec3d centre = model->bounds.center();

  SECTION("far away: only the root level, nothing requested") {
    viewer.getCamera()->setViewMatrixAsLookAt(centre + osg::Vec3d(0, 0, 60000), centre, osg::Vec3d(0, 1, 0));
    for (int i = 0; i < 20; ++i) renderer->renderFrame();
    CHECK(lod->getNumChildren() == 1);
    CHECK(viewer.getDatabasePager()->getFileRequestListSize() == 0);
    CHECK_FALSE(viewer.getDatabasePager()->getRequestsInProgress());
  }
  SECTION("close up: the detail level is paged in and drawn with its texture") {
    viewer.getCamera()->setViewMatrixAsLookAt(centre + osg::Vec3d(0, 0, 150), centre, osg::Vec3d(0, 1, 0));
    renderer->renderFrame();
    const Pixels coarse = countPixels(*renderer->capture());
    CHECK(coarse.green > coarse.total / 2);  // the root level, textured, before the pager delivers
    int frames = 0;
    REQUIRE(renderUntilPagerIdle(*renderer, frames));
    INFO("frames " << frames);
    REQUIRE(lod->getNumChildren() == 2);
    // The paged-in level's own PagedLOD was set up by the loader's reader, as the root's was.
    osg::Group* detailLevel = lod->getChild(1)->asGroup();
    REQUIRE(detailLevel);
    REQUIRE(detailLevel->getNumChildren() == 2);
    auto* pagedNested = dynamic_cast<osg::PagedLOD*>(detailLevel->getChild(1));
    REQUIRE(pagedNested);
    CHECK(pagedNested->getDatabasePath() == (production / "Data" / kTile / "").string());
    REQUIRE(databaseOptions(*pagedNested));
    CHECK(databaseOptions(*pagedNested)->getReadFileCallback() == databaseOptions(*lod)->getReadFileCallback());
    renderer->renderFrame();
    const Pixels detail = countPixels(*renderer->capture());
    CHECK(detail.magenta > detail.total / 2);
    CHECK(detail.green == 0);
    CHECK(detail.red == 0);
  }
  SECTION("a truncated detail file: not loaded, the coarse level stays, nothing crashes") {
    const fs::path detailFile = production / "Data" / kTile / kDetailFile;
    std::ifstream in(detailFile, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    in.close();
    writeText(detailFile, bytes.substr(0, bytes.size() * 2 / 3));
    viewer.getCamera()->setViewMatrixAsLookAt(centre + osg::Vec3d(0, 0, 150), centre, osg::Vec3d(0, 1, 0));
    for (int i = 0; i < 60; ++i) {
      renderer->renderFrame();
      OpenThreads::Thread::microSleep(2000);
    }
    CHECK(lod->getNumChildren() == 1);
    const Pixels coarse = countPixels(*renderer->capture());
    CHECK(coarse.green > coarse.total / 2);
    CHECK(coarse.magenta == 0);
  }
  SECTION("beside a SiteScene: neither disturbs the other's colours") {
    // In its own frame the model's quad spans local 0..100 at z 15; moved 120 m west it lies
    // beside the hand-made site's red building 0 (0..20, 10 m high).
    core::Diagnostics d;
    auto own = scene::loadObliqueProduction(production, std::nullopt, 0, geo::SiteFrame{}, d);
    REQUIRE(own.ok());
    scene::SceneOptions options;
    options.theme = test::vividTheme();
    auto built = scene::SiteScene::build(test::handMadeSite(), options, d);
    REQUIRE(built.ok());
    osg::ref_ptr<osg::MatrixTransform> moved = new osg::MatrixTransform(osg::Matrixd::translate(-120, 0, 0));
    moved->addChild(own->node);
    osg::ref_ptr<osg::Group> both = new osg::Group;
    both->addChild(built.value()->root());
    both->addChild(moved);
    viewer.setSceneData(both);
    viewer.getCamera()->setViewMatrixAsLookAt(osg::Vec3d(-10, 50, 400), osg::Vec3d(-10, 50, 0), osg::Vec3d(0, 1, 0));
    int frames = 0;
    REQUIRE(renderUntilPagerIdle(*renderer, frames));
    renderer->renderFrame();
    const Pixels mixed = countPixels(*renderer->capture());
    INFO("magenta " << mixed.magenta << " green " << mixed.green << " red " << mixed.red << " of " << mixed.total);
    CHECK(mixed.magenta > mixed.total / 10);  // the paged detail level (about 16% of the view), textured
    CHECK(mixed.red > 100);                   // building 0, drawn by the scene's own program
  }
}

TEST_CASE("loadObliqueProduction: a production of 3 x 2 tiles and three levels", "[scene][oblique]") {
  test::TempDir dir("oblique-levels");
  test::ObliqueProductionOptions options;
  options.tilesX = 3;
  options.tilesY = 2;
  const test::ObliqueProductionFacts facts = test::writeObliqueProduction(dir.path() / "Production_2", options);
  REQUIRE(facts.tiles == 6);
  const fs::path& production = facts.folder;
  core::Diagnostics diag;
  auto model = scene::loadObliqueProduction(production, std::nullopt, 0, geo::SiteFrame{}, diag);
  INFO((model.ok() ? std::string() : model.error().message));
  REQUIRE(model.ok());
  CHECK(diag.empty());
  CHECK(model->id == "Production_2");
  auto* transform = dynamic_cast<osg::MatrixTransform*>(model->node.get());
  REQUIRE(transform);
  osg::Group* content = transform->getChild(0)->asGroup();
  REQUIRE(content->getNumChildren() == 6);
  std::set<std::string> names;
  for (unsigned i = 0; i < 6; ++i) {
    auto* lod = dynamic_cast<osg::PagedLOD*>(content->getChild(i));
    REQUIRE(lod);
    names.insert(lod->getName());
    CHECK(lod->getRangeMode() == osg::LOD::PIXEL_SIZE_ON_SCREEN);
    CHECK(lod->getNumChildren() == 1);
    CHECK(lod->getDatabasePath() == (production / "Data" / lod->getName() / "").string());
  }
  CHECK(names == std::set<std::string>{"Tile_+000_+000", "Tile_+001_+000", "Tile_+002_+000", "Tile_+000_+001",
                                       "Tile_+001_+001", "Tile_+002_+001"});
  // The tiles cover local x 0-300, y 0-200 from SRSOrigin; the bounds are the root spheres
  // (radius 71 m round each tile's centre), turned by the grid convergence (about 0.4 degrees
  // at 113 E in a zone of CM 114 E).
  const osg::BoundingBoxd& b = model->bounds;
  CHECK(b.xMax() - b.xMin() == Approx(342).margin(4));
  CHECK(b.yMax() - b.yMin() == Approx(242).margin(4));
  auto expected = geo::convertPoint("EPSG:4547", "wgs84", {400000.5 + 150, 2500000.25 + 100, 10});
  REQUIRE(expected.ok());
  const core::LonLat centre = model->frame.toLonLat({b.center().x(), b.center().y()});
  CHECK(centre.lon == Approx(expected->x).margin(2e-5));
  CHECK(centre.lat == Approx(expected->y).margin(2e-5));

  SECTION("every .osgb of the production, every level, reads through the loader's reader") {
    test::TempDir links("oblique-levels-all");
    fs::copy_file(production / "metadata.xml", links.path() / "metadata.xml");
    std::size_t files = 0;
    for (const auto& entry : fs::recursive_directory_iterator(production / "Data")) {
      if (entry.path().extension() != ".osgb") continue;
      const std::string name = entry.path().stem().string();
      fs::create_directories(links.path() / "Data" / name);
      fs::create_symlink(entry.path(), links.path() / "Data" / name / (name + ".osgb"));
      ++files;
    }
    CHECK(files == facts.files);
    CHECK(files == 6 * (1 + 1 + 4));
    core::Diagnostics all;
    auto levels = scene::loadObliqueProduction(links.path(), std::nullopt, 0, model->frame, all);
    REQUIRE(levels.ok());
    CHECK(all.empty());
    CHECK(dynamic_cast<osg::MatrixTransform*>(levels->node.get())->getChild(0)->asGroup()->getNumChildren() == files);
  }
  SECTION("paged down to the finest level close up, through the level in between") {
    auto renderer = makeRenderer(320, 240);
    osgViewer::Viewer& viewer = renderer->viewer();
    viewer.getCamera()->setClearColor(osg::Vec4(0, 0, 0, 1));
    viewer.setSceneData(model->node);
    const osg::Vec3d c = b.center();
    viewer.getCamera()->setViewMatrixAsLookAt(c + osg::Vec3d(0, 0, 150), c, osg::Vec3d(0, 1, 0));
    int frames = 0;
    REQUIRE(renderUntilPagerIdle(*renderer, frames));
    INFO("frames " << frames);
    // Every tile under the camera went root -> L15 (four quarter PagedLODs) -> L16.
    std::size_t l15 = 0, l16 = 0;
    for (unsigned i = 0; i < 6; ++i) {
      auto* lod = static_cast<osg::PagedLOD*>(content->getChild(i));
      if (lod->getNumChildren() < 2) continue;
      ++l15;
      osg::Group* level = lod->getChild(1)->asGroup();
      REQUIRE(level);
      REQUIRE(level->getNumChildren() == 4);
      for (unsigned q = 0; q < 4; ++q) {
        auto* quarter = dynamic_cast<osg::PagedLOD*>(level->getChild(q));
        REQUIRE(quarter);
        CHECK(quarter->getDatabasePath() == (production / "Data" / lod->getName() / "").string());
        if (quarter->getNumChildren() == 2) ++l16;
      }
    }
    CHECK(l15 >= 2);  // the two tiles either side of the centre at least
    CHECK(l16 >= 4);
    renderer->renderFrame();
    const Pixels detail = countPixels(*renderer->capture());
    INFO("magenta " << detail.magenta << " green " << detail.green << " of " << detail.total);
    CHECK(detail.magenta > detail.total / 4);  // L16, textured magenta, fills the view's middle
    CHECK(detail.red == 0);
  }
}

TEST_CASE("loadObliqueProduction: the real Zhongshan production", "[scene][oblique][slow]") {
  const fs::path production = test::requireSharedData("osgb-oblique-zhongshan") / "Production_5";
  core::Diagnostics diag;
  auto model = scene::loadObliqueProduction(production, std::nullopt, 0, geo::SiteFrame{}, diag);
  INFO((model.ok() ? std::string() : model.error().message));
  REQUIRE(model.ok());
  CHECK(diag.empty());
  auto* transform = dynamic_cast<osg::MatrixTransform*>(model->node.get());
  REQUIRE(transform);
  osg::Group* content = transform->getChild(0)->asGroup();
  REQUIRE(content->getNumChildren() == 6);
  for (unsigned i = 0; i < 6; ++i) {
    auto* lod = dynamic_cast<osg::PagedLOD*>(content->getChild(i));
    REQUIRE(lod);
    const std::string name = "Tile_+000_+01" + std::to_string(2 + i);
    CHECK(lod->getName() == name);
    CHECK(lod->getRangeMode() == osg::LOD::PIXEL_SIZE_ON_SCREEN);
    CHECK(lod->getNumChildren() == 1);
    CHECK(lod->getDatabasePath() == (production / "Data" / name / "").string());
  }
  // SOURCE.md: SRSOrigin is lon 113.379986 E, lat 22.495137 N; the tiles cover local x 0-100,
  // y 1200-1800 (root spheres of radius 73-76 m centred at x 50).
  CHECK(model->frame.origin().lon == Approx(113.379986).margin(1e-6));
  CHECK(model->frame.origin().lat == Approx(22.495137).margin(1e-6));
  const osg::BoundingBoxd& b = model->bounds;
  CHECK(b.xMin() > -30);
  CHECK(b.xMin() < -20);
  CHECK(b.xMax() > 120);
  CHECK(b.xMax() < 130);
  CHECK(b.yMin() > 1170);
  CHECK(b.yMin() < 1180);
  CHECK(b.yMax() > 1820);
  CHECK(b.yMax() < 1830);
  const core::LonLat centre = model->frame.toLonLat({b.center().x(), b.center().y()});
  CHECK(centre.lon == Approx((113.37999 + 113.38096) / 2).margin(1e-4));
  CHECK(centre.lat == Approx((22.50597 + 22.51139) / 2).margin(1e-4));

  SECTION("every .osgb of the production, every level, reads through the loader's reader") {
    // Each of the 66 files linked (not copied) as the root of a tile of its own.
    test::TempDir dir("oblique-all-levels");
    fs::copy_file(production / "metadata.xml", dir.path() / "metadata.xml");
    std::size_t files = 0;
    for (const auto& entry : fs::recursive_directory_iterator(production / "Data")) {
      if (entry.path().extension() != ".osgb") continue;
      const std::string name = entry.path().stem().string();
      fs::create_directories(dir.path() / "Data" / name);
      fs::create_symlink(entry.path(), dir.path() / "Data" / name / (name + ".osgb"));
      ++files;
    }
    CHECK(files == 66);
    core::Diagnostics all;
    auto levels = scene::loadObliqueProduction(dir.path(), std::nullopt, 0, model->frame, all);
    REQUIRE(levels.ok());
    CHECK(all.empty());
    CHECK(dynamic_cast<osg::MatrixTransform*>(levels->node.get())->getChild(0)->asGroup()->getNumChildren() == 66);
  }
  SECTION("paged to full detail close up, textured") {
    auto renderer = makeRenderer(320, 240);
    osgViewer::Viewer& viewer = renderer->viewer();
    viewer.getCamera()->setClearColor(osg::Vec4(0, 0, 0, 1));
    viewer.setSceneData(model->node);
    const osg::Vec3d c = b.center();
    viewer.getCamera()->setViewMatrixAsLookAt(c + osg::Vec3d(0, -500, 500), c, osg::Vec3d(0, 0, 1));
    int frames = 0;
    // The real production pages through many more files than the test's own: under ASan the
    // pager needs more than the default 3000 frames to go idle (about 100 s there).
    REQUIRE(renderUntilPagerIdle(*renderer, frames, 3, 5, 30000));
    std::size_t paged = 0;
    for (unsigned i = 0; i < 6; ++i)
      if (static_cast<osg::Group*>(content->getChild(i))->getNumChildren() > 1) ++paged;
    CHECK(paged == 6);
    renderer->renderFrame();
    osg::ref_ptr<osg::Image> image = renderer->capture();
    std::set<unsigned> colours;
    std::size_t black = 0, white = 0, textured = 0;
    for (int y = 0; y < image->t(); ++y)
      for (int x = 0; x < image->s(); ++x) {
        const unsigned char* p = image->data(x, y);
        colours.insert(unsigned(p[0]) << 16 | unsigned(p[1]) << 8 | p[2]);
        if (p[0] + p[1] + p[2] < 15) ++black;
        if (p[0] > 245 && p[1] > 245 && p[2] > 245) ++white;
        if (p[0] + p[1] + p[2] >= 15) ++textured;
      }
    INFO("distinct " << colours.size() << " black " << black << " white " << white);
    CHECK(textured > std::size_t(320 * 240) / 10);  // the strip (about a fifth of this view) is drawn,
    CHECK(colours.size() > 2000);                   // with its photo textures, not flat shading,
    CHECK(white < textured / 20);                   // neither white (untextured, unlit)
    CHECK(black > std::size_t(320 * 240) / 2);      // nor black (the clear colour is around it)
  }
}
