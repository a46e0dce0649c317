// A real mosquitto broker on a free loopback port, started and stopped by a test.
// Shared by tests/sensors and tests/alerts (header only).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <spawn.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "TestPaths.h"

extern char** environ;

namespace twin::test {

/** The mosquitto binary: $PATH, then /usr/sbin (Debian installs it there, outside a user's PATH).
    Empty when not installed. */
inline std::string mosquittoBinary() {
  std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
  path += ":/usr/sbin:/usr/local/sbin";
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    const std::filesystem::path candidate = std::filesystem::path(path.substr(start, end - start)) / "mosquitto";
    if (end > start && ::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    start = end + 1;
  }
  return {};
}

/** A loopback port nobody listens on right now (bind to port 0, read it back). */
inline int freeLoopbackPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  int port = -1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    socklen_t len = sizeof addr;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

inline bool portAccepts(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

/** Starts `mosquitto -c <conf>` listening on 127.0.0.1:<free port>. error() is non-empty when it
    could not start; tests REQUIRE(error().empty()) so a missing broker is a failure, not a skip. */
class TestBroker {
 public:
  explicit TestBroker(const std::string& extraConfig = "") : _dir("broker"), _extra(extraConfig) {
    _binary = mosquittoBinary();
    if (_binary.empty()) {
      _error = "mosquitto not found in PATH or /usr/sbin: install the Debian package 'mosquitto' "
               "(a declared dependency of the sensors tests)";
      return;
    }
    _port = freeLoopbackPort();
    if (_port <= 0) {
      _error = "no free loopback port";
      return;
    }
    start();
  }
  ~TestBroker() { stop(); }
  TestBroker(const TestBroker&) = delete;
  TestBroker& operator=(const TestBroker&) = delete;

  const std::string& error() const { return _error; }
  int port() const { return _port; }
  bool running() const { return _pid > 0; }

  /** Starts the broker (again) on the same port; waits until it accepts connections. */
  bool start() {
    if (_pid > 0) return true;
    const std::filesystem::path conf = _dir.path() / "mosquitto.conf";
    {
      std::ofstream out(conf);
      out << "listener " << _port << " 127.0.0.1\nallow_anonymous true\npersistence false\n"
          << "log_dest none\n" << _extra << "\n";
    }
    const std::string confText = conf.string();
    char* argv[] = {const_cast<char*>(_binary.c_str()), const_cast<char*>("-c"), const_cast<char*>(confText.c_str()),
                    nullptr};
    pid_t pid = 0;
    if (::posix_spawn(&pid, _binary.c_str(), nullptr, nullptr, argv, environ) != 0) {
      _error = "cannot start " + _binary;
      return false;
    }
    _pid = pid;
    for (int i = 0; i < 200; ++i) {
      if (portAccepts(_port)) return true;
      int status = 0;
      if (::waitpid(_pid, &status, WNOHANG) == _pid) {
        _pid = -1;
        _error = "mosquitto exited at start (port " + std::to_string(_port) + ")";
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    _error = "mosquitto did not accept connections on port " + std::to_string(_port) + " within 5 s";
    return false;
  }

  void stop() {
    if (_pid <= 0) return;
    ::kill(_pid, SIGTERM);
    int status = 0;
    ::waitpid(_pid, &status, 0);
    _pid = -1;
  }

 private:
  TempDir _dir;
  std::string _extra;
  std::string _binary;
  std::string _error;
  int _port = -1;
  pid_t _pid = -1;
};

}  // namespace twin::test
