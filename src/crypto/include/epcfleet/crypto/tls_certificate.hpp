#pragma once
// The server's own TLS certificate for first runs: a self-signed ECDSA P-256 certificate for
// localhost, the loopback addresses and the machine's host name, valid for two years.

#include <string>
#include <vector>

#include "epcfleet/core/error.hpp"

namespace epcfleet::crypto {

struct CertificateRequest {
  std::string common_name = "epcfleetd";
  std::vector<std::string> dns_names;     // SAN DNS entries
  std::vector<std::string> ip_addresses;  // SAN IP entries
  int valid_days = 730;
};

// Writes PEM files: the key with mode 0600. Refuses to overwrite either.
Status write_self_signed_certificate(const CertificateRequest& request,
                                     const std::string& cert_path, const std::string& key_path);

}  // namespace epcfleet::crypto
