// The "3D models" panel: the scene's models (format, loading state, visibility) and the
// attributes of the model feature last picked in 3D.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "twin/ui/I18n.h"
#include "twin/ui/Panels.h"

namespace twin::ui {

struct ModelRow {
  std::string id;
  std::string format;  // "osgb", "gltf", "3dtiles", "cityjson"
  bool visible = true;
  bool loading = false;  // content still streaming in
};

struct PickedRow {
  std::string model, title;
  std::vector<std::pair<std::string, std::string>> properties;
};

struct ModelsView {
  Language language = Language::ZhCN;
  std::vector<ModelRow> models;
  std::optional<PickedRow> picked;
  bool expand = false;  // open the panel this frame (it starts collapsed): a new pick
};

struct SetModelVisible {
  std::string id;
  bool visible = true;
};
struct FlyToModel {
  std::string id;
};
struct ClearPicked {};
using ModelsCommand = std::variant<SetModelVisible, FlyToModel, ClearPicked>;

/** Draws the panel (nothing when there are no models). Not thread-safe (ImGui context). */
class ModelsPanel {
 public:
  /** Call between ImGui::NewFrame() and ImGui::Render(); returns this frame's commands. */
  std::vector<ModelsCommand> draw(const ModelsView& view);
  /** Widgets of the last draw(): "model.visible.<id>", "model.fly.<id>", "picked.clear",
      "window.models"; nullopt when not drawn. */
  std::optional<WidgetRect> widgetRect(const std::string& id) const;

 private:
  std::vector<std::pair<std::string, WidgetRect>> _rects;
  void remember(const std::string& id);
};

}  // namespace twin::ui
