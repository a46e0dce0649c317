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
varying vec3 v_window;            // see buildings.vert
varying vec4 v_corner;
varying float v_building;         // index into Site::buildings

vec3 twinLight(vec3 base, vec3 normal);
vec3 twinDistanceTint(vec3 color, float distance);

const vec2 kGlassFrom = vec2(0.20, 0.30);      // window opening within a bay (x) and a storey (y)
const vec2 kGlassTo = vec2(0.80, 0.80);
const float kGlassDarkening = 0.42;

const float kGlassMean = (kGlassTo.x - kGlassFrom.x) * (kGlassTo.y - kGlassFrom.y);

// Share of the fragment that is glass; `cell` gets its (bay, storey). Window edges are blurred over
// a pixel; where a bay shrinks to a few pixels the pattern gives way to its mean (`blur` goes to 1),
// so distant facades darken evenly instead of shimmering. Linear ramps, not smoothstep: this runs
// for every wall fragment on a software rasteriser.
float glass(out vec2 cell, out float blur) {
  vec2 w = max(fwidth(v_window.xy), vec2(1e-4));
  cell = floor(v_window.xy);
  blur = clamp((max(w.x, w.y) - 0.12) * 3.6, 0.0, 1.0);
  // Whole storeys only: none in the parapet, below the base, on roofs or windowless walls.
  if (v_window.y < 0.0 || v_window.y >= v_window.z) return 0.0;
  vec2 f = v_window.xy - cell;
  vec2 inside = clamp(min(f - kGlassFrom, kGlassTo - f) / w + 0.5, 0.0, 1.0);
  return mix(inside.x * inside.y, kGlassMean, blur);
}

// Ambient occlusion within 5 m of an inside corner of the outline (flags from the mesh builder).
float cornerShade() {
  vec2 near = clamp(1.0 - v_corner.xy / 5.0, 0.0, 1.0) * v_corner.zw;
  return 1.0 - 0.3 * max(near.x, near.y);
}

void main() {
  vec3 color = twinLight(v_base, v_normal);
  if (v_window.z < -0.5) {
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
