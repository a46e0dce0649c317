// POI markers, one drawable for all of them: stems (GL_LINES) and screen-sized discs on top
// (GL_POINTS, point sprite), coloured by category; a cluster's disc is larger with a wider rim.
#version 120

// (index into twin_poiColor, disc diameter in pixels, 1 disc / 0 stem, 1 cluster / 0 single POI)
attribute vec4 twin_poiMarker;
uniform vec4 twin_poiColor[6];
uniform float twin_viewportHeight;  // pixels (set for each view by the marker layer)

varying vec4 v_color;
varying float v_disc;
varying float v_cluster;

void main() {
  vec4 eye = gl_ModelViewMatrix * gl_Vertex;
  if (twin_poiMarker.z > 0.5 && twin_viewportHeight > 0.0 && eye.z < 0.0) {
    // A sprite has one depth, its centre's: the ground under its lower half lies nearer the eye and
    // would cut the disc in two. The disc is pulled towards the eye, along its line of sight (so it
    // stays where it is on screen), by its own diameter in metres at that distance.
    float metresPerPixel = -eye.z * 2.0 / (gl_ProjectionMatrix[1][1] * twin_viewportHeight);
    float distance = length(eye.xyz);
    eye.xyz *= max(0.0, 1.0 - twin_poiMarker.y * metresPerPixel / distance);
  }
  gl_Position = gl_ProjectionMatrix * eye;
  gl_PointSize = twin_poiMarker.y;
  v_color = twin_poiColor[int(clamp(twin_poiMarker.x + 0.5, 0.0, 5.0))];
  v_disc = twin_poiMarker.z;
  v_cluster = twin_poiMarker.w;
}
