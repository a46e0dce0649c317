#include "ObliqueProduction.h"

#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>

#include <osg/Geode>
#include <osg/Geometry>
#include <osg/Image>
#include <osg/PagedLOD>
#include <osg/Texture2D>
#include <osgDB/Options>
#include <osgDB/WriteFile>

namespace twin::test {
namespace {

namespace fs = std::filesystem;

constexpr float kTileMeters = 100;
constexpr float kHeight = 5;
// The pager must resolve level files against the tile folder, never against the path the
// production tool wrote (a loader that trusts it reads nothing).
constexpr const char* kStalePath = "/elsewhere/Production_1/Data/";

// A PagedLOD as the tools write it: the coarse mesh shown up to `pixels` on screen, then the
// finer file(s) in its place.
osg::ref_ptr<osg::PagedLOD> pagedLevel(osg::Node* coarse, const std::string& file, osg::Vec3 centre, float radius,
                                       float pixels, const std::string& tileFolder) {
  osg::ref_ptr<osg::PagedLOD> lod = new osg::PagedLOD;
  lod->setRangeMode(osg::LOD::PIXEL_SIZE_ON_SCREEN);
  lod->setCenterMode(osg::LOD::USER_DEFINED_CENTER);
  lod->setCenter(centre);
  lod->setRadius(radius);
  lod->setDatabasePath(kStalePath + tileFolder + "/");
  lod->addChild(coarse, 0, pixels);
  lod->setFileName(1, file);
  lod->setRange(1, pixels, 1e30f);
  return lod;
}

std::string tileName(int x, int y) {
  char name[32];
  std::snprintf(name, sizeof name, "Tile_+%03d_+%03d", x, y);
  return name;
}

}  // namespace

void writeOsgNode(osg::Node& node, const fs::path& file) {
  osg::ref_ptr<osgDB::Options> options = new osgDB::Options("WriteImageHint=IncludeData");
  INFO(file.string());
  REQUIRE(osgDB::writeNodeFile(node, file.string(), options.get()));
}

osg::ref_ptr<osg::Image> solidImage(unsigned char r, unsigned char g, unsigned char b) {
  osg::ref_ptr<osg::Image> image = new osg::Image;
  image->allocateImage(8, 8, 1, GL_RGB, GL_UNSIGNED_BYTE);
  for (int i = 0; i < 64; ++i) {
    image->data()[i * 3 + 0] = r;
    image->data()[i * 3 + 1] = g;
    image->data()[i * 3 + 2] = b;
  }
  image->setFileName("solid.jpg");
  return image;
}

osg::ref_ptr<osg::Geode> texturedGrid(float x, float y, float size, int cells, float z, osg::Image* image) {
  osg::ref_ptr<osg::Geometry> geometry = new osg::Geometry;
  osg::ref_ptr<osg::Vec3Array> vertices = new osg::Vec3Array;
  osg::ref_ptr<osg::Vec2Array> uvs = new osg::Vec2Array;
  for (int j = 0; j <= cells; ++j)
    for (int i = 0; i <= cells; ++i) {
      vertices->push_back(osg::Vec3(x + size * i / cells, y + size * j / cells, z));
      uvs->push_back(osg::Vec2(float(i) / cells, float(j) / cells));
    }
  osg::ref_ptr<osg::DrawElementsUInt> triangles = new osg::DrawElementsUInt(GL_TRIANGLES);
  for (int j = 0; j < cells; ++j)
    for (int i = 0; i < cells; ++i) {
      const unsigned a = j * (cells + 1) + i, b = a + 1, c = a + cells + 1, d = c + 1;
      for (unsigned k : {a, b, d, a, d, c}) triangles->push_back(k);
    }
  geometry->setVertexArray(vertices);
  geometry->setTexCoordArray(0, uvs);
  geometry->addPrimitiveSet(triangles);
  osg::ref_ptr<osg::Texture2D> texture = new osg::Texture2D(image);
  geometry->getOrCreateStateSet()->setTextureAttributeAndModes(0, texture);
  osg::ref_ptr<osg::Geode> geode = new osg::Geode;
  geode->addDrawable(geometry);
  return geode;
}

ObliqueProductionFacts writeObliqueProduction(const fs::path& folder, const ObliqueProductionOptions& options) {
  ObliqueProductionFacts facts;
  facts.folder = folder;
  fs::create_directories(folder / "Data");
  {
    std::ofstream metadata(folder / "metadata.xml", std::ios::binary);
    metadata << "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<ModelMetadata version=\"1\">\n"
                "  <!--Spatial Reference System-->\n  <SRS>"
             << options.srs
             << "</SRS>\n"
                "  <!--Origin in Spatial Reference System-->\n  <SRSOrigin>"
             << options.srsOrigin << "</SRSOrigin>\n</ModelMetadata>\n";
    REQUIRE(metadata.good());
  }
  auto count = [&](const std::string& level, std::size_t geometries, std::size_t triangles) {
    ++facts.filesByLevel[level];
    facts.trianglesByLevel[level] += triangles;
    ++facts.files;
    facts.geometries += geometries;
    facts.triangles += triangles;
  };
  const float half = kTileMeters / 2;
  for (int ty = 0; ty < options.tilesY; ++ty)
    for (int tx = 0; tx < options.tilesX; ++tx) {
      const std::string tile = tileName(tx, ty);
      const fs::path tileFolder = folder / "Data" / tile;
      fs::create_directories(tileFolder);
      const float x0 = kTileMeters * tx, y0 = kTileMeters * ty;

      // L15 holds one PagedLOD per quarter of the tile (a 2 x 2 grid each) paging to that
      // quarter's L16 file, the finest level (a 4 x 4 grid): the quadtree split of real productions.
      osg::ref_ptr<osg::Group> l15 = new osg::Group;
      for (int q = 0; q < 4; ++q) {
        const float qx = x0 + half * float(q % 2), qy = y0 + half * float(q / 2);
        const std::string l16 = tile + "_L16_0" + std::to_string(q) + ".osgb";
        writeOsgNode(*texturedGrid(qx, qy, half, 4, kHeight, solidImage(255, 0, 255)), tileFolder / l16);
        count("L16", 1, 2 * 4 * 4);
        l15->addChild(pagedLevel(texturedGrid(qx, qy, half, 2, kHeight, solidImage(0, 0, 255)), l16,
                                 osg::Vec3(qx + half / 2, qy + half / 2, kHeight), 36, 80, tile));
      }
      writeOsgNode(*l15, tileFolder / (tile + "_L15_0.osgb"));
      count("L15", 4, 4 * 2 * 2 * 2);

      // The root: a 2 x 2 grid over the tile until it covers 40 pixels on screen, then L15.
      osg::ref_ptr<osg::PagedLOD> root =
          pagedLevel(texturedGrid(x0, y0, kTileMeters, 2, kHeight, solidImage(0, 255, 0)), tile + "_L15_0.osgb",
                     osg::Vec3(x0 + half, y0 + half, kHeight), 71, 40, tile);
      writeOsgNode(*root, tileFolder / (tile + ".osgb"));
      count("root", 1, 2 * 2 * 2);
      ++facts.tiles;
    }
  return facts;
}

}  // namespace twin::test
