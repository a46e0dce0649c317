#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include <nlohmann/json.hpp>
#include <osg/Group>
#include <osgGA/GUIEventAdapter>
#include <osgViewer/View>

#include "twin/app/PlanningView.h"
#include "CliRunner.h"
#include "TestPaths.h"
#include "twin/analysis/ScenarioAlgebra.h"
#include "twin/app/HeadlessRenderer.h"
#include "twin/app/SceneLoading.h"
#include "twin/app/TwinViewer.h"
#include "twin/ui/Style.h"
#include "twin/ui/SunlightPanel.h"
#include "twin/scene/PlanningLayer.h"
#include "twin/scene/SiteScene.h"
#include "twin/scene/SplitView.h"

using namespace twin;

namespace {

// A copy of a scene file in `dir` with its layer sources made absolute, so saving scenarios never
// touches the repository's scenes.
std::filesystem::path copyScene(const std::string& name, const std::filesystem::path& dir) {
  const std::filesystem::path source = test::scenesDir() / name;
  std::ifstream in(source);
  nlohmann::ordered_json j = nlohmann::ordered_json::parse(in);
  for (auto& layer : j["layers"])
    layer["source"] =
        std::filesystem::weakly_canonical(source.parent_path() / layer["source"].get<std::string>()).string();
  const std::filesystem::path out = dir / name;
  std::ofstream(out) << j.dump(2);
  return out;
}

app::LoadedScene load(const std::filesystem::path& file) {
  auto loaded = app::loadScene(file.string());
  INFO((loaded.ok() ? std::string() : loaded.error().message));
  REQUIRE(loaded.ok());
  return std::move(loaded).value();
}

std::size_t categoryIndex(const model::FacilityConfig& config, const std::string& id) {
  for (std::size_t i = 0; i < config.categories.size(); ++i)
    if (config.categories[i].id == id) return i;
  FAIL("no category " << id);
  return 0;
}

// A camera `height` m above `p` looking straight down, north up, 800 x 600 pixels.
osg::ref_ptr<osgViewer::View> viewAbove(core::Vec2 p, double height = 400) {
  osg::ref_ptr<osgViewer::View> view = new osgViewer::View;
  osg::Camera* camera = view->getCamera();
  camera->setViewport(0, 0, 800, 600);
  camera->setProjectionMatrixAsPerspective(45.0, 800.0 / 600.0, 1.0, 5000.0);
  camera->setViewMatrixAsLookAt(osg::Vec3d(p.x, p.y, height), osg::Vec3d(p.x, p.y, 0), osg::Vec3d(0, 1, 0));
  view->setSceneData(new osg::Group);
  return view;
}

osg::ref_ptr<osgGA::GUIEventAdapter> mouse(osgGA::GUIEventAdapter::EventType type, float x, float y) {
  osg::ref_ptr<osgGA::GUIEventAdapter> e = new osgGA::GUIEventAdapter;
  e->setEventType(type);
  e->setX(x);
  e->setY(y);
  e->setButton(osgGA::GUIEventAdapter::LEFT_MOUSE_BUTTON);
  return e;
}

void requireSameCoverage(const analysis::CoverageModel& a, const analysis::CoverageModel& b) {
  REQUIRE(a.buildings().size() == b.buildings().size());
  for (std::size_t i = 0; i < a.buildings().size(); ++i) {
    REQUIRE(a.buildings()[i].minutes == b.buildings()[i].minutes);
    REQUIRE(a.buildings()[i].levelsMet == b.buildings()[i].levelsMet);
  }
  REQUIRE(a.facilities().size() == b.facilities().size());
}

// A residential building on the network whose `category` is farther than `minutes`.
const analysis::BuildingCoverage* uncovered(const analysis::CoverageModel& model, std::size_t category,
                                            double minutes) {
  for (const analysis::BuildingCoverage& row : model.buildings())
    if (row.anchor.onNetwork && !(row.minutes[category] <= minutes)) return &row;
  return nullptr;
}

}  // namespace

TEST_CASE("planning: scenarios applied to coverage on the Beijing scene, and twin coverage --scenario", "[app][slow]") {
  test::TempDir dir("app-planning-scenario");
  const auto file = copyScene("beijing-liudaokou.json", dir.path());
  const app::LoadedScene scene = load(file);
  auto created = app::PlanningView::create(scene, nullptr, {});
  INFO((created.ok() ? std::string() : created.error().message));
  REQUIRE(created.ok());
  app::PlanningView& view = **created;
  const model::FacilityConfig& config = view.config();
  const std::size_t clinic = categoryIndex(config, "health_station");
  const analysis::BuildingCoverage* far = uncovered(view.baseline(), clinic, 5);
  REQUIRE(far);
  const core::Vec2 at = far->anchor.at.point;
  const std::size_t before = view.baseline().summary().categories[clinic].buildingsCovered;

  // A clinic next to the uncovered building covers it, so the category's count rises.
  model::Scenario s;
  s.name = "clinic";
  s.added.push_back({"health_station", "规划卫生站", scene.site->frame.toLonLat(at)});
  analysis::CoverageModel working = view.baseline();
  core::Diagnostics diag;
  CHECK(analysis::applyScenario(working, s, scene.site->frame, diag) == 1);
  CHECK(diag.total() == 0);
  const std::size_t after = working.summary().categories[clinic].buildingsCovered;
  CHECK(after > before);
  CHECK(working.buildings()[std::size_t(far - view.baseline().buildings().data())].minutes[clinic] <= 5);

  // Removing it again restores the baseline exactly.
  working.removeFacility(working.facilities().size() - 1);
  requireSameCoverage(working, view.baseline());

  // The scenario that reproduces an edited model is found by diffing.
  model::Scenario diffed = analysis::scenarioFromModels(view.baseline(), view.baseline(), scene.site->frame, "none");
  CHECK(diffed.added.empty());
  CHECK(diffed.moved.empty());
  CHECK(diffed.removed.empty());

  // Unknown keys and categories are skipped and reported.
  model::Scenario bad;
  bad.name = "bad";
  bad.removed = {"node/1"};
  bad.moved = {{"node/2", {116.35, 40.0}}};
  bad.added = {{"no_such_category", "", {116.35, 40.0}}};
  core::Diagnostics badDiag;
  analysis::CoverageModel untouched = view.baseline();
  CHECK(analysis::applyScenario(untouched, bad, scene.site->frame, badDiag) == 0);
  REQUIRE(badDiag.total() == 3);
  CHECK(badDiag.items()[0].message == "facility 'node/1' not in the site");
  CHECK(badDiag.items()[2].message == "unknown facility category 'no_such_category'");
  requireSameCoverage(untouched, view.baseline());

  // The CLI: the scenario's coverage and the before/after summary.
  REQUIRE(model::saveScenario(file, s).ok());
  const std::string csv = (dir.path() / "cov.csv").string();
  test::CliResult r = test::runTwin({"coverage", file.string(), "--scenario", "clinic", "-o", csv});
  INFO(r.err);
  REQUIRE(r.code == app::kExitOk);
  CHECK(r.out.find("scenario 'clinic': 1 of 1 changes applied") != std::string::npos);
  CHECK(r.out.find("before/after (buildings covered):") != std::string::npos);
  CHECK(r.out.find("health_station     facilities ") != std::string::npos);
  CHECK(std::filesystem::file_size(csv) > 100);

  r = test::runTwin({"coverage", file.string(), "--scenario", "nope", "-o", csv});
  CHECK(r.code == app::kExitUsage);
  CHECK(r.err.find("twin coverage: unknown scenario 'nope' in beijing-liudaokou.json; known: clinic") !=
        std::string::npos);
}

TEST_CASE("planning: clicks, edits, undo and saved scenarios in the planning view", "[app][slow]") {
  test::TempDir dir("app-planning-view");
  const auto file = copyScene("beijing-liudaokou.json", dir.path());
  const app::LoadedScene scene = load(file);
  auto created = app::PlanningView::create(scene, nullptr, {});
  REQUIRE(created.ok());
  app::PlanningView& view = **created;
  CHECK(view.buildMs() > 0);
  // The scene node holds the overlay and the split view (its second camera only while split).
  REQUIRE(view.sceneNode()->asGroup());
  CHECK(view.sceneNode()->asGroup()->containsNode(view.layer().root()));
  CHECK(view.sceneNode()->asGroup()->containsNode(view.splitView().root()));
  CHECK(view.buildingColours().empty());  // by use until asked
  CHECK_FALSE(view.panelView().comparing);

  SECTION("a click in isochrone mode drapes bands that contain the point") {
    const core::Vec2 p = view.graph().position(0);
    osg::ref_ptr<osgViewer::View> camera = viewAbove(p);
    CHECK_FALSE(view.pick(*camera, 400, 300));  // inspect mode: not taken
    view.setMode(ui::PlanningMode::Isochrone);
    REQUIRE(view.pick(*camera, 400, 300));
    REQUIRE(view.layer().hasIsochrone());
    REQUIRE(view.layer().bands().size() == 3);
    CHECK(view.layer().bands()[0].minutes == 5);
    for (std::size_t b = 0; b < 3; ++b) {
      INFO("band " << b);
      CHECK(view.layer().bandTriangles(b) > 0);
      CHECK(view.layer().bandCovers(b, p));
    }
    CHECK(view.lastUpdateMs() > 0);
    // Off the network: an error, the previous bands stay.
    CHECK_FALSE(view.isochroneAt({p.x + 50000, p.y}).ok());
    CHECK(view.layer().hasIsochrone());
  }

  SECTION("adding a clinic changes coverage and the panel shows before/after; undo restores") {
    const std::size_t clinic = categoryIndex(view.config(), "health_station");
    const analysis::BuildingCoverage* far = uncovered(view.baseline(), clinic, 5);
    REQUIRE(far);
    view.setMode(ui::PlanningMode::AddFacility);
    view.setAddCategory(clinic);
    osg::ref_ptr<osgViewer::View> camera = viewAbove(far->anchor.at.point);
    REQUIRE(view.pick(*camera, 400, 300));
    CHECK(view.edits() == 1);
    CHECK(view.working().facilities().size() == view.baseline().facilities().size() + 1);
    const ui::CoveragePanelView panel = view.panelView();
    CHECK(panel.comparing);
    CHECK(panel.figures.categories[clinic].facilities.delta() == 1);
    CHECK(panel.figures.categories[clinic].buildingsCovered.delta() > 0);
    const std::size_t planned = std::count_if(view.layer().markers().begin(), view.layer().markers().end(),
                                              [](const scene::PlanningMarker& m) { return m.hypothetical; });
    CHECK(planned == 1);

    // Colour by the clinic category: the building next to the new clinic is green.
    view.setColourBy(ui::ColourBy{int(clinic), 0});
    REQUIRE(view.buildingColours().size() == scene.site->buildings.size());
    const model::Color c = view.buildingColours()[far->building];
    CHECK(c.a == 1);
    CHECK(c.g > c.r);
    // Buildings the coverage does not score are greyed, not left in their use colour.
    std::size_t greyed = 0;
    for (std::size_t b = 0; b < scene.site->buildings.size(); ++b) {
      if (scene.site->buildings[b].use == model::BuildingUse::Residential) continue;
      const model::Color other = view.buildingColours()[b];
      CHECK(other.a == 1);
      CHECK(other.r == ui::unscoredGrey().r);
      CHECK(other.b == ui::unscoredGrey().b);
      ++greyed;
    }
    CHECK(greyed > 0);
    // The legend: coverage minutes with the grey, and the facility markers with the planned one.
    ui::FrameView frame;
    frame.language = ui::Language::En;
    view.contribute(frame);
    REQUIRE(frame.legend.size() == 2);
    CHECK(frame.legend[0].entries.back().label == "Not residential");
    CHECK(frame.legend[1].title == "Facilities");
    CHECK(frame.legend[1].entries.back().label == "Planned facility");

    REQUIRE(view.undo());
    CHECK_FALSE(view.undo());
    requireSameCoverage(view.working(), view.baseline());
    CHECK_FALSE(view.panelView().comparing);
  }

  SECTION("dragging an existing facility moves it; save and reload the scenario") {
    const model::Facility first = view.working().facilities().front();
    osg::ref_ptr<osgViewer::View> camera = viewAbove(first.position);
    view.setMode(ui::PlanningMode::MoveFacility);
    REQUIRE(view.handleMouse(*mouse(osgGA::GUIEventAdapter::PUSH, 400, 300), *camera));
    CHECK(view.layer().dragMarkerShown());
    CHECK(view.handleMouse(*mouse(osgGA::GUIEventAdapter::DRAG, 440, 300), *camera));
    CHECK(view.handleMouse(*mouse(osgGA::GUIEventAdapter::RELEASE, 480, 300), *camera));
    CHECK_FALSE(view.layer().dragMarkerShown());
    CHECK(view.edits() == 1);
    const model::Facility moved = view.working().facilities().front();
    CHECK(moved.osmId == first.osmId);
    CHECK(moved.position.x > first.position.x + 30);  // 80 px at 400 m: ~44 m east
    CHECK(moved.position.y == Approx(first.position.y).margin(1));
    // A press away from every marker is left to the camera.
    CHECK_FALSE(view.handleMouse(*mouse(osgGA::GUIEventAdapter::PUSH, 10, 10), *camera));

    REQUIRE(view.saveScenario("moved").ok());
    auto saved = model::loadScenarios(file);
    REQUIRE(saved.ok());
    REQUIRE(saved->size() == 1);
    CHECK((*saved)[0].name == "moved");
    REQUIRE((*saved)[0].moved.size() == 1);
    CHECK((*saved)[0].moved[0].facility == model::facilityKey(first));
    CHECK(view.panelView().savedScenarios == std::vector<std::string>{"moved"});

    // A fresh view comparing that scenario has the same coverage as the edited one.
    app::PlanningViewOptions options;
    options.compareScenario = "moved";
    auto again = app::PlanningView::create(scene, nullptr, options);
    REQUIRE(again.ok());
    requireSameCoverage((*again)->working(), view.working());
    CHECK((*again)->panelView().comparingWhat == "moved");

    options.compareScenario = "nope";
    auto unknown = app::PlanningView::create(scene, nullptr, options);
    REQUIRE_FALSE(unknown.ok());
    CHECK(unknown.error().message == "twin: unknown scenario 'nope' in " + file.string() + "; known: moved");

    view.reset();
    CHECK(view.edits() == 0);
    requireSameCoverage(view.working(), view.baseline());
  }
}

TEST_CASE("planning: snapshot with the isochrone overlay and coverage colours", "[app][slow]") {
  unsetenv("DISPLAY");
  test::TempDir dir("app-planning-snapshot");
  const app::LoadedScene scene = load(test::scenesDir() / "beijing-liudaokou.json");
  scene::SceneOptions sceneOptions;
  core::Diagnostics diag;
  auto built = scene::SiteScene::build(*scene.site, sceneOptions, diag);
  REQUIRE(built.ok());
  osg::ref_ptr<scene::SiteScene> siteScene = built.value();
  auto created = app::PlanningView::create(scene, siteScene.get(), {});
  REQUIRE(created.ok());
  app::PlanningView& view = **created;

  auto renderer = app::HeadlessRenderer::create(800, 600);
  INFO((renderer.ok() ? std::string() : renderer.error().message));
  REQUIRE(renderer.ok());
  osgViewer::Viewer& viewer = (*renderer)->viewer();
  osg::ref_ptr<osg::Group> root = new osg::Group;
  root->addChild(siteScene->root());
  root->addChild(view.sceneNode());
  viewer.setSceneData(root.get());
  const core::Vec2 p = view.graph().position(view.graph().nodeCount() / 2);
  viewer.getCamera()->setViewMatrixAsLookAt(osg::Vec3d(p.x, p.y - 900, 900), osg::Vec3d(p.x, p.y, 0),
                                            osg::Vec3d(0, 0, 1));
  viewer.getCamera()->setProjectionMatrixAsPerspective(45.0, 800.0 / 600.0, 10.0, 20000.0);
  viewer.getCamera()->setComputeNearFarMode(osg::CullSettings::DO_NOT_COMPUTE_NEAR_FAR);

  auto greenish = [](const osg::Image& image) {
    std::size_t n = 0;
    for (int y = 0; y < image.t(); ++y)
      for (int x = 0; x < image.s(); ++x) {
        const unsigned char* px = image.data(x, y);
        if (px[1] > px[0] + 30 && px[1] > px[2] + 30) ++n;
      }
    return n;
  };
  auto redish = [](const osg::Image& image) {
    std::size_t n = 0;
    for (int y = 0; y < image.t(); ++y)
      for (int x = 0; x < image.s(); ++x) {
        const unsigned char* px = image.data(x, y);
        if (px[0] > 150 && px[0] > px[1] + 80 && px[0] > px[2] + 80) ++n;
      }
    return n;
  };
  auto changed = [](const osg::Image& a, const osg::Image& b) {
    std::size_t n = 0;
    for (int y = 0; y < a.t(); ++y)
      for (int x = 0; x < a.s(); ++x) {
        const unsigned char *p = a.data(x, y), *q = b.data(x, y);
        if (std::abs(p[0] - q[0]) + std::abs(p[1] - q[1]) + std::abs(p[2] - q[2]) > 30) ++n;
      }
    return n;
  };
  auto frame = [&]() {
    (*renderer)->renderFrame();
    (*renderer)->renderFrame();
    return (*renderer)->capture();
  };
  osg::ref_ptr<osg::Image> bare = frame();

  // The draped bands change a large part of the ground around the point.
  REQUIRE(view.isochroneAt(p).ok());
  osg::ref_ptr<osg::Image> bands = frame();
  const std::size_t bandPixels = changed(*bare, *bands);
  INFO("pixels changed by the bands: " << bandPixels);
  CHECK(bandPixels > 20000);

  // Buildings coloured by the walk to a grocery: green (<= 5 min) and red (> 15 min) appear.
  const std::size_t grocery = categoryIndex(view.config(), "grocery");
  view.setColourBy(ui::ColourBy{int(grocery), 0});
  CHECK(siteScene->buildingColorsActive());
  osg::ref_ptr<osg::Image> planned = frame();
  REQUIRE(app::writePng(*planned, (dir.path() / "planning.png").string()).ok());
  if (const char* keep = std::getenv("TWIN_KEEP_SNAPSHOTS"); keep && *keep)
    app::writePng(*planned, std::string(keep) + "/planning-beijing.png");
  const std::size_t greenBefore = greenish(*bands), greenAfter = greenish(*planned);
  const std::size_t redBefore = redish(*bands), redAfter = redish(*planned);
  INFO("green pixels " << greenBefore << " -> " << greenAfter << ", red " << redBefore << " -> " << redAfter);
  CHECK(greenAfter + redAfter > greenBefore + redBefore + 1000);
  CHECK(changed(*bands, *planned) > 2000);

  // Back to colouring by use.
  view.setColourBy(ui::ColourBy{});
  CHECK_FALSE(siteScene->buildingColorsActive());
}

TEST_CASE("planning: the view as a viewer extension draws the coverage panel and the overlay", "[app][slow]") {
  unsetenv("DISPLAY");
  test::TempDir dir("app-planning-viewer");
  auto render = [&](bool planning, bool panels) {
    app::ViewerOptions options;
    options.language = "en";
    options.panels = panels;
    options.mode = ui::UiMode::Engineering;  // the coverage window is an engineering window
    auto viewer = app::TwinViewer::create(load(test::scenesDir() / "beijing-liudaokou.json"), options);
    REQUIRE(viewer.ok());
    if (planning) {
      app::PlanningViewOptions planningOptions;
      planningOptions.isochroneFrom = core::LonLat{116.3519, 40.0033};
      auto extension = app::makePlanningView((*viewer)->scene(), nullptr, planningOptions);
      INFO((extension.ok() ? std::string() : extension.error().message));
      REQUIRE(extension.ok());
      CHECK_FALSE((*extension)->fontTexts().empty());
      (*viewer)->addExtension(*extension);
    }
    auto image = (*viewer)->renderImage(1280, 720);
    REQUIRE(image.ok());
    return image.value();
  };
  // Share of the coverage window's area (right side, below the statistics window) that differs
  // between a render with panels and one without: only the coverage window is drawn there.
  auto panelShare = [](const osg::Image& a, const osg::Image& b) {
    std::size_t hits = 0, all = 0;
    for (int y = 320; y < 620; ++y)
      for (int x = 780; x < 1250; ++x, ++all) {
        const unsigned char *p = a.data(x, a.t() - 1 - y), *q = b.data(x, b.t() - 1 - y);
        if (std::abs(p[0] - q[0]) + std::abs(p[1] - q[1]) + std::abs(p[2] - q[2]) > 24) ++hits;
      }
    return double(hits) / double(all);
  };
  osg::ref_ptr<osg::Image> planning = render(true, true), planningBare = render(true, false);
  osg::ref_ptr<osg::Image> plain = render(false, true), plainBare = render(false, false);
  REQUIRE(app::writePng(*planning, (dir.path() / "viewer.png").string()).ok());
  if (const char* keep = std::getenv("TWIN_KEEP_SNAPSHOTS"); keep && *keep)
    app::writePng(*planning, std::string(keep) + "/planning-viewer.png");
  const double withPanel = panelShare(*planning, *planningBare), withoutPanel = panelShare(*plain, *plainBare);
  INFO("share of the panel area drawn by panels: " << withoutPanel << " without planning, " << withPanel << " with");
  CHECK(withPanel > 0.3);
  CHECK(withoutPanel < 0.15);  // labels only (drawn through ImGui too)
  // The draped bands change the scene itself.
  CHECK(panelShare(*planningBare, *plainBare) > 0.05);
}

TEST_CASE("planning: the coverage table exported as CSV from the panel's command", "[app][slow]") {
  test::TempDir dir("app-planning-export");
  const auto file = copyScene("beijing-liudaokou.json", dir.path());
  const app::LoadedScene scene = load(file);
  auto created = app::PlanningView::create(scene, nullptr, {});
  REQUIRE(created.ok());
  app::PlanningView& view = **created;
  const auto path = dir.path() / "table.csv";
  auto rows = view.exportCoverageTable(path);
  INFO((rows.ok() ? std::string() : rows.error().message));
  REQUIRE(rows.ok());
  CHECK(*rows == view.working().buildings().size());
  std::ifstream in(path);
  std::string header, line;
  REQUIRE(std::getline(in, header));
  CHECK(header.find("osm_id") != std::string::npos);
  CHECK(header.find("level_15") != std::string::npos);
  CHECK(header.find("residents") != std::string::npos);
  std::size_t lines = 0;
  while (std::getline(in, line)) lines += !line.empty();
  CHECK(lines == *rows);
  // The status line names the file.
  const ui::CoveragePanelView panel = view.panelView();
  CHECK(panel.status.empty());  // the path is formatted in the panel's language when drawn

  SECTION("a folder that does not exist") {
    const auto missing = dir.path() / "no-such-folder" / "table.csv";
    auto failed = view.exportCoverageTable(missing);
    REQUIRE_FALSE(failed.ok());
    CHECK(failed.error().message == "geo::writeVectorLayer(): " + missing.string() + ": folder " +
                                        (dir.path() / "no-such-folder").string() + " does not exist");
  }
}

TEST_CASE("planning: the split view colours each side by its own scenario's coverage", "[app][slow]") {
  const app::LoadedScene scene = load(test::scenesDir() / "hangzhou-qianjiang.json");
  scene::SceneOptions sceneOptions;
  sceneOptions.theme = scene.config.themes.at(scene.config.theme);
  core::Diagnostics diag;
  auto built = scene::SiteScene::build(*scene.site, sceneOptions, diag);
  REQUIRE(built.ok());
  osg::ref_ptr<scene::SiteScene> siteScene = built.value();

  SECTION("errors name the scenario and what is known") {
    auto noScene = app::PlanningView::create(scene, nullptr, {});
    REQUIRE(noScene.ok());
    auto refused = (*noScene)->setSplit("", "proposal-health-station");
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().message == "app::PlanningView::setSplit(): no scene to split");
    app::PlanningViewOptions options;
    options.split = true;
    options.compareScenario = "proposal-health-station";
    options.splitLeft = "nope";
    auto created = app::PlanningView::create(scene, siteScene.get(), options);
    REQUIRE_FALSE(created.ok());
    CHECK(created.error().message == "twin: unknown scenario 'nope' in " + scene.config.file.string() +
                                         "; known: existing, proposal-health-station, example-proposal, "
                                         "tower-on-construction-site");
  }

  SECTION("left the existing state, right the planned health station") {
    auto created = app::PlanningView::create(scene, siteScene.get(), {});
    REQUIRE(created.ok());
    app::PlanningView& view = **created;
    const std::size_t clinic = categoryIndex(view.config(), "health_station");
    ui::ColourBy byClinic;
    byClinic.category = int(clinic);
    view.setColourBy(byClinic);
    CHECK_FALSE(view.splitActive());
    CHECK(view.rightScene() == nullptr);
    REQUIRE(view.setSplit("existing", "proposal-health-station").ok());
    REQUIRE(view.splitActive());

    // The two sides' models: the left is the existing state, the right has the planned station.
    const analysis::CoverageModel* left = view.splitModel(false);
    const analysis::CoverageModel* right = view.splitModel(true);
    REQUIRE(left);
    REQUIRE(right);
    requireSameCoverage(*left, view.baseline());
    CHECK(right->facilities().size() == view.baseline().facilities().size() + 1);

    // Colours: the main scene (drawn left of the divider) by the left model, the right scene by
    // the right model; the planned station brings some homes nearer, so some colours differ.
    const std::size_t n = scene.site->buildings.size();
    const auto wantLeft = app::coverageColours(*left, n, byClinic);
    const auto wantRight = app::coverageColours(*right, n, byClinic);
    REQUIRE(view.buildingColours().size() == n);
    REQUIRE(view.rightBuildingColours().size() == n);
    std::size_t differ = 0;
    for (std::size_t b = 0; b < n; ++b) {
      CHECK(view.buildingColours()[b].r == wantLeft[b].r);
      CHECK(view.buildingColours()[b].g == wantLeft[b].g);
      CHECK(view.rightBuildingColours()[b].r == wantRight[b].r);
      CHECK(view.rightBuildingColours()[b].g == wantRight[b].g);
      differ += wantLeft[b].r != wantRight[b].r || wantLeft[b].g != wantRight[b].g;
    }
    CHECK(differ > 0);
    CHECK(siteScene->buildingColorsActive());
    REQUIRE(view.rightScene());
    CHECK(view.rightScene()->buildingColorsActive());

    // The scene graph: the split's second camera draws the right scene and the right markers.
    const osg::Camera* camera = view.splitView().camera();
    REQUIRE(camera);
    REQUIRE(camera->getNumChildren() == 2);
    CHECK(camera->getChild(0) == view.rightScene()->root());
    REQUIRE(view.rightLayer());
    CHECK(view.splitView().rightGroup()->containsNode(view.rightLayer()->root()));
    std::size_t plannedLeft = 0, plannedRight = 0;
    for (const scene::PlanningMarker& m : view.layer().markers()) plannedLeft += m.hypothetical;
    for (const scene::PlanningMarker& m : view.rightLayer()->markers()) plannedRight += m.hypothetical;
    CHECK(plannedLeft == 0);
    CHECK(plannedRight == 1);
    const ui::CoveragePanelView panel = view.panelView();
    CHECK(panel.split);
    CHECK(panel.splitLeft.empty());
    CHECK(panel.splitRight == "proposal-health-station");

    // The right side keeps the main scene's layers and sun.
    siteScene->setLayerVisible(scene::Layer::Roads, false);
    view.update(0);
    CHECK_FALSE(view.rightScene()->layerVisible(scene::Layer::Roads));
    siteScene->setSun(osg::Vec3d(0.5, -0.5, 0.7071), true);
    view.update(0);
    CHECK(view.rightScene()->shadowsActive());

    // Swapped sides swap the colours; off again, the main scene shows the working state.
    REQUIRE(view.setSplit("proposal-health-station", "").ok());
    for (std::size_t b = 0; b < n; ++b) {
      CHECK(view.buildingColours()[b].g == wantRight[b].g);
      CHECK(view.rightBuildingColours()[b].g == wantLeft[b].g);
    }
    view.clearSplit();
    CHECK_FALSE(view.splitActive());
    CHECK(view.splitView().camera() == nullptr);
    for (const scene::PlanningMarker& m : view.layer().markers()) CHECK_FALSE(m.hypothetical);
  }
}

TEST_CASE("planning: --swipe with a coverage colouring needs --scenario; --swipe-left needs --swipe", "[app]") {
  const std::string scene = (test::scenesDir() / "hangzhou-qianjiang.json").string();
  test::CliResult r = test::runTwin({"snapshot", scene, "-o", "/nonexistent/x.png", "--colour-by", "15", "--swipe"});
  CHECK(r.code == 2);
  CHECK(r.err.find("twin snapshot: --swipe with --colour-by 15 needs --scenario NAME (the right side)") !=
        std::string::npos);
  r = test::runTwin({"snapshot", scene, "-o", "/nonexistent/x.png", "--swipe-left", "existing"});
  CHECK(r.code == 2);
  CHECK(r.err.find("twin snapshot: --swipe-left NAME goes with --swipe, --scenario and a coverage --colour-by") !=
        std::string::npos);
}
