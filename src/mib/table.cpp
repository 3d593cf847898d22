#include "table.hpp"

#include <algorithm>

namespace epcfleet::mib {
namespace {

bool arcs_less(const snmp::Oid& node, const std::uint32_t* arcs, std::size_t length) {
  return std::lexicographical_compare(node.data(), node.data() + node.size(), arcs, arcs + length);
}

}  // namespace

Table::Table(std::vector<ObjectInfo> nodes, std::vector<std::pair<std::string, snmp::Oid>> aliases,
             std::vector<std::string> messages)
    : nodes_(std::move(nodes)), messages_(std::move(messages)) {
  std::stable_sort(nodes_.begin(), nodes_.end(),
                   [](const ObjectInfo& a, const ObjectInfo& b) { return a.oid < b.oid; });
  nodes_.erase(std::unique(nodes_.begin(), nodes_.end(),
                           [](const ObjectInfo& a, const ObjectInfo& b) { return a.oid == b.oid; }),
               nodes_.end());
  // A label defined at several OIDs (rare: two modules disagreeing) resolves to the first in OID
  // order, which is deterministic; the qualified form tells them apart.
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    by_label_.emplace(nodes_[i].label, i);
    if (!nodes_[i].module.empty())
      by_qualified_.emplace(nodes_[i].module + "::" + nodes_[i].label, i);
  }
  for (auto& [qualified, oid] : aliases) {
    const ObjectInfo* node = exact(oid);
    if (node != nullptr)
      by_qualified_.emplace(std::move(qualified), static_cast<std::size_t>(node - nodes_.data()));
  }
}

const ObjectInfo* Table::exact(const std::uint32_t* arcs, std::size_t length) const {
  const auto it = std::lower_bound(
      nodes_.begin(), nodes_.end(), length,
      [arcs](const ObjectInfo& node, std::size_t n) { return arcs_less(node.oid, arcs, n); });
  if (it == nodes_.end() || it->oid.size() != length ||
      !std::equal(arcs, arcs + length, it->oid.data()))
    return nullptr;
  return &*it;
}

const ObjectInfo* Table::exact(const snmp::Oid& oid) const {
  return exact(oid.data(), oid.size());
}

const ObjectInfo* Table::longest_prefix(const snmp::Oid& oid, std::size_t& matched) const {
  // MIB trees are shallow (a column is ~10 arcs, an instance adds a few): a binary search per
  // prefix length, longest first, ends after a step or two.
  for (std::size_t length = oid.size(); length >= 2; --length) {
    if (const ObjectInfo* node = exact(oid.data(), length); node != nullptr) {
      matched = length;
      return node;
    }
  }
  matched = 0;
  return nullptr;
}

const ObjectInfo* Table::by_name(std::string_view name) const {
  const std::string key(name);
  const auto& map = name.find("::") != std::string_view::npos ? by_qualified_ : by_label_;
  const auto it = map.find(key);
  return it == map.end() ? nullptr : &nodes_[it->second];
}

}  // namespace epcfleet::mib
