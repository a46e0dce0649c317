// Extruded buildings, batched per tile. One vertex attribute carries the building's identity, so
// colour by use and hover/selection highlighting are uniforms: no geometry is rebuilt. A second,
// optional attribute carries caller colours (SiteScene::setBuildingColors), read only while
// twin_colorOverride is 1 (the array is absent otherwise and the attribute value undefined).
#version 120

attribute vec4 twin_building;     // x: index into Site::buildings, y: BuildingUse, z: roof z, w: base z (m)
uniform vec4 twin_useColor[10];   // by BuildingUse, from the Theme
uniform float twin_hovered;       // building index, -1 for none
uniform float twin_selected;      // building index, -1 for none
attribute vec4 twin_overrideColor; // rgb: colour, a: weight over the use colour (0: use colour)
uniform float twin_colorOverride; // 1 while setBuildingColors() colours are active, else 0
// Facade (SiteScene.h): walls x, y: metres from the wall's start corner and to its end corner;
// z: storey height in metres (0: no windows); w: inside-corner flags (1 start, 2 end). Roofs: w = -1.
attribute vec4 twin_facade;

varying vec3 v_normal;            // model (site frame) space: the sun is fixed to the site
varying vec3 v_base;
varying vec2 v_height;            // above the building's base: x: vertex, y: roof
varying vec2 v_highlight;         // x: selected, y: hovered
varying float v_distance;
varying vec4 v_facade;
varying float v_building;
uniform mat4 twin_shadowMatrix;  // site frame -> the sun's depth map (SiteScene::setSun)
varying vec4 v_shadowCoord;

void main() {
  vec4 viewPosition = gl_ModelViewMatrix * gl_Vertex;
  gl_Position = gl_ProjectionMatrix * viewPosition;
  int use = int(clamp(twin_building.y + 0.5, 0.0, 9.0));
  v_base = twin_useColor[use].rgb;
  if (twin_colorOverride > 0.5 && twin_overrideColor.a > 0.0)
    v_base = mix(v_base, twin_overrideColor.rgb, clamp(twin_overrideColor.a, 0.0, 1.0));
  v_normal = gl_Normal;
  v_height = vec2(gl_Vertex.z - twin_building.w, twin_building.z - twin_building.w);
  // Indices are whole numbers stored exactly in floats (< 2^24): compare with a half tolerance.
  v_highlight = vec2(abs(twin_building.x - twin_selected) < 0.5 ? 1.0 : 0.0,
                     abs(twin_building.x - twin_hovered) < 0.5 ? 1.0 : 0.0);
  v_distance = length(viewPosition.xyz);
  v_shadowCoord = twin_shadowMatrix * gl_Vertex;
  v_facade = twin_facade;
  v_building = twin_building.x;
}
