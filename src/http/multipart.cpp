#include "epcfleet/http/multipart.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>

namespace epcfleet::http {
namespace {

constexpr std::size_t kMaxHeaderBlock = 16 * 1024;

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

// A parameter of a header value: name="quoted" or name=token (case-insensitive name), scanning
// the `; key=value` list after the value itself.
std::optional<std::string> parameter(std::string_view value, std::string_view name) {
  std::size_t i = value.find(';');
  while (i != std::string_view::npos && i < value.size()) {
    ++i;  // past ';'
    const auto eq = value.find('=', i);
    if (eq == std::string_view::npos)
      return std::nullopt;
    const auto key = lower(trim(value.substr(i, eq - i)));
    i = eq + 1;
    while (i < value.size() && (value[i] == ' ' || value[i] == '\t'))
      ++i;
    std::string parsed;
    if (i < value.size() && value[i] == '"') {
      for (++i; i < value.size() && value[i] != '"'; ++i) {
        if (value[i] == '\\' && i + 1 < value.size())
          ++i;
        parsed += value[i];
      }
      if (i >= value.size())
        return std::nullopt;  // unterminated quote
      ++i;
      i = value.find(';', i);
    } else {
      const auto end = value.find(';', i);
      parsed = std::string(trim(value.substr(i, end == std::string_view::npos ? end : end - i)));
      i = end;
    }
    if (key == name)
      return parsed;
  }
  return std::nullopt;
}

// CRLF--boundary counts only when the line ends there: "--" (the last one) or optional
// whitespace and CRLF (RFC 2046 5.1.1). Content that merely contains the text is skipped over.
std::size_t find_delimiter(std::string_view body, const std::string& delimiter, std::size_t from) {
  for (auto at = body.find(delimiter, from); at != std::string_view::npos;
       at = body.find(delimiter, at + 1)) {
    std::size_t after = at + delimiter.size();
    if (body.substr(after, 2) == "--")
      return at;
    while (after < body.size() && (body[after] == ' ' || body[after] == '\t'))
      ++after;
    if (body.substr(after, 2) == "\r\n")
      return at;
  }
  return std::string_view::npos;
}

Error malformed(const std::string& what) {
  return Error{ErrorCode::kInvalidArgument, "malformed multipart body: " + what};
}

}  // namespace

Result<std::optional<std::string>> multipart_boundary(std::string_view content_type) {
  const auto semi = content_type.find(';');
  if (lower(trim(content_type.substr(0, semi))) != "multipart/form-data")
    return std::optional<std::string>{};
  auto boundary = parameter(content_type, "boundary");
  // RFC 2046: 1-70 characters.
  if (!boundary || boundary->empty() || boundary->size() > 70)
    return fail(malformed("Content-Type needs a boundary of 1-70 characters"));
  return std::optional<std::string>(*boundary);
}

Result<MultipartFile> find_file_part(std::string_view body, std::string_view boundary) {
  const std::string delimiter = "--" + std::string(boundary);
  // The first delimiter line may follow a preamble (after CRLF) or open the body.
  std::size_t pos = body.rfind(delimiter, 0) == 0 ? 0 : body.find("\r\n" + delimiter);
  if (pos == std::string_view::npos)
    return fail(malformed("no boundary line"));
  if (pos != 0)
    pos += 2;
  const std::string next_delimiter = "\r\n" + delimiter;
  while (true) {
    pos += delimiter.size();
    if (body.substr(pos, 2) == "--")
      return fail(malformed("no part carries a file (send it as a field with a filename)"));
    // Transport padding, then CRLF.
    while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t'))
      ++pos;
    if (body.substr(pos, 2) != "\r\n")
      return fail(malformed("boundary line not followed by CRLF"));
    pos += 2;
    const auto headers_end = body.find("\r\n\r\n", pos);
    const bool no_headers = body.substr(pos, 2) == "\r\n";
    if (!no_headers &&
        (headers_end == std::string_view::npos || headers_end - pos > kMaxHeaderBlock))
      return fail(malformed("part headers missing or too long"));
    const std::string_view headers =
        no_headers ? std::string_view() : body.substr(pos, headers_end - pos);
    const std::size_t content = no_headers ? pos + 2 : headers_end + 4;
    const auto end = find_delimiter(body, next_delimiter, content);
    if (end == std::string_view::npos)
      return fail(malformed("part not closed by a boundary line"));
    std::optional<std::string> field;
    std::optional<std::string> filename;
    std::size_t line_start = 0;
    while (line_start <= headers.size() && !headers.empty()) {
      auto line_end = headers.find("\r\n", line_start);
      if (line_end == std::string_view::npos)
        line_end = headers.size();
      const auto line = headers.substr(line_start, line_end - line_start);
      const auto colon = line.find(':');
      if (colon != std::string_view::npos &&
          lower(trim(line.substr(0, colon))) == "content-disposition") {
        const auto value = line.substr(colon + 1);
        field = parameter(value, "name");
        filename = parameter(value, "filename");
      }
      if (line_end == headers.size())
        break;
      line_start = line_end + 2;
    }
    if (filename)
      return MultipartFile{content, end - content, field.value_or(""), *filename};
    pos = end + 2;
  }
}

Result<std::string> extract_multipart_file(const std::string& body_file,
                                           const std::string& boundary) {
  const int in = ::open(body_file.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0)
    return fail(ErrorCode::kInternal, "cannot open the upload");
  struct stat st {};
  if (::fstat(in, &st) != 0 || st.st_size == 0) {
    ::close(in);
    return fail(malformed("empty body"));
  }
  const auto size = static_cast<std::size_t>(st.st_size);
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, in, 0);
  if (map == MAP_FAILED) {
    ::close(in);
    return fail(ErrorCode::kInternal, "cannot map the upload");
  }
  auto part = find_file_part(std::string_view(static_cast<const char*>(map), size), boundary);
  ::munmap(map, size);
  if (!part) {
    ::close(in);
    return fail(part.error());
  }
  const std::string out_path = body_file + ".part";
  const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (out < 0) {
    ::close(in);
    return fail(ErrorCode::kInternal, "cannot write the upload's file part");
  }
  auto offset = static_cast<off_t>(part->offset);
  std::size_t left = part->length;
  bool good = true;
  while (left > 0 && good) {
    const ssize_t n = ::sendfile(out, in, &offset, left);
    good = n > 0;
    if (good)
      left -= static_cast<std::size_t>(n);
  }
  ::close(in);
  ::close(out);
  if (!good) {
    ::unlink(out_path.c_str());
    return fail(ErrorCode::kInternal, "cannot copy the upload's file part");
  }
  return out_path;
}

}  // namespace epcfleet::http
