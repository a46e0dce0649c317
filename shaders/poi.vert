// POI markers: a stem (GL_LINES) and a screen-sized disc on top (GL_POINTS, point sprite),
// coloured by category.
#version 120

attribute float twin_poiCategory;  // index into twin_poiColor
uniform vec4 twin_poiColor[6];
uniform float twin_pointSize;      // pixels

varying vec4 v_color;

void main() {
  gl_Position = gl_ModelViewProjectionMatrix * gl_Vertex;
  gl_PointSize = twin_pointSize;
  v_color = twin_poiColor[int(clamp(twin_poiCategory + 0.5, 0.0, 5.0))];
}
