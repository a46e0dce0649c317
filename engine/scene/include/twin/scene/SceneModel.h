// 3D models in the site frame (OSGB oblique photography, glTF, 3D Tiles, CityJSON): one loaded
// model as an OSG node with its bounds, and picking of model features with their attributes.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <osg/BoundingBox>
#include <osg/Drawable>
#include <osg/Node>
#include <osg/Referenced>
#include <osg/ref_ptr>
#include <osgViewer/View>

#include "twin/core/Diagnostics.h"
#include "twin/core/Result.h"
#include "twin/geo/SiteFrame.h"
#include "twin/model/ModelSource.h"

namespace twin::scene {

/** What a pick on a model found: shown in the info panel. */
struct PickedFeature {
  std::string model;  // ModelSource::id (or the file name for a bare model)
  std::string title;  // e.g. CityJSON object id, b3dm "batch 3", OSGB tile name
  std::vector<std::pair<std::string, std::string>> properties;  // in display order
  osg::Vec3d point;                                             // the hit, site frame
};

/** Attached as user data to a model's drawable (Drawable::setUserData) so that a pick can say
    what was hit. `vertexIndices` are the hit primitive's vertex indices (the intersector's
    indexList); `primitiveIndex` the hit primitive. Must not throw; called on the viewer thread. */
class PickInfo : public osg::Referenced {
 public:
  virtual PickedFeature describe(const osg::Drawable& drawable, unsigned primitiveIndex,
                                 const std::vector<unsigned>& vertexIndices) const = 0;
};

/** One model placed in the site frame. */
struct SceneModel {
  std::string id;
  model::ModelFormat format = model::ModelFormat::Gltf;
  osg::ref_ptr<osg::Node> node;  // site-frame coordinates (placement applied)
  osg::BoundingBoxd bounds;      // site frame, from metadata / root volumes / geometry
  geo::SiteFrame frame;          // the frame used (the one passed in, or the model's own)
  /** True while content the model asked for is still loading off the render thread (3D Tiles
      workers). Null: never (OSGB paging goes through the viewer's DatabasePager). */
  std::function<bool()> loading;
  /** Adds to `into` the problems found since the last call, after loading (3D Tiles contents
      that turned out damaged when the workers read them, each once); returns how many. Null:
      none arise after loading (every problem went to the loader's Diagnostics). Any thread. */
  std::function<std::size_t(core::Diagnostics& into)> takeProblems;
  std::vector<std::string> attributions;
};

/** Loads a model for the scene. With an invalid `frame` (SiteFrame{}), a local-tm frame is made
    at the model's own origin (OSGB: SRSOrigin; glTF: its placement, else lon/lat 0,0 with the
    model at the origin; 3D Tiles: the root volume's centre; CityJSON: its extent's centre) and
    returned in SceneModel::frame. Per-tile/per-object problems go to `diag` and are skipped;
    errors only when nothing can be shown (error text names the file). Never throws. */
core::Result<SceneModel> loadSceneModel(const model::ModelSource& source, const geo::SiteFrame& frame,
                                        core::Diagnostics& diag);

/** The nearest model feature under window pixel (x, y) (OSG convention, origin bottom-left)
    among the nodes under `modelsRoot`; a hit on a drawable without PickInfo gives the model id
    and the node name as title. nullopt when nothing is hit. Viewer thread only. */
std::optional<PickedFeature> pickModel(osgViewer::View& view, osg::Node* modelsRoot, float x, float y);

}  // namespace twin::scene
