// The shared before/after split view (scene::SplitView): its second camera, what it draws and
// the divider's columns, inspected without a window; then one headless frame whose two halves
// show two differently coloured copies of a site.
#include <catch2/catch.hpp>

#include "SceneFixtures.h"
#include "twin/app/HeadlessRenderer.h"
#include "twin/scene/SiteScene.h"
#include "twin/scene/SplitView.h"

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

bool hasChild(const osg::Group& group, const osg::Node* child) {
  for (unsigned i = 0; i < group.getNumChildren(); ++i)
    if (group.getChild(i) == child) return true;
  return false;
}

}  // namespace

TEST_CASE("SplitView: a second camera right of the divider draws the right side's content", "[scene]") {
  model::Site site = test::handMadeSite();
  auto main = buildScene(site);
  auto right = buildScene(site);
  osg::ref_ptr<scene::SplitView> split = new scene::SplitView;
  main->root()->addChild(split->root());
  CHECK(split->root()->getName() == "twin.split");
  CHECK_FALSE(split->enabled());
  CHECK(split->camera() == nullptr);
  split->setDivider(300, 1000, 500);  // kept for when the split goes on
  CHECK(split->scissor().width == 0);
  split->enable(nullptr);  // nothing to draw: stays off
  CHECK_FALSE(split->enabled());

  split->enable(right->root());
  REQUIRE(split->enabled());
  const osg::Camera* camera = split->camera();
  REQUIRE(camera);
  CHECK(camera->getRenderOrder() == osg::Camera::POST_RENDER);
  CHECK(camera->getReferenceFrame() == osg::Transform::RELATIVE_RF);
  CHECK(camera->getClearMask() == GLbitfield(GL_DEPTH_BUFFER_BIT));
  CHECK((camera->getCullMask() & scene::SplitView::kLeftOnlyMask) == 0);
  CHECK((camera->getCullMask() & scene::SplitView::kCameraMask) == 0);
  CHECK((camera->getInheritanceMask() & osg::CullSettings::CULL_MASK) == 0);
  CHECK((camera->getInheritanceMask() & osg::CullSettings::CLEAR_MASK) == 0);
  REQUIRE(camera->getNumChildren() == 2);
  CHECK(camera->getChild(0) == right->root());
  CHECK(camera->getChild(1) == split->rightGroup());
  // The divider set before: columns [300, 1000).
  auto box = split->scissor();
  CHECK(box.x == 300);
  CHECK(box.width == 700);
  CHECK(box.height == 500);
  split->setDivider(-20, 1000, 500);
  CHECK(split->scissor().x == 0);
  CHECK(split->scissor().width == 1000);

  // Other content swaps in; the main scene's root (a cycle) is safe for bounds and GL calls.
  split->enable(main->root());
  REQUIRE(split->camera()->getNumChildren() == 2);
  CHECK(split->camera()->getChild(0) == main->root());
  CHECK(main->root()->getBound().valid());
  main->root()->resizeGLObjectBuffers(2);
  main->root()->setThreadSafeRefUnref(true);
  main->root()->releaseGLObjects(nullptr);

  split->disable();
  CHECK_FALSE(split->enabled());
  CHECK(split->scissor().width == 0);
  CHECK_FALSE(hasChild(*split->root(), camera));
}

TEST_CASE("SplitView: one headless frame shows the left scene's colours left and the right one's right",
          "[scene][render]") {
  model::Site site = test::handMadeSite();
  auto main = buildScene(site);
  auto right = buildScene(site);
  // Every building red on the left, green on the right (the vivid theme's ground is blue).
  main->setBuildingColors(std::vector<model::Color>(site.buildings.size(), model::Color{0.9f, 0.05f, 0.05f, 1}));
  right->setBuildingColors(std::vector<model::Color>(site.buildings.size(), model::Color{0.05f, 0.9f, 0.05f, 1}));
  osg::ref_ptr<scene::SplitView> split = new scene::SplitView;
  main->root()->addChild(split->root());
  split->enable(right->root());
  const int width = 400, height = 300;
  split->setDivider(width / 2, width, height);

  auto renderer = app::HeadlessRenderer::create(width, height);
  INFO((renderer.ok() ? std::string() : renderer.error().message));
  REQUIRE(renderer.ok());
  osgViewer::Viewer& viewer = (*renderer)->viewer();
  viewer.setSceneData(main->root());
  // Straight down on the middle of the site, north up: building 0 (x 0..20 m) lies in the left
  // half of the image, building 1 (x 300..330 m) in the right half.
  viewer.getCamera()->setViewMatrixAsLookAt(osg::Vec3d(165, 10, 400), osg::Vec3d(165, 10, 0), osg::Vec3d(0, 1, 0));
  viewer.getCamera()->setProjectionMatrixAsPerspective(50.0, double(width) / height, 1.0, 5000.0);
  viewer.getCamera()->setComputeNearFarMode(osg::CullSettings::DO_NOT_COMPUTE_NEAR_FAR);
  (*renderer)->renderFrame();
  const osg::ref_ptr<osg::Image> image = (*renderer)->capture();
  REQUIRE(image);
  const osg::Image& frame = *image;
  std::size_t redLeft = 0, greenLeft = 0, redRight = 0, greenRight = 0;
  for (int y = 0; y < frame.t(); ++y)
    for (int x = 0; x < frame.s(); ++x) {
      const unsigned char* px = frame.data(x, y);
      const bool red = px[0] > px[2] + 40 && px[0] > px[1] + 40;
      const bool green = px[1] > px[0] + 40 && px[1] > px[2] + 40;
      (x < width / 2 ? redLeft : redRight) += red;
      (x < width / 2 ? greenLeft : greenRight) += green;
    }
  INFO("red " << redLeft << " | " << redRight << ", green " << greenLeft << " | " << greenRight);
  CHECK(redLeft > 100);
  CHECK(greenRight > 100);
  CHECK(redRight < redLeft / 20 + 5);
  CHECK(greenLeft < greenRight / 20 + 5);
}
