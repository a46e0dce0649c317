// Guided tours (scene key "tours"): a named sequence of camera stops, each with a caption in both
// languages and optionally a scenario, the layers and overlays to show and the time of day.
//
// Format (every key but "name", "stops" and a stop's view is optional):
//   "tours": [
//     {"name": "community", "title": "社区导览", "title_en": "Community tour",
//      "stops": [
//        {"bookmark": "qianjiang-century-city-station", "fly_s": 4, "hold_s": 5,
//         "caption": "钱江世纪城站", "caption_en": "Qianjiang Century City station",
//         "layers": ["buildings", "roads", "ground", "labels"], "overlays": ["isochrone"],
//         "scenario": "new-clinic", "time": "15:30"},
//        {"bookmark": "clinic", "split": {"left": "existing", "right": "new-clinic", "at": 0.5},
//         "overlays": ["coverage:health_station"]},
//        {"camera": {"lon": 120.2457, "lat": 30.2276, "height": 0, "range": 750, "heading": 200,
//                    "pitch": 45}, "fly_s": 6, "hold_s": 4, "caption": "...", "caption_en": "..."}]}]
// A stop names a bookmark of the scene or gives a camera (the same orbit as a bookmark: the point
// looked at, lon/lat in WGS84 degrees and "height" in metres above the ground; "range" the eye's
// distance from it in metres; heading 0 = looking north, 90 = east; pitch 90 = straight down).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "twin/core/Result.h"
#include "twin/model/SceneConfig.h"

namespace twin::model {

/** Overlays a stop can show (scene key "overlays"). */
enum class TourOverlay {
  Isochrone,  // "isochrone": the 5/10/15-minute walking isochrone from the point the stop looks at
  Coverage,   // "coverage": residential buildings coloured by life-circle coverage: "coverage" or
              // "coverage:15" the 15-minute level, "coverage:5" / "coverage:10" those levels,
              // "coverage:<category>" the walking minutes to one facility category (e.g. health_station)
};
const char* tourOverlayName(TourOverlay overlay);  // "isochrone", "coverage"

/** A stop's before/after split view (scene key "split"): `left` and `right` are scenarios of the
    scene file, "" for the existing state ("existing" in the file); `at` is where the divider
    stands, a share of the width. */
struct TourSplit {
  std::string left, right;
  double at = 0.5;
};

struct TourStop {
  std::string bookmark;            // the bookmark named, or empty for an explicit "camera"
  Bookmark view;                   // the pose: the bookmark's own, or the camera's (name/label empty)
  double flySeconds = 3;           // "fly_s": flight from the previous pose, in [0, 600]; 0 = a cut
  double holdSeconds = 4;          // "hold_s": time held at the pose, in [0, 3600]
  std::string caption, captionEn;  // "caption" (Chinese), "caption_en"; either may be empty
  std::string scenario;            // "scenario": a scenario of the scene file shown here; empty = existing state
  std::optional<std::vector<std::string>> layers;  // "layers": scene layers shown (others hidden); absent = keep
  std::vector<TourOverlay> overlays;               // "overlays": shown during this stop (others hidden)
  std::string coverageBy;                          // with Coverage: "5", "10", "15" or a category id
  std::optional<int> minuteOfDay;                  // "time" ("HH:MM", true solar time): the sun; absent = keep
  std::optional<TourSplit> split;                  // "split": two scenarios side by side; absent = none
};

struct Tour {
  std::string name;  // unique within the scene, not empty; used by `twin video --tour NAME`
  std::string title, titleEn;
  std::vector<TourStop> stops;  // at least one

  /** Sum of every stop's fly and hold seconds. */
  double durationSeconds() const;
};

/** Reads the scene's "tours" key (SceneConfig::sections; absent -> empty list). Never throws.
    Errors name the function, the scene file and the key path, e.g.
    "model::parseTours(): x.json: tours[0].stops[2].fly_s: must be a number >= 0".
    Checked: tours an array of objects; names present, not empty and unique; titles and captions
    strings; stops a non-empty array (at most 1000) of objects that give exactly one of
    "bookmark" (a bookmark of `config`) or "camera" (lon in [-180, 180], lat in [-90, 90],
    height in [-500, 9000], range in (0, 1e6], heading in [-360, 360], pitch in [0, 90]); fly_s in
    [0, 600] and hold_s in [0, 3600] (numbers); "scenario" a scenario of the scene file's
    "scenarios" (whose own errors are passed on); "layers" strings among buildings, roads, pois,
    labels, ground; "overlays" strings among isochrone, coverage, coverage:<level or category>
    (whether the category exists is checked where the facilities are known); "time" "HH:MM" with HH in 0..23
    and MM in 0..59; "split" an object with "right" (required) and "left" (default "existing"), each
    "existing" or a scenario of the scene file, and "at" a number in [0.05, 0.95], not together with
    "scenario". Unknown keys are errors; keys starting with "_" are comments. */
core::Result<std::vector<Tour>> parseTours(const SceneConfig& config);

/** The tour named `name`, or null. */
const Tour* findTour(const std::vector<Tour>& tours, const std::string& name);

/** "a, b" of the tours' names, or "(none)". */
std::string tourNames(const std::vector<Tour>& tours);

}  // namespace twin::model
