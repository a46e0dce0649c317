// TourView: tours in the viewer and in `twin video` (TourView.h).
#include "twin/app/TourView.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <set>

#include <osg/Timer>
#include <osgGA/GUIEventAdapter>

#include "twin/app/CityManipulator.h"
#include "twin/core/Assert.h"
#include "twin/core/Log.h"
#include "twin/geo/SunPosition.h"
#include "twin/scene/Daylight.h"
#include "twin/scene/PlanningLayer.h"
#include "twin/scene/SiteScene.h"
#include "twin/scene/TerrainMesh.h"

namespace twin::app {

namespace {

// The day a stop's "time" is taken on: the spring equinox, a mid-season sun (day and night of
// equal length everywhere), so that a tour looks the same whenever it is played.
constexpr geo::CivilDate kSunDate{2026, 3, 20};

// The minute of day a tour shows at stop `index`: the last "time" given up to that stop.
std::optional<double> stopMinute(const model::Tour& tour, std::size_t index) {
  for (std::size_t i = index + 1; i-- > 0;)
    if (tour.stops[i].minuteOfDay) return double(*tour.stops[i].minuteOfDay);
  return std::nullopt;
}

// The camera that looks at a tour pose (orbit centre, distance, heading, pitch).
ViewerExtension::FlyPose flyPoseOf(const model::TourPose& p) {
  OrbitState orbit;
  orbit.center = osg::Vec3d(p.center.x, p.center.y, p.center.z);
  orbit.distanceMeters = p.distanceMeters;
  orbit.headingDegrees = p.headingDegrees;
  orbit.pitchDegrees = p.pitchDegrees;
  ViewerExtension::FlyPose pose;
  osg::Vec3d up;
  CityManipulator::lookAt(orbit, pose.eye, pose.center, up);
  return pose;
}

}  // namespace

bool tourNeedsPlanning(const model::Tour& tour) {
  for (const model::TourStop& s : tour.stops)
    if (!s.scenario.empty() || !s.overlays.empty() || s.split) return true;
  return false;
}

struct TourView::Impl {
  const LoadedScene* loaded = nullptr;
  scene::SiteScene* siteScene = nullptr;
  std::shared_ptr<PlanningView> planning;
  TourViewOptions options;
  std::vector<model::Tour> tours;
  std::vector<std::vector<model::TourPose>> poses;  // per tour, per stop (site frame, on the ground)

  std::unique_ptr<model::TourPlayer> player;
  std::size_t tour = 0;
  bool startFromCamera = false;                // start the player at the next cameraPose() from the camera
  std::optional<std::size_t> shownStop;        // the stop whose scenario, layers and overlays are shown
  std::string shownScenario;                   // the scenario the tour loaded ("" = existing state)
  std::string coverageShown;                   // the coverage the tour coloured buildings by ("" = none)
  std::optional<model::TourSplit> shownSplit;  // the split view the tour turned on
  ui::TourPanel panel;
  std::vector<std::string> problems;
  std::set<std::string> reported;
  // The carousel's view (showView()) and what it changed, to be put back when the carousel moves on.
  std::string viewShown;
  std::optional<std::array<bool, scene::kLayerCount>> layersBeforeView;
  std::optional<scene::Daylight> daylightBeforeView;  // the scene's light before the view's time

  void problem(const std::string& what) {
    if (!reported.insert(what).second) return;
    problems.push_back(what);
    core::logWarning(what);
  }
  void showStop(std::size_t index);
  void showSun(const model::TourMoment& moment);
  // "5", "10", "15" or a category id (checked at create()); "" = colour by use.
  ui::ColourBy colourBy(const std::string& coverage) const {
    ui::ColourBy by;
    if (coverage == "5" || coverage == "10" || coverage == "15") {
      by.levelMinutes = std::stoi(coverage);
    } else if (!coverage.empty() && planning) {
      const auto& categories = planning->config().categories;
      for (std::size_t i = 0; i < categories.size(); ++i)
        if (categories[i].id == coverage) by.category = int(i);
    }
    return by;
  }
  void end() {
    if (player) player->stop();
    startFromCamera = false;
    shownStop.reset();
  }
  void clearView();
};

TourView::TourView(std::unique_ptr<Impl> impl) : _impl(std::move(impl)) {}
TourView::~TourView() = default;

core::Result<std::shared_ptr<TourView>> TourView::create(const LoadedScene& scene, scene::SiteScene* siteScene,
                                                         std::shared_ptr<PlanningView> planning,
                                                         TourViewOptions options) {
  auto tours = model::parseTours(scene.config);
  if (!tours) return tours.error();
  if (planning) {
    // A coverage category the facilities lack would colour nothing: an error before playing.
    const auto& categories = planning->config().categories;
    for (const model::Tour& t : *tours)
      for (std::size_t i = 0; i < t.stops.size(); ++i) {
        const std::string& by = t.stops[i].coverageBy;
        if (by.empty() || by == "5" || by == "10" || by == "15") continue;
        std::string known;
        bool found = false;
        for (const auto& c : categories) {
          found = found || c.id == by;
          known += (known.empty() ? "" : ", ") + c.id;
        }
        if (!found)
          return core::fail("twin: " + scene.config.file.filename().string() + ": tour '" + t.name + "' stop " +
                            std::to_string(i + 1) + ": coverage:" + by + ": no facility category '" + by +
                            "' (known: 5, 10, 15, " + known + ")");
      }
  }
  auto impl = std::make_unique<Impl>();
  impl->loaded = &scene;
  impl->siteScene = siteScene;
  impl->planning = std::move(planning);
  if (!options.clock) options.clock = [] { return osg::Timer::instance()->time_s(); };
  impl->options = std::move(options);
  const model::Site& site = *scene.site;
  for (const model::Tour& t : *tours) {
    std::vector<model::TourPose> poses;
    for (const model::TourStop& s : t.stops) {
      model::TourPose pose = model::tourPoseForView(s.view, site.frame);
      // Heights in a tour are above the ground, as a bookmark's: on terrain the view is raised
      // by the ground under the point looked at.
      if (site.terrain && !site.terrain->empty())
        pose.center.z += scene::groundHeight(&*site.terrain, pose.center.x, pose.center.y);
      poses.push_back(pose);
    }
    impl->poses.push_back(std::move(poses));
  }
  impl->tours = std::move(tours).value();
  return std::shared_ptr<TourView>(new TourView(std::move(impl)));
}

const std::vector<model::Tour>& TourView::tours() const { return _impl->tours; }
model::TourPlayer* TourView::player() { return _impl->player.get(); }
bool TourView::playing() const { return _impl->player && (_impl->player->playing() || _impl->startFromCamera); }
const std::vector<std::string>& TourView::problems() const { return _impl->problems; }

void TourView::start(std::size_t index, bool fromCamera) {
  Impl& impl = *_impl;
  TWIN_ASSERT(index < impl.tours.size(), "app::TourView::start(): no such tour");
  impl.tour = index;
  impl.viewShown.clear();  // the tour takes over from a carousel view; it leaves its last stop shown
  impl.layersBeforeView.reset();
  impl.daylightBeforeView.reset();
  impl.player = std::make_unique<model::TourPlayer>(impl.tours[index], impl.poses[index], impl.options.clock);
  impl.shownStop.reset();
  impl.startFromCamera = fromCamera;
  if (!fromCamera) impl.player->start();
}

void TourView::Impl::showSun(const model::TourMoment& moment) {
  if (!siteScene) return;
  const model::Tour& t = tours[tour];
  const std::optional<double> to = stopMinute(t, moment.stop);
  if (!to) return;  // no stop so far gives a time: the scene's own sun
  double minute = *to;
  // During a flight the sun moves from the previous stop's time to this one's, with the camera.
  if (moment.phase == model::TourPhase::Flying && moment.stop > 0)
    if (const std::optional<double> from = stopMinute(t, moment.stop - 1))
      minute = *from + (*to - *from) * std::clamp(moment.stopProgress, 0.0, 1.0);
  const core::LonLat site = loaded->site->frame.origin();
  const double utc = geo::utcOfTrueSolarTime(kSunDate, site.lon, minute / 60.0);
  const geo::SunPosition sun = geo::sunPosition(site, utc);
  if (!std::isfinite(sun.azimuthDegrees) || !std::isfinite(sun.altitudeDegrees)) return;
  // The light, the sky and the lit windows of that time; the light comes from at least just above
  // the horizon and fades out with the sun (scene::daylightFor).
  siteScene->setDaylight(scene::daylightFor(sun), siteScene->shadowsActive());
}

void TourView::Impl::showStop(std::size_t index) {
  shownStop = index;
  const model::TourStop& stop = tours[tour].stops[index];
  if (stop.layers && siteScene)
    for (int i = 0; i < scene::kLayerCount; ++i) {
      const scene::Layer layer = scene::Layer(i);
      const bool shown =
          std::find(stop.layers->begin(), stop.layers->end(), scene::layerName(layer)) != stop.layers->end();
      siteScene->setLayerVisible(layer, shown);
    }
  const std::string where = "twin: tour '" + tours[tour].name + "' stop " + std::to_string(index + 1) + ": ";
  if (!planning) {
    if (!stop.scenario.empty() || !stop.overlays.empty() || stop.split)
      problem(where +
              "its scenario and overlays need the planning view (a scene with streets, without "
              "--no-planning); not shown");
    return;
  }
  if (stop.scenario != shownScenario) {
    if (stop.scenario.empty()) {
      planning->reset();
    } else if (auto loaded = planning->loadScenario(stop.scenario); !loaded) {
      problem(where + loaded.error().message);
    }
    shownScenario = stop.scenario;
  }
  const auto has = [&](model::TourOverlay o) {
    return std::find(stop.overlays.begin(), stop.overlays.end(), o) != stop.overlays.end();
  };
  if (has(model::TourOverlay::Isochrone)) {
    const core::Vec2 target = loaded->site->frame.toLocal(stop.view.target);
    if (auto shown = planning->isochroneAt(target); !shown) problem(where + shown.error().message);
  } else {
    planning->layer().clearIsochrone();
  }
  // A split compares coverage: the 15-minute level unless the stop picks a coverage overlay.
  if (stop.split) {
    if (!shownSplit || shownSplit->left != stop.split->left || shownSplit->right != stop.split->right) {
      if (auto split = planning->setSplit(stop.split->left, stop.split->right); !split)
        problem(where + split.error().message);
    }
    planning->moveSplit(float(stop.split->at));
    shownSplit = stop.split;
  } else if (shownSplit) {
    planning->clearSplit();
    shownSplit.reset();
  }
  const std::string coverage = has(model::TourOverlay::Coverage) ? stop.coverageBy : stop.split ? "15" : "";
  if (coverage != coverageShown) {
    planning->setColourBy(colourBy(coverage));
    coverageShown = coverage;
  }
}

void TourView::Impl::clearView() {
  if (viewShown.empty()) return;
  viewShown.clear();
  shownStop.reset();
  if (layersBeforeView && siteScene)
    for (int i = 0; i < scene::kLayerCount; ++i) siteScene->setLayerVisible(scene::Layer(i), (*layersBeforeView)[i]);
  layersBeforeView.reset();
  if (siteScene) {
    if (daylightBeforeView)
      siteScene->setDaylight(*daylightBeforeView, siteScene->shadowsActive());
    else
      siteScene->resetSun();  // the studio light (shadows only ever come with a daylight)
  }
  daylightBeforeView.reset();
  if (!planning) return;
  if (shownSplit) planning->clearSplit();  // a carousel view of a split stop leaves no split behind
  shownSplit.reset();
  if (!shownScenario.empty()) planning->reset();
  shownScenario.clear();
  planning->layer().clearIsochrone();
  if (!coverageShown.empty()) planning->setColourBy(colourBy(""));
  coverageShown.clear();
}

std::optional<ViewerExtension::FlyPose> TourView::showView(const std::string& view) {
  Impl& impl = *_impl;
  if (view.empty() || playing()) {
    if (!playing()) impl.clearView();
    return std::nullopt;
  }
  // "tour:<name>:<stop>": the name may hold ':' itself, the stop number follows the last one.
  const std::size_t colon = view.rfind(':');
  if (view.rfind("tour:", 0) != 0 || colon == std::string::npos || colon < 5) return std::nullopt;
  const std::string name = view.substr(5, colon - 5), number = view.substr(colon + 1);
  if (number.empty() || number.size() > 4 || number.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  const std::size_t stop = std::size_t(std::stoul(number));
  std::size_t index = impl.tours.size();
  for (std::size_t i = 0; i < impl.tours.size(); ++i)
    if (impl.tours[i].name == name) index = i;
  if (index == impl.tours.size() || stop < 1 || stop > impl.tours[index].stops.size()) return std::nullopt;

  if (impl.viewShown.empty()) {
    // The first view since a bookmark: remember what it may change.
    if (impl.siteScene) {
      std::array<bool, scene::kLayerCount> layers{};
      for (int i = 0; i < scene::kLayerCount; ++i) layers[i] = impl.siteScene->layerVisible(scene::Layer(i));
      impl.layersBeforeView = layers;
    }
    if (impl.siteScene) impl.daylightBeforeView = impl.siteScene->daylight();
  }
  impl.viewShown = view;
  impl.tour = index;
  impl.showStop(stop - 1);
  model::TourMoment moment;
  moment.stop = stop - 1;
  moment.phase = model::TourPhase::Holding;
  impl.showSun(moment);

  const model::TourPose& p = impl.poses[index][stop - 1];
  return flyPoseOf(p);
}

const std::string& TourView::viewShown() const { return _impl->viewShown; }

std::vector<std::string> TourView::fontTexts() const {
  std::vector<std::string> texts;
  for (const model::Tour& t : _impl->tours) {
    texts.push_back(t.title);
    texts.push_back(t.titleEn);
    for (const model::TourStop& s : t.stops) {
      texts.push_back(s.caption);
      texts.push_back(s.captionEn);
    }
  }
  return texts;
}

void TourView::update(double timeSeconds) {
  (void)timeSeconds;  // the tour runs on its own clock (options.clock)
  Impl& impl = *_impl;
  if (!impl.player || !impl.player->playing()) return;
  const model::TourMoment moment = impl.player->moment();
  if (moment.phase == model::TourPhase::Finished && impl.options.controls) {
    impl.end();  // in a window the tour ends and hands the camera back; a video ends with its frames
    return;
  }
  if (impl.shownStop != moment.stop) impl.showStop(moment.stop);
  impl.showSun(moment);
}

std::optional<ViewerExtension::FlyPose> TourView::cameraPose(const FlyPose& current) {
  Impl& impl = *_impl;
  if (!impl.player) return std::nullopt;
  if (impl.startFromCamera) {
    const OrbitState here = CityManipulator::stateFromLookAt(current.eye, current.center);
    model::TourPose from;
    from.center = {here.center.x(), here.center.y(), here.center.z()};
    from.distanceMeters = here.distanceMeters;
    from.headingDegrees = here.headingDegrees;
    from.pitchDegrees = here.pitchDegrees;
    impl.player->start(from);
    impl.startFromCamera = false;
    impl.showStop(0);
  }
  if (!impl.player->playing()) return std::nullopt;
  const model::TourPose p = impl.player->moment().pose;
  return flyPoseOf(p);
}

bool TourView::pick(osgViewer::View& view, float x, float y) {
  (void)view;
  (void)x;
  (void)y;
  return false;
}

bool TourView::handleMouse(const osgGA::GUIEventAdapter& event, osgViewer::View& view) {
  (void)view;
  // A press in the scene (not on a panel) is the user taking the camera: the tour ends and the
  // press goes on to pan or pick as usual.
  if (playing() && _impl->options.controls && event.getEventType() == osgGA::GUIEventAdapter::PUSH &&
      !event.getHandled())
    _impl->end();
  return false;
}

bool TourView::handleInput(const osgGA::GUIEventAdapter& event) {
  Impl& impl = *_impl;
  if (!playing() || !impl.options.controls) return false;
  using E = osgGA::GUIEventAdapter;
  if (event.getEventType() == E::KEYDOWN) {
    switch (event.getKey()) {
      case ' ': impl.player->setPaused(!impl.player->paused()); return true;
      case E::KEY_Right:
      case E::KEY_Page_Down: impl.player->next(); return true;
      case E::KEY_Left:
      case E::KEY_Page_Up: impl.player->previous(); return true;
      case E::KEY_Escape: impl.end(); return true;
      default: break;
    }
  }
  impl.end();  // any other key or a wheel turn: the user takes the camera
  return false;
}

void TourView::drawOverlay(ui::Language language, float uiScale) {
  Impl& impl = *_impl;
  ui::TourPanelView view;
  view.language = language;
  view.controls = impl.options.controls;
  view.uiScale = uiScale;
  for (const model::Tour& t : impl.tours) view.tourTitles.push_back(ui::tourTitle(t, language));
  view.playing = impl.player && impl.player->playing();
  if (view.playing) {
    const model::Tour& tour = impl.tours[impl.tour];
    const model::TourMoment moment = impl.player->moment();
    view.paused = impl.player->paused();
    view.title = ui::tourTitle(tour, language);
    view.caption = ui::tourCaption(tour.stops[moment.stop], language);
    view.stop = moment.stop;
    view.stops = tour.stops.size();
  }
  for (const ui::TourCommand& command : impl.panel.draw(view)) {
    if (auto* c = std::get_if<ui::StartTour>(&command)) {
      if (c->tour < impl.tours.size()) start(c->tour, true);
    } else if (auto* c = std::get_if<ui::SetTourPaused>(&command)) {
      if (impl.player) impl.player->setPaused(c->paused);
    } else if (std::holds_alternative<ui::NextTourStop>(command)) {
      if (impl.player) impl.player->next();
    } else if (std::holds_alternative<ui::PreviousTourStop>(command)) {
      if (impl.player) impl.player->previous();
    } else if (std::holds_alternative<ui::EndTour>(command)) {
      impl.end();
    }
  }
}

}  // namespace twin::app
