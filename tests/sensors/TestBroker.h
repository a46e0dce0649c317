// A real mosquitto broker on a free loopback port, started and stopped by a test, optionally with
// a TLS listener whose CA and certificates the test makes at run time with the openssl tool.
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
#include <fcntl.h>
#include <fstream>
#include <optional>
#include <vector>
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

/** The first executable `name` in $PATH, then /usr/sbin and /usr/local/sbin; empty when none. */
inline std::string findTool(const std::string& name) {
  std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
  path += ":/usr/sbin:/usr/local/sbin";
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    const std::filesystem::path candidate = std::filesystem::path(path.substr(start, end - start)) / name;
    if (end > start && ::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    start = end + 1;
  }
  return {};
}

/** Runs a program with stdout and stderr appended to `logFile`; its exit status, -1 when it
    could not be started. */
inline int runTool(const std::vector<std::string>& args, const std::filesystem::path& logFile) {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, logFile.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, args[0].c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return -1;
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/** A CA, a server certificate for 127.0.0.1/localhost and a client certificate signed by it, and
    an unrelated second CA, as PEM files in `dir`, made with the openssl command-line tool (valid
    one day, RSA 2048). `error` is non-empty when openssl is missing or fails: tests REQUIRE it
    empty, so a missing tool is a failure, not a skip. */
struct TestCertificates {
  std::filesystem::path caFile, serverCert, serverKey, clientCert, clientKey;
  std::filesystem::path otherCaFile;  // signed nothing here: verifying the server with it fails
  std::string error;
};

inline TestCertificates makeTestCertificates(const std::filesystem::path& dir) {
  TestCertificates c;
  const std::string openssl = findTool("openssl");
  if (openssl.empty()) {
    c.error =
        "openssl not found in PATH: install the Debian package 'openssl' "
        "(a declared dependency of the sensors TLS tests)";
    return c;
  }
  const auto file = [&](const char* name) { return (dir / name).string(); };
  const std::filesystem::path log = dir / "openssl.log";
  {
    std::ofstream ext(dir / "server.ext");
    ext << "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n";
  }
  {
    std::ofstream ext(dir / "client.ext");
    ext << "basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n";
  }
  const std::vector<std::vector<std::string>> steps = {
      {openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=twin test CA", "-keyout",
       file("ca.key"), "-out", file("ca.pem")},
      {openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=twin other CA", "-keyout",
       file("other-ca.key"), "-out", file("other-ca.pem")},
      {openssl, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", file("server.key"), "-out",
       file("server.csr")},
      {openssl, "x509", "-req", "-in", file("server.csr"), "-CA", file("ca.pem"), "-CAkey", file("ca.key"),
       "-CAcreateserial", "-days", "1", "-extfile", file("server.ext"), "-out", file("server.pem")},
      {openssl, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=twin test client", "-keyout", file("client.key"),
       "-out", file("client.csr")},
      {openssl, "x509", "-req", "-in", file("client.csr"), "-CA", file("ca.pem"), "-CAkey", file("ca.key"),
       "-CAcreateserial", "-days", "1", "-extfile", file("client.ext"), "-out", file("client.pem")},
  };
  for (const auto& step : steps) {
    if (runTool(step, log) != 0) {
      std::ifstream in(log);
      const std::string output((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      c.error = "openssl " + step[1] + " failed: " + output;
      return c;
    }
  }
  // mosquitto started as root drops to its own user, which must still read the (throw-away) keys.
  std::error_code ec;
  for (const char* key : {"server.key", "client.key"}) {
    std::filesystem::permissions(dir / key,
                                 std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
                                     std::filesystem::perms::group_read | std::filesystem::perms::others_read,
                                 ec);
    if (ec) {
      c.error = std::string("cannot make ") + key + " readable: " + ec.message();
      return c;
    }
  }
  c.caFile = file("ca.pem");
  c.otherCaFile = file("other-ca.pem");
  c.serverCert = file("server.pem");
  c.serverKey = file("server.key");
  c.clientCert = file("client.pem");
  c.clientKey = file("client.key");
  return c;
}

/** A TLS listener's files (mosquitto's cafile, certfile, keyfile, require_certificate). */
struct TestTls {
  std::filesystem::path caFile, certFile, keyFile;
  bool requireClientCertificate = false;
};

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

/** Starts `mosquitto -c <conf>` listening on 127.0.0.1:<free port>, plain or (with `tls`) TLS
    only. error() is non-empty when it could not start; tests REQUIRE(error().empty()) so a
    missing broker is a failure, not a skip. */
class TestBroker {
 public:
  explicit TestBroker(const std::string& extraConfig = "", std::optional<TestTls> tls = std::nullopt)
      : _dir("broker"), _extra(extraConfig), _tls(std::move(tls)) {
    _binary = mosquittoBinary();
    if (_binary.empty()) {
      _error =
          "mosquitto not found in PATH or /usr/sbin: install the Debian package 'mosquitto' "
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
      out << "listener " << _port << " 127.0.0.1\n";
      if (_tls)
        out << "cafile " << _tls->caFile.string() << "\ncertfile " << _tls->certFile.string() << "\nkeyfile "
            << _tls->keyFile.string() << "\nrequire_certificate " << (_tls->requireClientCertificate ? "true" : "false")
            << "\n";
      out << "allow_anonymous true\npersistence false\nlog_dest none\n" << _extra << "\n";
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
  std::optional<TestTls> _tls;
  std::string _binary;
  std::string _error;
  int _port = -1;
  pid_t _pid = -1;
};

}  // namespace twin::test
