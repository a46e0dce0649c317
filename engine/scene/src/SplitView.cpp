// SplitView: the second camera of a before/after split, drawn after the main one's scene.
#include "twin/scene/SplitView.h"

#include <algorithm>

namespace twin::scene {
namespace {

// The second camera may draw the root it hangs under: a cycle. Only the cull traversal may enter
// it (an intersection or bounds pass would recurse forever), and the camera's own cull mask
// leaves this group out (kCameraMask) so that the second pass does not enter it again. The calls
// that walk children directly (GL object release and resize, thread-safe reference counting)
// reach only the right side's own group, the one part not under the root.
class CullOnlyGroup : public osg::Group {
 public:
  explicit CullOnlyGroup(osg::Node* own) : _own(own) {}
  void traverse(osg::NodeVisitor& nv) override {
    if (nv.getVisitorType() == osg::NodeVisitor::CULL_VISITOR) osg::Group::traverse(nv);
  }
  osg::BoundingSphere computeBound() const override { return osg::BoundingSphere(); }
  void releaseGLObjects(osg::State* state) const override {
    if (_own) _own->releaseGLObjects(state);
  }
  void resizeGLObjectBuffers(unsigned int maxSize) override {
    if (_own) _own->resizeGLObjectBuffers(maxSize);
  }
  void setThreadSafeRefUnref(bool threadSafe) override {
    osg::Object::setThreadSafeRefUnref(threadSafe);
    if (_own) _own->setThreadSafeRefUnref(threadSafe);
  }

 private:
  osg::Node* _own;  // owned by the split view, which outlives this group
};

}  // namespace

SplitView::SplitView() : _root(new osg::Group), _right(new osg::Group) {
  _root->setName("twin.split");
  _right->setName("twin.split.right");
}

SplitView::~SplitView() = default;

void SplitView::enable(osg::Node* rightContent) {
  if (!rightContent) return;
  if (!_camera) {
    _camera = new osg::Camera;
    _camera->setName("twin.split.camera");
    _camera->setReferenceFrame(osg::Transform::RELATIVE_RF);  // the main camera's view and projection
    _camera->setRenderOrder(osg::Camera::POST_RENDER);
    // The left part's pixels stay; the right part is drawn again over them (depth cleared only:
    // the background is the same colour on both sides).
    _camera->setClearMask(GL_DEPTH_BUFFER_BIT);
    // Its own cull mask and clear mask: inheriting the main camera's clear mask would clear the
    // colour of the whole window (the clear ignores the scissor) and lose the left side.
    _camera->setInheritanceMask(osg::CullSettings::ALL_VARIABLES & ~osg::CullSettings::CULL_MASK &
                                ~osg::CullSettings::CLEAR_MASK);
    _camera->setCullMask(~(kLeftOnlyMask | kCameraMask));
    _scissor = new osg::Scissor(_box.x, _box.y, _box.width, _box.height);
    _camera->getOrCreateStateSet()->setAttributeAndModes(_scissor.get(), osg::StateAttribute::ON);
    _cameraGroup = new CullOnlyGroup(_right.get());
    _cameraGroup->setName("twin.split.group");
    _cameraGroup->setNodeMask(kCameraMask);
    _cameraGroup->addChild(_camera.get());
    _root->addChild(_cameraGroup.get());
  }
  _camera->removeChildren(0, _camera->getNumChildren());
  _camera->addChild(rightContent);
  _camera->addChild(_right.get());
}

void SplitView::disable() {
  if (!_camera) return;
  _root->removeChild(_cameraGroup.get());
  _camera->removeChildren(0, _camera->getNumChildren());
  _camera = nullptr;
  _cameraGroup = nullptr;
  _scissor = nullptr;
}

void SplitView::setDivider(int x, int width, int height) {
  width = std::max(width, 1);
  x = std::clamp(x, 0, width);
  _box = Box{x, 0, std::max(width - x, 0), std::max(height, 1)};
  if (_scissor) _scissor->setScissor(_box.x, _box.y, _box.width, _box.height);
}

SplitView::Box SplitView::scissor() const {
  if (!_scissor) return {};
  return {_scissor->x(), _scissor->y(), _scissor->width(), _scissor->height()};
}

}  // namespace twin::scene
