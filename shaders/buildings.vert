// Extruded buildings, batched per tile. One vertex attribute carries the building's identity, so
// colour by use and hover/selection highlighting are uniforms: no geometry is rebuilt.
#version 120

attribute vec3 twin_building;     // x: index into Site::buildings, y: BuildingUse, z: roof height (m)
uniform vec4 twin_useColor[10];   // by BuildingUse, from the Theme
uniform float twin_hovered;       // building index, -1 for none
uniform float twin_selected;      // building index, -1 for none

varying vec3 v_normal;            // model (site frame) space: the sun is fixed to the site
varying vec3 v_base;
varying vec2 v_height;            // x: vertex height, y: roof height
varying vec2 v_highlight;         // x: selected, y: hovered
varying float v_distance;

void main() {
  vec4 viewPosition = gl_ModelViewMatrix * gl_Vertex;
  gl_Position = gl_ProjectionMatrix * viewPosition;
  int use = int(clamp(twin_building.y + 0.5, 0.0, 9.0));
  v_base = twin_useColor[use].rgb;
  v_normal = gl_Normal;
  v_height = vec2(gl_Vertex.z, twin_building.z);
  // Indices are whole numbers stored exactly in floats (< 2^24): compare with a half tolerance.
  v_highlight = vec2(abs(twin_building.x - twin_selected) < 0.5 ? 1.0 : 0.0,
                     abs(twin_building.x - twin_hovered) < 0.5 ? 1.0 : 0.0);
  v_distance = length(viewPosition.xyz);
}
