#version 120

varying vec4 v_color;
varying float v_disc;     // stems and discs have vertices of their own, so this is 0 or 1 throughout
varying float v_cluster;

void main() {
  if (v_disc < 0.5) {
    gl_FragColor = vec4(v_color.rgb * 0.85, 1.0);
    return;
  }
  float d = length(gl_PointCoord - vec2(0.5)) * 2.0;
  if (d > 1.0) discard;
  // A light rim keeps the disc readable over any roof or ground colour; a cluster's is wider.
  float rim = v_cluster > 0.5 ? 0.62 : 0.72;
  vec3 color = d > rim ? vec3(0.97) : v_color.rgb;
  gl_FragColor = vec4(color, 1.0);
}
