#include "epcfleet/collector/trap_intake.hpp"

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "epcfleet/crypto/primitives.hpp"
#include "epcfleet/logging/log.hpp"

namespace epcfleet::collector {
namespace {

using json = nlohmann::json;

std::string key_of(const std::string& tenant, const std::string& id) {
  return tenant + '/' + id;
}

std::string hex(std::string_view bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

std::optional<std::string> unhex(std::string_view text) {
  if (text.size() % 2 != 0)
    return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < text.size(); i += 2) {
    auto nibble = [](char c) -> int {
      if (c >= '0' && c <= '9')
        return c - '0';
      if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
      return -1;
    };
    const int hi = nibble(text[i]), lo = nibble(text[i + 1]);
    if (hi < 0 || lo < 0)
      return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

// The engine id (RFC 3411: enterprise 32473 with the high bit, format 5 = octets, 8 random
// octets) and boots, kept in a file so that senders' localized keys stay valid across restarts;
// boots go up by one at every start.
Status load_engine(const std::string& path, std::string& engine_id, std::uint32_t& boots) {
  std::ifstream in(path);
  std::string id_hex;
  std::uint64_t previous = 0;
  if (in >> id_hex >> previous) {
    if (auto id = unhex(id_hex); id && id->size() >= 5 && id->size() <= 32)
      engine_id = *id;
  }
  if (engine_id.empty()) {
    auto random = crypto::random_bytes(8);
    engine_id = std::string("\x80\x00\x7e\xb9\x05", 5) + random;
  }
  boots = static_cast<std::uint32_t>(std::min<std::uint64_t>(previous + 1, 2147483647));
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << hex(engine_id) << ' ' << boots << '\n';
    if (!out)
      return fail(ErrorCode::kUnavailable, "cannot write " + tmp);
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec)
    return fail(ErrorCode::kUnavailable, "cannot write " + path + ": " + ec.message());
  return ok();
}

}  // namespace

TrapIntake::TrapIntake(TrapIntakeOptions options, EventLog& events, MibService& mibs,
                       TrapUserService& users)
    : options_(std::move(options)), events_(events), mibs_(mibs), users_(users) {
}

TrapIntake::~TrapIntake() {
  stop();
}

Status TrapIntake::start(const std::vector<PollDevice>& devices) {
  {
    std::unique_lock lock(mutex_);
    for (const auto& d : devices)
      index_locked(d);
  }
  users_changed();
  if (!options_.engine_file.empty()) {
    if (auto s = load_engine(options_.engine_file, options_.receiver.engine_id,
                             options_.receiver.engine_boots);
        !s)
      return s;
  }
  receiver_ = std::make_unique<snmp::TrapReceiver>(
      options_.receiver, [this](const snmp::TrapSource& s) { return candidates(s); },
      [this](std::vector<snmp::Notification>&& batch) { deliver(std::move(batch)); });
  if (auto r = receiver_->start(); !r) {
    receiver_.reset();
    return fail(ErrorCode::kUnavailable, "SNMP trap listener on " + options_.receiver.bind_address +
                                             ":" + std::to_string(options_.receiver.port) + ": " +
                                             r.error().message);
  }
  log::info("snmp.traps_listening", {{"address", options_.receiver.bind_address},
                                     {"port", std::to_string(receiver_->port())}});
  return ok();
}

void TrapIntake::stop() {
  if (receiver_)
    receiver_->stop();
}

std::uint16_t TrapIntake::port() const {
  return receiver_ ? receiver_->port() : 0;
}

snmp::TrapReceiverStats TrapIntake::stats() const {
  return receiver_ ? receiver_->stats() : snmp::TrapReceiverStats{};
}

void TrapIntake::index_locked(const PollDevice& d) {
  const auto key = key_of(d.tenant, d.id);
  unindex_locked(key);
  devices_[key] = DeviceEntry{d.tenant, d.id, d.name, d.target.address, d.target};
  by_address_[d.target.address].push_back(key);
}

void TrapIntake::unindex_locked(const std::string& key) {
  auto it = devices_.find(key);
  if (it == devices_.end())
    return;
  auto& keys = by_address_[it->second.address];
  std::erase(keys, key);
  if (keys.empty())
    by_address_.erase(it->second.address);
  devices_.erase(it);
}

void TrapIntake::device_changed(const PollDevice& device) {
  std::unique_lock lock(mutex_);
  index_locked(device);
}

void TrapIntake::device_removed(const std::string& tenant, const std::string& id) {
  std::unique_lock lock(mutex_);
  unindex_locked(key_of(tenant, id));
}

void TrapIntake::tenant_removed(const std::string& tenant) {
  std::unique_lock lock(mutex_);
  std::vector<std::string> keys;
  for (const auto& [key, d] : devices_) {
    if (d.tenant == tenant)
      keys.push_back(key);
  }
  for (const auto& k : keys)
    unindex_locked(k);
  users_by_tenant_.erase(tenant);
}

void TrapIntake::users_changed() {
  auto all = users_.load_all();
  if (!all) {
    log::warn("snmp.trap_users_unreadable", {{"error", all.error().message}});
    return;
  }
  std::map<std::string, std::vector<TrapUser>> by_tenant;
  for (auto& u : *all)
    by_tenant[u.tenant].push_back(std::move(u));
  std::unique_lock lock(mutex_);
  users_by_tenant_ = std::move(by_tenant);
}

std::vector<snmp::TrapCandidate> TrapIntake::candidates(const snmp::TrapSource& source) const {
  std::vector<snmp::TrapCandidate> out;
  std::shared_lock lock(mutex_);
  auto it = by_address_.find(source.address);
  if (it == by_address_.end())
    return out;
  // A v3 discovery probe (no user yet) is answered for any v3 user this address may use.
  const bool probe = source.version == snmp::Version::kV3 && source.user.empty();
  for (const auto& key : it->second) {
    const auto& d = devices_.at(key);
    if (source.version != snmp::Version::kV3) {
      if (d.target.version != snmp::Version::kV3)
        out.push_back({d.tenant, d.id, d.target.community, {}, {}, {}, {}, {}});
      continue;
    }
    if (d.target.version == snmp::Version::kV3 && (probe || d.target.user == source.user)) {
      out.push_back({d.tenant,
                     d.id,
                     {},
                     d.target.user,
                     d.target.auth_protocol,
                     d.target.auth_password,
                     d.target.priv_protocol,
                     d.target.priv_password});
    }
    if (auto users = users_by_tenant_.find(d.tenant); users != users_by_tenant_.end()) {
      for (const auto& u : users->second) {
        if (probe || u.username == source.user)
          out.push_back({d.tenant,
                         d.id,
                         {},
                         u.username,
                         u.auth_protocol,
                         u.auth_password,
                         u.priv_protocol,
                         u.priv_password});
      }
    }
  }
  // Two devices at this address (two tenants behind one NAT, or one copied) that would both
  // accept the notification with the same secret: attributing it to either could hand one
  // tenant's traps to another. Such candidates are withheld (counted as ambiguous).
  std::vector<snmp::TrapCandidate> unique;
  for (std::size_t i = 0; i < out.size(); ++i) {
    bool clash = false;
    for (std::size_t k = 0; k < out.size() && !clash; ++k) {
      clash = k != i && out[k].device != out[i].device && out[k].community == out[i].community &&
              out[k].user == out[i].user && out[k].auth_protocol == out[i].auth_protocol &&
              out[k].auth_password == out[i].auth_password &&
              out[k].priv_protocol == out[i].priv_protocol &&
              out[k].priv_password == out[i].priv_password;
    }
    if (!clash)
      unique.push_back(std::move(out[i]));
  }
  if (unique.size() != out.size() && !probe)
    ambiguous_.fetch_add(1, std::memory_order_relaxed);
  return probe ? out : unique;
}

void TrapIntake::deliver(std::vector<snmp::Notification>&& batch) {
  for (const auto& n : batch) {
    const auto translator = mibs_.translator(n.tenant);
    std::string device_name;
    {
      std::shared_lock lock(mutex_);
      if (auto it = devices_.find(key_of(n.tenant, n.device)); it != devices_.end())
        device_name = it->second.name;
    }
    json varbinds = json::array();
    for (const auto& vb : n.varbinds) {
      json v = {{"oid", vb.oid.to_string()},
                {"name", translator->name(vb.oid)},
                {"type", std::string(snmp::to_string(vb.type))}};
      if (const auto* oid = vb.as_oid())
        v["value"] = translator->name(*oid);
      else
        v["value"] = vb.value_string();
      varbinds.push_back(std::move(v));
    }
    const char* version = n.source.version == snmp::Version::kV1   ? "1"
                          : n.source.version == snmp::Version::kV3 ? "3"
                                                                   : "2c";
    const std::string host = n.source.address.find(':') != std::string::npos
                                 ? "[" + n.source.address + "]"
                                 : n.source.address;
    json data = {{"device", n.device},
                 {"name", device_name},
                 {"at", format_iso8601(n.received_ms)},
                 {"version", version},
                 {"source", host + ":" + std::to_string(n.source.port)},
                 {"trap_oid", n.trap_oid.to_string()},
                 {"trap_name", translator->name(n.trap_oid)},
                 {"inform", n.inform},
                 {"uptime_ticks", n.uptime_ticks},
                 {"varbinds", std::move(varbinds)}};
    if (!n.source.user.empty())
      data["user"] = n.source.user;
    events_.add(n.tenant, n.device, "snmp.trap", n.received_ms, data.dump());
  }
}

}  // namespace epcfleet::collector
