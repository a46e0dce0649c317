// The sunlight overlay (日照): a coloured mark on the wall at every window sample of the sunlight
// analysis, and the proposed buildings of a scenario as translucent volumes. Plain data in
// (positions in the site frame, colours), so this module needs no analysis dependency.
#pragma once

#include <cstddef>
#include <vector>

#include <osg/Camera>
#include <osg/Geometry>
#include <osg/Group>
#include <osg/Referenced>
#include <osg/Scissor>
#include <osg/Vec4>
#include <osg/ref_ptr>

#include "twin/core/Geometry.h"
#include "twin/scene/SplitView.h"

namespace twin::scene {

/** One window sample drawn on its wall. */
struct WallMark {
  core::Vec2 position;      // local metres, on (or just outside) the wall
  core::Vec2 normal;        // unit outward normal of the wall
  double z = 0;             // absolute height of the window sill, metres
  osg::Vec4 colour;         // opaque colour of the mark
  bool emphasised = false;  // drawn larger (a window that loses compliance)
};

/** A proposed building: drawn as a translucent extruded volume with an outlined roof. */
struct ProposedVolume {
  core::Polygon footprint;  // local metres
  double baseMeters = 0;    // absolute elevation of its base
  double heightMeters = 0;  // above the base, > 0
};

/** The overlay nodes. Build once; set marks and volumes from the viewer's thread (not
    thread-safe). Marks are quads in the wall's plane (kMarkWidth x kMarkHeight metres, from the
    sill up, 0.15 m in front of the wall), depth-tested so that walls hide them, unlit. */
class SunlightLayer : public osg::Referenced {
 public:
  static constexpr double kMarkWidth = 1.6, kMarkHeight = 1.2;
  static constexpr double kEmphasisScale = 1.6;  // emphasised marks are this much larger

  SunlightLayer();
  osg::Group* root() const { return _root.get(); }

  /** Replaces the marks. Marks with a non-finite position, normal or height, or a zero normal,
      are skipped (counted in skippedMarks()). An empty vector clears them. */
  void setMarks(const std::vector<WallMark>& marks);
  std::size_t markCount() const { return _marks; }
  std::size_t skippedMarks() const { return _skipped; }
  /** The marks' geometry (4 vertices and colours per mark, in the order given, skipped ones
      left out); null while there are none. For tests. */
  const osg::Geometry* markGeometry() const { return _markGeometry.get(); }

  /** Replaces the proposed volumes; ones whose footprint cannot be triangulated or whose height
      is not positive are skipped. */
  void setProposed(const std::vector<ProposedVolume>& volumes);
  std::size_t proposedCount() const { return _proposed; }

  /** The proposed volumes as opaque shadow casters (the same geometry, depth written, no blending):
      hang it under SiteScene::shadowCamera() so that the proposal casts the shadows drawn in the
      view. Empty while there are no proposed volumes. */
  osg::Node* proposedCasters() const { return _casterGroup.get(); }

  // ---- Before/after split view (swipe), the shared SplitView: left of the divider the main
  // camera draws the scene with the marks of setMarks() (the present state); right of it the
  // split's second camera draws `sceneRoot` again with the marks of setAfterMarks() and the
  // proposed volumes instead. The left-only marks carry kBeforeMask.
  static constexpr unsigned kBeforeMask = SplitView::kLeftOnlyMask;
  static constexpr unsigned kSwipeCameraMask = SplitView::kCameraMask;
  /** Turns the split on: `sceneRoot` is what the second camera draws (the site's root, under
      which this layer hangs, or a second scene built for the right side). Off again with
      disableSwipe(). */
  void enableSwipe(osg::Node* sceneRoot);
  void disableSwipe();
  bool swipeEnabled() const { return _split->enabled(); }
  /** The right part's marks (the proposal's state). */
  void setAfterMarks(const std::vector<WallMark>& marks);
  std::size_t afterMarkCount() const { return _afterMarks; }
  /** The swipe line at window pixel column `x` of a `width` x `height` viewport (OSG pixels,
      origin bottom-left): the second camera draws columns [x, width). x is clamped to the width.
      Nothing happens while the split is off. */
  void setSwipeLine(int x, int width, int height);
  /** The second camera (null while the split is off) and its scissor box, for tests. */
  const osg::Camera* swipeCamera() const { return _split->camera(); }
  SplitView& split() { return *_split; }
  struct ScissorBox {
    int x = 0, y = 0, width = 0, height = 0;
  };
  ScissorBox swipeScissor() const;

 private:
  ~SunlightLayer() override;

  void placeProposed();

  osg::ref_ptr<osg::Group> _root, _markGroup, _proposedGroup, _afterGroup, _afterMarkGroup, _casterGroup;
  osg::ref_ptr<osg::Geometry> _markGeometry;
  osg::ref_ptr<SplitView> _split;
  std::size_t _marks = 0, _skipped = 0, _proposed = 0, _afterMarks = 0;
};

}  // namespace twin::scene
