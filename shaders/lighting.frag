#version 120
// Shared light model: hemisphere ambient (sky above, ground bounce below), one directional sun,
// and a distance tint towards the background that separates near from far without fog.

uniform vec3 twin_sunDirection;   // towards the sun, site frame, normalised
uniform vec3 twin_sunColor;
uniform vec3 twin_skyColor;
uniform vec3 twin_groundBounce;
uniform vec4 twin_background;
uniform vec3 twin_tint;           // x: start (m), y: end (m), z: strength in [0, 1]

vec3 twinLight(vec3 base, vec3 normal) {
  vec3 n = normalize(normal);
  vec3 ambient = mix(twin_groundBounce, twin_skyColor, n.z * 0.5 + 0.5);
  float sun = max(dot(n, twin_sunDirection), 0.0);
  return base * (ambient + sun * twin_sunColor);
}

vec3 twinDistanceTint(vec3 color, float distance) {
  float t = smoothstep(twin_tint.x, twin_tint.y, distance) * twin_tint.z;
  return mix(color, twin_background.rgb, t);
}
