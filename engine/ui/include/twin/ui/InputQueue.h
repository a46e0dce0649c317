// Mouse and key events queued between ImGui frames. ImGui 1.86 reads the button and key state
// once per frame (io.MouseDown, io.KeysDown), so a press and release that both arrive within one
// slow frame would cancel out and the click be lost. The platform side pushes every event here
// and feeds ImGui before each NewFrame(), at most one button or key transition per frame.
#pragma once

#include <cstddef>
#include <deque>

struct ImGuiIO;

namespace twin::ui {

struct InputEvent {
  enum class Kind { MousePos, MouseButton, Key };
  Kind kind = Kind::MousePos;
  float x = 0, y = 0;  // MousePos, and where a MouseButton happened
  int index = 0;       // MouseButton: 0 left, 1 right, 2 middle (0..4); Key: io.KeysDown index
  bool down = false;   // MouseButton, Key
};

class InputQueue {
 public:
  void mouseMove(float x, float y);
  /** A button press or release at (x, y); buttons outside 0..4 are ignored. */
  void mouseButton(int button, bool down, float x, float y);
  /** A key press or release; indices outside io.KeysDown are ignored. */
  void key(int index, bool down);

  /** Applies queued events to `io` in order, up to and including the first button or key event
      that changes that button's or key's state (one transition per frame); the rest wait for
      the next call. Events that change nothing (a repeat press) are applied and do not count.
      Call once per frame, before ImGui::NewFrame(). Returns how many events were applied. */
  std::size_t feed(ImGuiIO& io);

  std::size_t pending() const { return _events.size(); }

 private:
  std::deque<InputEvent> _events;
};

}  // namespace twin::ui
