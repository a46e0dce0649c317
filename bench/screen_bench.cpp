// How much of the 3D scene the big screen's panels leave visible. For each display size, renders
// the scene twice through `twin snapshot` (with --no-panels, and with the big-screen panels) and
// compares: the scene's detail is every pixel of the bare image that differs from its background
// (the most common colour); a detail pixel stays visible when the panels image has the same colour
// there. Prints the visible share of the detail and of all pixels. Figures, never pass/fail.
//   bench_screen_bench [SCENE] [extra snapshot options...]
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <osg/Image>
#include <osgDB/ReadFile>

#include "BenchSupport.h"
#include "twin/app/Cli.h"

namespace {

int snapshot(const std::vector<std::string>& args) {
  std::vector<std::string> all = {"twin", "snapshot"};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : all) argv.push_back(a.data());
  return twin::app::runCli(int(argv.size()), argv.data());
}

bool near(const unsigned char* a, const unsigned char* b, int tolerance) {
  for (int c = 0; c < 3; ++c)
    if (std::abs(int(a[c]) - int(b[c])) > tolerance) return false;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string scene = argc > 1 ? argv[1] : twin::bench::scenePath("beijing-liudaokou.json");
  std::vector<std::string> extra;
  for (int i = 2; i < argc; ++i) extra.push_back(argv[i]);
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "twin-screen-bench";
  std::filesystem::create_directories(dir);
  std::printf("scene %s\n", scene.c_str());
  std::printf("%-10s %14s %14s %12s\n", "size", "detail px", "visible detail", "visible px");
  for (const char* size : {"1366x768", "1920x1080", "3840x2160"}) {
    const std::string bare = (dir / (std::string("bare-") + size + ".png")).string();
    const std::string full = (dir / (std::string("panels-") + size + ".png")).string();
    std::vector<std::string> a = {scene, "-o", bare, "--size", size, "--no-panels"};
    std::vector<std::string> b = {scene, "-o", full, "--size", size};
    a.insert(a.end(), extra.begin(), extra.end());
    b.insert(b.end(), extra.begin(), extra.end());
    if (snapshot(a) != 0 || snapshot(b) != 0) twin::bench::die("bench_screen_bench: twin snapshot failed");
    osg::ref_ptr<osg::Image> x = osgDB::readImageFile(bare), y = osgDB::readImageFile(full);
    if (!x || !y || x->s() != y->s() || x->t() != y->t())
      twin::bench::die("bench_screen_bench: cannot read back " + bare + " / " + full);
    const int channels = int(osg::Image::computeNumComponents(x->getPixelFormat()));
    const int channelsY = int(osg::Image::computeNumComponents(y->getPixelFormat()));
    const std::size_t pixels = std::size_t(x->s()) * std::size_t(x->t());
    // The background: the most common colour of the bare image.
    std::map<unsigned, std::size_t> counts;
    for (std::size_t i = 0; i < pixels; ++i) {
      const unsigned char* p = x->data() + i * std::size_t(channels);
      ++counts[(unsigned(p[0]) << 16) | (unsigned(p[1]) << 8) | p[2]];
    }
    unsigned background = 0;
    std::size_t most = 0;
    for (const auto& [colour, n] : counts)
      if (n > most) most = n, background = colour;
    const unsigned char bg[3] = {static_cast<unsigned char>(background >> 16),
                                 static_cast<unsigned char>((background >> 8) & 0xff),
                                 static_cast<unsigned char>(background & 0xff)};
    std::size_t detail = 0, visibleDetail = 0, visible = 0;
    for (std::size_t i = 0; i < pixels; ++i) {
      const unsigned char* p = x->data() + i * std::size_t(channels);
      const unsigned char* q = y->data() + i * std::size_t(channelsY);
      const bool same = near(p, q, 6);
      visible += same;
      if (near(p, bg, 6)) continue;
      ++detail;
      visibleDetail += same;
    }
    std::printf("%-10s %14zu %13.1f%% %11.1f%%\n", size, detail,
                detail ? 100.0 * double(visibleDetail) / double(detail) : 0.0,
                100.0 * double(visible) / double(pixels));
  }
  std::printf("images in %s\n", dir.string().c_str());
  return 0;
}
