#include "twin/ui/InputQueue.h"

#include <imgui.h>

namespace twin::ui {
namespace {
constexpr int kMouseButtons = 5;  // io.MouseDown's size in ImGui 1.86
constexpr int kKeys = int(sizeof(ImGuiIO::KeysDown) / sizeof(bool));
}  // namespace

void InputQueue::mouseMove(float x, float y) {
  // Consecutive moves collapse: only the last position of a run matters to ImGui.
  if (!_events.empty() && _events.back().kind == InputEvent::Kind::MousePos) {
    _events.back().x = x;
    _events.back().y = y;
    return;
  }
  _events.push_back(InputEvent{InputEvent::Kind::MousePos, x, y, 0, false});
}

void InputQueue::mouseButton(int button, bool down, float x, float y) {
  if (button < 0 || button >= kMouseButtons) return;
  _events.push_back(InputEvent{InputEvent::Kind::MouseButton, x, y, button, down});
}

void InputQueue::key(int index, bool down) {
  if (index < 0 || index >= kKeys) return;
  _events.push_back(InputEvent{InputEvent::Kind::Key, 0, 0, index, down});
}

std::size_t InputQueue::feed(ImGuiIO& io) {
  std::size_t applied = 0;
  while (!_events.empty()) {
    const InputEvent e = _events.front();
    bool transition = false;
    switch (e.kind) {
      case InputEvent::Kind::MousePos: io.MousePos = ImVec2(e.x, e.y); break;
      case InputEvent::Kind::MouseButton:
        // A press is seen where it happened, even when moves after it are queued too.
        io.MousePos = ImVec2(e.x, e.y);
        transition = io.MouseDown[e.index] != e.down;
        io.MouseDown[e.index] = e.down;
        break;
      case InputEvent::Kind::Key:
        transition = io.KeysDown[e.index] != e.down;
        io.KeysDown[e.index] = e.down;
        break;
    }
    _events.pop_front();
    ++applied;
    if (transition) break;
  }
  return applied;
}

}  // namespace twin::ui
