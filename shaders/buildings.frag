#version 120
// Building material: the use (or caller's) colour lit by lighting.frag, with what makes a box read
// as a building: rows of windows by storey and columns by facade bay on the walls (glass darker
// than the wall, some windows lit from inside at night), lighter roofs, and ambient occlusion at
// the wall foot, in inside corners and under the roof edge. Every effect scales the data colour
// (never replaces it), so colour-by modes and their legends stay true.

uniform vec4 twin_selectColor;
uniform vec4 twin_hoverColor;
uniform float twin_night;         // 0 in daylight .. 1 at night (SiteScene::setDaylight)
uniform vec3 twin_skyColor;

varying vec3 v_normal;
varying vec3 v_base;
varying vec2 v_height;
varying vec2 v_highlight;
varying float v_distance;
varying vec4 v_facade;            // see buildings.vert
varying float v_building;         // index into Site::buildings

vec3 twinLight(vec3 base, vec3 normal);
vec3 twinDistanceTint(vec3 color, float distance);

const float kBayMeters = 3.4;                  // the facade module: one window per bay
const vec2 kGlassFrom = vec2(0.20, 0.30);      // window opening within a bay (x) and a storey (y)
const vec2 kGlassTo = vec2(0.80, 0.80);
const float kGlassDarkening = 0.42;

// 1 inside [a, b] of the cell coordinate f, with edges blurred over w (one pixel).
float box(float f, float a, float b, float w) {
  return smoothstep(a - w, a + w, f) - smoothstep(b - w, b + w, f);
}

// Share of the fragment that is glass; `cell` gets its (bay, storey). Where a bay shrinks to a few
// pixels the pattern gives way to its mean (`blur` goes to 1), so distant facades darken evenly
// instead of shimmering.
float glass(out vec2 cell, out float blur) {
  cell = vec2(0.0);
  blur = 0.0;
  float storey = v_facade.z;
  float wall = v_facade.x + v_facade.y;
  float bays = floor(wall / kBayMeters + 0.5);
  if (storey <= 0.0 || bays < 1.0) return 0.0;
  vec2 p = vec2(v_facade.x * bays / wall, v_height.x / storey);
  cell = floor(p);
  // Whole storeys only: none in the parapet (the last half metre) or below the base.
  if (p.y < 0.0 || p.y >= floor((v_height.y - 0.5) / storey)) return 0.0;
  vec2 w = fwidth(p);
  vec2 f = p - cell;
  float m = box(f.x, kGlassFrom.x, kGlassTo.x, w.x) * box(f.y, kGlassFrom.y, kGlassTo.y, w.y);
  float mean = (kGlassTo.x - kGlassFrom.x) * (kGlassTo.y - kGlassFrom.y);
  blur = smoothstep(0.12, 0.4, max(w.x, w.y));
  return mix(m, mean, blur);
}

// Ambient occlusion in an inside corner of the outline (flags from the mesh builder).
float cornerShade() {
  float atStart = mod(v_facade.w, 2.0) > 0.5 ? 1.0 - smoothstep(0.0, 5.0, v_facade.x) : 0.0;
  float atEnd = v_facade.w > 1.5 ? 1.0 - smoothstep(0.0, 5.0, v_facade.y) : 0.0;
  return 1.0 - 0.3 * max(atStart, atEnd);
}

void main() {
  vec3 color = twinLight(v_base, v_normal);
  if (v_facade.w < -0.5) {
    // Roofs: a lighter, flatter material that catches the sky.
    color = color * 1.1 + v_base * twin_skyColor * 0.06;
  } else if (abs(v_normal.z) < 0.5) {
    // Walls: darker at the foot (cheap contact shading) and a thin band under the roof edge,
    // so roof outlines read on a big screen even where roof and wall colours are close.
    color *= mix(0.68, 1.0, smoothstep(0.0, 14.0, v_height.x));
    color *= 1.0 - 0.2 * smoothstep(v_height.y - 1.0, v_height.y - 0.1, v_height.x);
    color *= cornerShade();
    vec2 cell;
    float blur;
    float g = glass(cell, blur);
    color *= 1.0 - kGlassDarkening * g;
    if (twin_night > 0.0) {
      // A stable pseudo-random share of the windows is lit, more as the night deepens; far away,
      // where single windows are below a pixel, the facade glows with their mean instead.
      float share = 0.45 * twin_night;
      float seed = fract(sin(dot(cell + vec2(fract(v_building * 0.618034) * 97.0, 0.0), vec2(12.9898, 78.233))) *
                         43758.5453);
      float lit = mix(step(seed, share), share, blur);
      color += g * lit * twin_night * vec3(1.0, 0.74, 0.42) * 0.7;
    }
  }
  color = twinDistanceTint(color, v_distance);
  color = mix(color, twin_hoverColor.rgb, 0.45 * v_highlight.y * twin_hoverColor.a);
  color = mix(color, twin_selectColor.rgb, 0.7 * v_highlight.x * twin_selectColor.a);
  gl_FragColor = vec4(color, 1.0);
}
