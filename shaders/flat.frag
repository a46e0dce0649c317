#version 120

uniform vec4 twin_color;

varying vec3 v_normal;
varying float v_distance;

vec3 twinLight(vec3 base, vec3 normal);
vec3 twinDistanceTint(vec3 color, float distance);

void main() {
  gl_FragColor = vec4(twinDistanceTint(twinLight(twin_color.rgb, v_normal), v_distance), twin_color.a);
}
