// `epcfleetd init`: a new data dir with its store, master key, TLS certificate and the platform
// administrator. Everything is made in a temporary sibling directory and renamed into place at
// the end, so a failure leaves nothing half-made.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "commands.hpp"
#include "config.hpp"
#include "epcfleet/auth/auth_service.hpp"
#include "epcfleet/core/identifiers.hpp"
#include "epcfleet/crypto/primitives.hpp"
#include "epcfleet/crypto/secret_box.hpp"
#include "epcfleet/crypto/tls_certificate.hpp"
#include "epcfleet/store/database.hpp"
#include "epcfleet/store/user_repository.hpp"

namespace epcfleet::app {
namespace fs = std::filesystem;
namespace {

bool initialized(const fs::path& dir) {
  std::error_code ec;
  return fs::exists(dir / "master.key", ec) || fs::exists(dir / "epcfleetd.toml", ec) ||
         fs::exists(dir / "epcfleet.db", ec);
}

Result<std::string> read_password_file(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    return fail(ErrorCode::kNotFound, "cannot read password file " + path);
  std::string pw;
  std::getline(in, pw);
  while (!pw.empty() && (pw.back() == '\r' || pw.back() == '\n'))
    pw.pop_back();
  return pw;
}

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0)
    return "localhost";
  return buf;
}

Status build(const fs::path& dir, const InitOptions& o, const std::string& password) {
  fs::create_directories(dir / "tls");
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace);
  auto box = crypto::SecretBox::create((dir / "master.key").string());
  if (!box)
    return fail(box.error());
  crypto::CertificateRequest cert;
  cert.dns_names = {"localhost"};
  if (const auto h = host_name(); h != "localhost")
    cert.dns_names.push_back(h);
  cert.ip_addresses = {"127.0.0.1", "::1"};
  if (auto s = crypto::write_self_signed_certificate(cert, (dir / "tls/server.crt").string(),
                                                     (dir / "tls/server.key").string());
      !s) {
    return s;
  }
  if (auto s = write_initial_config(Config::file_path(dir.string()), o.store_url); !s)
    return s;
  auto location = store::parse_store_url(o.store_url, dir.string());
  if (!location)
    return fail(location.error());
  auto db = store::Database::open(*location, 2);
  if (!db)
    return fail(db.error());
  if (auto m = (*db)->migrate(); !m)
    return m;
  // A shared PostgreSQL store may already belong to another installation.
  auto admins = (*db)->read(
      [](store::Connection& c) { return store::UserRepository(c).count_platform_admins(); });
  if (!admins)
    return fail(admins.error());
  if (*admins > 0) {
    return fail(ErrorCode::kConflict,
                "the store " + location->display() +
                    " already has a platform administrator: it is initialized");
  }
  NullEventPublisher events;
  auth::AuthService auth(*db, events, {});
  return auth.create_platform_admin(o.admin_user, password, Actor{"system", "local", "init"});
}

}  // namespace

int run_init(const InitOptions& o) {
  crypto::initialize();
  const fs::path dir = fs::absolute(o.data_dir);
  if (initialized(dir)) {
    std::cerr << "epcfleetd init: " << dir.string()
              << " is already initialized; refusing to overwrite it (use another --data-dir, or "
                 "remove it yourself if you mean to start over)\n";
    return 2;
  }
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_empty(dir, ec)) {
    std::cerr << "epcfleetd init: " << dir.string() << " exists and is not empty\n";
    return 2;
  }
  if (auto s = validate_username(o.admin_user); !s) {
    std::cerr << "epcfleetd init: --admin-user: " << s.error().message << "\n";
    return 2;
  }
  std::string password;
  const bool generated = o.admin_password_file.empty();
  if (generated) {
    password = crypto::random_urlsafe(18);
  } else {
    auto pw = read_password_file(o.admin_password_file);
    if (!pw) {
      std::cerr << "epcfleetd init: " << pw.error().message << "\n";
      return 2;
    }
    password = *pw;
  }
  if (auto s = auth::validate_password(password); !s) {
    std::cerr << "epcfleetd init: admin password: " << s.error().message << "\n";
    return 2;
  }
  const fs::path staging = dir.string() + ".init-" + crypto::random_hex(4);
  auto built = build(staging, o, password);
  if (built) {
    // The SQLite file is named by path inside the directory, so renaming the directory is safe
    // once the store is closed (it is: `build` returned).
    if (fs::exists(dir, ec))
      fs::remove(dir, ec);
    fs::rename(staging, dir, ec);
    if (ec)
      built = fail(ErrorCode::kUnavailable,
                   "cannot move " + staging.string() + " to " + dir.string() + ": " + ec.message());
  }
  if (!built) {
    fs::remove_all(staging, ec);
    std::cerr << "epcfleetd init: " << built.error().message << "\n";
    return 1;
  }
  std::cout << "Initialized " << dir.string() << "\n"
            << "  store:       "
            << (o.store_url == "sqlite" ? "sqlite (" + (dir / "epcfleet.db").string() + ")"
                                        : "as configured")
            << "\n"
            << "  master key:  " << (dir / "master.key").string() << " (back it up; mode 0600)\n"
            << "  certificate: " << (dir / "tls/server.crt").string() << " (self-signed)\n"
            << "  admin user:  " << o.admin_user << "\n";
  if (generated) {
    std::cout << "  admin password (shown once, store it now): " << password << "\n";
  }
  std::cout << "Start the server with: epcfleetd serve --data-dir " << dir.string() << "\n";
  return 0;
}

}  // namespace epcfleet::app
