// The index.html of `twin export` (see WebExport.h): one static page, its settings as a JSON
// object in a <script> element, the rest plain HTML, CSS and JavaScript on CesiumJS's public API.
#include <nlohmann/json.hpp>

#include "twin/app/WebExport.h"

namespace twin::app {

namespace {

const char* const kHead = R"HTML(<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, maximum-scale=1">
<title>CommunityTwin</title>
<link rel="icon" href="data:,">
<script src="Cesium/Cesium.js"></script>
<link href="Cesium/Widgets/widgets.css" rel="stylesheet">
<style>
  html, body, #map { margin: 0; padding: 0; width: 100%; height: 100%; overflow: hidden;
    font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; }
  .box { position: absolute; background: rgba(255, 255, 255, 0.92); border-radius: 6px;
    box-shadow: 0 1px 4px rgba(0, 0, 0, 0.3); padding: 8px 10px; font-size: 13px; color: #222; }
  #panel { top: 8px; left: 8px; max-width: 300px; }
  #panel h1 { font-size: 16px; margin: 0 0 6px 0; }
  #panel .row { margin: 4px 0; }
  #panel button { font: inherit; padding: 2px 8px; margin-right: 4px; border: 1px solid #888;
    background: #f4f4f4; border-radius: 3px; cursor: pointer; }
  #panel button.on { background: #2b6cb0; color: #fff; border-color: #2b6cb0; }
  #legend span.swatch { display: inline-block; width: 10px; height: 10px; margin: 0 3px 0 8px;
    border: 1px solid #555; vertical-align: middle; }
  #legend span.swatch:first-child { margin-left: 0; }
  #info { top: 8px; right: 8px; min-width: 220px; max-width: 340px; display: none; }
  #info table { border-collapse: collapse; }
  #info td { padding: 1px 6px 1px 0; vertical-align: top; }
  #info td.k { color: #555; white-space: nowrap; }
  #credits { bottom: 4px; right: 8px; padding: 2px 6px; font-size: 12px; }
  #status { font-size: 12px; color: #555; }
  #status[data-state="error"] { color: #b00020; }
  .cesium-viewer-bottom { display: none; }
  /* The status as a colour in the corner, which a screenshot shows: grey loading, green ready, red error. */
  #light { position: fixed; left: 0; bottom: 0; width: 6px; height: 6px; background: #9e9e9e; z-index: 10; }
</style>
</head>
)HTML";

const char* const kBody = R"HTML(<body>
<div id="map"></div>
<div id="panel" class="box">
  <h1 id="title"></h1>
  <div class="row"><button id="lang"></button></div>
  <div class="row"><span data-t="colourBy"></span>
    <button id="byUse" class="on" data-t="use"></button><button id="byLevel" data-t="level"></button></div>
  <div class="row" id="scenarioRow" style="display:none"><span data-t="scenario"></span>
    <button id="before" class="on" data-t="before"></button><button id="after" data-t="after"></button>
    <div id="scenarioLabel"></div></div>
  <div class="row"><label><input type="checkbox" id="showIso"> <span data-t="isochrones"></span></label>
    <label><input type="checkbox" id="showFacilities"> <span data-t="facilities"></span></label></div>
  <div class="row" id="legend"></div>
  <div class="row" id="hint" data-t="hint"></div>
  <div id="status" data-state="loading"></div>
</div>
<div id="info" class="box"></div>
<div id="credits" class="box"></div>
<div id="light"></div>
<script>
"use strict";
const T = {
  zh: { colourBy: "着色：", use: "用途", level: "生活圈", scenario: "方案：", before: "现状", after: "规划后",
    isochrones: "步行等时圈", facilities: "配套设施", hint: "点击建筑查看属性", lang: "English",
    loading: "加载中…", ready: "已加载", tiles: "个瓦片", buildings: "栋建筑", error: "错误", comma: "，",
    none: "—", levelNone: "未达标", levelNA: "非住宅/无数据", minutes: "分钟",
    isoFrom: "等时圈起点", proposed: "规划建筑", existing: "现状建筑",
    props: { id: "编号", name: "名称", use: "用途", height: "高度（米）", status: "状态", level: "生活圈等级（分钟）",
      minutes_5: "5分钟生活圈步行（分钟）", minutes_10: "10分钟生活圈步行（分钟）", minutes_15: "15分钟生活圈步行（分钟）",
      level_after: "规划后生活圈等级（分钟）", minutes_5_after: "规划后5分钟步行（分钟）",
      minutes_10_after: "规划后10分钟步行（分钟）", minutes_15_after: "规划后15分钟步行（分钟）",
      category_label: "类别", key: "编号", category: "类别代码", minutes: "等时圈（分钟）", area_m2: "面积（平方米）" },
    uses: { residential: "住宅", commercial: "商业", office: "办公", education: "教育", healthcare: "医疗",
      public: "公共", industrial: "工业", transport: "交通", religious: "宗教", other: "其他" } },
  en: { colourBy: "Colour: ", use: "Use", level: "Life circle", scenario: "Scenario: ", before: "Before", after: "After",
    isochrones: "Walking isochrones", facilities: "Facilities", hint: "Click a building for its attributes", lang: "中文",
    loading: "Loading…", ready: "Loaded", tiles: "tiles", buildings: "buildings", error: "Error", comma: ", ",
    none: "—", levelNone: "not met", levelNA: "not residential / no data", minutes: "min",
    isoFrom: "isochrones from", proposed: "proposed", existing: "existing",
    props: { id: "Id", name: "Name", use: "Use", height: "Height (m)", status: "Status", level: "Life-circle level (min)",
      minutes_5: "5-min level walk (min)", minutes_10: "10-min level walk (min)", minutes_15: "15-min level walk (min)",
      level_after: "Level after (min)", minutes_5_after: "5-min walk after (min)", minutes_10_after: "10-min walk after (min)",
      minutes_15_after: "15-min walk after (min)", category_label: "Category", key: "Id", category: "Category id",
      minutes: "Isochrone (min)", area_m2: "Area (m²)" },
    uses: { residential: "residential", commercial: "commercial", office: "office", education: "education",
      healthcare: "healthcare", public: "public", industrial: "industrial", transport: "transport",
      religious: "religious", other: "other" } }
};
const LEVEL_COLOURS = [[15, "#2e9d4f"], [10, "#9ccc50"], [5, "#f2c14e"], [0, "#d9534f"]];
const ISO_COLOURS = { 5: "#2e9d4f", 10: "#f2c14e", 15: "#e07b39" };
let lang = "zh", colourBy = "use", phase = "before", selected = null, tileset = null;
let loadedTiles = 0, loadedFeatures = 0;
const layers = {};
const $ = (id) => document.getElementById(id);

function setStatus(state, text) {
  const s = $("status");
  if (s.dataset.state === "error") return;  // the first error stays shown
  s.dataset.state = state;
  s.textContent = text;
  $("light").style.background = state === "ready" ? "#00c853" : state === "error" ? "#d50000" : "#9e9e9e";
}
// An error that CesiumJS or the page logs turns the status to "error" (and its light red).
const consoleError = console.error;
console.error = (...args) => {
  consoleError.apply(console, args);
  setStatus("error", T[lang].error + ": " + args.map(String).join(" "));
};
window.addEventListener("error", (e) => setStatus("error", T[lang].error + ": " + e.message));
window.addEventListener("unhandledrejection", (e) => setStatus("error", T[lang].error + ": " + e.reason));

function statusText() {
  return T[lang].ready + " " + loadedTiles + " " + T[lang].tiles + T[lang].comma + loadedFeatures + " " + T[lang].buildings;
}

function levelColour(level) {
  if (level === undefined || level === null) return "#c9c9c9";
  for (const [l, c] of LEVEL_COLOURS) if (level >= l) return c;
  return "#d9534f";
}

function renderLegend() {
  const t = T[lang];
  let html = "";
  if (colourBy === "use") {
    for (const [use, colour] of CONFIG.useColours)
      html += '<span class="swatch" style="background:' + colour + '"></span>' + (t.uses[use] || use);
  } else {
    for (const [l, c] of LEVEL_COLOURS)
      html += '<span class="swatch" style="background:' + c + '"></span>' + (l ? l + " " + t.minutes : t.levelNone);
    html += '<span class="swatch" style="background:#c9c9c9"></span>' + t.levelNA;
  }
  if (CONFIG.isochrones && $("showIso").checked) {
    html += "<br>" + t.isochrones + ":";
    for (const m of [5, 10, 15])
      html += '<span class="swatch" style="background:' + ISO_COLOURS[m] + '"></span>' + m + " " + t.minutes;
  }
  if (CONFIG.isochrones) html += "<br>" + t.isoFrom + " " + CONFIG.isochroneOrigin;
  $("legend").innerHTML = html;
}

function renderTexts() {
  const t = T[lang];
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  document.title = (lang === "zh" ? CONFIG.title : CONFIG.titleEn) + " · CommunityTwin";
  $("title").textContent = lang === "zh" ? CONFIG.title : CONFIG.titleEn;
  $("lang").textContent = t.lang;
  for (const el of document.querySelectorAll("[data-t]")) el.textContent = t[el.dataset.t];
  $("scenarioLabel").textContent = CONFIG.scenarioLabel || "";
  $("credits").textContent = CONFIG.credits.join(" · ");
  const s = $("status");
  if (s.dataset.state === "ready") s.textContent = statusText();
  else if (s.dataset.state === "loading") s.textContent = t.loading;
  renderLegend();
  if (selected) showInfo(selected);
}

function formatValue(key, value) {
  const t = T[lang];
  if (value === undefined || value === null || value === "") return t.none;
  if (key === "use") return t.uses[value] || value;
  if (key === "status") return t[value] || value;
  if ((key === "level" || key === "level_after") && value === 0) return t.levelNone;
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : value.toFixed(1);
  return String(value);
}

function showInfo(item) {
  const t = T[lang];
  let rows = "";
  for (const [k, v] of item.rows)
    rows += '<tr><td class="k">' + (t.props[k] || k) + "</td><td>" + formatValue(k, v)
      .replace(/&/g, "&amp;").replace(/</g, "&lt;") + "</td></tr>";
  $("info").innerHTML = "<table>" + rows + "</table>";
  $("info").style.display = "block";
}

const PROPERTY_ORDER = ["id", "name", "use", "height", "status", "level", "minutes_5", "minutes_10", "minutes_15",
  "level_after", "minutes_5_after", "minutes_10_after", "minutes_15_after"];
function featureRows(feature) {
  const rank = (k) => (PROPERTY_ORDER.indexOf(k) + PROPERTY_ORDER.length + 1) % (PROPERTY_ORDER.length + 1);
  const ids = feature.getPropertyIds().slice().sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return ids.map((k) => [k, feature.getProperty(k)]);
}

function applyStyle() {
  if (!tileset) return;
  const levelKey = phase === "after" ? "level_after" : "level";
  const style = new Cesium.Cesium3DTileStyle();
  style.show = { evaluate: (f) => phase === "after" || f.getProperty("status") !== "proposed" };
  style.color = {
    evaluateColor: (f, result) => {
      if (selected && selected.feature === f) return Cesium.Color.clone(Cesium.Color.YELLOW, result);
      if (colourBy === "use") return Cesium.Color.clone(Cesium.Color.WHITE, result);
      return Cesium.Color.fromCssColorString(levelColour(f.getProperty(levelKey)), result);
    }
  };
  // White keeps the tiles' own colours (by use); coverage colours replace them.
  tileset.colorBlendMode = colourBy === "use" ? Cesium.Cesium3DTileColorBlendMode.HIGHLIGHT
                                              : Cesium.Cesium3DTileColorBlendMode.REPLACE;
  tileset.style = style;
  tileset.makeStyleDirty();
  for (const name of ["facilities", "facilities_after"])
    if (layers[name]) layers[name].show = $("showFacilities").checked &&
        (name === (phase === "after" && layers.facilities_after ? "facilities_after" : "facilities"));
  if (layers.isochrones) layers.isochrones.show = $("showIso").checked;
}

function toggle(onId, offId, apply) {
  $(onId).classList.add("on");
  $(offId).classList.remove("on");
  apply();
  applyStyle();
  renderLegend();
}

async function loadGeoJson(viewer, name, style) {
  try {
    const source = await Cesium.GeoJsonDataSource.load(name + ".geojson", { clampToGround: false });
    for (const e of source.entities.values) style(e);
    source.show = false;
    await viewer.dataSources.add(source);
    layers[name] = source;
  } catch (e) {
    // A layer the export did not write (no streets, no scenario) is simply not offered.
  }
}

async function main() {
  renderTexts();
  const viewer = new Cesium.Viewer("map", {
    baseLayer: false, baseLayerPicker: false, geocoder: false, timeline: false, animation: false,
    homeButton: false, sceneModePicker: false, navigationHelpButton: false, infoBox: false,
    selectionIndicator: false, fullscreenButton: false, terrainProvider: new Cesium.EllipsoidTerrainProvider(),
    skyBox: false, skyAtmosphere: false, contextOptions: { webgl: { preserveDrawingBuffer: true } }
  });
  // An offline globe: a plain colour, no imagery or terrain from the network.
  viewer.scene.globe.baseColor = Cesium.Color.fromCssColorString("#e6e9e4");
  viewer.scene.backgroundColor = Cesium.Color.fromCssColorString("#a9c3d9");
  viewer.scene.globe.showGroundAtmosphere = false;
  viewer.scene.fog.enabled = false;
  // A fixed sun (10:00 Beijing time at the equinox) rather than the viewer's clock: the same light
  // on every phone and in every screenshot.
  viewer.clock.shouldAnimate = false;
  viewer.clock.currentTime = Cesium.JulianDate.fromIso8601("2026-03-20T02:00:00Z");
  const v = CONFIG.view;
  viewer.camera.lookAt(Cesium.Cartesian3.fromDegrees(v.lon, v.lat, v.height),
    new Cesium.HeadingPitchRange(Cesium.Math.toRadians(v.heading), -Cesium.Math.toRadians(v.pitch), v.distance));
  viewer.camera.lookAtTransform(Cesium.Matrix4.IDENTITY);

  tileset = await Cesium.Cesium3DTileset.fromUrl("tileset.json", { maximumScreenSpaceError: 8 });
  viewer.scene.primitives.add(tileset);
  tileset.tileLoad.addEventListener((tile) => {
    loadedTiles += 1;
    loadedFeatures += tile.content ? tile.content.featuresLength : 0;
    if ($("status").dataset.state === "ready") setStatus("ready", statusText());
  });
  tileset.tileFailed.addEventListener((e) => setStatus("error", T[lang].error + ": " + e.url + ": " + e.message));
  viewer.scene.renderError.addEventListener((scene, e) => setStatus("error", T[lang].error + ": " + e));
  tileset.initialTilesLoaded.addEventListener(() => setStatus("ready", statusText()));
  applyStyle();

  if (CONFIG.isochrones) await loadGeoJson(viewer, "isochrones", (e) => {
    const minutes = e.properties.minutes.getValue();
    e.polygon.material = Cesium.Color.fromCssColorString(ISO_COLOURS[minutes] || "#888888").withAlpha(0.22);
    e.polygon.outline = false;
    e.polygon.height = 0.2 + (15 - minutes) * 0.05;
  });
  for (const name of !CONFIG.facilities ? [] : CONFIG.scenario ? ["facilities", "facilities_after"] : ["facilities"])
    await loadGeoJson(viewer, name, (e) => {
      e.billboard = undefined;
      e.point = new Cesium.PointGraphics({ pixelSize: 7, color: Cesium.Color.fromCssColorString("#7b3fb5"),
        outlineColor: Cesium.Color.WHITE, outlineWidth: 1, disableDepthTestDistance: Number.POSITIVE_INFINITY });
    });
  applyStyle();

  const handler = new Cesium.ScreenSpaceEventHandler(viewer.scene.canvas);
  handler.setInputAction((click) => {
    const picked = viewer.scene.pick(click.position);
    if (picked instanceof Cesium.Cesium3DTileFeature) {
      selected = { feature: picked, rows: featureRows(picked) };
      showInfo(selected);
    } else if (picked && picked.id && picked.id.properties) {
      const p = picked.id.properties;
      selected = { feature: null, rows: p.propertyNames.map((k) => [k, p[k].getValue()]) };
      showInfo(selected);
    } else {
      selected = null;
      $("info").style.display = "none";
    }
    applyStyle();
  }, Cesium.ScreenSpaceEventType.LEFT_CLICK);
  window.twinViewer = viewer;
}

$("lang").onclick = () => { lang = lang === "zh" ? "en" : "zh"; renderTexts(); };
$("byUse").onclick = () => toggle("byUse", "byLevel", () => { colourBy = "use"; });
$("byLevel").onclick = () => toggle("byLevel", "byUse", () => { colourBy = "level"; });
$("before").onclick = () => toggle("before", "after", () => { phase = "before"; });
$("after").onclick = () => toggle("after", "before", () => { phase = "after"; });
$("showIso").onchange = () => { applyStyle(); renderLegend(); };
$("showFacilities").onchange = applyStyle;
if (CONFIG.scenario) $("scenarioRow").style.display = "block";
// The address may choose the first state, for links to one view: index.html#en,level,after,iso
for (const token of location.hash.slice(1).split(",")) {
  if (token === "en") lang = "en";
  if (token === "level") { colourBy = "level"; $("byLevel").classList.add("on"); $("byUse").classList.remove("on"); }
  if (token === "after" && CONFIG.scenario) { phase = "after"; $("after").classList.add("on"); $("before").classList.remove("on"); }
  if (token === "iso") $("showIso").checked = true;
  if (token === "facilities") $("showFacilities").checked = true;
}
if (!CONFIG.isochrones) $("showIso").parentElement.style.display = "none";
if (!CONFIG.facilities) $("showFacilities").parentElement.style.display = "none";
main().catch((e) => setStatus("error", T[lang].error + ": " + (e && e.message ? e.message : e)));
</script>
</body>
</html>
)HTML";

}  // namespace

std::string webPageHtml(const WebPage& page) {
  nlohmann::json config;
  config["title"] = page.title;
  config["titleEn"] = page.titleEn;
  config["view"] = {{"lon", page.view.target.lon},
                    {"lat", page.view.target.lat},
                    {"height", page.view.targetHeightMeters},
                    {"distance", page.view.distanceMeters},
                    {"heading", page.view.headingDegrees},
                    {"pitch", page.view.pitchDegrees}};
  // ODbL: the OpenStreetMap credit is always on the page, whatever the scene lists.
  std::vector<std::string> credits{"© OpenStreetMap contributors"};
  for (const std::string& a : page.attributions)
    if (a.find("OpenStreetMap") == std::string::npos) credits.push_back(a);
  credits.push_back("CesiumJS");
  config["credits"] = credits;
  config["useColours"] = nlohmann::json::array();
  for (const auto& [use, colour] : page.useColours) config["useColours"].push_back({use, colour});
  config["scenario"] = page.scenarioName;
  config["scenarioLabel"] = page.scenarioLabel;
  config["isochrones"] = page.isochrones;
  config["facilities"] = page.facilities;
  config["isochroneOrigin"] = page.isochroneOrigin;
  // "</" would end the <script> element early; "<\/" is the same JSON string.
  std::string json = config.dump();
  for (std::size_t at = json.find("</"); at != std::string::npos; at = json.find("</", at + 3))
    json.insert(at + 1, "\\");
  return std::string(kHead) + "<script>const CONFIG = " + json + ";</script>\n" + kBody;
}

}  // namespace twin::app
