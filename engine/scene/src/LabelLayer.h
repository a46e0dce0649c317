// The labels layer as plain data: label candidates in priority order, and the screen-space
// declutter that picks which of them to show for one camera. Drawing is the app's job (one ImGui
// draw list over the frame), so no OSG node is involved.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <osg/Matrixd>
#include <osg/Vec3>
#include <osg/Viewport>

#include "twin/scene/SiteScene.h"

namespace twin::scene::detail {

/** Label candidates added in priority order (most important first). visibleLabels() keeps at most
    maxLabels of them: in that order, skipping labels behind the eye, with their anchor off the
    viewport, farther than their own maxDistanceMeters, or whose screen rectangle overlaps an
    already accepted one. Not thread-safe for add(); visibleLabels() only reads and may run on
    several threads at once. */
class LabelLayer {
 public:
  struct Placement {
    std::string name;       // UTF-8: the name in the site's data the label was built from
    std::string text;       // UTF-8: what is drawn (the name, or its translation); the box fits it
    osg::Vec3 anchor;       // site frame, metres; the text stands centred above it
    float widthPixels = 0;  // estimated screen size of the text
    float heightPixels = 0;
    float maxDistanceMeters = 0;
    int priority = 0;
    LabelKind kind = LabelKind::Poi;
  };

  void add(Placement placement) { _placements.push_back(std::move(placement)); }
  std::size_t size() const { return _placements.size(); }
  /** The candidates, to re-text them (SiteScene::setLabelNames()); not while visibleLabels() runs. */
  std::vector<Placement>& placements() { return _placements; }

  /** The decluttered labels for a camera with these matrices (OSG row-vector convention) and
      viewport; positions are relative to the viewport's top-left corner, y down. Colours are
      left for the caller. A degenerate viewport (zero or negative size) or maxLabels <= 0 gives
      none. `scale` multiplies every label's estimated size (the UI scale: labels drawn larger
      on a 4K wall need larger boxes); values that are not positive count as 1. */
  std::vector<ScreenLabel> visibleLabels(const osg::Matrixd& view, const osg::Matrixd& projection,
                                         const osg::Viewport& viewport, int maxLabels, float scale = 1.0f) const;

 private:
  std::vector<Placement> _placements;
};

}  // namespace twin::scene::detail
