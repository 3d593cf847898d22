#pragma once
// GET/HEAD /apt/<tenant>/<repo>/{dists,pool}/…: a repository as apt clients see it. Reading needs
// a credential of exactly that repository (HTTP Basic, from apt's auth.conf); anything else —
// no credential, a wrong one, another repository's or tenant's, a repository that does not
// exist — is the same 401, so nothing about other tenants can be learnt here.

#include "epcfleet/apt/credential_service.hpp"
#include "epcfleet/apt/repository_service.hpp"
#include "epcfleet/http/message.hpp"

namespace epcfleet::api {

inline constexpr const char* kAptPrefix = "/apt/";

class AptFiles {
public:
  AptFiles(apt::RepositoryService& repositories, apt::CredentialService& credentials)
      : repositories_(repositories), credentials_(credentials) {}
  http::Response serve(http::Request& request) const;

private:
  apt::RepositoryService& repositories_;
  apt::CredentialService& credentials_;
};

}  // namespace epcfleet::api
