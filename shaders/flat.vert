// Ground and road ribbons: one colour per drawable (uniform), lit from above.
#version 120

varying vec3 v_normal;
varying float v_distance;
uniform mat4 twin_shadowMatrix;  // site frame -> the sun's depth map (SiteScene::setSun)
varying vec4 v_shadowCoord;

void main() {
  vec4 viewPosition = gl_ModelViewMatrix * gl_Vertex;
  gl_Position = gl_ProjectionMatrix * viewPosition;
  v_normal = gl_Normal;
  v_distance = length(viewPosition.xyz);
  v_shadowCoord = twin_shadowMatrix * gl_Vertex;
}
