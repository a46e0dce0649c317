// loadSceneModel(): one entry point over the four model loaders; pickModel(): the feature under
// the mouse among the scene's models.
#include <osgUtil/LineSegmentIntersector>

#include "twin/scene/CityModelNode.h"
#include "twin/scene/Gltf.h"
#include "twin/scene/ObliqueModel.h"
#include "twin/scene/SceneModel.h"
#include "twin/scene/Tileset.h"

namespace twin::scene {
namespace {

std::string formatVec(const osg::Vec3d& p) {
  char text[96];
  std::snprintf(text, sizeof text, "%.2f, %.2f, %.2f", p.x(), p.y(), p.z());
  return text;
}

}  // namespace

core::Result<SceneModel> loadSceneModel(const model::ModelSource& source, const geo::SiteFrame& frame,
                                        core::Diagnostics& diag) {
  core::Result<SceneModel> loaded = core::fail("scene::loadSceneModel(): unknown model format");
  switch (source.format) {
    case model::ModelFormat::Osgb:
      loaded = loadObliqueProduction(source.source, source.crs, source.heightOffsetMeters, frame, diag);
      break;
    case model::ModelFormat::Gltf:
      loaded = loadGltfModel(source.source, source.placement ? &*source.placement : nullptr, source.heightOffsetMeters,
                             frame, diag);
      break;
    case model::ModelFormat::Tiles3d: {
      std::filesystem::path file = source.source;
      if (std::filesystem::is_directory(file)) file /= "tileset.json";
      loaded = loadTileset(file, source.maximumScreenSpaceError, source.heightOffsetMeters, frame, diag);
      break;
    }
    case model::ModelFormat::CityJson:
      loaded = loadCityModel(source.source, source.crs, source.heightOffsetMeters, frame, diag);
      break;
  }
  if (!loaded) return core::fail("scene::loadSceneModel(): model '" + source.id + "': " + loaded.error().message);
  SceneModel model = std::move(loaded).value();
  model.id = source.id;
  model.format = source.format;
  if (!source.attribution.empty()) model.attributions.push_back(source.attribution);
  // The loaders' nodes are wrapped so that every model is one child named by its id: picking
  // finds the model from the node path, and visibility is one node mask.
  osg::ref_ptr<osg::Group> wrapper = new osg::Group;
  wrapper->setName(source.id);
  wrapper->addChild(model.node);
  if (!source.visible) wrapper->setNodeMask(0);
  model.node = wrapper;
  return model;
}

std::optional<PickedFeature> pickModel(osgViewer::View& view, osg::Node* modelsRoot, float x, float y) {
  if (!modelsRoot || !view.getCamera()) return std::nullopt;
  osg::ref_ptr<osgUtil::LineSegmentIntersector> picker =
      new osgUtil::LineSegmentIntersector(osgUtil::Intersector::WINDOW, x, y);
  osgUtil::IntersectionVisitor visitor(picker.get());
  // Only what is drawn: paged detail that is loaded, tiles that are attached.
  visitor.setTraversalMode(osgUtil::IntersectionVisitor::TRAVERSE_ACTIVE_CHILDREN);
  osg::Camera* camera = view.getCamera();
  // Intersect the models alone, through the camera's matrices.
  osg::ref_ptr<osg::Camera> probe = new osg::Camera(*camera, osg::CopyOp::SHALLOW_COPY);
  probe->removeChildren(0, probe->getNumChildren());
  probe->addChild(modelsRoot);
  probe->accept(visitor);
  if (!picker->containsIntersections()) return std::nullopt;
  const auto& hit = picker->getFirstIntersection();
  PickedFeature feature;
  const osg::Drawable* drawable = hit.drawable.get();
  if (const auto* info = drawable ? dynamic_cast<const PickInfo*>(drawable->getUserData()) : nullptr)
    feature = info->describe(*drawable, hit.primitiveIndex, hit.indexList);
  // The model is the child of the models root on the hit's path.
  for (std::size_t i = 0; i + 1 < hit.nodePath.size(); ++i)
    if (hit.nodePath[i] == modelsRoot) {
      feature.model = hit.nodePath[i + 1]->getName();
      break;
    }
  if (feature.title.empty()) {
    for (auto it = hit.nodePath.rbegin(); it != hit.nodePath.rend(); ++it)
      if (!(*it)->getName().empty() && (*it)->getName() != feature.model) {
        feature.title = (*it)->getName();
        break;
      }
    if (feature.title.empty() && drawable) feature.title = drawable->getName();
  }
  feature.point = hit.getWorldIntersectPoint();
  feature.properties.emplace_back("xyz (m)", formatVec(feature.point));
  return feature;
}

}  // namespace twin::scene
