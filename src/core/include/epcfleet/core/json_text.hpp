#pragma once
// JSON string quoting for the few places that write JSON by hand on hot paths (log lines, error
// bodies) instead of building a document.

#include <string>
#include <string_view>

namespace epcfleet {

// Appends s as a quoted JSON string ("…" with \", \\, \n, \r, \t and \u00XX escapes).
void append_json_string(std::string& out, std::string_view s);
// s escaped for use inside quotes (no surrounding quotes).
std::string json_escape(std::string_view s);

}  // namespace epcfleet
