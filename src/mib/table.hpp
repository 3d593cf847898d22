#pragma once
// The immutable index a parse produces: nodes sorted by OID, and by label. Built once, then only
// read (no locks, any thread).

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "epcfleet/mib/translator.hpp"

namespace epcfleet::mib {

class Table {
public:
  // `nodes` in any order; for an OID defined under several labels the first one given wins.
  // `aliases` are further "MODULE::label" spellings (modules that define the same node again).
  Table(std::vector<ObjectInfo> nodes, std::vector<std::pair<std::string, snmp::Oid>> aliases,
        std::vector<std::string> messages);

  // The deepest node that is a prefix of `oid` (at least 2 arcs deep), or nullptr.
  const ObjectInfo* longest_prefix(const snmp::Oid& oid, std::size_t& matched) const;
  const ObjectInfo* exact(const snmp::Oid& oid) const;
  // "label" or "MODULE::label".
  const ObjectInfo* by_name(std::string_view name) const;

  const std::vector<ObjectInfo>& nodes() const { return nodes_; }
  const std::vector<std::string>& messages() const { return messages_; }

private:
  const ObjectInfo* exact(const std::uint32_t* arcs, std::size_t length) const;

  std::vector<ObjectInfo> nodes_;  // sorted by OID, unique
  std::unordered_map<std::string, std::size_t> by_label_;
  std::unordered_map<std::string, std::size_t> by_qualified_;
  std::vector<std::string> messages_;
};

}  // namespace epcfleet::mib
