#version 120
// Shared light model: hemisphere ambient (sky above, ground bounce below), one directional sun,
// and a distance tint towards the background that separates near from far without fog.

uniform vec3 twin_sunDirection;   // towards the sun, site frame, normalised
uniform vec3 twin_sunColor;
uniform vec3 twin_skyColor;
uniform vec3 twin_groundBounce;
uniform vec4 twin_background;
uniform vec3 twin_tint;           // x: start (m), y: end (m), z: strength in [0, 1]
// Sun shadows (SiteScene::setSun): a depth map seen from the sun; v_shadowCoord is written by the
// vertex shader (twin_shadowMatrix * the site-frame vertex).
uniform float twin_shadowOn;      // 1 while the map is drawn, else 0
uniform sampler2D twin_shadowMap;
uniform float twin_shadowTexel;   // 1 / the map's size
varying vec4 v_shadowCoord;

// Fraction of the sun reaching the fragment: 3 x 3 percentage-closer samples of the map.
float twinSunVisible() {
  if (twin_shadowOn < 0.5) return 1.0;
  vec3 c = v_shadowCoord.xyz / v_shadowCoord.w;
  if (c.x <= 0.0 || c.x >= 1.0 || c.y <= 0.0 || c.y >= 1.0 || c.z >= 1.0) return 1.0;
  float lit = 0.0;
  for (int i = -1; i <= 1; ++i)
    for (int j = -1; j <= 1; ++j)
      lit += c.z - 0.0008 <= texture2D(twin_shadowMap, c.xy + vec2(float(i), float(j)) * twin_shadowTexel).r ? 1.0 : 0.0;
  return lit / 9.0;
}

vec3 twinLight(vec3 base, vec3 normal) {
  vec3 n = normalize(normal);
  vec3 ambient = mix(twin_groundBounce, twin_skyColor, n.z * 0.5 + 0.5);
  float sun = max(dot(n, twin_sunDirection), 0.0);
  return base * (ambient + sun * twinSunVisible() * twin_sunColor);
}

vec3 twinDistanceTint(vec3 color, float distance) {
  float t = smoothstep(twin_tint.x, twin_tint.y, distance) * twin_tint.z;
  return mix(color, twin_background.rgb, t);
}
