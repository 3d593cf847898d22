#include "config.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include <toml++/toml.h>

#include "epcfleet/store/database.hpp"

#ifndef EPCFLEET_DEFAULT_WEB_ROOT
#define EPCFLEET_DEFAULT_WEB_ROOT "/usr/share/epcfleet/web"
#endif

namespace epcfleet::app {
namespace {

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (auto pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) {
    s.replace(pos, from.size(), to);
  }
  return s;
}

bool is_true(const std::string& v) {
  return v == "1" || v == "true" || v == "yes" || v == "on";
}

}  // namespace

const std::vector<SettingDef>& setting_defs() {
  static const std::vector<SettingDef> defs = {
      {"listen", "EPCFLEET_LISTEN", "127.0.0.1:8443", "address:port to serve on", false},
      {"http", "EPCFLEET_HTTP", "false", "serve plain HTTP (loopback addresses only)", false},
      {"store", "EPCFLEET_STORE", "sqlite",
       "metadata store: sqlite, sqlite:/path.db or postgresql://user@host:port/db", true},
      {"tls_cert", "EPCFLEET_TLS_CERT", "{data_dir}/tls/server.crt", "TLS certificate chain (PEM)",
       false},
      {"tls_key", "EPCFLEET_TLS_KEY", "{data_dir}/tls/server.key", "TLS private key (PEM)", false},
      {"master_key_file", "EPCFLEET_MASTER_KEY_FILE", "{data_dir}/master.key",
       "file holding the master key that seals secrets", false},
      {"web_root", "EPCFLEET_WEB_ROOT", EPCFLEET_DEFAULT_WEB_ROOT, "the dashboard's built files",
       false},
      {"log_json", "EPCFLEET_LOG_JSON", "false", "log JSON lines instead of text", false},
      {"log_level", "EPCFLEET_LOG_LEVEL", "info", "debug, info, warn or error", false},
      {"max_body_bytes", "EPCFLEET_MAX_BODY_BYTES", "1048576", "largest accepted API request body",
       false},
      {"io_threads", "EPCFLEET_IO_THREADS", "2", "threads running network I/O", false},
      {"worker_threads", "EPCFLEET_WORKER_THREADS", "6", "threads running store and crypto work",
       false},
      {"session_ttl_hours", "EPCFLEET_SESSION_TTL_HOURS", "12", "lifetime of a login session",
       false},
      {"tsdb_dir", "EPCFLEET_TSDB_DIR", "{data_dir}/tsdb", "the time-series store's directory",
       false},
      {"tsdb_fsync", "EPCFLEET_TSDB_FSYNC", "1s",
       "how often the time-series WAL is synced to disk, or 'always' (every write)", false},
      {"tsdb_retention_raw", "EPCFLEET_TSDB_RETENTION_RAW", "15d",
       "default retention of raw samples (tenants can set their own)", false},
      {"tsdb_retention_5m", "EPCFLEET_TSDB_RETENTION_5M", "90d",
       "default retention of 5-minute rollups", false},
      {"tsdb_retention_1h", "EPCFLEET_TSDB_RETENTION_1H", "730d",
       "default retention of 1-hour rollups", false},
      {"remote_write_url", "EPCFLEET_REMOTE_WRITE_URL", "",
       "Prometheus remote-write endpoint every sample is also streamed to (empty: off)", false},
      {"remote_write_queue_dir", "EPCFLEET_REMOTE_WRITE_QUEUE_DIR", "{data_dir}/remote-write",
       "the on-disk queue of samples not yet accepted by the endpoint", false},
      {"remote_write_max_queue_bytes", "EPCFLEET_REMOTE_WRITE_MAX_QUEUE_BYTES", "1073741824",
       "bound of the queue; beyond it the oldest samples are dropped (and counted)", false},
      {"remote_write_labels", "EPCFLEET_REMOTE_WRITE_LABELS", "",
       "labels added to every series sent, as name=value,name=value", false},
      {"remote_write_tenant_labels", "EPCFLEET_REMOTE_WRITE_TENANT_LABELS", "",
       "labels added to one tenant's series: tenant:name=value,…;tenant:…", false},
      {"remote_write_bearer_token_file", "EPCFLEET_REMOTE_WRITE_BEARER_TOKEN_FILE", "",
       "file holding a bearer token for the endpoint", false},
      {"remote_write_basic_auth_user", "EPCFLEET_REMOTE_WRITE_BASIC_AUTH_USER", "",
       "user for HTTP basic authentication at the endpoint", false},
      {"remote_write_basic_auth_password_file", "EPCFLEET_REMOTE_WRITE_BASIC_AUTH_PASSWORD_FILE",
       "", "file holding that user's password", false},
      {"snmp_poller", "EPCFLEET_SNMP_POLLER", "true", "poll the SNMP devices (false: API only)",
       false},
      {"snmp_trap_listen", "EPCFLEET_SNMP_TRAP_LISTEN", "127.0.0.1:1162",
       "address:port receiving SNMP traps and informs (0.0.0.0:1162 for every interface; empty: "
       "off)",
       false},
      {"snmp_max_in_flight", "EPCFLEET_SNMP_MAX_IN_FLIGHT", "1000",
       "SNMP requests awaiting an answer at once, over all devices", false},
      {"snmp_sockets", "EPCFLEET_SNMP_SOCKETS", "4", "UDP sockets the SNMP client shares", false},
      {"snmp_down_after", "EPCFLEET_SNMP_DOWN_AFTER", "3",
       "failed polls in a row that mark a device down", false},
      {"snmp_up_after", "EPCFLEET_SNMP_UP_AFTER", "2",
       "successful polls in a row that mark a down device up again", false},
      {"mib_dirs", "EPCFLEET_MIB_DIRS", "",
       "more directories of MIB modules for OID names, separated by ':' (after the standard ones)",
       false},
      {"snmp_event_retention", "EPCFLEET_SNMP_EVENT_RETENTION", "30d",
       "how long traps and status changes are kept", false},
  };
  return defs;
}

Result<Config> Config::load(const std::string& data_dir,
                            const std::map<std::string, std::string>& flags) {
  Config c;
  c.data_dir_ = data_dir;
  std::map<std::string, std::string> file_values;
  const std::string path = file_path(data_dir);
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    toml::table parsed;
    try {
      parsed = toml::parse_file(path);
    } catch (const toml::parse_error& err) {
      return fail(ErrorCode::kInvalidArgument, path + ":" +
                                                   std::to_string(err.source().begin.line) + ": " +
                                                   std::string(err.description()));
    }
    for (const auto& [key, node] : parsed) {
      const std::string k(key.str());
      bool known = false;
      for (const auto& d : setting_defs())
        known = known || d.key == k;
      if (!known)
        return fail(ErrorCode::kInvalidArgument, path + ": unknown setting '" + k + "'");
      if (auto s = node.value<std::string>())
        file_values[k] = *s;
      else if (auto b = node.value<bool>())
        file_values[k] = *b ? "true" : "false";
      else if (auto i = node.value<std::int64_t>())
        file_values[k] = std::to_string(*i);
      else
        return fail(ErrorCode::kInvalidArgument,
                    path + ": setting '" + k + "' has an unsupported type");
    }
  }
  for (const auto& d : setting_defs()) {
    if (auto f = flags.find(d.key); f != flags.end()) {
      c.values_[d.key] = f->second;
      c.sources_[d.key] = "flag";
    } else if (const char* e = std::getenv(d.env.c_str()); e != nullptr && *e != '\0') {
      c.values_[d.key] = e;
      c.sources_[d.key] = "env " + d.env;
    } else if (auto v = file_values.find(d.key); v != file_values.end()) {
      c.values_[d.key] = v->second;
      c.sources_[d.key] = "file";
    } else {
      c.values_[d.key] = replace_all(d.fallback, "{data_dir}", data_dir);
      c.sources_[d.key] = "default";
    }
  }
  return c;
}

std::string Config::get(const std::string& key) const {
  auto it = values_.find(key);
  return it == values_.end() ? std::string{} : it->second;
}

bool Config::get_bool(const std::string& key) const {
  return is_true(get(key));
}

Result<long> Config::get_int(const std::string& key, long min, long max) const {
  const std::string v = get(key);
  char* end = nullptr;
  const long n = std::strtol(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || n < min || n > max) {
    return fail(ErrorCode::kInvalidArgument, "setting " + key + " must be a whole number from " +
                                                 std::to_string(min) + " to " +
                                                 std::to_string(max) + " (got '" + v + "')");
  }
  return n;
}

std::string Config::source(const std::string& key) const {
  auto it = sources_.find(key);
  return it == sources_.end() ? std::string{} : it->second;
}

std::string Config::describe() const {
  std::string out = "# effective configuration for " + data_dir_ + "\n";
  for (const auto& d : setting_defs()) {
    std::string v = get(d.key);
    if (d.key == "store") {
      auto loc = store::parse_store_url(v, data_dir_);
      v = loc ? (loc->dialect == store::Dialect::kSqlite && v == "sqlite" ? v : loc->display())
              : "(invalid)";
    } else if (d.secret) {
      v = "****";
    }
    out += d.key + " = \"" + v + "\"    # " + source(d.key) + "; " + d.help + "\n";
  }
  return out;
}

Status write_initial_config(const std::string& path, const std::string& store_url) {
  std::string body =
      "# epcfleetd configuration. Every setting can also be given as an environment variable\n"
      "# (EPCFLEET_<KEY>) or a flag (--<key> with '-' for '_'); flags win, then variables, then\n"
      "# this file. `epcfleetd config show --data-dir DIR` prints what is in effect.\n\n";
  for (const auto& d : setting_defs()) {
    if (d.key == "store") {
      body += "# " + d.help + "\nstore = \"" + store_url + "\"\n\n";
    } else {
      body += "# " + d.help + "\n# " + d.key + " = \"" + d.fallback + "\"\n\n";
    }
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    return fail(ErrorCode::kConflict, "cannot create " + path);
  const ssize_t n = ::write(fd, body.data(), body.size());
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (n != static_cast<ssize_t>(body.size()) || !synced) {
    return fail(ErrorCode::kUnavailable, "cannot write " + path);
  }
  return ok();
}

}  // namespace epcfleet::app
