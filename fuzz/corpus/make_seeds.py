#!/usr/bin/env python3
"""Writes the fuzz seed corpora (fuzz/corpus/<target>/) from the repository's own fixtures and
small hand-made files; see README.md beside this script for where each seed comes from.
Usage: make_seeds.py [SAMPLE_3DTILES_DIR]  (the Cesium sample folder; without it the b3dm
seeds taken from it are left as they are)."""
import base64, json, os, struct, sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def put(target, name, data):
    os.makedirs(os.path.join(HERE, target), exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(HERE, target, name), "wb") as f:
        f.write(data)


def pad(b, n=4, fill=b" "):
    return b + fill * ((n - len(b) % n) % n)


# A triangle with a _BATCHID attribute: glTF JSON + its binary buffer.
positions = struct.pack("<9f", 0, 0, 0, 10, 0, 0, 0, 10, 0)
batch = struct.pack("<3f", 0, 0, 0)
indices = struct.pack("<3H", 0, 1, 2) + b"\0\0"
binary = positions + batch + indices


def gltf_json(uri=None):
    buffer = {"byteLength": len(binary)}
    if uri:
        buffer["uri"] = uri
    return {
        "asset": {"version": "2.0"},
        "scene": 0,
        "scenes": [{"nodes": [0]}],
        "nodes": [{"mesh": 0, "translation": [1, 2, 3]}],
        "meshes": [{"primitives": [{"attributes": {"POSITION": 0, "_BATCHID": 1}, "indices": 2, "material": 0}]}],
        "materials": [{"pbrMetallicRoughness": {"baseColorFactor": [1, 0.5, 0.2, 1]}, "doubleSided": True}],
        "accessors": [
            {"bufferView": 0, "componentType": 5126, "count": 3, "type": "VEC3", "min": [0, 0, 0], "max": [10, 10, 0]},
            {"bufferView": 1, "componentType": 5126, "count": 3, "type": "SCALAR"},
            {"bufferView": 2, "componentType": 5123, "count": 3, "type": "SCALAR"},
        ],
        "bufferViews": [
            {"buffer": 0, "byteOffset": 0, "byteLength": 36},
            {"buffer": 0, "byteOffset": 36, "byteLength": 12},
            {"buffer": 0, "byteOffset": 48, "byteLength": 6},
        ],
        "buffers": [buffer],
    }


def glb(doc):
    j = pad(json.dumps(doc, separators=(",", ":")).encode())
    b = pad(binary, 4, b"\0")
    body = struct.pack("<II", len(j), 0x4E4F534A) + j + struct.pack("<II", len(b), 0x004E4942) + b
    return struct.pack("<4sII", b"glTF", 2, 12 + len(body)) + body


triangle_glb = glb(gltf_json())
put("gltf", "triangle.glb", triangle_glb)
put("gltf", "triangle.gltf", json.dumps(gltf_json("data:application/octet-stream;base64," +
                                                   base64.b64encode(binary).decode()), indent=1))


# The same triangle as 3D Tiles 1.1 content, as `twin export` writes it: _FEATURE_ID_0 with
# EXT_mesh_features, and a property table (a float and a string property) in
# EXT_structural_metadata.
def features_glb():
    height = struct.pack("<f", 12.5)
    name = b"a"
    offsets = struct.pack("<2I", 0, len(name))
    extra = [height, pad(name, 4, b"\0"), offsets]
    doc = gltf_json()
    prim = doc["meshes"][0]["primitives"][0]
    prim["attributes"] = {"POSITION": 0, "_FEATURE_ID_0": 1}
    prim["extensions"] = {"EXT_mesh_features": {"featureIds": [{"featureCount": 1, "attribute": 0,
                                                               "propertyTable": 0}]}}
    at = len(binary)
    for chunk in extra:
        doc["bufferViews"].append({"buffer": 0, "byteOffset": at, "byteLength": len(chunk)})
        at += len(chunk)
    doc["buffers"][0]["byteLength"] = at
    doc["extensionsUsed"] = ["EXT_mesh_features", "EXT_structural_metadata"]
    doc["extensions"] = {"EXT_structural_metadata": {
        "schema": {"id": "twin", "classes": {"building": {"properties": {
            "height": {"type": "SCALAR", "componentType": "FLOAT32"}, "name": {"type": "STRING"}}}}},
        "propertyTables": [{"class": "building", "count": 1, "properties": {
            "height": {"values": 3}, "name": {"values": 4, "stringOffsets": 5}}}]}}
    j = pad(json.dumps(doc, separators=(",", ":")).encode())
    b = pad(binary + b"".join(extra), 4, b"\0")
    body = struct.pack("<II", len(j), 0x4E4F534A) + j + struct.pack("<II", len(b), 0x004E4942) + b
    return struct.pack("<4sII", b"glTF", 2, 12 + len(body)) + body


put("gltf", "triangle-features.glb", features_glb())


def b3dm(glb_bytes, feature, batch_table):
    fj = pad(json.dumps(feature).encode(), 8)
    bj = pad(json.dumps(batch_table).encode(), 8) if batch_table else b""
    total = 28 + len(fj) + len(bj) + len(glb_bytes)
    return struct.pack("<4s6I", b"b3dm", 1, total, len(fj), 0, len(bj), 0) + fj + bj + glb_bytes


tile = b3dm(triangle_glb, {"BATCH_LENGTH": 1, "RTC_CENTER": [1215000.0, -4736000.0, 4081000.0]},
            {"name": ["a"], "height": [12.5]})
put("tile", "triangle.b3dm", tile)

# pnts: three points with RGB colours.
pf = pad(json.dumps({"POINTS_LENGTH": 3, "POSITION": {"byteOffset": 0}, "RGB": {"byteOffset": 36}}).encode(), 8)
pb = pad(positions + bytes([255, 0, 0, 0, 255, 0, 0, 0, 255]), 8, b"\0")
pnts = struct.pack("<4s6I", b"pnts", 1, 28 + len(pf) + len(pb), len(pf), len(pb), 0, 0) + pf + pb
put("tile", "three.pnts", pnts)
inner = [tile + b"\0" * ((8 - len(tile) % 8) % 8), pnts]
cmpt = struct.pack("<4sIII", b"cmpt", 1, 16 + sum(map(len, inner)), len(inner)) + b"".join(inner)
put("tile", "both.cmpt", cmpt)

if len(sys.argv) > 1:
    sample = sys.argv[1]
    with open(os.path.join(sample, "city", "ll.b3dm"), "rb") as f:
        ll = f.read()
    put("tile", "cesium-ll.b3dm", ll)
    # The sample's glTF payload: after the 28-byte header and the two tables.
    _, _, _, fj, fb, bj, bb = struct.unpack("<4s6I", ll[:28])
    put("gltf", "cesium-ll.glb", ll[28 + fj + fb + bj + bb:])
    for name in ("tileset.json", os.path.join("city", "tileset.json")):
        with open(os.path.join(sample, name), "rb") as f:
            put("tileset", "cesium-" + name.replace(os.sep, "-"), f.read())

put("tileset", "box-transform.json", json.dumps({
    "asset": {"version": "1.1"}, "geometricError": 50,
    "root": {"boundingVolume": {"box": [0, 0, 10, 50, 0, 0, 0, 50, 0, 0, 0, 10]}, "geometricError": 10,
             "refine": "REPLACE", "transform": [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 1215000, -4736000, 4081000, 1],
             "content": {"uri": "a.b3dm"},
             "children": [{"boundingVolume": {"sphere": [0, 0, 0, 20]}, "geometricError": 0,
                           "content": {"uri": "sub/tileset.json"}}]}}, indent=1))

# metadata.xml: the three SRS forms ContextCapture writes.
meta = '<?xml version="1.0" encoding="utf-8"?>\n<ModelMetadata version="1">\n\t<!--Spatial Reference System-->\n' \
       '\t<SRS>{}</SRS>\n\t<!--Origin in Spatial Reference System-->\n\t<SRSOrigin>{}</SRSOrigin>\n</ModelMetadata>\n'
put("oblique_metadata", "epsg.xml", meta.format("EPSG:4547", "501027.524,2488718.808,0"))
put("oblique_metadata", "enu.xml", meta.format("ENU:22.495,113.38", "0,0,0"))
put("oblique_metadata", "wkt.xml", meta.format(
    'PROJCS["CGCS2000 / 3-degree Gauss-Kruger CM 114E",GEOGCS["China Geodetic Coordinate System 2000",'
    'DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101]],PRIMEM["Greenwich",0],'
    'UNIT["degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],'
    'PARAMETER["central_meridian",114],PARAMETER["scale_factor",1],PARAMETER["false_easting",500000],'
    'PARAMETER["false_northing",0],UNIT["metre",1]]', "500000,2500000,12.5"))

put("payload", "single.json", '{"sensor":"pm25-1","ts":"2024-05-01T08:00:00+08:00","value":35.5}')
put("payload", "batch.json", '[{"sensor":"a","ts":1714521600000,"value":1},{"sensor":"b","value":null},'
                             '{"sensor":"c","ts":1714521600000,"value":"NaN"}]')
put("payload", "senml.json", '[{"bn":"urn:dev:ow:10e2073a01080063:","bt":1.320067464e+09,"bu":"%RH","v":20},'
                             '{"u":"lon","v":24.30621},{"n":"temp","u":"Cel","t":60,"v":23.1}]')

with open(os.path.join(REPO, "assets", "sensors", "PRSA_Data_Aotizhongxin_20130301-20170228.csv"), "rb") as f:
    rows = f.read().split(b"\n")
put("replay_csv", "aotizhongxin-head.csv", b"\n".join(rows[:25]) + b"\n")
put("replay_csv", "time-column.csv", 'time,PM2.5,TEMP\n2017-02-28T23:00:00Z,12,"-1.5"\n1488322800000,NA,3\n'
                                      '"2017-03-01 00:00:00.5",,4\n')
put("replay_jsonl", "mixed.jsonl", '{"sensor":"a","ts":"2017-03-01T00:00:00Z","value":1}\n\n'
                                   '[{"sensor":"b","ts":1488326400000,"value":2}]\n'
                                   '[{"bn":"c:","bt":1488326400,"n":"t","v":3}]\nnot json\n')

put("osm_xml", "small.osm", '''<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="hand">
 <node id="1" lat="43.7300" lon="7.4200"/>
 <node id="2" lat="43.7300" lon="7.4210"/>
 <node id="3" lat="43.7310" lon="7.4210"/>
 <node id="4" lat="43.7310" lon="7.4200"/>
 <node id="5" lat="43.7305" lon="7.4190"><tag k="amenity" v="school"/><tag k="name" v="A"/></node>
 <node id="6" lat="43.7320" lon="7.4230"/>
 <way id="10"><nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/><nd ref="1"/>
  <tag k="building" v="apartments"/><tag k="building:levels" v="6"/><tag k="name" v="B"/></way>
 <way id="11"><nd ref="5"/><nd ref="6"/><tag k="highway" v="footway"/></way>
 <way id="12"><nd ref="1"/><nd ref="3"/><nd ref="6"/><nd ref="1"/></way>
 <relation id="20"><member type="way" ref="12" role="outer"/><member type="way" ref="99" role="inner"/>
  <tag k="type" v="multipolygon"/><tag k="building" v="yes"/></relation>
</osm>
''')

with open(os.path.join(REPO, "scenes", "monaco.json"), "rb") as f:
    put("scene_json", "monaco.json", f.read())
put("scene_json", "minimal.json", '{"name":"m","site":{"origin":{"lon":7.42,"lat":43.73}},'
                                  '"layers":[{"id":"osm","source":"x.osm"}]}')

put("cityjson", "minimal.city.json", json.dumps({
    "type": "CityJSON", "version": "2.0", "transform": {"scale": [0.001, 0.001, 0.001], "translate": [85000, 447500, 0]},
    "metadata": {"referenceSystem": "https://www.opengis.net/def/crs/EPSG/0/7415"},
    "CityObjects": {"b1": {"type": "Building", "attributes": {"h": 9, "tags": {"a": [1, 2]}},
                           "geometry": [{"type": "Solid", "lod": "1",
                                         "boundaries": [[[[0, 1, 2, 3]], [[4, 5, 6, 7]], [[0, 1, 5, 4]]]],
                                         "semantics": {"surfaces": [{"type": "RoofSurface"}], "values": [[0, None, 0]]}}]},
                    "b2": {"type": "BuildingPart", "parents": ["b1"],
                           "geometry": [{"type": "MultiSurface", "lod": 2, "boundaries": [[[0, 1, 2]], [[2, 3, 0], [4, 5, 6]]]}]}},
    "vertices": [[0, 0, 0], [10000, 0, 0], [10000, 10000, 0], [0, 10000, 0],
                 [0, 0, 9000], [10000, 0, 9000], [10000, 10000, 9000], [0, 10000, 9000]]}))

# Regression inputs for issue 15's stack overflow: JSON nested 100,000 deep, which nlohmann's
# dump() (scene files, CityJSON attributes, b3dm batch tables), tinygltf's value parser and the
# tileset tree walk recursed into until the stack ran out (exit 139).
REGRESSIONS = os.path.join(os.path.dirname(HERE), "regressions")


def regression(target, name, data):
    os.makedirs(os.path.join(REGRESSIONS, target), exist_ok=True)
    with open(os.path.join(REGRESSIONS, target, name), "wb") as f:
        f.write(data.encode() if isinstance(data, str) else data)


deep = "[" * 100000 + "]" * 100000
regression("scene_json", "deep-nesting-100000.json",
           '{"name":"deep","site":{"origin":{"lon":7.42,"lat":43.73}},"layers":[],"sensors":' + deep + "}")
regression("cityjson", "deep-nesting-attribute-100000.city.json",
           '{"type":"CityJSON","version":"2.0","CityObjects":{"b":{"type":"Building","attributes":{"a":' + deep +
           '}}},"vertices":[]}')
regression("gltf", "deep-nesting-extras-100000.gltf", '{"asset":{"version":"2.0","extras":' + deep + "}}")
regression("tileset", "deep-nesting-children-3000.json", '{"asset":{"version":"1.0"},"geometricError":1,"root":' +
           '{"geometricError":1,"boundingVolume":{"sphere":[0,0,0,1]},"children":[' * 3000 + "{}" + "]}" * 3000 + "}")
bt = pad(('{"name":' + deep + "}").encode(), 8)
regression("tile", "deep-nesting-batch-table-100000.b3dm",
           struct.pack("<4s6I", b"b3dm", 1, 28 + 24 + len(bt) + len(triangle_glb), 24, 0, len(bt), 0) +
           pad(b'{"BATCH_LENGTH":1}', 8) + bt + triangle_glb)
