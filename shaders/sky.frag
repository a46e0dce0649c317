#version 120

uniform vec3 twin_skyZenith;     // straight up
uniform vec3 twin_skyHorizon;    // at (and, as haze, below) the horizon
uniform vec3 twin_sunGlow;       // the halo round the sun
uniform vec3 twin_sunDirection;  // towards the sun, site frame, normalised

varying vec3 v_direction;

void main() {
  vec3 d = normalize(v_direction);
  // The gradient rises fast above the horizon, as the real sky's optical depth falls.
  vec3 color = mix(twin_skyHorizon, twin_skyZenith, pow(clamp(d.z, 0.0, 1.0), 0.45));
  if (d.z < 0.0) color = twin_skyHorizon * mix(1.0, 0.8, clamp(-d.z * 4.0, 0.0, 1.0));
  float toSun = max(dot(d, twin_sunDirection), 0.0);
  color += twin_sunGlow * (0.6 * pow(toSun, 8.0) + 2.0 * pow(toSun, 400.0));
  gl_FragColor = vec4(min(color, vec3(1.0)), 1.0);
}
