// `config show`, `audit verify`, `rotate-master-key`.
#include <iostream>

#include "commands.hpp"
#include "epcfleet/audit/audit_log.hpp"
#include "epcfleet/core/time.hpp"
#include "epcfleet/crypto/primitives.hpp"
#include "epcfleet/crypto/secret_box.hpp"
#include "epcfleet/secrets/secret_vault.hpp"
#include "serve_setup.hpp"

namespace epcfleet::app {

int run_config_show(const std::string& data_dir, const std::map<std::string, std::string>& flags) {
  auto config = load_initialized_config(data_dir, flags);
  if (!config)
    return report("config show", config.error());
  std::cout << config->describe();
  return 0;
}

int run_audit_verify(const std::string& data_dir, const std::map<std::string, std::string>& flags) {
  auto config = load_initialized_config(data_dir, flags);
  if (!config)
    return report("audit verify", config.error());
  auto db = open_store(*config);
  if (!db)
    return report("audit verify", db.error());
  auto result = audit::verify(**db);
  if (!result)
    return report("audit verify", result.error());
  if (result->intact) {
    std::cout << "audit log intact: " << result->records << " records, hash chain verified\n";
    return 0;
  }
  std::cout << "AUDIT LOG TAMPERED: " << result->problem << " (checked " << result->records
            << " records)\n";
  return 3;
}

int run_rotate_master_key(const std::string& data_dir,
                          const std::map<std::string, std::string>& flags) {
  crypto::initialize();
  auto config = load_initialized_config(data_dir, flags);
  if (!config)
    return report("rotate-master-key", config.error());
  const std::string key_file = config->get("master_key_file");
  auto old_box = crypto::SecretBox::load(key_file);
  if (!old_box)
    return report("rotate-master-key", old_box.error());
  auto db = open_store(*config);
  if (!db)
    return report("rotate-master-key", db.error());

  // 1. New key first, old ones kept: from here on, every value opens whatever happens next.
  std::vector<crypto::MasterKey> keys{crypto::SecretBox::generate_key()};
  for (const auto& k : old_box->keys())
    keys.push_back(k);
  if (auto s = crypto::SecretBox::write_key_file(key_file, keys); !s) {
    return report("rotate-master-key", s.error());
  }
  // 2. Re-seal every secret in one transaction.
  const secrets::SecretVault vault(crypto::SecretBox::from_keys(keys));
  auto resealed = vault.reseal_all(**db);
  if (!resealed)
    return report("rotate-master-key", resealed.error());
  // 3. Only now drop the old keys.
  if (auto s = crypto::SecretBox::write_key_file(key_file, {keys.front()}); !s) {
    return report("rotate-master-key", s.error());
  }
  std::cout << "master key rotated to " << keys.front().id << "; " << *resealed
            << " secrets re-sealed. Restart epcfleetd (or send SIGHUP in a later release) and "
               "back up the new key file.\n";
  return 0;
}

}  // namespace epcfleet::app
