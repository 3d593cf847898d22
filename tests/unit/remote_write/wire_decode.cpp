#include "wire_decode.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <snappy.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "remote_write.pb.h"

namespace epcfleet::remote_write::test {

std::optional<std::string> uncompress(std::string_view body) {
  std::string raw;
  if (!snappy::Uncompress(body.data(), body.size(), &raw))
    return std::nullopt;
  return raw;
}

std::optional<std::vector<Series>> decode(std::string_view body) {
  const auto raw = uncompress(body);
  if (!raw)
    return std::nullopt;
  wire::WriteRequest request;
  if (!request.ParseFromString(*raw))
    return std::nullopt;
  std::vector<Series> out;
  for (const auto& ts : request.timeseries()) {
    Series s;
    for (const auto& l : ts.labels())
      s.labels.push_back({l.name(), l.value()});
    for (const auto& sample : ts.samples())
      s.samples.emplace_back(sample.timestamp(), sample.value());
    out.push_back(std::move(s));
  }
  return out;
}

FakeReceiver::FakeReceiver(Handler handler, std::uint16_t port) : handler_(std::move(handler)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, 16) != 0)
    throw std::runtime_error("FakeReceiver: cannot listen");
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

FakeReceiver::~FakeReceiver() {
  stop_ = true;
  acceptor_.join();
  {
    std::lock_guard lock(mutex_);
    for (const int fd : connections_)
      ::shutdown(fd, SHUT_RDWR);
  }
  for (auto& t : threads_)
    t.join();
  // Closed only now: a number closed earlier could be reused by the client's next socket.
  for (const int fd : connections_)
    ::close(fd);
  ::close(listen_fd_);
}

std::string FakeReceiver::url() const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/api/v1/write";
}

std::vector<ReceivedRequest> FakeReceiver::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

void FakeReceiver::accept_loop() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 20) <= 0)
      continue;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0)
      continue;
    std::lock_guard lock(mutex_);
    connections_.push_back(fd);
    threads_.emplace_back([this, fd] { serve(fd); });
  }
}

void FakeReceiver::serve(int fd) {
  std::string buffer;
  char chunk[65536];
  const auto fill = [&](std::size_t want) {
    while (buffer.size() < want) {
      const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0)
        return false;
      buffer.append(chunk, static_cast<std::size_t>(n));
    }
    return true;
  };
  while (!stop_) {
    std::size_t head_end = 0;
    while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos) {
      const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0)
        return;
      buffer.append(chunk, static_cast<std::size_t>(n));
    }
    ReceivedRequest req;
    const std::string head = buffer.substr(0, head_end);
    std::size_t line_end = head.find("\r\n");
    const std::string first = head.substr(0, line_end);
    const auto sp1 = first.find(' ');
    const auto sp2 = first.find(' ', sp1 + 1);
    req.method = first.substr(0, sp1);
    req.path = first.substr(sp1 + 1, sp2 - sp1 - 1);
    std::size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
      auto end = head.find("\r\n", pos);
      if (end == std::string::npos)
        end = head.size();
      const std::string line = head.substr(pos, end - pos);
      const auto colon = line.find(':');
      if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        std::string value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        req.headers[name] = value;
      }
      pos = end + 2;
    }
    std::size_t length = 0;
    if (auto it = req.headers.find("content-length"); it != req.headers.end())
      length = std::stoul(it->second);
    if (!fill(head_end + 4 + length))
      return;
    req.body = buffer.substr(head_end + 4, length);
    buffer.erase(0, head_end + 4 + length);

    const int now = ++concurrent_;
    int seen = max_concurrent_;
    while (now > seen && !max_concurrent_.compare_exchange_weak(seen, now)) {
    }
    std::size_t index = 0;
    {
      std::lock_guard lock(mutex_);
      index = requests_.size();
      requests_.push_back(req);
    }
    Reply reply = handler_ ? handler_(req, index) : Reply{};
    const auto until = std::chrono::steady_clock::now() + reply.delay;
    while (!stop_ && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    --concurrent_;
    std::string out = "HTTP/1.1 " + std::to_string(reply.status) +
                      " X\r\nContent-Length: " + std::to_string(reply.body.size()) + "\r\n";
    if (reply.retry_after)
      out += "Retry-After: " + std::to_string(*reply.retry_after) + "\r\n";
    out += "\r\n" + reply.body;
    if (::send(fd, out.data(), out.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(out.size()))
      return;
  }
}

bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done())
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

}  // namespace epcfleet::remote_write::test
