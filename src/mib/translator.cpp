#include "epcfleet/mib/translator.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>

#include "module_text.hpp"
#include "parser.hpp"
#include "table.hpp"

namespace epcfleet::mib {

std::string_view to_string(ObjectKind kind) {
  switch (kind) {
    case ObjectKind::kNode: return "node";
    case ObjectKind::kScalar: return "scalar";
    case ObjectKind::kTable: return "table";
    case ObjectKind::kRow: return "row";
    case ObjectKind::kColumn: return "column";
    case ObjectKind::kNotification: return "notification";
    case ObjectKind::kGroup: return "group";
    case ObjectKind::kConformance: return "conformance";
  }
  return "node";
}

Translator::Translator(TranslatorOptions options, std::shared_ptr<const Table> base,
                       std::shared_ptr<const Table> overlay)
    : options_(std::move(options)), base_(std::move(base)), overlay_(std::move(overlay)) {
}

Result<std::shared_ptr<const Translator>> Translator::load(const TranslatorOptions& options) {
  // A missing configured source is a configuration mistake worth stopping for; net-snmp would
  // only skip it.
  for (const auto& dir : options.sources.dirs) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec))
      return fail(ErrorCode::kInvalidArgument, "MIB directory not found: " + dir);
  }
  for (const auto& file : options.sources.files) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec))
      return fail(ErrorCode::kInvalidArgument, "MIB file not found: " + file);
  }
  detail::ParseRequest request{options.sources.dirs, options.sources.files, {}, options.state_dir};
  detail::ParseResult parsed = detail::parse_mibs(request);
  std::vector<std::string> messages = std::move(parsed.errors);
  messages.insert(messages.end(), std::make_move_iterator(parsed.warnings.begin()),
                  std::make_move_iterator(parsed.warnings.end()));
  auto table = std::make_shared<const Table>(std::move(parsed.nodes), std::move(parsed.aliases),
                                             std::move(messages));
  return std::make_shared<const Translator>(options, std::move(table), nullptr);
}

Result<std::shared_ptr<const Translator>> Translator::with_modules(
    std::span<const ModuleText> modules) const {
  if (modules.empty())
    return std::make_shared<const Translator>(options_, base_, nullptr);
  const detail::TempDir dir;
  if (auto written = dir.write_all(modules); !written)
    return fail(written.error());
  detail::ParseRequest request{
      options_.sources.dirs, options_.sources.files, {}, options_.state_dir};
  request.dirs.push_back(dir.path().string());
  std::set<std::string, std::less<>> names;
  for (const auto& module : modules) {
    request.modules.push_back(module.name);
    names.insert(module.name);
  }
  detail::ParseResult parsed = detail::parse_mibs(request);
  // Only the uploaded modules' nodes go on top; the rest is the base again.
  std::erase_if(parsed.nodes, [&](const ObjectInfo& node) { return !names.contains(node.module); });
  std::erase_if(parsed.aliases, [&](const auto& alias) {
    return !names.contains(std::string_view(alias.first).substr(0, alias.first.find("::")));
  });
  const std::string prefix = dir.path().string() + "/";
  std::vector<std::string> messages = std::move(parsed.errors);
  messages.insert(messages.end(), std::make_move_iterator(parsed.warnings.begin()),
                  std::make_move_iterator(parsed.warnings.end()));
  for (auto& message : messages)
    for (auto at = message.find(prefix); at != std::string::npos; at = message.find(prefix))
      message.erase(at, prefix.size());
  auto overlay = std::make_shared<const Table>(std::move(parsed.nodes), std::move(parsed.aliases),
                                               std::move(messages));
  return std::make_shared<const Translator>(options_, base_, std::move(overlay));
}

const ObjectInfo* Translator::lookup(const snmp::Oid& oid, std::size_t* matched) const {
  std::size_t base_length = 0;
  std::size_t overlay_length = 0;
  const ObjectInfo* found = base_->longest_prefix(oid, base_length);
  if (overlay_ != nullptr) {
    const ObjectInfo* over = overlay_->longest_prefix(oid, overlay_length);
    if (over != nullptr && overlay_length >= base_length) {
      found = over;
      base_length = overlay_length;
    }
  }
  if (matched != nullptr)
    *matched = base_length;
  return found;
}

const ObjectInfo* Translator::find(const snmp::Oid& oid) const {
  if (overlay_ != nullptr)
    if (const ObjectInfo* node = overlay_->exact(oid); node != nullptr)
      return node;
  return base_->exact(oid);
}

std::string Translator::name(const snmp::Oid& oid) const {
  std::size_t matched = 0;
  const ObjectInfo* node = lookup(oid, &matched);
  if (node == nullptr)
    return oid.to_string();
  std::string out;
  out.reserve(node->module.size() + node->label.size() + 2 + (oid.size() - matched) * 4);
  if (!node->module.empty())
    out.append(node->module).append("::");
  out.append(node->label);
  for (std::size_t i = matched; i < oid.size(); ++i)
    out.append(".").append(std::to_string(oid[i]));
  return out;
}

std::optional<snmp::Oid> Translator::resolve(std::string_view text) const {
  if (text.empty())
    return std::nullopt;
  if (text.front() == '.' || std::isdigit(static_cast<unsigned char>(text.front())) != 0)
    return snmp::Oid::parse(text);
  // "MODULE::label.1.2" or "label.1.2": the name ends at the first dot after any "::".
  const std::size_t colons = text.find("::");
  const std::size_t name_start = colons == std::string_view::npos ? 0 : colons + 2;
  const std::size_t dot = text.find('.', name_start);
  const std::string_view name = text.substr(0, dot);
  const ObjectInfo* node = nullptr;
  if (overlay_ != nullptr)
    node = overlay_->by_name(name);
  if (node == nullptr)
    node = base_->by_name(name);
  if (node == nullptr)
    return std::nullopt;
  snmp::Oid oid = node->oid;
  if (dot != std::string_view::npos) {
    const auto suffix = snmp::Oid::parse(text.substr(dot + 1));
    if (!suffix || oid.size() + suffix->size() > snmp::Oid::kMaxLength)
      return std::nullopt;
    for (std::uint32_t arc : suffix->arcs())
      oid.push_back(arc);
  }
  return oid;
}

std::vector<std::string> Translator::modules() const {
  std::set<std::string> names;
  for (const auto* table : {base_.get(), overlay_.get()})
    if (table != nullptr)
      for (const auto& node : table->nodes())
        if (!node.module.empty())
          names.insert(node.module);
  return {names.begin(), names.end()};
}

std::size_t Translator::size() const {
  return base_->nodes().size() + (overlay_ != nullptr ? overlay_->nodes().size() : 0);
}

const std::vector<std::string>& Translator::messages() const {
  return overlay_ != nullptr ? overlay_->messages() : base_->messages();
}

}  // namespace epcfleet::mib
