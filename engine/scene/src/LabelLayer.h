// The labels layer: osgText labels decluttered in screen space on every cull traversal.
#pragma once

#include <atomic>
#include <cstddef>
#include <vector>

#include <osg/Group>
#include <osgText/Text>

namespace twin::scene::detail {

/** A group whose children are labels added in priority order (most important first). On each
    cull it draws at most maxLabels of them: in priority order, skipping labels behind the eye,
    off screen, farther than their own maxDistanceMeters, or overlapping an already accepted
    label's screen rectangle. Other traversals (update, intersection) see every child.
    Cull may run on several threads for several cameras; the only shared state is the atomic
    count of labels shown by the last cull. */
class LabelLayer : public osg::Group {
 public:
  struct Placement {
    osg::Vec3 anchor;          // site frame, metres; the text stands centred above it
    float widthPixels = 0;     // estimated screen size of the text
    float heightPixels = 0;
    float maxDistanceMeters = 0;
  };

  void addLabel(osgText::Text* text, const Placement& placement);
  void setMaxLabels(int maxLabels) { _maxLabels = maxLabels < 0 ? 0 : maxLabels; }
  std::size_t labelsShownLastCull() const { return _shownLastCull.load(); }
  osgText::Text* label(std::size_t i) const;
  std::size_t labelCount() const { return _placements.size(); }

  void traverse(osg::NodeVisitor& visitor) override;

 private:
  std::vector<Placement> _placements;  // parallel to the children
  int _maxLabels = 60;
  std::atomic<std::size_t> _shownLastCull{0};
};

}  // namespace twin::scene::detail
