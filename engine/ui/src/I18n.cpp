#include "twin/ui/I18n.h"

#include <algorithm>
#include <cstring>
#include <mutex>
#include <set>
#include <string_view>

#include "twin/core/Log.h"

namespace twin::ui {
namespace {

struct Entry {
  const char* key;
  const char* text;
};

// Two separate tables (not one row with both languages) so that a key added to one language
// only is caught by the i18n test instead of silently compiling.
constexpr Entry kEnglish[] = {
    {"app.title", "CommunityTwin"},
    {"panel.controls", "Controls"},
    {"panel.layers", "Layers"},
    {"panel.bookmarks", "Bookmarks"},
    {"panel.display", "Display"},
    {"panel.building", "Building"},
    {"panel.stats", "Scene statistics"},
    {"panel.diagnostics", "Data diagnostics"},
    // 3D models panel
    {"panel.models", "3D models"},
    {"models.loading", "loading..."},
    {"models.fly", "Fly to"},
    {"models.pick_hint", "Click a model to see its attributes"},
    {"models.picked", "Picked"},
    {"models.no_attributes", "(no attributes)"},
    {"models.clear", "Clear"},
    {"panel.progress", "Loading"},
    {"layer.ground", "Ground"},
    {"layer.buildings", "Buildings"},
    {"layer.roads", "Roads"},
    {"layer.pois", "Points of interest"},
    {"layer.labels", "Labels"},
    {"display.language", "Language"},
    {"display.theme", "Theme"},
    {"theme.dark", "Dark"},
    {"theme.light", "Light"},
    {"language.zh-CN", "中文"},
    {"language.en", "English"},
    {"bookmarks.none", "No bookmarks in this scene"},
    {"building.name", "Name"},
    {"building.unnamed", "(unnamed)"},
    {"building.use", "Use"},
    {"building.height", "Height"},
    {"building.heightSource", "Height source"},
    {"building.levels", "Levels"},
    {"building.levelsUnknown", "unknown"},
    {"building.area", "Footprint area"},
    {"building.osm", "OSM id"},
    {"building.tag", "building="},
    {"building.tags", "Main tags"},
    {"building.clear", "Clear selection"},
    {"building.hint", "Click a building to see its details"},
    {"building.hovered", "Under cursor"},
    {"heightSource.measured", "measured"},
    {"heightSource.levels", "from levels"},
    {"heightSource.estimated", "estimated"},
    {"use.residential", "residential"},
    {"use.commercial", "commercial"},
    {"use.office", "office"},
    {"use.education", "education"},
    {"use.healthcare", "healthcare"},
    {"use.public", "public"},
    {"use.industrial", "industrial"},
    {"use.transport", "transport"},
    {"use.religious", "religious"},
    {"use.other", "other"},
    {"stats.frameTime", "Frame time"},
    {"stats.fps", "FPS"},
    {"stats.drawCalls", "Draw calls"},
    {"stats.buildings", "Buildings"},
    {"stats.roads", "Roads"},
    {"stats.pois", "POIs"},
    {"stats.triangles", "Triangles"},
    {"stats.loadTime", "Load time"},
    {"stats.compileTime", "Scene build time"},
    {"diag.total", "Problems"},
    {"diag.none", "No problems found"},
    {"diag.byMessage", "By message"},
    {"diag.records", "Records"},
    {"diag.more", "and %zu more"},
    {"progress.read", "Reading data"},
    {"progress.reproject", "Reprojecting"},
    {"progress.interpret", "Interpreting features"},
    {"progress.compile", "Building the 3D scene"},
    {"unit.m", "m"},
    {"unit.m2", "m²"},
    {"unit.ms", "ms"},
    {"panel.monitor", "Monitoring"},
    {"panel.chart", "Sensor chart"},
    {"panel.alerts", "Alerts"},
    {"monitor.online", "Online"},
    {"monitor.offline", "Offline"},
    {"monitor.stale", "Stale"},
    {"monitor.activeAlerts", "Active alerts"},
    {"monitor.scrubbedAt", "Values at"},
    {"monitor.noData", "no data"},
    {"monitor.simulatedTag", "[sim]"},
    {"monitor.simulated", "simulated data"},
    {"monitor.status", "Status"},
    {"monitor.noSensors", "No sensors in this scene"},
    {"monitor.selectHint", "Select a sensor to see its chart"},
    {"monitor.timeline", "Timeline"},
    {"monitor.live", "Live"},
    {"monitor.replayClock", "Replay · scene clock"},
    {"severity.critical", "Critical"},
    {"severity.major", "Major"},
    {"severity.minor", "Minor"},
    {"severity.warning", "Warning"},
    {"sensor.normal", "normal"},
    {"sensor.offline", "offline"},
    {"sensor.stale", "stale (no data)"},
    {"alerts.state", "State"},
    {"alerts.all", "All"},
    {"alerts.unacked", "Unacknowledged"},
    {"alerts.acked", "Acknowledged"},
    {"alerts.sort", "Sort"},
    {"alerts.sortTime", "Newest first"},
    {"alerts.sortSeverity", "By severity"},
    {"alerts.ackTitle", "Acknowledge alert"},
    {"alerts.who", "By"},
    {"alerts.comment", "Comment"},
    {"alerts.confirm", "Confirm"},
    {"alerts.cancel", "Cancel"},
    {"alerts.whoRequired", "Enter who acknowledges"},
    {"alerts.none", "No open alerts"},
    {"alerts.ackedBy", "Acknowledged by"},
    {"alerts.ack", "Acknowledge"},
    {"alerts.flyTo", "Fly to sensor"},
    {"alarm.banner", "Alarm"},
    {"alarm.where", "Where"},
    {"alarm.building", "Building"},
    {"alarm.floor", "Floor"},
    {"alarm.raised", "Raised"},
    {"alarm.cleared", "Cleared"},
    {"alarm.received", "Received"},
    {"alarm.ago", " ago"},
    {"alarm.secondsShort", "s"},
    {"alarm.minutesShort", "min"},
    {"alarm.hoursShort", "h"},
    {"alarm.daysShort", "d"},
    {"alarm.replay", "REPLAY (data time)"},
    {"alarm.dismiss", "Dismiss"},
    {"alarm.queued", "more alarms waiting"},
    {"alarm.value", "Value"},
    {"alarm.rule", "Rule"},
    {"alarm.state", "State"},
    {"alarm.procedure", "Procedure"},
    {"alarm.assignee", "Assigned to"},
    {"alarm.escalated", "Escalated"},
    {"alarm.note", "Note"},
    {"state.active_unack", "Active, unacknowledged"},
    {"state.active_ack", "Active, acknowledged"},
    {"state.cleared_unack", "Cleared, unacknowledged"},
    {"state.cleared_ack", "Cleared, acknowledged"},
    {"monitor.staleAge", "last reading"},
    {"coverage.panel", "Life-circle coverage"},
    {"coverage.tools", "Planning"},
    {"coverage.mode.inspect", "Inspect"},
    {"coverage.mode.isochrone", "Isochrone on click"},
    {"coverage.mode.add", "Add facility"},
    {"coverage.mode.move", "Move facility"},
    {"coverage.addCategory", "New facility"},
    {"coverage.colourBy", "Colour buildings by"},
    {"coverage.colour.use", "Use"},
    {"coverage.colour.level", "min level"},
    {"coverage.undo", "Undo"},
    {"coverage.reset", "Reset"},
    {"coverage.scenarioName", "Scenario name"},
    {"coverage.save", "Save to scene file"},
    {"coverage.load", "Compare scenario"},
    {"coverage.updated", "Updated in"},
    {"coverage.buildings", "Residential buildings"},
    {"coverage.residents", "Residents (est.)"},
    {"coverage.comparing", "Comparing with the current state"},
    {"coverage.edits", "unsaved edits"},
    {"coverage.category", "Category"},
    {"coverage.minutes", "min"},
    {"coverage.facilities", "Facilities"},
    {"coverage.before", "Before"},
    {"coverage.after", "After"},
    {"coverage.delta", "Change"},
    {"coverage.share", "Buildings covered"},
    {"coverage.residentsCovered", "Residents covered"},
    {"coverage.levels", "Life-circle levels met"},
    {"coverage.gaps", "Buildings with gaps"},
    {"coverage.more", "more:"},
    // big screen
    {"screen.clock", "Scene clock"},
    {"screen.replay", "Replay"},
    {"screen.live", "live"},
    {"screen.sensorsOnline", "Sensors online"},
    {"screen.activeAlarms", "Active alarms"},
    {"screen.keys", "F2 engineering  F3 presentation  F4 tour"},
    {"screen.carousel", "Tour"},
    {"indicator.noData", "no data"},
    {"indicator.source", "Source"},
    {"indicator.why", "Why"},
    {"indicator.computing", "Computing the indicators..."},
    {"indicator.failed", "Indicators unavailable"},
    {"unit.min", "min"},
    {"unit.per1000Residents", "per 1,000 residents"},
    {"alertText.stale", "silent for %s s"},
    {"alertText.invalid", "invalid reading %s"},
    {"alertText.validRange", " (valid %s .. %s)"},
    {"alertText.rate", "changing faster than %s %s/min, now %s"},
    {"planning.saved", "saved '%s'"},
    {"planning.unknownScenario", "unknown scenario '%s'"},
    {"planning.skipped", "%s scenario entries skipped"},
    {"screen.indicators", "Indicators"},
    {"screen.sceneFigures", "Scene figures"},
    {"screen.buildings", "Buildings"},
    {"screen.measuredShare", "Measured heights"},
    {"screen.pois", "Points of interest"},
    {"screen.legend", "Legend"},
    {"legend.buildingUse", "Building use"},
    {"legend.coverage", "Walk to nearest facility"},
    {"legend.isochrone", "Isochrone"},
    {"legend.minutes", "%d min"},
    {"legend.beyond", "beyond %d min"},
    {"poiCategory.amenity", "amenities"},
    {"poiCategory.shop", "shops"},
    {"poiCategory.leisure", "leisure"},
    {"poiCategory.healthcare", "healthcare"},
    {"poiCategory.railway", "rail stations"},
    {"poiCategory.public_transport", "public transport"},
    {"poiCategory.highway", "bus stops"},
    {"quit.title", "Quit"},
    {"quit.unsaved", "There are unsaved planning edits. Discard them and quit?"},
    {"quit.yes", "Discard and quit"},
    {"quit.no", "Keep editing"},
};

constexpr Entry kChinese[] = {
    {"app.title", "社区数字孪生"},
    {"panel.controls", "控制"},
    {"panel.layers", "图层"},
    {"panel.bookmarks", "书签"},
    {"panel.display", "显示"},
    {"panel.building", "建筑信息"},
    {"panel.stats", "场景统计"},
    {"panel.diagnostics", "数据诊断"},
    // 3D models panel
    {"panel.models", "三维模型"},
    {"models.loading", "加载中…"},
    {"models.fly", "飞到"},
    {"models.pick_hint", "点击模型查看属性"},
    {"models.picked", "已选"},
    {"models.no_attributes", "（无属性）"},
    {"models.clear", "清除"},
    {"panel.progress", "加载中"},
    {"layer.ground", "地面"},
    {"layer.buildings", "建筑"},
    {"layer.roads", "道路"},
    {"layer.pois", "兴趣点"},
    {"layer.labels", "标注"},
    {"display.language", "语言"},
    {"display.theme", "主题"},
    {"theme.dark", "深色"},
    {"theme.light", "浅色"},
    {"language.zh-CN", "中文"},
    {"language.en", "English"},
    {"bookmarks.none", "此场景没有书签"},
    {"building.name", "名称"},
    {"building.unnamed", "（未命名）"},
    {"building.use", "用途"},
    {"building.height", "高度"},
    {"building.heightSource", "高度来源"},
    {"building.levels", "层数"},
    {"building.levelsUnknown", "未知"},
    {"building.area", "占地面积"},
    {"building.osm", "OSM 编号"},
    {"building.tag", "building="},
    {"building.tags", "主要标签"},
    {"building.clear", "取消选择"},
    {"building.hint", "点击建筑查看详情"},
    {"building.hovered", "光标所指"},
    {"heightSource.measured", "实测"},
    {"heightSource.levels", "按层数推算"},
    {"heightSource.estimated", "估算"},
    {"use.residential", "住宅"},
    {"use.commercial", "商业"},
    {"use.office", "办公"},
    {"use.education", "教育"},
    {"use.healthcare", "医疗"},
    {"use.public", "公共服务"},
    {"use.industrial", "工业"},
    {"use.transport", "交通"},
    {"use.religious", "宗教"},
    {"use.other", "其他"},
    {"stats.frameTime", "帧时间"},
    {"stats.fps", "帧率"},
    {"stats.drawCalls", "绘制调用"},
    {"stats.buildings", "建筑数"},
    {"stats.roads", "道路数"},
    {"stats.pois", "兴趣点数"},
    {"stats.triangles", "三角形数"},
    {"stats.loadTime", "加载耗时"},
    {"stats.compileTime", "场景构建耗时"},
    {"diag.total", "问题总数"},
    {"diag.none", "未发现问题"},
    {"diag.byMessage", "按问题分类"},
    {"diag.records", "记录"},
    {"diag.more", "另有 %zu 条"},
    {"progress.read", "读取数据"},
    {"progress.reproject", "坐标转换"},
    {"progress.interpret", "解析要素"},
    {"progress.compile", "构建三维场景"},
    {"unit.m", "米"},
    {"unit.m2", "平方米"},
    {"unit.ms", "毫秒"},
    {"panel.monitor", "监测总览"},
    {"panel.chart", "传感器曲线"},
    {"panel.alerts", "告警"},
    {"monitor.online", "在线"},
    {"monitor.offline", "离线"},
    {"monitor.stale", "数据中断"},
    {"monitor.activeAlerts", "活动告警"},
    {"monitor.scrubbedAt", "回看时刻"},
    {"monitor.noData", "无数据"},
    {"monitor.simulatedTag", "[模拟]"},
    {"monitor.simulated", "模拟数据"},
    {"monitor.status", "状态"},
    {"monitor.noSensors", "本场景没有传感器"},
    {"monitor.selectHint", "选择一个传感器查看曲线"},
    {"monitor.timeline", "时间轴"},
    {"monitor.live", "实时"},
    {"monitor.replayClock", "回放 · 场景时钟"},
    {"severity.critical", "紧急"},
    {"severity.major", "重要"},
    {"severity.minor", "次要"},
    {"severity.warning", "提示"},
    {"sensor.normal", "正常"},
    {"sensor.offline", "离线"},
    {"sensor.stale", "数据中断"},
    {"alerts.state", "状态"},
    {"alerts.all", "全部"},
    {"alerts.unacked", "未确认"},
    {"alerts.acked", "已确认"},
    {"alerts.sort", "排序"},
    {"alerts.sortTime", "最新在前"},
    {"alerts.sortSeverity", "按级别"},
    {"alerts.ackTitle", "确认告警"},
    {"alerts.who", "确认人"},
    {"alerts.comment", "备注"},
    {"alerts.confirm", "确认"},
    {"alerts.cancel", "取消"},
    {"alerts.whoRequired", "请填写确认人"},
    {"alerts.none", "没有待处理告警"},
    {"alerts.ackedBy", "确认人"},
    {"alerts.ack", "确认"},
    {"alerts.flyTo", "飞到传感器"},
    {"alarm.banner", "告警"},
    {"alarm.where", "位置"},
    {"alarm.building", "楼栋"},
    {"alarm.floor", "楼层"},
    {"alarm.raised", "发生"},
    {"alarm.cleared", "恢复"},
    {"alarm.received", "接收"},
    {"alarm.ago", "前"},
    {"alarm.secondsShort", "秒"},
    {"alarm.minutesShort", "分钟"},
    {"alarm.hoursShort", "小时"},
    {"alarm.daysShort", "天"},
    {"alarm.replay", "回放（数据时间）"},
    {"alarm.dismiss", "暂不处理"},
    {"alarm.queued", "条告警待处理"},
    {"alarm.value", "数值"},
    {"alarm.rule", "规则"},
    {"alarm.state", "状态"},
    {"alarm.procedure", "处置预案"},
    {"alarm.assignee", "处理人"},
    {"alarm.escalated", "已升级"},
    {"alarm.note", "备注"},
    {"state.active_unack", "告警中，未确认"},
    {"state.active_ack", "告警中，已确认"},
    {"state.cleared_unack", "已恢复，未确认"},
    {"state.cleared_ack", "已恢复，已确认"},
    {"monitor.staleAge", "上次读数"},
    {"coverage.panel", "生活圈覆盖"},
    {"coverage.tools", "规划"},
    {"coverage.mode.inspect", "查看"},
    {"coverage.mode.isochrone", "点击生成等时圈"},
    {"coverage.mode.add", "新增设施"},
    {"coverage.mode.move", "移动设施"},
    {"coverage.addCategory", "新增设施类别"},
    {"coverage.colourBy", "建筑着色"},
    {"coverage.colour.use", "按用途"},
    {"coverage.colour.level", "分钟生活圈"},
    {"coverage.undo", "撤销"},
    {"coverage.reset", "重置"},
    {"coverage.scenarioName", "方案名称"},
    {"coverage.save", "保存到场景文件"},
    {"coverage.load", "对比方案"},
    {"coverage.updated", "更新耗时"},
    {"coverage.buildings", "居住建筑"},
    {"coverage.residents", "估算居民"},
    {"coverage.comparing", "与现状对比"},
    {"coverage.edits", "未保存的修改"},
    {"coverage.category", "设施类别"},
    {"coverage.minutes", "分钟"},
    {"coverage.facilities", "设施数"},
    {"coverage.before", "现状"},
    {"coverage.after", "方案"},
    {"coverage.delta", "变化"},
    {"coverage.share", "覆盖建筑"},
    {"coverage.residentsCovered", "覆盖居民"},
    {"coverage.levels", "生活圈达标"},
    {"coverage.gaps", "有缺项的建筑"},
    {"coverage.more", "其余"},
    // big screen
    {"screen.clock", "场景时钟"},
    {"screen.replay", "回放"},
    {"screen.live", "实时"},
    {"screen.sensorsOnline", "在线传感器"},
    {"screen.activeAlarms", "活动告警"},
    {"screen.keys", "F2 工程模式  F3 演示模式  F4 轮播"},
    {"screen.carousel", "轮播"},
    {"indicator.noData", "无数据"},
    {"indicator.source", "来源"},
    {"indicator.why", "原因"},
    {"indicator.computing", "指标计算中..."},
    {"indicator.failed", "指标不可用"},
    {"unit.min", "分钟"},
    {"unit.per1000Residents", "个/千人"},
    {"alertText.stale", "已 %s 秒无数据"},
    {"alertText.invalid", "读数无效 %s"},
    {"alertText.validRange", "（有效范围 %s .. %s）"},
    {"alertText.rate", "变化超过每分钟 %s %s，当前 %s"},
    {"planning.saved", "已保存方案“%s”"},
    {"planning.unknownScenario", "没有名为“%s”的方案"},
    {"planning.skipped", "已跳过 %s 个方案条目"},
    {"screen.indicators", "指标"},
    {"screen.sceneFigures", "场景概况"},
    {"screen.buildings", "建筑"},
    {"screen.measuredShare", "实测高度占比"},
    {"screen.pois", "兴趣点"},
    {"screen.legend", "图例"},
    {"legend.buildingUse", "建筑用途"},
    {"legend.coverage", "步行至最近设施"},
    {"legend.isochrone", "等时圈"},
    {"legend.minutes", "%d 分钟"},
    {"legend.beyond", "超过 %d 分钟"},
    {"poiCategory.amenity", "公共设施"},
    {"poiCategory.shop", "商店"},
    {"poiCategory.leisure", "休闲"},
    {"poiCategory.healthcare", "医疗"},
    {"poiCategory.railway", "轨道车站"},
    {"poiCategory.public_transport", "公共交通"},
    {"poiCategory.highway", "公交站"},
    {"quit.title", "退出"},
    {"quit.unsaved", "规划修改尚未保存。放弃修改并退出？"},
    {"quit.yes", "放弃并退出"},
    {"quit.no", "继续编辑"},
};

template <std::size_t N>
const char* lookup(const Entry (&table)[N], std::string_view key) {
  for (const Entry& e : table)
    if (key == e.key) return e.text;
  return nullptr;
}

const char* lookup(Language language, std::string_view key) {
  return language == Language::ZhCN ? lookup(kChinese, key) : lookup(kEnglish, key);
}

template <std::size_t N>
std::vector<std::string> keysOf(const Entry (&table)[N]) {
  std::vector<std::string> keys;
  for (const Entry& e : table) keys.emplace_back(e.key);
  std::sort(keys.begin(), keys.end());
  return keys;
}

}  // namespace

const char* languageCode(Language language) { return language == Language::ZhCN ? "zh-CN" : "en"; }

bool languageFromCode(const std::string& code, Language& out) {
  if (code == "zh-CN") {
    out = Language::ZhCN;
    return true;
  }
  if (code == "en") {
    out = Language::En;
    return true;
  }
  return false;
}

const char* tr(Language language, const char* key) {
  if (const char* text = lookup(language, key)) return text;
  // Misuse must show on screen and in the log, but must not take the frame down. The
  // bracketed strings live for the program's life because ImGui keeps no copy.
  static std::mutex mutex;
  static std::set<std::string> missing;
  std::lock_guard<std::mutex> lock(mutex);
  auto [it, inserted] = missing.insert("[" + std::string(key) + "]");
  if (inserted) core::logWarning(std::string("ui::tr(): no ") + languageCode(language) + " text for key '" + key + "'");
  return it->c_str();
}

std::vector<std::string> translationKeys(Language language) {
  return language == Language::ZhCN ? keysOf(kChinese) : keysOf(kEnglish);
}

const char* findTranslation(Language language, const std::string& key) { return lookup(language, key); }

std::vector<std::string> allTranslations() {
  std::vector<std::string> out;
  for (const Entry& e : kEnglish) out.emplace_back(e.text);
  for (const Entry& e : kChinese) out.emplace_back(e.text);
  return out;
}

std::string windowTitle(Language language, const char* key, const char* id) {
  return std::string(tr(language, key)) + "###" + id;
}

std::string trFill(Language language, const char* key, std::initializer_list<std::string> values) {
  const std::string pattern = tr(language, key);
  std::string out;
  auto value = values.begin();
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '%' && i + 1 < pattern.size() && pattern[i + 1] == 's' && value != values.end()) {
      out += *value++;
      ++i;
    } else {
      out += pattern[i];
    }
  }
  return out;
}

}  // namespace twin::ui
