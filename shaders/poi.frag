#version 120

uniform float twin_isDisc;         // 1 for the disc pass, 0 for the stems

varying vec4 v_color;

void main() {
  if (twin_isDisc < 0.5) {
    gl_FragColor = vec4(v_color.rgb * 0.85, 1.0);
    return;
  }
  float d = length(gl_PointCoord - vec2(0.5)) * 2.0;
  if (d > 1.0) discard;
  // A light rim keeps the disc readable over any roof or ground colour.
  vec3 color = d > 0.72 ? vec3(0.97) : v_color.rgb;
  gl_FragColor = vec4(color, 1.0);
}
