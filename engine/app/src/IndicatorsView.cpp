#include "twin/app/IndicatorsView.h"

#include <atomic>
#include <exception>
#include <mutex>
#include <thread>

#include "twin/app/AnalysisCommands.h"
#include "twin/ui/I18n.h"
#include "twin/ui/IndicatorCards.h"

namespace twin::app {

using IndicatorsResult = core::Result<std::vector<analysis::ScenarioIndicators>>;

namespace {
// Two figures a scenario: all nine cards fit the left rail of a 1920x1080 screen without
// scrolling (the rail scrolls to the rest where it is shorter).
constexpr std::size_t kFiguresPerCard = 2;
}  // namespace

struct IndicatorsView::Impl {
  std::thread thread;
  std::atomic<bool> done{false};
  std::mutex mutex;
  std::optional<IndicatorsResult> fromThread;  // under `mutex`
  std::optional<IndicatorsResult> result;      // the viewer thread's copy, once taken
  bool textsTaken = false;

  void take() {
    if (result || !done.load()) return;
    std::lock_guard<std::mutex> lock(mutex);
    result = std::move(fromThread);
  }
};

IndicatorsView::IndicatorsView(std::string scenePath, std::filesystem::path alertsDb)
    : _impl(std::make_unique<Impl>()) {
  Impl* impl = _impl.get();
  impl->thread = std::thread([impl, scenePath = std::move(scenePath), alertsDb = std::move(alertsDb)]() {
    // Nothing may escape the thread (std::terminate): an exception becomes the error shown.
    IndicatorsResult result = core::fail("app::IndicatorsView: the computation did not finish");
    try {
      result = sceneIndicators(scenePath, alertsDb);
    } catch (const std::exception& e) {
      result = core::fail(std::string("app::IndicatorsView: ") + e.what());
    }
    {
      std::lock_guard<std::mutex> lock(impl->mutex);
      impl->fromThread = std::move(result);
    }
    impl->done.store(true);
  });
}

IndicatorsView::~IndicatorsView() {
  if (_impl->thread.joinable()) _impl->thread.join();
}

void IndicatorsView::update(double) { _impl->take(); }

bool IndicatorsView::loading() const { return !_impl->result; }

std::vector<std::string> IndicatorsView::takeNewTexts() {
  Impl& impl = *_impl;
  if (!impl.result || impl.textsTaken) return {};
  impl.textsTaken = true;
  std::vector<std::string> texts;
  if (!*impl.result) return {impl.result->error().message};
  for (const analysis::ScenarioIndicators& s : impl.result->value()) {
    texts.push_back(s.name);
    for (const analysis::Indicator& i : s.indicators) {
      texts.push_back(i.name);
      texts.push_back(i.unit);
      texts.push_back(i.source);
      texts.push_back(i.whyMissing);  // the English texts are within the font's Latin range
    }
  }
  return texts;
}

void IndicatorsView::contribute(ui::FrameView& view) const {
  const Impl& impl = *_impl;
  view.indicators.clear();
  if (!impl.result) {
    view.indicatorsNote = ui::tr(view.language, "indicator.computing");
  } else if (!*impl.result) {
    view.indicatorsNote = std::string(ui::tr(view.language, "indicator.failed")) + ": " + impl.result->error().message;
  } else {
    view.indicatorsNote.clear();
    view.indicators = ui::indicatorCards(impl.result->value(), view.language, kFiguresPerCard);
  }
}

const IndicatorsResult& IndicatorsView::waitForResult() {
  if (_impl->thread.joinable()) _impl->thread.join();
  _impl->take();
  return *_impl->result;
}

}  // namespace twin::app
