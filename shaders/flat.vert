// Ground and road ribbons: one colour per drawable (uniform), lit from above.
#version 120

varying vec3 v_normal;
varying float v_distance;

void main() {
  vec4 viewPosition = gl_ModelViewMatrix * gl_Vertex;
  gl_Position = gl_ProjectionMatrix * viewPosition;
  v_normal = gl_Normal;
  v_distance = length(viewPosition.xyz);
}
