#pragma once
// multipart/form-data uploads (RFC 7578): browsers' <form> posts and `curl -F file=@x.deb`. The
// server has already streamed the whole body to a file; this finds the file part in it and copies
// its bytes to a file of their own, so the upload route sees the same thing as for a raw body.
// No Debian library parses multipart (cpp-netlib/Poco are not what we link); the format needed
// here is small: boundary lines, part headers, and the first part that carries a filename.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "epcfleet/core/error.hpp"

namespace epcfleet::http {

// The boundary parameter of a multipart/form-data Content-Type; nullopt for other types.
// A multipart type without a usable boundary is an error.
Result<std::optional<std::string>> multipart_boundary(std::string_view content_type);

struct MultipartFile {
  std::size_t offset = 0;  // the part's content within the body
  std::size_t length = 0;
  std::string field;     // name="…"
  std::string filename;  // filename="…"
};

// The first part with a filename. Errors say what is malformed.
Result<MultipartFile> find_file_part(std::string_view body, std::string_view boundary);

// For upload routes: the file part of the body in `body_file`, copied to `body_file + ".part"`.
// Returns that path (the caller removes it).
Result<std::string> extract_multipart_file(const std::string& body_file,
                                           const std::string& boundary);

}  // namespace epcfleet::http
