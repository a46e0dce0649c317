#version 120

uniform vec4 twin_selectColor;
uniform vec4 twin_hoverColor;

varying vec3 v_normal;
varying vec3 v_base;
varying vec2 v_height;
varying vec2 v_highlight;
varying float v_distance;

vec3 twinLight(vec3 base, vec3 normal);
vec3 twinDistanceTint(vec3 color, float distance);

void main() {
  vec3 color = twinLight(v_base, v_normal);
  if (abs(v_normal.z) < 0.5) {
    // Walls: darker at the foot (cheap contact shading) and a thin band under the roof edge,
    // so roof outlines read on a big screen even where roof and wall colours are close.
    color *= mix(0.68, 1.0, smoothstep(0.0, 14.0, v_height.x));
    color *= 1.0 - 0.2 * smoothstep(v_height.y - 1.0, v_height.y - 0.1, v_height.x);
  } else {
    color *= 1.04;
  }
  color = twinDistanceTint(color, v_distance);
  color = mix(color, twin_hoverColor.rgb, 0.45 * v_highlight.y * twin_hoverColor.a);
  color = mix(color, twin_selectColor.rgb, 0.7 * v_highlight.x * twin_selectColor.a);
  gl_FragColor = vec4(color, 1.0);
}
