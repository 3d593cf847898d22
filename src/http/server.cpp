// The Beast side of the http module: TCP/TLS accept, HTTP/1.1 sessions, WebSocket events.
// Every connection runs on its own strand; blocking work goes to the worker pool.
#include "epcfleet/http/server.hpp"

#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <openssl/ssl.h>

#include "asio_run_on.hpp"
#include "epcfleet/crypto/primitives.hpp"
#include "epcfleet/logging/log.hpp"
#include "epcfleet/metrics/registry.hpp"

namespace epcfleet::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using asio::use_awaitable;
constexpr auto kTuple = asio::as_tuple(use_awaitable);
using HeaderRequest = bhttp::request<bhttp::empty_body>;

namespace {

constexpr std::size_t kMaxQueuedEvents = 1024;
constexpr auto kReadTimeout = std::chrono::seconds(60);
constexpr auto kWriteTimeout = std::chrono::seconds(60);
constexpr std::uint64_t kMaxDiscardBytes = 64ull << 20;

bool can_see(const auth::Principal& p, const Event& event) {
  if (p.platform_admin)
    return true;
  if (!event.tenant_id)
    return false;
  const auto it = p.tenants.find(*event.tenant_id);
  return it != p.tenants.end() && role_at_least(it->second, event.min_role);
}

// One live-event subscriber (a WebSocket connection). Its principal is re-checked every minute
// (EventHub::refresh), so a revoked session, a removed user or a narrowed role takes effect on
// open connections too.
class Subscriber {
public:
  explicit Subscriber(auth::Principal principal)
      : principal_(std::make_shared<const auth::Principal>(std::move(principal))) {}
  virtual ~Subscriber() = default;
  Subscriber(const Subscriber&) = delete;
  Subscriber& operator=(const Subscriber&) = delete;
  virtual void deliver(std::shared_ptr<const std::string> message) = 0;
  virtual void end() = 0;  // closes the connection
  std::shared_ptr<const auth::Principal> principal() const {
    std::lock_guard lock(mutex_);
    return principal_;
  }
  void update(auth::Principal p) {
    std::lock_guard lock(mutex_);
    principal_ = std::make_shared<const auth::Principal>(std::move(p));
  }

private:
  mutable std::mutex mutex_;
  std::shared_ptr<const auth::Principal> principal_;
};

}  // namespace

struct EventHub::Impl {
  mutable std::mutex mutex;
  std::map<std::uint64_t, std::weak_ptr<Subscriber>> subscribers;
  std::uint64_t next_id = 1;

  std::uint64_t add(const std::shared_ptr<Subscriber>& s) {
    std::lock_guard lock(mutex);
    subscribers[next_id] = s;
    return next_id++;
  }
  void remove(std::uint64_t id) {
    std::lock_guard lock(mutex);
    subscribers.erase(id);
  }
  std::vector<std::shared_ptr<Subscriber>> live() const {
    std::vector<std::shared_ptr<Subscriber>> out;
    std::lock_guard lock(mutex);
    for (const auto& [id, weak] : subscribers) {
      if (auto s = weak.lock())
        out.push_back(std::move(s));
    }
    return out;
  }
};

EventHub::EventHub() : impl_(std::make_unique<Impl>()) {
}
EventHub::~EventHub() = default;

void EventHub::publish(const Event& event) {
  auto message = std::make_shared<const std::string>(
      "{\"type\":\"" + event.type +
      "\",\"tenant\":" + (event.tenant_id ? "\"" + *event.tenant_id + "\"" : std::string("null")) +
      ",\"data\":" + event.data_json + "}");
  for (auto& s : impl_->live()) {
    if (can_see(*s->principal(), event))
      s->deliver(message);
  }
  static auto& published = metrics::default_registry().counter(
      "epcfleet_events_published_total", "Live events published to WebSocket subscribers.");
  published.inc();
}

void EventHub::refresh(
    const std::function<std::optional<auth::Principal>(const auth::Principal&)>& check) {
  for (auto& s : impl_->live()) {
    auto fresh = check(*s->principal());
    if (fresh)
      s->update(std::move(*fresh));
    else
      s->end();
  }
}

std::size_t EventHub::subscribers() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->subscribers.size();
}

namespace {

template <typename Stream>
class WebSocketSession final : public Subscriber,
                               public std::enable_shared_from_this<WebSocketSession<Stream>> {
public:
  WebSocketSession(Stream&& stream, auth::Principal principal)
      : Subscriber(std::move(principal)), ws_(std::move(stream)) {}

  void deliver(std::shared_ptr<const std::string> message) override {
    asio::post(ws_.get_executor(),
               [self = this->shared_from_this(), m = std::move(message)]() mutable {
                 self->enqueue(std::move(m));
               });
  }

  void end() override {
    asio::post(ws_.get_executor(), [self = this->shared_from_this()] { self->hard_close(); });
  }

  // The handshake; events are accepted for delivery only once it succeeded.
  asio::awaitable<bool> accept(HeaderRequest request) {
    beast::get_lowest_layer(ws_).expires_never();
    auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
    // Browsers never ping: without our pings an idle dashboard would be cut after 5 minutes.
    timeouts.keep_alive_pings = true;
    ws_.set_option(timeouts);
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(bhttp::field::server, "epcfleetd"); }));
    ws_.read_message_max(64 * 1024);
    auto [accept_ec] = co_await ws_.async_accept(request, kTuple);
    if (accept_ec)
      co_return false;
    ws_.text(true);
    open_ = true;
    co_return true;
  }

  // Clients send nothing we act on; reading keeps pings/pongs and the close handshake going.
  asio::awaitable<void> read_until_closed() {
    beast::flat_buffer buffer;
    for (;;) {
      auto [ec, n] = co_await ws_.async_read(buffer, kTuple);
      if (ec)
        break;
      buffer.consume(n);
    }
    closed_ = true;
    queue_.clear();  // safe: a write in flight holds its own reference to its message
  }

private:
  void enqueue(std::shared_ptr<const std::string> message) {
    if (closed_ || !open_)
      return;
    const auto p = principal();
    if (p->expires_at != 0 && p->expires_at <= now_ms()) {
      hard_close();
      return;
    }
    if (queue_.size() >=
        kMaxQueuedEvents) {  // a consumer this slow is dropped, not buffered forever
      hard_close();
      return;
    }
    queue_.push_back(std::move(message));
    if (!writing_)
      write_next();
  }

  void write_next() {
    auto message = std::move(queue_.front());
    queue_.pop_front();
    writing_ = true;
    const auto* text = message.get();
    ws_.async_write(asio::buffer(*text),
                    [self = this->shared_from_this(), message](beast::error_code ec, std::size_t) {
                      self->writing_ = false;
                      if (ec) {
                        self->closed_ = true;
                        self->queue_.clear();
                        return;
                      }
                      if (!self->closed_ && !self->queue_.empty())
                        self->write_next();
                    });
  }

  // Cuts the TCP connection: pending reads and writes complete with an error and the session's
  // coroutine ends. Used for slow consumers and revoked callers, who get no close handshake.
  void hard_close() {
    closed_ = true;
    queue_.clear();
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
  }

  websocket::stream<Stream> ws_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  bool open_ = false;
  bool writing_ = false;
  bool closed_ = false;
};

Result<std::shared_ptr<ssl::context>> load_tls(const std::string& cert, const std::string& key) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                   ssl::context::single_dh_use);
  beast::error_code ec;
  ctx->use_certificate_chain_file(cert, ec);
  if (ec)
    return fail(ErrorCode::kInvalidArgument,
                "cannot load certificate " + cert + ": " + ec.message());
  ctx->use_private_key_file(key, ssl::context::pem, ec);
  if (ec)
    return fail(ErrorCode::kInvalidArgument,
                "cannot load private key " + key + ": " + ec.message());
  if (SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
    return fail(ErrorCode::kInvalidArgument, "private key " + key + " does not match " + cert);
  }
  return ctx;
}

template <typename Body>
Request to_request(const bhttp::request<Body>& in, const std::string& source) {
  Request r;
  r.method = parse_method(std::string_view(in.method_string().data(), in.method_string().size()));
  r.target = std::string(in.target());
  const auto q = r.target.find('?');
  r.path = r.target.substr(0, q);
  if (q != std::string::npos)
    r.query_string = r.target.substr(q + 1);
  for (const auto& field : in) {
    std::string name(field.name_string());
    for (auto& c : name)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  if constexpr (std::is_same_v<Body, bhttp::string_body>)
    r.body = in.body();
  r.source = source;
  return r;
}

// The status line and headers of every answer.
template <typename Body>
void fill_head(bhttp::response<Body>& res, const Response& response, bool keep_alive,
               unsigned version) {
  res.result(static_cast<unsigned>(response.status));
  res.version(version);
  for (const auto& [k, v] : response.headers)
    res.insert(k, v);
  res.set(bhttp::field::server, "epcfleetd");
  res.keep_alive(keep_alive);
}

// Fills in the status and headers, then writes the whole answer (or only its header, for HEAD).
template <typename Stream, typename Body>
asio::awaitable<bool> send(Stream& stream, bhttp::response<Body>& res, const Response& response,
                           bool keep_alive, unsigned version, bool head) {
  fill_head(res, response, keep_alive, version);
  res.prepare_payload();
  if (head) {
    bhttp::response_serializer<Body> sr(res);
    auto [hec, hn] = co_await bhttp::async_write_header(stream, sr, kTuple);
    co_return !hec;
  }
  auto [ec, n] = co_await bhttp::async_write(stream, res, kTuple);
  co_return !ec;
}

// Closes a file descriptor on every way out of a coroutine.
struct FileDescriptor {
  int fd = -1;
  explicit FileDescriptor(int f) : fd(f) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd >= 0)
      ::close(fd);
  }
};

// Waits until the socket can take more bytes, at most kWriteTimeout (a stalled reader is dropped).
asio::awaitable<bool> wait_writable(tcp::socket& socket) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_after(kWriteTimeout);
  timer.async_wait([&socket](beast::error_code ec) {
    if (!ec) {
      beast::error_code ignored;
      socket.cancel(ignored);
    }
  });
  auto [ec] = co_await socket.async_wait(tcp::socket::wait_write, kTuple);
  timer.cancel();
  co_return !ec;
}

// The bytes of a file answer. On plain TCP the kernel copies them from the page cache
// (sendfile(2), no user-space buffer); under TLS they go through 256 KiB reads.
template <typename Stream>
asio::awaitable<bool> write_file_body(Stream& stream, int fd, std::uint64_t offset,
                                      std::uint64_t length) {
  if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
    auto& socket = stream.socket();
    beast::error_code ec;
    socket.native_non_blocking(true, ec);
    if (ec)
      co_return false;
    auto position = static_cast<off_t>(offset);
    while (length > 0) {
      const auto chunk = static_cast<std::size_t>(std::min<std::uint64_t>(length, 512u << 10));
      const ssize_t n = ::sendfile(socket.native_handle(), fd, &position, chunk);
      if (n > 0) {
        length -= static_cast<std::uint64_t>(n);
        // A fast reader never makes the socket block: without this, one download would keep
        // its I/O thread until the end and every other connection on it would wait.
        co_await asio::post(co_await asio::this_coro::executor, use_awaitable);
      } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        if (errno == EAGAIN && !co_await wait_writable(socket))
          co_return false;
      } else {
        co_return false;  // the file shrank under us, or the peer went away
      }
    }
    co_return true;
  } else {
    std::vector<char> buffer(256u << 10);
    while (length > 0) {
      const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(length, buffer.size()));
      const ssize_t n = ::pread(fd, buffer.data(), want, static_cast<off_t>(offset));
      if (n <= 0)
        co_return false;
      beast::get_lowest_layer(stream).expires_after(kWriteTimeout);
      auto [ec, written] =
          co_await asio::async_write(stream, asio::buffer(buffer.data(), std::size_t(n)), kTuple);
      if (ec)
        co_return false;
      offset += static_cast<std::uint64_t>(n);
      length -= static_cast<std::uint64_t>(n);
    }
    co_return true;
  }
}

// A file answer: the header with its Content-Length, then the bytes (none for HEAD).
// Returns nullopt when the file cannot be opened (the caller answers 404 instead).
template <typename Stream>
asio::awaitable<std::optional<bool>> write_file_response(Stream& stream, const Response& response,
                                                         bool keep_alive, unsigned version,
                                                         bool head) {
  FileDescriptor file(::open(response.file_path->c_str(), O_RDONLY | O_CLOEXEC));
  struct stat st {};
  if (file.fd < 0 || ::fstat(file.fd, &st) != 0 || !S_ISREG(st.st_mode))
    co_return std::nullopt;
  const auto size = static_cast<std::uint64_t>(st.st_size);
  const std::uint64_t offset = std::min(response.file_offset, size);
  const std::uint64_t length =
      std::min(response.file_length.value_or(size - offset), size - offset);
  bhttp::response<bhttp::empty_body> res;
  fill_head(res, response, keep_alive, version);
  res.content_length(length);
  bhttp::response_serializer<bhttp::empty_body> sr(res);
  auto [ec, n] = co_await bhttp::async_write_header(stream, sr, kTuple);
  if (ec)
    co_return false;
  if (head || length == 0)
    co_return true;
  co_return co_await write_file_body(stream, file.fd, offset, length);
}

template <typename Stream>
asio::awaitable<bool> write_response(Stream& stream, Response& response, bool keep_alive,
                                     unsigned version, bool head) {
  beast::get_lowest_layer(stream).expires_after(kWriteTimeout);
  if (response.file_path) {
    auto written = co_await write_file_response(stream, response, keep_alive, version, head);
    if (written)
      co_return *written;
    response = Response::error(404, "not_found", "file vanished", "");
  }
  bhttp::response<bhttp::string_body> res;
  res.body() = std::move(response.body);
  co_return co_await send(stream, res, response, keep_alive, version, head);
}

}  // namespace

struct Server::Impl {
  Impl(ServerOptions o, RequestHandler& d, EventHub& h)
      : options(std::move(o)),
        dispatcher(d),
        hub(h),
        workers(static_cast<std::size_t>(std::max(1, options.worker_threads))),
        acceptor(ioc),
        signals(ioc, SIGINT, SIGTERM, SIGHUP),
        housekeeping(ioc) {}

  ServerOptions options;
  RequestHandler& dispatcher;
  EventHub& hub;
  asio::io_context ioc;
  asio::thread_pool workers;
  tcp::acceptor acceptor;
  asio::signal_set signals;
  asio::steady_timer housekeeping;
  std::function<void()> every_minute;
  std::mutex tls_mutex;
  std::shared_ptr<ssl::context> tls;
  std::atomic<int> in_flight{0};
  std::atomic<bool> draining{false};
  std::atomic<int> connections{0};

  std::shared_ptr<ssl::context> current_tls() {
    std::lock_guard lock(tls_mutex);
    return tls;
  }

  template <typename Stream>
  asio::awaitable<void> upgrade(Stream stream, HeaderRequest request, std::string source) {
    Request req = to_request(request, source);
    Result<auth::Principal> principal = fail(ErrorCode::kInternal, "not run");
    std::function<void()> job = [&] {
      try {
        principal = dispatcher.authenticate_upgrade(req);
      } catch (const std::exception& e) {
        log::error("ws.exception", {{"what", e.what()}});
      }
    };
    co_await detail::async_run_on(workers, job, use_awaitable);
    if (!principal) {
      Response r =
          Response::error(principal.error().code == ErrorCode::kForbidden ? 403 : 401,
                          to_string(principal.error().code), principal.error().message, "");
      co_await write_response(stream, r, false, request.version(), false);
      co_return;
    }
    auto session =
        std::make_shared<WebSocketSession<Stream>>(std::move(stream), std::move(*principal));
    if (!co_await session->accept(std::move(request)))
      co_return;
    const auto id = hub.impl().add(session);
    const std::string actor = session->principal()->name;
    log::info("ws.open", {{"source", source}, {"actor", actor}});
    co_await session->read_until_closed();
    hub.impl().remove(id);
    log::info("ws.close", {{"source", source}, {"actor", actor}});
  }

  static Response too_large(std::uint64_t limit) {
    return Response::error(413, "payload_too_large",
                           "request body exceeds the limit of " + std::to_string(limit) + " bytes",
                           "");
  }

  // Reads the body into whatever the parser's body type holds; answers the errors itself.
  template <typename Stream, typename Parser>
  asio::awaitable<bool> read_body(Stream& stream, beast::flat_buffer& buffer, Parser& parser,
                                  std::uint64_t limit) {
    if (parser.get()[bhttp::field::expect] == "100-continue") {
      bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, parser.get().version()};
      auto [cec, cn] = co_await bhttp::async_write(stream, cont, kTuple);
      if (cec)
        co_return false;
    }
    auto [ec, n] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
    if (!ec)
      co_return true;
    if (ec == bhttp::error::body_limit) {
      Response r = too_large(limit);
      co_await write_response(stream, r, false, parser.get().version(), false);
    } else if (ec != beast::error::timeout && ec != asio::error::eof) {
      Response r =
          Response::error(400, "bad_request", "malformed HTTP request: " + ec.message(), "");
      co_await write_response(stream, r, false, 11, false);
    }
    co_return false;
  }

  template <typename Stream>
  asio::awaitable<void> discard(Stream& stream, beast::flat_buffer& buffer,
                                std::uint64_t declared) {
    std::uint64_t remaining = declared > buffer.size() ? declared - buffer.size() : 0;
    buffer.consume(buffer.size());
    std::array<char, 16384> scratch{};
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(10));
    while (remaining > 0) {
      auto [ec, n] = co_await stream.async_read_some(asio::buffer(scratch), kTuple);
      if (ec)
        co_return;
      remaining -= std::min<std::uint64_t>(remaining, n);
    }
  }

  // Returns true when the connection became a WebSocket (so the caller skips shutdown).
  template <typename Stream>
  asio::awaitable<bool> serve_http(Stream& stream, std::string source) {
    beast::flat_buffer buffer;
    for (;;) {
      bhttp::request_parser<bhttp::empty_body> head;
      head.header_limit(16 * 1024);
      // No limit while reading the header: a declared Content-Length over the limit is answered
      // below with 413 (Beast would report it as a header error); chunked bodies are limited
      // while they are read.
      head.body_limit(boost::none);
      beast::get_lowest_layer(stream).expires_after(kReadTimeout);
      auto [hec, hn] = co_await bhttp::async_read_header(stream, buffer, head, kTuple);
      if (hec) {
        if (hec != bhttp::error::end_of_stream && hec != asio::error::operation_aborted &&
            hec != beast::error::timeout && hec != asio::error::eof &&
            hec != asio::ssl::error::stream_truncated) {
          Response r = Response::error(hec == bhttp::error::header_limit ? 431 : 400, "bad_request",
                                       "malformed HTTP request: " + hec.message(), "");
          co_await write_response(stream, r, false, 11, false);
        }
        co_return false;
      }
      if (websocket::is_upgrade(head.get())) {
        if (head.get().target() != "/api/v1/events") {
          Response r = Response::error(404, "not_found", "no WebSocket endpoint here", "");
          co_await write_response(stream, r, false, 11, false);
          co_return false;
        }
        co_await upgrade(std::move(stream), head.release(), source);
        co_return true;
      }
      const std::string target(head.get().target());
      const auto method = parse_method(
          std::string_view(head.get().method_string().data(), head.get().method_string().size()));
      const auto upload = dispatcher.upload_limit(method, target.substr(0, target.find('?')));
      const std::uint64_t limit = upload ? *upload : options.max_body_bytes;
      // A declared body over the limit is refused before it is read. The client may already be
      // sending it: read and discard a bounded amount so that it sees our answer, not a reset.
      if (const auto declared = head.content_length(); declared && *declared > limit) {
        Response r = too_large(limit);
        const bool expects_continue = head.get()[bhttp::field::expect] == "100-continue";
        if (!expects_continue && *declared <= kMaxDiscardBytes)
          co_await discard(stream, buffer, *declared);
        co_await write_response(stream, r, false, head.get().version(), false);
        co_return false;
      }
      Request req;
      unsigned version = 11;
      bool keep_alive = false;
      std::optional<std::string> temp_file;
      if (upload) {
        // Uploads go to a file as they arrive: memory stays flat whatever their size.
        bhttp::request_parser<bhttp::file_body> parser{std::move(head)};
        parser.body_limit(limit);
        temp_file = options.upload_dir + "/upload-" + crypto::random_hex(12);
        beast::error_code fec;
        parser.get().body().open(temp_file->c_str(), beast::file_mode::write_new, fec);
        if (fec) {
          log::error("http.upload_file", {{"path", *temp_file}, {"error", fec.message()}});
          Response r = Response::error(503, "unavailable", "cannot store the upload", "");
          co_await write_response(stream, r, false, parser.get().version(), false);
          co_return false;
        }
        const bool complete = co_await read_body(stream, buffer, parser, limit);
        auto breq = parser.release();
        breq.body().close();
        if (!complete) {
          std::remove(temp_file->c_str());
          co_return false;
        }
        req = to_request(breq, source);
        req.body_file = *temp_file;
        version = breq.version();
        keep_alive = breq.keep_alive();
      } else {
        bhttp::request_parser<bhttp::string_body> parser{std::move(head)};
        parser.body_limit(limit);
        if (!co_await read_body(stream, buffer, parser, limit))
          co_return false;
        auto breq = parser.release();
        req = to_request(breq, source);
        version = breq.version();
        keep_alive = breq.keep_alive();
      }
      Response response = Response::error(500, "internal", "internal error", "");
      ++in_flight;
      std::function<void()> job = [&] {
        try {
          response = dispatcher.dispatch(req);
        } catch (const std::exception& e) {  // dispatch catches handler errors; this is the rest
          log::error("http.exception", {{"what", e.what()}});
        }
      };
      co_await detail::async_run_on(workers, job, use_awaitable);
      if (temp_file)
        std::remove(temp_file->c_str());  // whatever the handler did not take
      keep_alive = keep_alive && !draining.load();
      const bool written = co_await write_response(stream, response, keep_alive, version,
                                                   req.method == Method::kHead);
      --in_flight;
      if (!written || !keep_alive)
        co_return false;
    }
  }

  asio::awaitable<void> plain_session(tcp::socket socket, std::string source) {
    ++connections;
    beast::tcp_stream stream(std::move(socket));
    const bool upgraded = co_await serve_http(stream, source);
    if (!upgraded) {
      beast::error_code ec;
      stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    }
    --connections;
    release(source);
  }

  asio::awaitable<void> tls_session(tcp::socket socket, std::string source) {
    ++connections;
    auto ctx = current_tls();
    beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), *ctx);
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(15));
    auto [ec] = co_await stream.async_handshake(ssl::stream_base::server, kTuple);
    if (!ec) {
      const bool upgraded = co_await serve_http(stream, source);
      if (!upgraded) {
        beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(5));
        auto [sec] = co_await stream.async_shutdown(kTuple);
        (void)sec;
      }
    }
    --connections;
    release(source);
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      tcp::socket socket(asio::make_strand(ioc));
      auto [ec] = co_await acceptor.async_accept(socket, kTuple);
      if (ec) {
        if (!acceptor.is_open() || ec == asio::error::operation_aborted)
          co_return;
        // Out of file descriptors (or similar): back off instead of spinning on the error.
        log::warn("http.accept_failed", {{"error", ec.message()}});
        asio::steady_timer pause(ioc, std::chrono::milliseconds(100));
        co_await pause.async_wait(kTuple);
        continue;
      }
      beast::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      const auto remote = socket.remote_endpoint(ignored);
      std::string source = ignored ? "unknown" : remote.address().to_string();
      if (!admit(source)) {
        static auto& refused = metrics::default_registry().counter(
            "epcfleet_http_connections_refused_total",
            "Connections closed at once because a connection limit was reached.");
        refused.inc();
        socket.close(ignored);
        continue;
      }
      auto ex = socket.get_executor();
      if (options.tls) {
        asio::co_spawn(ex, tls_session(std::move(socket), std::move(source)), asio::detached);
      } else {
        asio::co_spawn(ex, plain_session(std::move(socket), std::move(source)), asio::detached);
      }
    }
  }

  // Connection limits, overall and per client address (one client cannot take every slot).
  std::mutex admission_mutex;
  std::map<std::string, int> per_source;

  bool admit(const std::string& source) {
    std::lock_guard lock(admission_mutex);
    if (connections.load() >= options.max_connections)
      return false;
    auto& n = per_source[source];
    if (n >= options.max_connections_per_source)
      return false;
    ++n;
    return true;
  }
  void release(const std::string& source) {
    std::lock_guard lock(admission_mutex);
    auto it = per_source.find(source);
    if (it != per_source.end() && --it->second <= 0)
      per_source.erase(it);
  }

  void reload_tls() {
    if (!options.tls)
      return;
    auto ctx = load_tls(options.cert_file, options.key_file);
    if (!ctx) {
      log::error("tls.reload_failed", {{"error", ctx.error().message}});
      return;
    }
    std::lock_guard lock(tls_mutex);
    tls = *ctx;
    log::info("tls.reloaded", {{"cert", options.cert_file}});
  }

  void wait_signal() {
    signals.async_wait([this](beast::error_code ec, int signo) {
      if (ec)
        return;
      if (signo == SIGHUP) {
        reload_tls();
        wait_signal();
        return;
      }
      log::info("server.stopping", {{"signal", signo}, {"in_flight", in_flight.load()}});
      begin_drain();
    });
  }

  void begin_drain() {
    if (draining.exchange(true))
      return;
    beast::error_code ignored;
    acceptor.close(ignored);
    housekeeping.cancel();
    asio::co_spawn(ioc, drain(), asio::detached);
  }

  asio::awaitable<void> drain() {
    asio::steady_timer timer(ioc);
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(options.drain_timeout_s);
    while (in_flight.load() > 0 && std::chrono::steady_clock::now() < deadline) {
      timer.expires_after(std::chrono::milliseconds(20));
      co_await timer.async_wait(kTuple);
    }
    signals.cancel();
    ioc.stop();
  }

  void schedule_housekeeping() {
    housekeeping.expires_after(std::chrono::seconds(60));
    housekeeping.async_wait([this](beast::error_code ec) {
      if (ec || draining)
        return;
      if (every_minute) {
        asio::post(workers, [job = every_minute] {
          try {
            job();
          } catch (const std::exception& e) {
            log::error("housekeeping.exception", {{"what", e.what()}});
          }
        });
      }
      schedule_housekeeping();
    });
  }
};

Server::Server(ServerOptions options, RequestHandler& dispatcher, EventHub& hub)
    : impl_(std::make_unique<Impl>(std::move(options), dispatcher, hub)) {
}

Server::~Server() {
  impl_->workers.join();
}

Status Server::listen() {
  auto& s = *impl_;
  if (s.options.tls) {
    auto ctx = load_tls(s.options.cert_file, s.options.key_file);
    if (!ctx)
      return fail(ctx.error());
    s.tls = *ctx;
  }
  beast::error_code ec;
  const auto address = asio::ip::make_address(s.options.address, ec);
  if (ec)
    return fail(ErrorCode::kInvalidArgument, "invalid listen address " + s.options.address);
  const tcp::endpoint endpoint(address, s.options.port);
  s.acceptor.open(endpoint.protocol(), ec);
  if (!ec)
    s.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec)
    s.acceptor.bind(endpoint, ec);
  if (!ec)
    s.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return fail(ErrorCode::kUnavailable, "cannot listen on " + s.options.address + ":" +
                                             std::to_string(s.options.port) + ": " + ec.message());
  }
  return ok();
}

std::uint16_t Server::bound_port() const {
  beast::error_code ec;
  return impl_->acceptor.local_endpoint(ec).port();
}

void Server::run(std::function<void()> every_minute) {
  auto& s = *impl_;
  s.every_minute = std::move(every_minute);
  s.wait_signal();
  s.schedule_housekeeping();
  asio::co_spawn(s.ioc, s.accept_loop(), asio::detached);
  static auto& connections = metrics::default_registry().gauge(
      "epcfleet_http_open_connections", "Open client connections (HTTP and WebSocket).");
  metrics::default_registry().on_collect([this](metrics::Registry&) {
    connections.set(static_cast<double>(impl_->connections.load()));
  });
  std::vector<std::thread> threads;
  for (int i = 1; i < std::max(1, s.options.io_threads); ++i) {
    threads.emplace_back([&s] { s.ioc.run(); });
  }
  s.ioc.run();
  for (auto& t : threads)
    t.join();
  s.workers.join();
  log::info("server.stopped");
}

void Server::stop() {
  asio::post(impl_->ioc, [this] { impl_->begin_drain(); });
}

}  // namespace epcfleet::http
