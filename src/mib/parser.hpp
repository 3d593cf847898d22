#pragma once
// The one door to net-snmp's MIB parser (parser.cpp includes its headers; nothing else here
// does). A parse starts from an empty tree and leaves it empty, all under the process-wide
// net-snmp lock, so no parse sees another's modules.

#include <chrono>
#include <string>
#include <vector>

#include "epcfleet/mib/translator.hpp"

namespace epcfleet::mib::detail {

struct ParseRequest {
  std::vector<std::string> dirs;     // scanned in order (later ones replace same-named modules)
  std::vector<std::string> files;    // one module each, after the directories
  std::vector<std::string> modules;  // read these (and what they import); empty: every module
  std::string state_dir;
};

struct ParsedModule {
  std::string name;
  std::string file;
  std::vector<std::string> imports;
  std::size_t nodes = 0;
};

struct ParseResult {
  std::vector<ObjectInfo> nodes;
  std::vector<std::pair<std::string, snmp::Oid>> aliases;  // "MODULE::label" of redefinitions
  std::vector<ParsedModule> modules;  // those that defined nodes, and the requested ones
  std::vector<std::string> errors;    // the parser's messages, in order
  std::vector<std::string> warnings;
};

// In this process, under the net-snmp lock.
ParseResult parse_mibs(const ParseRequest& request);
// The same with the lock already held (by this thread, or inherited by a forked child).
ParseResult parse_mibs_locked(const ParseRequest& request);

// In a forked child, for text nobody vouched for: net-snmp's parser leaks on some malformed input
// and was never meant for hostile files, so a crash, a hang (killed after `timeout`) or a leak
// stays in the child. Nodes are not brought back (nor aliases); messages and modules are. A
// child that did not finish adds an error saying so.
ParseResult parse_mibs_isolated(const ParseRequest& request, std::chrono::milliseconds timeout);

}  // namespace epcfleet::mib::detail
