// The before/after split view (swipe): the main camera draws the scene everywhere; a second,
// nested camera draws the right side's content again over the columns right of a divider. One
// component for every view that compares two states (the planning view's two scenarios, the
// sunlight view's present and proposal); it knows nothing of what the two sides show.
#pragma once

#include <osg/Camera>
#include <osg/Group>
#include <osg/Referenced>
#include <osg/Scissor>
#include <osg/ref_ptr>

namespace twin::scene {

/** Hang root() under the site's root (or any node the main camera draws). While enabled, a
    second camera (same view and projection as the main one, depth cleared, its pixels scissored to
    the columns right of the divider) draws `rightContent` and rightGroup(). Content that only the
    left side shows carries kLeftOnlyMask in its node mask: the second camera's cull mask leaves it
    out. `rightContent` may be the very root this component hangs under (the same scene on both
    sides, told apart by left-only and right-only content) or another scene built for the right
    side (a second SiteScene coloured otherwise). Not thread-safe: call from the viewer's thread. */
class SplitView : public osg::Referenced {
 public:
  static constexpr unsigned kLeftOnlyMask = 0x00100000u;
  static constexpr unsigned kCameraMask = 0x00200000u;  // the group holding the second camera

  SplitView();
  osg::Group* root() const { return _root.get(); }
  /** Right-only content: drawn by the second camera alone (whether enabled or not, never by the
      main camera). */
  osg::Group* rightGroup() const { return _right.get(); }

  /** Turns the split on with `rightContent` (not null) as what the second camera draws besides
      rightGroup(); called again with other content, it swaps the content. */
  void enable(osg::Node* rightContent);
  void disable();
  bool enabled() const { return _camera.valid(); }
  /** The divider at window pixel column `x` of a `width` x `height` viewport (OSG pixels, origin
      bottom-left): the second camera draws columns [x, width). x is clamped to [0, width]. Kept
      while the split is off, applied when it goes on. */
  void setDivider(int x, int width, int height);

  /** The second camera (null while off) and its scissor box (all 0 while off). For tests. */
  const osg::Camera* camera() const { return _camera.get(); }
  struct Box {
    int x = 0, y = 0, width = 0, height = 0;
  };
  Box scissor() const;

 private:
  ~SplitView() override;
  osg::ref_ptr<osg::Group> _root, _right, _cameraGroup;
  osg::ref_ptr<osg::Camera> _camera;
  osg::ref_ptr<osg::Scissor> _scissor;
  Box _box{0, 0, 1, 1};
};

}  // namespace twin::scene
