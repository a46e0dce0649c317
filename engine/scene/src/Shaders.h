// The GLSL files of shaders/, embedded into the library at build time (EmbedShaders.cmake).
#pragma once

namespace twin::scene::detail {

/** The text of shaders/<name> (e.g. "buildings.vert"), or nullptr when there is no such file. */
const char* embeddedShader(const char* name);

}  // namespace twin::scene::detail
