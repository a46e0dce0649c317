// glTF 2.0 (.gltf / .glb) and 3D Tiles 1.0 Batched 3D Model (.b3dm) content as OSG nodes, read
// through tinygltf: meshes, base-colour materials and textures, the node hierarchy; b3dm feature
// and batch tables, with picking of batches.
//
// Index: GltfStats, gltfToNode(), readGltfFile(), describeGltf(), gltfYUpToZUp() | BatchTable,
// B3dmContent, parseB3dm() | loadGltfModel().
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <osg/BoundingBox>
#include <osg/Matrixd>
#include <osg/Node>
#include <osg/Vec3d>
#include <osg/ref_ptr>

#include "twin/core/Diagnostics.h"
#include "twin/core/Result.h"
#include "twin/geo/SiteFrame.h"
#include "twin/model/ModelSource.h"
#include "twin/scene/SceneModel.h"

namespace twin::scene {

/** What a glTF holds. nodes / meshes / materials count the file's arrays; primitives, triangles
    and vertices count the geometry built (each mesh once, however often nodes instance it;
    skipped primitives excluded; triangles of TRIANGLES / STRIP / FAN modes only); textures
    counts the textures decoded and used. `bounds`: the built scene in glTF's y-up model space
    with all node transforms applied (empty when nothing was built). */
struct GltfStats {
  std::size_t nodes = 0;
  std::size_t meshes = 0;
  std::size_t primitives = 0;
  std::size_t triangles = 0;
  std::size_t vertices = 0;
  std::size_t textures = 0;
  std::size_t materials = 0;
  osg::BoundingBox bounds;
};

/** Generic vertex attribute slot that holds a primitive's _BATCHID / BATCH_ID values (an
    osg::FloatArray, one per vertex) on the built osg::Geometry. No GL driver aliases slot 6. */
constexpr unsigned kBatchIdAttribute = 6;

/** Builds an OSG subgraph from glTF 2.0 bytes: a GLB (magic "glTF") or glTF JSON text. External
    buffers and images are read relative to `baseDir`; data: URIs are decoded. `label` names the
    content in messages (a file name, or "tile x.b3dm").
    Output stays in glTF's axes (y up, metres as stored); see gltfYUpToZUp(). Built: every
    primitive of the chosen scene (the default scene, else scene 0, else all root nodes) in modes
    POINTS, LINES, LINE_LOOP, LINE_STRIP, TRIANGLES, TRIANGLE_STRIP, TRIANGLE_FAN, indexed or not,
    with POSITION, NORMAL (generated when missing for triangles), TEXCOORD_0, COLOR_0, _BATCHID or _FEATURE_ID_0
    (kBatchIdAttribute); nodes with a matrix or TRS become osg::MatrixTransforms. Materials are
    fixed-function: osg::Material from baseColorFactor, the base-colour texture (sampler wrap and
    filters) modulated, alphaMode BLEND / MASK, doubleSided (else back faces culled),
    KHR_materials_unlit (lighting off).
    Errors ("scene::gltfToNode(): <label>: ...") for data that is not a glTF (bad magic, truncated
    GLB, a chunk length past the end, unparsable JSON) or where no primitive could be built.
    Sparse accessors are made dense (the listed elements replaced); an accessor without a
    bufferView is zeros, as the spec says. A primitive with a bad accessor (past its buffer, a
    sparse index past the accessor, an index past the vertices, a non-finite position), a
    Draco-compressed one or an undecodable image is skipped and reported in `diag`.
    Never throws. Thread-safe for different inputs (no shared state; `diag` is thread-safe). */
core::Result<osg::ref_ptr<osg::Node>> gltfToNode(const std::uint8_t* data, std::size_t size, const std::string& label,
                                                 const std::filesystem::path& baseDir, core::Diagnostics& diag,
                                                 GltfStats* stats = nullptr);

/** gltfToNode() on a .gltf / .glb file (label: the file name; baseDir: its folder). Error when
    the file cannot be read. */
core::Result<osg::ref_ptr<osg::Node>> readGltfFile(const std::filesystem::path& file, core::Diagnostics& diag,
                                                   GltfStats* stats = nullptr);

/** The statistics of a glTF file (for `twin info --model x.glb`): readGltfFile() with its
    problems counted in `diag` when given. Same errors as readGltfFile(). */
core::Result<GltfStats> describeGltf(const std::filesystem::path& file, core::Diagnostics* diag = nullptr);

/** The rotation from glTF axes to ours: +90 degrees about x, so glTF +y (up) -> our +z and glTF
    +z (forward) -> our -y. OSG row-vector convention: our = glTF * gltfYUpToZUp(). */
osg::Matrixd gltfYUpToZUp();

/** A b3dm batch table as display text: values[p][batchId] is property names[p] of that batch
    (numbers as JSON writes them, strings unquoted, arrays / objects as JSON, binary scalars and
    vectors decoded: "(1, 2, 3)"; a binary property that cannot be decoded reads "(binary)"). */
struct BatchTable {
  std::size_t length = 0;                        // BATCH_LENGTH
  std::vector<std::string> names;                // in file order
  std::vector<std::vector<std::string>> values;  // [property][batch id], each of size `length`
  /** (name, value) of every property of batch `batchId`; empty when batchId >= length. */
  std::vector<std::pair<std::string, std::string>> row(std::size_t batchId) const;
};

/** One b3dm tile's content. `node`: the glTF turned z-up (gltfYUpToZUp()) and translated by
    RTC_CENTER, i.e. in the tile's coordinates before the tileset's transforms (ECEF metres for
    a usual tileset). Drawables whose primitive had _BATCHID / BATCH_ID carry a PickInfo that
    reports the hit vertex's batch: title "batch 3", properties batchTable->row(3). */
struct B3dmContent {
  osg::ref_ptr<osg::Node> node;
  std::size_t batchLength = 0;
  std::optional<osg::Vec3d> rtcCenter;
  bool legacyHeader = false;                     // a pre-1.0 header layout (reported in diag)
  std::shared_ptr<const BatchTable> batchTable;  // never null
  GltfStats stats;                               // of the glTF payload (y-up model space)
};

/** Parses a b3dm (3D Tiles 1.0 Batched 3D Model) from memory. Header: magic "b3dm", version 1,
    byteLength == size, and the four table lengths within it; the two legacy layouts
    (batchLength / batchTableByteLength in the old positions) are detected as CesiumJS does and
    reported. Feature table: BATCH_LENGTH and RTC_CENTER (JSON or binary). Batch table: JSON
    arrays and binary properties. The glTF payload goes through gltfToNode() (`baseDir` resolves
    its external files). Errors ("scene::parseB3dm(): <label>: ...") name the header field that
    is wrong, unparsable table JSON, or the payload's error. A batch-table property of the wrong
    length or past the binary body is reported in `diag` and filled with "". Never throws.
    Thread-safe for different inputs (called from 3D Tiles worker threads). */
core::Result<B3dmContent> parseB3dm(const std::uint8_t* data, std::size_t size, const std::string& label,
                                    const std::filesystem::path& baseDir, core::Diagnostics& diag);

/** Loads a .gltf / .glb as a SceneModel: the glTF turned z-up, then `placement` (its origin at
    the placement's lon/lat through SiteFrame::toLocal, raised by heightMeters + heightOffsetMeters,
    turned by headingDegrees clockwise from true north about z, scaled by `scale`), all in one
    osg::MatrixTransform. Without a placement the model's origin stands at the frame origin
    (raised by heightOffsetMeters). An invalid `frame` (SiteFrame{}) makes a local-tm frame at the
    placement's lon/lat (lon/lat 0,0 without one), returned in SceneModel::frame. SceneModel::id
    is the file name; bounds are the placed geometry's. Errors: readGltfFile()'s, a non-finite
    placement, scale <= 0, a position the frame cannot map. Never throws. */
core::Result<SceneModel> loadGltfModel(const std::filesystem::path& file, const model::ModelPlacement* placement,
                                       double heightOffsetMeters, const geo::SiteFrame& frame, core::Diagnostics& diag);

}  // namespace twin::scene
