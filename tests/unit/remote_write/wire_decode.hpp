#pragma once
// Test helpers: remote-write bodies as a receiver sees them, decoded with the protoc-generated
// parser; and a fake receiver for the sender's behaviour on refusals, errors and slowness that
// real peers will not produce on demand.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "epcfleet/remote_write/writer.hpp"

namespace epcfleet::remote_write::test {

// snappy-uncompressed protobuf bytes, or nullopt.
std::optional<std::string> uncompress(std::string_view body);
// The series of a body, in wire order; nullopt when it is not snappy or not a WriteRequest.
std::optional<std::vector<Series>> decode(std::string_view body);

struct ReceivedRequest {
  std::string method;
  std::string path;
  std::map<std::string, std::string> headers;  // names lower-case
  std::string body;
};

struct Reply {
  Reply(int code = 204, std::string text = {}, std::optional<int> retry_after_seconds = {},
        std::chrono::milliseconds wait = {})
      : status(code), body(std::move(text)), retry_after(retry_after_seconds), delay(wait) {}
  int status;
  std::string body;
  std::optional<int> retry_after;  // seconds
  std::chrono::milliseconds delay;
};

// An HTTP/1.1 server on 127.0.0.1 (a free port) that records every request and answers as the
// handler says (default 204). Keep-alive; one thread per connection.
class FakeReceiver {
public:
  using Handler = std::function<Reply(const ReceivedRequest&, std::size_t index)>;
  // port 0: any free port.
  explicit FakeReceiver(Handler handler = {}, std::uint16_t port = 0);
  ~FakeReceiver();
  FakeReceiver(const FakeReceiver&) = delete;
  FakeReceiver& operator=(const FakeReceiver&) = delete;

  std::string url() const;  // http://127.0.0.1:<port>/api/v1/write
  std::vector<ReceivedRequest> requests() const;
  int max_concurrent() const { return max_concurrent_; }

private:
  void accept_loop();
  void serve(int fd);

  Handler handler_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> concurrent_{0};
  std::atomic<int> max_concurrent_{0};
  mutable std::mutex mutex_;
  std::vector<ReceivedRequest> requests_;
  std::vector<int> connections_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

// Polls `done` every 10 ms for up to `timeout`; returns its last answer.
bool wait_until(const std::function<bool()>& done,
                std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace epcfleet::remote_write::test
