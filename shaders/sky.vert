// The sky behind the scene while a time of day is shown (SiteScene::setDaylight): one quad over
// the whole viewport, drawn first without depth. The direction through each corner is found from
// the inverse matrices, so the gradient follows the camera without any per-frame work on the CPU.
#version 120

varying vec3 v_direction;  // site frame (z up), from the eye through the pixel; not normalised

void main() {
  gl_Position = vec4(gl_Vertex.xy, 0.0, 1.0);
  // The far plane is flat, so its points (unlike their directions) interpolate linearly on screen.
  vec4 far = gl_ProjectionMatrixInverse * vec4(gl_Vertex.xy, 1.0, 1.0);
  v_direction = mat3(gl_ModelViewMatrixInverse) * (far.xyz / far.w);
}
