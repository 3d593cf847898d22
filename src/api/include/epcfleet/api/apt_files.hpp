#pragma once
// GET/HEAD /apt/<tenant>/<repo>/{dists,pool}/…: a repository as apt clients see it, and
// /apt/<tenant>/<repo>/archive-keyring.{gpg,asc}: the tenant's current public key, so that an EPC
// needs nothing but its repository credential to set itself up. Reading needs
// a credential of exactly that repository (HTTP Basic, from apt's auth.conf); anything else —
// no credential, a wrong one, another repository's or tenant's, a repository that does not
// exist — is the same 401, so nothing about other tenants can be learnt here.

#include "epcfleet/apt/credential_service.hpp"
#include "epcfleet/apt/repository_service.hpp"
#include "epcfleet/apt/signing_key_service.hpp"
#include "epcfleet/http/message.hpp"

namespace epcfleet::api {

inline constexpr const char* kAptPrefix = "/apt/";

class AptFiles {
public:
  AptFiles(apt::RepositoryService& repositories, apt::CredentialService& credentials,
           apt::SigningKeyService& keys)
      : repositories_(repositories), credentials_(credentials), keys_(keys) {}
  http::Response serve(http::Request& request) const;

private:
  http::Response keyring(const http::Request& request, const std::string& tenant,
                         bool armored) const;

  apt::RepositoryService& repositories_;
  apt::CredentialService& credentials_;
  apt::SigningKeyService& keys_;
};

}  // namespace epcfleet::api
