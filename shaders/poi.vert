// POI markers, one drawable for all of them: stems (GL_LINES) and screen-sized discs on top
// (GL_POINTS, point sprite), coloured by category; a cluster's disc is larger with a wider rim.
#version 120

// (index into twin_poiColor, disc diameter in pixels, 1 disc / 0 stem, 1 cluster / 0 single POI)
attribute vec4 twin_poiMarker;
uniform vec4 twin_poiColor[6];

varying vec4 v_color;
varying float v_disc;
varying float v_cluster;

void main() {
  gl_Position = gl_ModelViewProjectionMatrix * gl_Vertex;
  gl_PointSize = twin_poiMarker.y;
  v_color = twin_poiColor[int(clamp(twin_poiMarker.x + 0.5, 0.0, 5.0))];
  v_disc = twin_poiMarker.z;
  v_cluster = twin_poiMarker.w;
}
