#pragma once
// mib: OID ↔ name translation from MIB modules. net-snmp's parser reads the modules once (the
// standard ones epcfleet ships in mibs/, net-snmp's own in /usr/share/snmp/mibs, operators'
// directories, and per tenant its uploaded modules); the tree is then copied into an immutable
// table, so that lookups take no lock and may run on any number of threads.
//
// Main types: Translator (one loaded set of modules, shared as shared_ptr<const Translator>),
// TenantMibs (tenant views: the base plus each tenant's uploads), validate_module (checks an
// upload). Never: call net-snmp outside snmp::detail::netsnmp_mutex(), leave net-snmp's MIB tree
// holding anything after a parse, or trust an uploaded file to be well-formed.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "epcfleet/core/error.hpp"
#include "epcfleet/snmp/types.hpp"

namespace epcfleet::mib {

enum class ObjectKind : std::uint8_t {
  kNode,          // OBJECT IDENTIFIER, OBJECT-IDENTITY, MODULE-IDENTITY
  kScalar,        // OBJECT-TYPE with a value, not in a table
  kTable,         // SEQUENCE OF
  kRow,           // a table's entry (INDEX or AUGMENTS)
  kColumn,        // OBJECT-TYPE with a value, in a row
  kNotification,  // NOTIFICATION-TYPE, TRAP-TYPE
  kGroup,         // OBJECT-GROUP, NOTIFICATION-GROUP
  kConformance,   // MODULE-COMPLIANCE, AGENT-CAPABILITIES
};
std::string_view to_string(ObjectKind kind);

// One node of the tree as the MIB defines it.
struct ObjectInfo {
  snmp::Oid oid;
  std::string label;   // "ifInOctets"
  std::string module;  // "IF-MIB" (empty for the three roots)
  ObjectKind kind = ObjectKind::kNode;
  std::string syntax;              // base type: "Counter32", "OCTET STRING", … (empty: none)
  std::string textual_convention;  // "DisplayString", … (empty: none)
  std::string access;              // "read-only", "not-accessible", … (empty: none)
  std::string units;
  std::vector<std::pair<std::int64_t, std::string>> enums;  // by value
  std::vector<std::string> indexes;                         // rows: INDEX labels, or AUGMENTS'
};

// Where MIB modules come from. Directories are scanned in order and a module found again in a
// later directory replaces the earlier one; files (one module each) come after the directories.
struct Sources {
  std::vector<std::string> dirs;
  std::vector<std::string> files;
};

// The directories loaded by default: `project_dir` (epcfleet's mibs/, standard modules and
// EPC-FLEET-MIB), then net-snmp's directories on Debian that exist (/usr/share/snmp/mibs and its
// iana/ and ietf/, where the non-free snmp-mibs-downloader would put the IETF's own modules —
// those then replace epcfleet's restatements).
std::vector<std::string> default_dirs(const std::string& project_dir);

// Where epcfleet's mibs/ is installed (EPCFLEET_MIB_DIR at build time), or the source tree's.
std::string installed_project_dir();

struct TranslatorOptions {
  Sources sources;
  // Where net-snmp may create files (it is set up once per process: the first caller's directory
  // counts; snmp::Client uses the same default). Empty: $TMPDIR/epcfleet-snmp.
  std::string state_dir;
};

// An uploaded module: its name (as validate_module found it) and text.
struct ModuleText {
  std::string name;
  std::string text;
};

class Table;

class Translator {
public:
  // Parses every module the sources hold. Only a failure to read anything is an error: problems
  // inside modules (net-snmp's parser is lenient) are kept in messages().
  static Result<std::shared_ptr<const Translator>> load(const TranslatorOptions& options);

  // A view with `modules` on top of this one's base: their objects take precedence. Parsed with
  // the base's sources, so they may import from any base module and from each other. This
  // translator's own overlay, if any, is not kept. Parsed in this process: give it modules
  // validate_module accepted (net-snmp's parser leaks a little on broken ones).
  Result<std::shared_ptr<const Translator>> with_modules(std::span<const ModuleText> modules) const;

  // "IF-MIB::ifInOctets.3": the longest prefix the modules name, then the rest as numbers.
  // Numeric ("1.3.6.1.4.1.99999.1") when no name covers more than a root arc.
  std::string name(const snmp::Oid& oid) const;

  // "IF-MIB::ifInOctets.3", "ifInOctets.3", "ifInOctets", "1.3.6.1.2.1.2.2.1.10.3" or with a
  // leading dot. nullopt when a label is unknown or the text is malformed.
  std::optional<snmp::Oid> resolve(std::string_view text) const;

  // The node with the longest prefix of `oid` (nullptr when none beyond a root); `matched` gets
  // how many arcs it covers.
  const ObjectInfo* lookup(const snmp::Oid& oid, std::size_t* matched = nullptr) const;
  // The node exactly at `oid`, or nullptr.
  const ObjectInfo* find(const snmp::Oid& oid) const;

  // Names of the modules that defined nodes (base and overlay), sorted.
  std::vector<std::string> modules() const;
  // Nodes in the base plus the overlay.
  std::size_t size() const;
  // What the parser said (missing imports, syntax errors), in order, while loading this
  // translator's own modules: the sources for load(), the uploads for with_modules().
  const std::vector<std::string>& messages() const;
  const TranslatorOptions& options() const { return options_; }

  Translator(TranslatorOptions options, std::shared_ptr<const Table> base,
             std::shared_ptr<const Table> overlay);

private:
  TranslatorOptions options_;
  std::shared_ptr<const Table> base_;
  std::shared_ptr<const Table> overlay_;  // null for the base translator
};

}  // namespace epcfleet::mib
