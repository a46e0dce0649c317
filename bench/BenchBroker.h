// A real mosquitto for the bench programs that go through a broker (mqtt_bench, alarm_bench):
// finding the binaries, a free loopback port, starting a process, waiting until the broker
// accepts connections. Header only (every bench/*.cpp is its own program); no OSG, so the
// benches without a viewer do not pull it in. A bench cannot go on without its broker: every
// failure here ends the program with a message naming it.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace twin::bench {

/** Prints "<program>: <why>" to stderr and exits with status 1. */
[[noreturn]] inline void benchFail(const std::string& program, const std::string& why) {
  std::fprintf(stderr, "%s: %s\n", program.c_str(), why.c_str());
  std::exit(1);
}

/** The first executable `name` in $PATH, then /usr/sbin and /usr/local/sbin (Debian installs
    mosquitto in /usr/sbin, outside a user's PATH); empty when none. */
inline std::string findExecutable(const std::string& name) {
  std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
  path += ":/usr/sbin:/usr/local/sbin";
  std::size_t start = 0;
  while (start < path.size()) {
    std::size_t end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    const std::string candidate = path.substr(start, end - start) + "/" + name;
    if (end > start && ::access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return {};
}

/** A loopback TCP port that was free a moment ago; 0 when the system gives none. */
inline int freeLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  ::close(fd);
  return ok ? ntohs(addr.sin_port) : 0;
}

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
inline bool loopbackAccepts(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

/** Starts `args` (args[0]: the program's path) with this environment; `quiet` sends its standard
    output to /dev/null. Returns its pid; -1 when it could not be started. */
inline pid_t spawnProcess(const std::vector<std::string>& args, bool quiet) {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (quiet) posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, args.at(0).c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return rc == 0 ? pid : -1;
}

/** mosquitto on a free loopback port, anonymous, without persistence or logging, plus the lines
    of `extraConfig` (e.g. "max_queued_messages 0\n"). The constructor returns once it accepts
    connections (within 5 s) and ends the program, naming `program`, when it cannot start it;
    the destructor stops it (SIGTERM, then waits) and removes its configuration. */
class BenchBroker {
 public:
  explicit BenchBroker(const std::string& program, const std::string& extraConfig = "") {
    _binary = findExecutable("mosquitto");
    if (_binary.empty()) benchFail(program, "mosquitto not found (Debian package mosquitto)");
    _port = freeLoopbackPort();
    if (_port <= 0) benchFail(program, "no free loopback port");
    _conf = std::filesystem::temp_directory_path() /
            (program + "-mosquitto-" + std::to_string(::getpid()) + "-" + std::to_string(_port) + ".conf");
    {
      std::ofstream out(_conf);
      out << "listener " << _port << " 127.0.0.1\nallow_anonymous true\npersistence false\nlog_dest none\n"
          << extraConfig;
    }
    _pid = spawnProcess({_binary, "-c", _conf.string()}, false);
    if (_pid <= 0) benchFail(program, "cannot start " + _binary);
    for (int i = 0; i < 200 && !loopbackAccepts(_port); ++i) {
      int status = 0;
      if (::waitpid(_pid, &status, WNOHANG) == _pid) {
        _pid = -1;
        benchFail(program, "mosquitto exited at start (port " + std::to_string(_port) + ")");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    if (!loopbackAccepts(_port)) {
      stop();
      benchFail(program, "mosquitto did not accept connections on port " + std::to_string(_port) + " within 5 s");
    }
  }
  ~BenchBroker() { stop(); }
  BenchBroker(const BenchBroker&) = delete;
  BenchBroker& operator=(const BenchBroker&) = delete;

  int port() const { return _port; }
  const std::string& binary() const { return _binary; }

 private:
  void stop() {
    if (_pid > 0) {
      ::kill(_pid, SIGTERM);
      int status = 0;
      ::waitpid(_pid, &status, 0);
      _pid = -1;
    }
    std::error_code ec;
    std::filesystem::remove(_conf, ec);
  }

  std::string _binary;
  std::filesystem::path _conf;
  int _port = 0;
  pid_t _pid = -1;
};

}  // namespace twin::bench
