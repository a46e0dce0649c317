// A small oblique-photography production written by the test itself, so that the OSGB path is
// tested without any third-party sample: the layout ContextCapture / Smart3D deliver.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <string>

#include <osg/Geode>
#include <osg/Image>
#include <osg/Node>
#include <osg/ref_ptr>

namespace twin::test {

struct ObliqueProductionOptions {
  std::string srs = "EPSG:4547";  ///< <SRS> of metadata.xml: EPSG code, WKT or ENU:lat,lon
  /// <SRSOrigin> of metadata.xml: x,y,z in the SRS (EPSG:4547, CM 114E: x 400000 is about 113.03 E)
  std::string srsOrigin = "400000.5,2500000.25,10";
  int tilesX = 2, tilesY = 1;  ///< a grid of 100 m tiles, Tile_+00X_+00Y at local x 100 X, y 100 Y
};

/** What writeObliqueProduction() wrote, for exact expectations. */
struct ObliqueProductionFacts {
  std::filesystem::path folder;                     ///< the production (holds metadata.xml and Data/)
  int tiles = 0;                                    ///< root tiles written
  std::map<std::string, std::size_t> filesByLevel;  ///< "root", "L15", "L16": .osgb files per level
  std::map<std::string, std::size_t> trianglesByLevel;
  std::size_t files = 0, geometries = 0, triangles = 0;  ///< in all levels; one texture per geometry
};

/** Writes into `folder` (created) a production as photogrammetry tools deliver it:
      metadata.xml                         <SRS> and <SRSOrigin>
      Data/Tile_+00X_+00Y/Tile_+00X_+00Y.osgb       root: PagedLOD (PIXEL_SIZE_ON_SCREEN, user centre,
                                                    radius 71 m), a 2 x 2 textured grid, pages to L15
      Data/Tile_+00X_+00Y/Tile_+00X_+00Y_L15_0.osgb four PagedLODs, one per quarter (2 x 2 grid), each
                                                    paging to its L16 file
      Data/Tile_+00X_+00Y/Tile_+00X_+00Y_L16_0N.osgb the tile's quarter N as a 4 x 4 grid (finest level)
    Each level's grid is textured with its own colour (root green, L15 blue, L16 magenta, texture
    embedded as in real productions), without normals or colours; the database paths are stale
    (as in a production copied from another machine). Every tile is a 100 m square at height 5 m.
    Fails the current test (Catch2 REQUIRE) when OSG cannot write a file. */
/** An 8 x 8 RGB image of one colour, named "solid.jpg" (so that osgDB embeds it as a JPEG). */
osg::ref_ptr<osg::Image> solidImage(unsigned char r, unsigned char g, unsigned char b);

/** A textured, normal-less, colour-less grid of cells x cells squares over the square at (x, y)
    of side `size`, at height z, as photogrammetry tools write their meshes: 2 cells^2 triangles,
    texture coordinates 0..1 across the square, `image` as its texture. */
osg::ref_ptr<osg::Geode> texturedGrid(float x, float y, float size, int cells, float z, osg::Image* image);

/** Writes `node` to `file` with its images embedded (WriteImageHint=IncludeData), as production
    tools do; fails the current test (Catch2 REQUIRE) when OSG cannot write it. */
void writeOsgNode(osg::Node& node, const std::filesystem::path& file);

ObliqueProductionFacts writeObliqueProduction(const std::filesystem::path& folder,
                                              const ObliqueProductionOptions& options = {});

}  // namespace twin::test
