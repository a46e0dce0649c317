// Sun shadows (SiteScene::setSun) and the sunlight overlay (SunlightLayer): nodes inspected without
// a window, shadows judged on a headless frame by brightness, never exact pixels.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>

#include <osg/Geode>

#include "SceneFixtures.h"
#include "twin/app/HeadlessRenderer.h"
#include "twin/scene/PlanningLayer.h"
#include "twin/scene/SiteScene.h"
#include "twin/scene/SunlightLayer.h"

using namespace twin;

namespace {

osg::ref_ptr<scene::SiteScene> buildScene(const model::Site& site) {
  scene::SceneOptions options;
  options.theme = test::vividTheme();
  core::Diagnostics diag;
  auto built = scene::SiteScene::build(site, options, diag);
  REQUIRE(built.ok());
  return built.value();
}

// Mean brightness (0-255) of a 5 x 5 pixel patch around where the ground point `p` is drawn.
double groundBrightness(const osg::Image& image, const osg::Camera& camera, core::Vec2 p) {
  const osg::Matrixd toWindow =
      camera.getViewMatrix() * camera.getProjectionMatrix() * camera.getViewport()->computeWindowMatrix();
  const osg::Vec3d w = osg::Vec3d(p.x, p.y, 0) * toWindow;
  double sum = 0;
  int n = 0;
  for (int dy = -2; dy <= 2; ++dy)
    for (int dx = -2; dx <= 2; ++dx) {
      const int x = int(w.x()) + dx, y = int(w.y()) + dy;
      if (x < 0 || y < 0 || x >= image.s() || y >= image.t()) continue;
      const unsigned char* px = image.data(x, y);
      sum += (px[0] + px[1] + px[2]) / 3.0;
      ++n;
    }
  REQUIRE(n > 0);
  return sum / n;
}

}  // namespace

TEST_CASE("SunlightLayer: one quad per wall mark in the wall's plane, bad marks skipped", "[scene]") {
  osg::ref_ptr<scene::SunlightLayer> layer = new scene::SunlightLayer;
  CHECK(layer->root()->getName() == "twin.sunlight");
  CHECK(layer->markGeometry() == nullptr);
  scene::WallMark south;
  south.position = {10, -0.1};
  south.normal = {0, -1};
  south.z = 3.9;
  south.colour = osg::Vec4(0.25f, 0.72f, 0.32f, 1);
  scene::WallMark lost = south;
  lost.position = {-0.1, 10};
  lost.normal = {-1, 0};
  lost.emphasised = true;
  lost.colour = osg::Vec4(1, 0.16f, 0.85f, 1);
  scene::WallMark bad = south;
  bad.z = std::nan("");
  scene::WallMark noNormal = south;
  noNormal.normal = {0, 0};
  layer->setMarks({south, bad, lost, noNormal});
  CHECK(layer->markCount() == 2);
  CHECK(layer->skippedMarks() == 2);
  const osg::Geometry* g = layer->markGeometry();
  REQUIRE(g);
  const auto* v = dynamic_cast<const osg::Vec3Array*>(g->getVertexArray());
  const auto* c = dynamic_cast<const osg::Vec4Array*>(g->getColorArray());
  REQUIRE(v);
  REQUIRE(c);
  REQUIRE(v->size() == 8);
  REQUIRE(c->size() == 8);
  // The south wall's mark: in the plane y = -0.25 (0.15 m in front of the sample), 1.6 m wide
  // along x around x = 10, from the sill up 1.2 m.
  for (int k = 0; k < 4; ++k) CHECK((*v)[k].y() == Approx(-0.25));
  CHECK((*v)[0].x() == Approx(9.2));
  CHECK((*v)[1].x() == Approx(10.8));
  CHECK((*v)[0].z() == Approx(3.9));
  CHECK((*v)[2].z() == Approx(5.1));
  CHECK((*c)[0] == south.colour);
  // The emphasised mark: on the west wall, 1.6 times larger around the same centre.
  for (int k = 4; k < 8; ++k) CHECK((*v)[k].x() == Approx(-0.25));
  CHECK(std::abs((*v)[5].y() - (*v)[4].y()) == Approx(1.6 * 1.6));
  CHECK(((*v)[6].z() + (*v)[4].z()) / 2 == Approx(3.9 + 0.6));
  CHECK((*c)[4] == lost.colour);
  layer->setMarks({});
  CHECK(layer->markCount() == 0);
  CHECK(layer->markGeometry() == nullptr);

  SECTION("proposed volumes") {
    scene::ProposedVolume tower{{test::squareRing(0, -60, 30), {}}, 0, 100};
    scene::ProposedVolume flat{{test::squareRing(0, 0, 10), {}}, 0, 0};
    scene::ProposedVolume line{{{{0, 0}, {1, 1}, {2, 2}}, {}}, 0, 10};
    layer->setProposed({tower, flat, line});
    CHECK(layer->proposedCount() == 1);
    layer->setProposed({});
    CHECK(layer->proposedCount() == 0);
  }
}

TEST_CASE("SiteScene::setSun: a depth-map camera for shadows, darker ground behind a building", "[scene][render]") {
  model::Site site = test::handMadeSite();
  auto s = buildScene(site);
  CHECK(s->shadowCamera() == nullptr);
  CHECK_FALSE(s->shadowsActive());
  // A low sun in the east (tan(altitude) = 0.5): building 0 (20 m square at the origin, 10 m
  // tall) throws a 20 m shadow westwards, over x in [-20, 0].
  osg::Vec3d east(1, 0, 0.5);
  east.normalize();
  s->setSun(east, true);
  CHECK(s->shadowsActive());
  osg::Camera* depth = s->shadowCamera();
  REQUIRE(depth);
  CHECK(depth->getRenderOrder() == osg::Camera::PRE_RENDER);
  CHECK(depth->getNumChildren() == 2);  // buildings and ground
  CHECK(depth->getLODScale() < 0.01f);  // the near level (walls), though the sun's eye is far away

  unsetenv("DISPLAY");
  auto renderer = app::HeadlessRenderer::create(480, 480);
  INFO((renderer.ok() ? std::string() : renderer.error().message));
  REQUIRE(renderer.ok());
  osgViewer::Viewer& viewer = (*renderer)->viewer();
  viewer.setSceneData(s->root());
  osg::Camera& camera = *viewer.getCamera();
  camera.setProjectionMatrixAsPerspective(40, 1, 10, 2000);
  viewer.getCamera()->setViewMatrixAsLookAt(osg::Vec3d(10, 10, 220), osg::Vec3d(10, 10, 0), osg::Vec3d(0, 1, 0));
  (*renderer)->renderFrame();
  osg::ref_ptr<osg::Image> shadowed = (*renderer)->capture();
  const double westShadowed = groundBrightness(*shadowed, camera, {-8, 10});
  const double eastShadowed = groundBrightness(*shadowed, camera, {40, 10});

  s->setSun(east, false);  // the same light, no shadows
  CHECK_FALSE(s->shadowsActive());
  (*renderer)->renderFrame();
  osg::ref_ptr<osg::Image> plain = (*renderer)->capture();
  const double westPlain = groundBrightness(*plain, camera, {-8, 10});
  const double eastPlain = groundBrightness(*plain, camera, {40, 10});
  INFO("west " << westShadowed << " vs " << westPlain << ", east " << eastShadowed << " vs " << eastPlain);
  CHECK(westShadowed < westPlain * 0.85);              // in the building's shadow
  CHECK(eastShadowed == Approx(eastPlain).margin(3));  // in the sun either way

  SECTION("picking ignores the depth pass") {
    s->setSun(east, true);
    const osg::Matrixd toWindow =
        camera.getViewMatrix() * camera.getProjectionMatrix() * camera.getViewport()->computeWindowMatrix();
    const osg::Vec3d ground = osg::Vec3d(-8, 10, 0) * toWindow, roof = osg::Vec3d(10, 10, 10) * toWindow;
    CHECK_FALSE(s->pickBuilding(viewer, float(ground.x()), float(ground.y())).has_value());
    const auto hit = s->pickBuilding(viewer, float(roof.x()), float(roof.y()));
    REQUIRE(hit.has_value());
    CHECK(*hit == 0);
  }
  SECTION("a sun below the horizon casts no shadows") {
    s->setSun(osg::Vec3d(1, 0, -0.2), true);
    CHECK_FALSE(s->shadowsActive());
    s->resetSun();
    CHECK_FALSE(s->shadowsActive());
  }
}

TEST_CASE("SunlightLayer swipe: a second camera scissored right of the line draws the proposal's state", "[scene]") {
  model::Site site = test::handMadeSite();
  auto s = buildScene(site);
  osg::ref_ptr<scene::SunlightLayer> layer = new scene::SunlightLayer;
  s->root()->addChild(layer->root());
  scene::WallMark mark;
  mark.position = {10, -0.1};
  mark.normal = {0, -1};
  mark.z = 1;
  mark.colour = osg::Vec4(0.25f, 0.72f, 0.32f, 1);
  layer->setMarks({mark});
  layer->setProposed({scene::ProposedVolume{{test::squareRing(0, -60, 30), {}}, 0, 100}});
  CHECK_FALSE(layer->swipeEnabled());
  CHECK(layer->swipeCamera() == nullptr);
  layer->setSwipeLine(10, 100, 100);  // no split: nothing to move
  CHECK(layer->swipeScissor().width == 0);

  layer->enableSwipe(s->root());
  REQUIRE(layer->swipeEnabled());
  const osg::Camera* camera = layer->swipeCamera();
  REQUIRE(camera);
  CHECK(camera->getRenderOrder() == osg::Camera::POST_RENDER);
  CHECK(camera->getReferenceFrame() == osg::Transform::RELATIVE_RF);
  CHECK(camera->getClearMask() == GLbitfield(GL_DEPTH_BUFFER_BIT));
  // Its cull mask leaves out the left side's content and itself.
  CHECK((camera->getCullMask() & scene::SunlightLayer::kBeforeMask) == 0);
  CHECK((camera->getCullMask() & scene::SunlightLayer::kSwipeCameraMask) == 0);
  CHECK((camera->getInheritanceMask() & osg::CullSettings::CULL_MASK) == 0);
  CHECK((camera->getInheritanceMask() & osg::CullSettings::CLEAR_MASK) == 0);  // else the left side is cleared
  // It draws the whole site and the split's right-only group, holding the layer's right side
  // (the proposal and its marks).
  REQUIRE(camera->getNumChildren() == 2);
  CHECK(camera->getChild(0) == s->root());
  const osg::Group* right = camera->getChild(1)->asGroup();
  REQUIRE(right);
  CHECK(right == layer->split().rightGroup());
  REQUIRE(right->getNumChildren() == 1);
  const osg::Group* after = right->getChild(0)->asGroup();
  REQUIRE(after);
  CHECK(after->getName() == "twin.sunlight.after");
  bool proposalRight = false, proposalLeft = false;
  for (unsigned i = 0; i < after->getNumChildren(); ++i)
    proposalRight = proposalRight || after->getChild(i)->getName() == "twin.sunlight.proposed";
  for (unsigned i = 0; i < layer->root()->getNumChildren(); ++i) {
    const osg::Node* child = layer->root()->getChild(i);
    proposalLeft = proposalLeft || child->getName() == "twin.sunlight.proposed";
    if (child->getName() == "twin.sunlight.marks") CHECK(child->getNodeMask() == scene::SunlightLayer::kBeforeMask);
  }
  CHECK(proposalRight);
  CHECK_FALSE(proposalLeft);
  layer->setAfterMarks({mark, mark});
  CHECK(layer->afterMarkCount() == 2);

  // The two viewports: the main camera everywhere, the second one right of the line.
  layer->setSwipeLine(800, 1920, 1080);
  auto box = layer->swipeScissor();
  CHECK(box.x == 800);
  CHECK(box.y == 0);
  CHECK(box.width == 1120);
  CHECK(box.height == 1080);
  layer->setSwipeLine(5000, 1920, 1080);  // clamped to the right edge: an empty right part
  CHECK(layer->swipeScissor().x == 1920);
  CHECK(layer->swipeScissor().width == 0);

  // Bounds and picking never enter the second camera (it draws the root it hangs under).
  CHECK(s->root()->getBound().valid());
  // Nor the calls that walk children directly (a cycle would overflow the stack).
  s->root()->resizeGLObjectBuffers(2);
  s->root()->setThreadSafeRefUnref(true);
  s->root()->releaseGLObjects(nullptr);

  layer->disableSwipe();
  CHECK_FALSE(layer->swipeEnabled());
  bool back = false;
  for (unsigned i = 0; i < layer->root()->getNumChildren(); ++i) {
    back = back || layer->root()->getChild(i)->getName() == "twin.sunlight.proposed";
    if (layer->root()->getChild(i)->getName() == "twin.sunlight.marks")
      CHECK(layer->root()->getChild(i)->getNodeMask() == ~0u);
  }
  CHECK(back);
}

TEST_CASE("PlanningLayer: planned markers' screen positions for their labels, from the last frame", "[scene][render]") {
  osg::ref_ptr<scene::PlanningLayer> layer = new scene::PlanningLayer;
  scene::PlanningMarker existing, planned;
  existing.position = {-50, 0};
  planned.position = {0, 0};
  planned.hypothetical = true;
  layer->setMarkers({existing, planned});
  CHECK(layer->plannedScreenPositions().empty());  // not drawn yet
  unsetenv("DISPLAY");
  auto renderer = app::HeadlessRenderer::create(400, 300);
  REQUIRE(renderer.ok());
  osgViewer::Viewer& viewer = (*renderer)->viewer();
  osg::ref_ptr<osg::Group> root = new osg::Group;
  root->addChild(layer->root());
  viewer.setSceneData(root);
  viewer.getCamera()->setProjectionMatrixAsPerspective(40, 400.0 / 300.0, 1, 2000);
  // Looking straight down at (0, 0), north up: the planned marker lands in the middle.
  viewer.getCamera()->setViewMatrixAsLookAt(osg::Vec3d(0, 0, 300), osg::Vec3d(0, 0, 0), osg::Vec3d(0, 1, 0));
  (*renderer)->renderFrame();
  const auto at = layer->plannedScreenPositions();
  REQUIRE(at.size() == 1);
  CHECK(at[0].x() == Approx(200).margin(1));
  CHECK(at[0].y() == Approx(150).margin(1));
  // Behind the eye: no label.
  viewer.getCamera()->setViewMatrixAsLookAt(osg::Vec3d(0, -10, 5), osg::Vec3d(0, -100, 5), osg::Vec3d(0, 0, 1));
  (*renderer)->renderFrame();
  CHECK(layer->plannedScreenPositions().empty());
}
