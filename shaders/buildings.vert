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
varying vec3 v_window;            // x: bays from the wall's start, y: storeys from the base, z: whole
                                  // storeys under the parapet (0: no windows; -1: a roof)
varying vec4 v_corner;            // x, y: metres from the start corner and to the end corner; z, w: 1
                                  // where that corner is an inside corner
varying float v_building;

const float kBayMeters = 3.4;     // the facade module: one window per bay
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
  // Per wall constants (both ends carry the same storey, length and flags) and coordinates that
  // are linear along it, so the fragment shader gets its window grid by interpolation alone.
  float wall = twin_facade.x + twin_facade.y;
  float bays = floor(wall / kBayMeters + 0.5);
  float storey = twin_facade.z;
  bool windows = storey > 0.0 && bays >= 1.0;
  v_window = vec3(windows ? twin_facade.x * bays / wall : 0.0, windows ? v_height.x / storey : 0.0,
                  twin_facade.w < -0.5 ? -1.0 : windows ? floor((v_height.y - 0.5) / storey) : 0.0);
  float flags = max(twin_facade.w, 0.0);
  v_corner = vec4(twin_facade.xy, mod(flags, 2.0) > 0.5 ? 1.0 : 0.0, flags > 1.5 ? 1.0 : 0.0);
  v_building = twin_building.x;
}
