// net-snmp is included here and nowhere else in this module.
#include "parser.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <mutex>
#include <set>
#include <utility>

// net-snmp's headers must come in this order.
// clang-format off
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/library/parse.h>
// clang-format on

#include "epcfleet/snmp/netsnmp_lock.hpp"

// net-snmp 5.9's table of textual conventions (parse.c): init_mib_internals() allocates a new one
// without freeing the old, so every parse would leak it (4.8 KB and up). Freed between
// shutdown_mib() (which needs it) and init_mib_internals() (which replaces it).
struct tc;
extern "C" tc* tclist;

namespace epcfleet::mib::detail {
namespace {

void drop_tc_table() {
  const char* version = netsnmp_get_version();
  if (version != nullptr && std::string_view(version).starts_with("5.9")) {
    std::free(tclist);
    tclist = nullptr;
  }
}

std::string default_state_dir() {
  const char* tmp = std::getenv("TMPDIR");
  return std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/epcfleet-snmp";
}

// Collects what the parser logs for the length of one parse. net-snmp logs through handlers in
// a process-wide list; ours is in it only while the lock is held.
class LogCapture {
public:
  LogCapture(std::vector<std::string>& errors, std::vector<std::string>& warnings)
      : errors_(errors), warnings_(warnings) {
    handler_ = netsnmp_register_loghandler(NETSNMP_LOGHANDLER_CALLBACK, LOG_WARNING);
    if (handler_ != nullptr) {
      handler_->handler = &LogCapture::on_log;
      handler_->magic = this;
    }
  }
  ~LogCapture() {
    flush();
    if (handler_ != nullptr)
      netsnmp_remove_loghandler(handler_);
  }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

private:
  static constexpr std::size_t kMaxMessages = 200;

  static int on_log(netsnmp_log_handler* handler, int priority, const char* text) {
    static_cast<LogCapture*>(handler->magic)->add(priority, text != nullptr ? text : "");
    return 1;
  }

  // Messages may arrive in pieces; a line is complete at its newline.
  void add(int priority, std::string_view text) {
    priority_ = std::min(priority_, priority);
    for (char c : text) {
      if (c == '\n')
        flush();
      else if (partial_.size() < 1000)
        partial_.push_back(c);
    }
  }
  void flush() {
    if (!partial_.empty()) {
      auto& list = priority_ <= LOG_ERR ? errors_ : warnings_;
      if (list.size() < kMaxMessages)
        list.push_back(std::move(partial_));
      else if (list.size() == kMaxMessages)
        list.push_back("(further messages left out)");
    }
    partial_.clear();
    priority_ = LOG_DEBUG;
  }

  std::vector<std::string>& errors_;
  std::vector<std::string>& warnings_;
  netsnmp_log_handler* handler_ = nullptr;
  std::string partial_;
  int priority_ = LOG_DEBUG;
};

std::string_view syntax_name(int type) {
  switch (type) {
    case TYPE_OBJID: return "OBJECT IDENTIFIER";
    case TYPE_OCTETSTR: return "OCTET STRING";
    case TYPE_INTEGER: return "INTEGER";
    case TYPE_NETADDR: return "NetworkAddress";
    case TYPE_IPADDR: return "IpAddress";
    case TYPE_COUNTER: return "Counter32";
    case TYPE_GAUGE: return "Gauge32";
    case TYPE_TIMETICKS: return "TimeTicks";
    case TYPE_OPAQUE: return "Opaque";
    case TYPE_NULL: return "NULL";
    case TYPE_COUNTER64: return "Counter64";
    case TYPE_BITSTRING: return "BITS";
    case TYPE_NSAPADDRESS: return "NsapAddress";
    case TYPE_UINTEGER: return "UInteger32";
    case TYPE_UNSIGNED32: return "Unsigned32";
    case TYPE_INTEGER32: return "Integer32";
    default: return "";
  }
}

std::string_view access_name(int access) {
  switch (access) {
    case MIB_ACCESS_READONLY: return "read-only";
    case MIB_ACCESS_READWRITE: return "read-write";
    case MIB_ACCESS_WRITEONLY: return "write-only";
    case MIB_ACCESS_NOACCESS: return "not-accessible";
    case MIB_ACCESS_NOTIFY: return "accessible-for-notify";
    case MIB_ACCESS_CREATE: return "read-create";
    default: return "";
  }
}

bool is_row(const tree* node) {
  return node != nullptr && (node->indexes != nullptr || node->augments != nullptr);
}

ObjectKind kind_of(const tree* node) {
  switch (node->type) {
    case TYPE_NOTIFTYPE:
    case TYPE_TRAPTYPE: return ObjectKind::kNotification;
    // net-snmp parses OBJECT-IDENTITY as an OBJECT-GROUP without OBJECTS.
    case TYPE_OBJGROUP: return node->varbinds != nullptr ? ObjectKind::kGroup : ObjectKind::kNode;
    case TYPE_NOTIFGROUP: return ObjectKind::kGroup;
    case TYPE_MODCOMP:
    case TYPE_AGENTCAP: return ObjectKind::kConformance;
    case TYPE_MODID:
    case TYPE_OBJIDENTITY: return ObjectKind::kNode;
    default: break;
  }
  if (is_row(node))
    return ObjectKind::kRow;
  if (node->access == 0)
    return ObjectKind::kNode;
  if (node->type == TYPE_OTHER) {
    for (const tree* child = node->child_list; child != nullptr; child = child->next_peer)
      if (is_row(child))
        return ObjectKind::kTable;
    return ObjectKind::kNode;
  }
  return is_row(node->parent) ? ObjectKind::kColumn : ObjectKind::kScalar;
}

const char* module_of(int modid) {
  if (modid < 0)
    return nullptr;
  const module* mp = find_module(modid);
  return mp != nullptr ? mp->name : nullptr;
}

ObjectInfo info_of(const tree* node, const snmp::Oid& oid) {
  ObjectInfo info;
  info.oid = oid;
  info.label = node->label != nullptr ? node->label : "";
  if (const char* module = module_of(node->modid); module != nullptr)
    info.module = module;
  info.kind = kind_of(node);
  if (info.kind == ObjectKind::kScalar || info.kind == ObjectKind::kColumn)
    info.syntax = syntax_name(node->type);
  if (node->tc_index >= 0)
    if (const char* tc = get_tc_descriptor(node->tc_index); tc != nullptr)
      info.textual_convention = tc;
  info.access = access_name(node->access);
  if (node->units != nullptr)
    info.units = node->units;
  for (const enum_list* e = node->enums; e != nullptr; e = e->next)
    if (e->label != nullptr)
      info.enums.emplace_back(e->value, e->label);
  std::sort(info.enums.begin(), info.enums.end());
  if (node->augments != nullptr)
    info.indexes.emplace_back(node->augments);
  for (const index_list* i = node->indexes; i != nullptr; i = i->next)
    if (i->ilabel != nullptr)
      info.indexes.emplace_back(i->ilabel);
  return info;
}

// Copies the tree without recursion (an uploaded module may chain thousands of nodes).
void copy_tree(tree* roots, ParseResult& out, std::map<int, std::size_t>& module_nodes) {
  struct Item {
    tree* node;
    snmp::Oid oid;
  };
  std::vector<Item> stack;
  for (tree* root = roots; root != nullptr; root = root->next_peer)
    stack.push_back({root, snmp::Oid()});
  while (!stack.empty()) {
    Item item = std::move(stack.back());
    stack.pop_back();
    tree* node = item.node;
    if (node->subid > 0xFFFFFFFFUL || item.oid.size() >= snmp::Oid::kMaxLength)
      continue;
    item.oid.push_back(static_cast<std::uint32_t>(node->subid));
    out.nodes.push_back(info_of(node, item.oid));
    for (int i = 0; i < node->number_modules; ++i) {
      const int modid = node->module_list[i];
      ++module_nodes[modid];
      const char* other = module_of(modid);
      if (i > 0 && other != nullptr && node->label != nullptr)
        out.aliases.emplace_back(std::string(other) + "::" + node->label, item.oid);
    }
    for (tree* child = node->child_list; child != nullptr; child = child->next_peer)
      stack.push_back({child, item.oid});
  }
}

void describe_modules(const std::vector<int>& ids, const std::map<int, std::size_t>& module_nodes,
                      ParseResult& out) {
  for (int id : ids) {
    const module* mp = find_module(id);
    if (mp == nullptr || mp->name == nullptr)
      continue;
    ParsedModule parsed;
    parsed.name = mp->name;
    parsed.file = mp->file != nullptr ? mp->file : "";
    std::set<std::string> imports;
    for (int i = 0; i < mp->no_imports; ++i)
      if (const char* from = module_of(mp->imports[i].modid); from != nullptr)
        imports.insert(from);
    parsed.imports.assign(imports.begin(), imports.end());
    const auto it = module_nodes.find(id);
    parsed.nodes = it != module_nodes.end() ? it->second : 0;
    out.modules.push_back(std::move(parsed));
  }
}

}  // namespace

ParseResult parse_mibs(const ParseRequest& request) {
  const std::lock_guard lock(snmp::detail::netsnmp_mutex());
  return parse_mibs_locked(request);
}

ParseResult parse_mibs_locked(const ParseRequest& request) {
  ParseResult out;
  snmp::detail::init_netsnmp(request.state_dir.empty() ? default_state_dir() : request.state_dir);
  // Whatever an earlier parse (or init_snmp) left goes; this parse sees only its sources.
  shutdown_mib();
  drop_tc_table();
  netsnmp_ds_set_int(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_MIB_WARNINGS, 0);
  netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_MIB_ERRORS, 1);
  netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_SAVE_MIB_DESCRS, 0);
  init_mib_internals();
  {
    LogCapture capture(out.errors, out.warnings);
    for (const auto& dir : request.dirs)
      add_mibdir(dir.c_str());
    for (const auto& file : request.files)
      read_mib(file.c_str());
    if (request.modules.empty()) {
      read_all_mibs();
    } else {
      for (const auto& name : request.modules)
        netsnmp_read_module(name.c_str());
    }

    std::map<int, std::size_t> module_nodes;
    copy_tree(get_tree_head(), out, module_nodes);
    std::vector<int> ids;
    for (const auto& [id, count] : module_nodes)
      ids.push_back(id);
    for (const auto& name : request.modules)
      if (const int id = which_module(name.c_str());
          id >= 0 && std::find(ids.begin(), ids.end(), id) == ids.end())
        ids.push_back(id);
    describe_modules(ids, module_nodes, out);

    shutdown_mib();  // keeps an empty tclist: unload_all_mibs() cannot do without one
  }
  return out;
}

}  // namespace epcfleet::mib::detail
