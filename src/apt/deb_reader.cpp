#include "epcfleet/apt/deb_reader.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>

namespace epcfleet::apt {
namespace {

struct ArchiveDeleter {
  void operator()(archive* a) const { archive_read_free(a); }
};
using Archive = std::unique_ptr<archive, ArchiveDeleter>;

Error invalid(const std::string& message) {
  return Error{ErrorCode::kInvalidArgument, "not a valid Debian package: " + message};
}

std::string archive_message(archive* a) {
  const char* m = archive_error_string(a);
  return m != nullptr ? m : "unreadable archive";
}

// "control.tar.xz" → "xz"; "control.tar" → "none"; "" for an unknown suffix.
std::string compression_of(std::string_view member, std::string_view stem, bool data) {
  if (member == stem)
    return "none";
  if (member.size() <= stem.size() + 1 || member.substr(0, stem.size()) != stem ||
      member[stem.size()] != '.') {
    return {};
  }
  const auto ext = member.substr(stem.size() + 1);
  if (ext == "gz" || ext == "xz" || ext == "zst")
    return std::string(ext);
  if (data && (ext == "bz2" || ext == "lzma"))
    return std::string(ext);
  return {};
}

int filter_code_for(const std::string& compression) {
  if (compression == "gz")
    return ARCHIVE_FILTER_GZIP;
  if (compression == "xz")
    return ARCHIVE_FILTER_XZ;
  if (compression == "zst")
    return ARCHIVE_FILTER_ZSTD;
  if (compression == "bz2")
    return ARCHIVE_FILTER_BZIP2;
  if (compression == "lzma")
    return ARCHIVE_FILTER_LZMA;
  return ARCHIVE_FILTER_NONE;
}

// Only the decompressor the member's name declares: no stacked filters (gzip inside xz …), and
// none of libarchive's filters that fork external programs (lrzip, grzip, lzop).
Archive new_tar_reader(const std::string& compression) {
  Archive a(archive_read_new());
  if (compression == "gz")
    archive_read_support_filter_gzip(a.get());
  else if (compression == "xz")
    archive_read_support_filter_xz(a.get());
  else if (compression == "zst")
    archive_read_support_filter_zstd(a.get());
  else if (compression == "bz2")
    archive_read_support_filter_bzip2(a.get());
  else if (compression == "lzma")
    archive_read_support_filter_lzma(a.get());
  archive_read_support_format_tar(a.get());
  archive_read_support_format_gnutar(a.get());
  return a;
}

// The member decompressed to exactly what its name says: one filter layer (none for "none").
Status check_filters(archive* tar, const std::string& compression, const std::string& member) {
  const int expected_layers = compression == "none" ? 1 : 2;
  if (archive_filter_count(tar) != expected_layers ||
      archive_filter_code(tar, 0) != filter_code_for(compression)) {
    return fail(invalid(member + " member's content does not match its name (expected " +
                        compression + ", found " + archive_filter_name(tar, 0) +
                        (archive_filter_count(tar) > 2 ? ", stacked" : "") + ")"));
  }
  return ok();
}

Result<std::string> read_entry_data(archive* a, std::uint64_t limit, const std::string& what) {
  std::string out;
  std::array<char, 65536> buf{};
  for (;;) {
    const la_ssize_t n = archive_read_data(a, buf.data(), buf.size());
    if (n < 0)
      return fail(invalid(what + ": " + archive_message(a)));
    if (n == 0)
      break;
    out.append(buf.data(), static_cast<std::size_t>(n));
    if (out.size() > limit)
      return fail(invalid(what + " is larger than " + std::to_string(limit) + " bytes"));
  }
  return out;
}

Result<std::string> control_file_from(const std::string& member, const std::string& compression,
                                      const DebLimits& limits) {
  Archive tar = new_tar_reader(compression);
  if (archive_read_open_memory(tar.get(), member.data(), member.size()) != ARCHIVE_OK) {
    return fail(invalid("control member's content does not match its name (expected a " +
                        compression + " tar archive): " + archive_message(tar.get())));
  }
  // A compressed control member is small; its expansion is bounded too (decompression bombs).
  const auto max_expanded = static_cast<la_int64_t>(limits.max_control_member) * 4;
  std::optional<std::string> control;
  archive_entry* entry = nullptr;
  for (int entries = 0;; ++entries) {
    const int r = archive_read_next_header(tar.get(), &entry);
    if (r == ARCHIVE_EOF)
      break;
    if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
      if (entries == 0) {
        return fail(invalid("control member's content does not match its name (expected a " +
                            compression + " tar archive): " + archive_message(tar.get())));
      }
      return fail(invalid("control.tar: " + archive_message(tar.get())));
    }
    if (entries == 0) {
      if (auto s = check_filters(tar.get(), compression, "control"); !s)
        return fail(s.error());
    }
    if (entries > 1000)
      return fail(invalid("control.tar has too many entries"));
    if (archive_entry_size(entry) > max_expanded)
      return fail(invalid("control.tar holds an entry larger than " + std::to_string(max_expanded) +
                          " bytes"));
    const char* path = archive_entry_pathname(entry);
    const std::string name = path != nullptr ? path : "";
    if (name == "./control" || name == "control") {
      if (control)
        return fail(invalid("control.tar holds two control files"));
      if (archive_entry_filetype(entry) != AE_IFREG)
        return fail(invalid("the control file is not a regular file"));
      auto text = read_entry_data(tar.get(), limits.max_control_file, "control file");
      if (!text)
        return fail(text.error());
      control = std::move(*text);
    }
    if (archive_filter_bytes(tar.get(), 0) > max_expanded)
      return fail(
          invalid("control.tar expands to more than " + std::to_string(max_expanded) + " bytes"));
  }
  if (!control)
    return fail(invalid("control.tar has no control file"));
  return *control;
}

// Lets a nested tar reader pull the data member's bytes straight from the outer ar reader.
struct NestedSource {
  archive* outer;
  std::array<char, 65536> buf{};
};

la_ssize_t read_nested(archive* /*self*/, void* user, const void** out) {
  auto* src = static_cast<NestedSource*>(user);
  const la_ssize_t n = archive_read_data(src->outer, src->buf.data(), src->buf.size());
  *out = src->buf.data();
  return n;
}

Status check_data_member(archive* outer, const std::string& compression) {
  Archive tar = new_tar_reader(compression);
  NestedSource src{outer};
  if (archive_read_open(tar.get(), &src, nullptr, read_nested, nullptr) != ARCHIVE_OK) {
    return fail(invalid("data member's content does not match its name (expected a " + compression +
                        " tar archive): " + archive_message(tar.get())));
  }
  archive_entry* entry = nullptr;
  const int r = archive_read_next_header(tar.get(), &entry);
  if (r != ARCHIVE_OK && r != ARCHIVE_WARN && r != ARCHIVE_EOF) {
    return fail(invalid("data member's content does not match its name (expected a " + compression +
                        " tar archive): " + archive_message(tar.get())));
  }
  return check_filters(tar.get(), compression, "data");
}

Result<DebInfo> read_deb(archive* ar, const DebLimits& limits) {
  DebInfo info;
  std::string control_text;
  bool have_control = false;
  bool have_data = false;
  archive_entry* entry = nullptr;
  for (int index = 0;; ++index) {
    const int r = archive_read_next_header(ar, &entry);
    if (r == ARCHIVE_EOF)
      break;
    if (r != ARCHIVE_OK) {
      return fail(invalid(index == 0 ? "not an ar archive (" + archive_message(ar) + ")"
                                     : archive_message(ar)));
    }
    if (index > 64)
      return fail(invalid("too many ar members"));
    const char* path = archive_entry_pathname(entry);
    std::string name = path != nullptr ? path : "";
    if (!name.empty() && name.back() == '/')
      name.pop_back();  // GNU ar's terminator
    if (index == 0) {
      if (name != "debian-binary")
        return fail(invalid("first member is '" + name.substr(0, 64) + "', not debian-binary"));
      auto content = read_entry_data(ar, 64, "debian-binary");
      if (!content)
        return fail(content.error());
      if (content->size() < 4 || content->rfind("2.", 0) != 0 || content->back() != '\n') {
        return fail(invalid("unsupported format version in debian-binary (expected 2.x)"));
      }
      continue;
    }
    if (name.rfind("control.tar", 0) == 0) {
      info.control_compression = compression_of(name, "control.tar", false);
      if (info.control_compression.empty())
        return fail(invalid("unknown control member '" + name.substr(0, 64) + "'"));
      if (have_control)
        return fail(invalid("two control members"));
      if (static_cast<std::uint64_t>(archive_entry_size(entry)) > limits.max_control_member) {
        return fail(invalid("control member is larger than " +
                            std::to_string(limits.max_control_member) + " bytes"));
      }
      auto member = read_entry_data(ar, limits.max_control_member, "control member");
      if (!member)
        return fail(member.error());
      auto control = control_file_from(*member, info.control_compression, limits);
      if (!control)
        return fail(control.error());
      control_text = std::move(*control);
      have_control = true;
    } else if (name.rfind("data.tar", 0) == 0) {
      info.data_compression = compression_of(name, "data.tar", true);
      if (info.data_compression.empty())
        return fail(invalid("unknown data member '" + name.substr(0, 64) + "'"));
      if (!have_control)
        return fail(invalid("data member before the control member"));
      if (have_data)
        return fail(invalid("two data members"));
      if (auto s = check_data_member(ar, info.data_compression); !s)
        return fail(s.error());
      have_data = true;
    } else if (name.empty() || name.front() != '_') {
      return fail(invalid("unexpected member '" + name.substr(0, 64) + "'"));
    }
  }
  if (!have_control)
    return fail(invalid("no control member"));
  if (!have_data)
    return fail(invalid("no data member"));
  auto control = parse_package_control(control_text);
  if (!control)
    return fail(Error{ErrorCode::kInvalidArgument, "control file: " + control.error().message});
  info.control = std::move(*control);
  return info;
}

Archive new_ar_reader() {
  Archive a(archive_read_new());
  archive_read_support_format_ar(a.get());
  return a;
}

// The file as libarchive reads it, block by block, with every block also fed to the digests:
// validation and hashing are one pass over the upload.
struct HashingSource {
  int fd = -1;
  DigestStream* digests = nullptr;
  std::array<char, 1 << 16> buffer{};
  bool failed = false;

  // Reads what libarchive left (it stops after the members it needs), for complete digests.
  bool drain() {
    for (;;) {
      const ssize_t n = ::read(fd, buffer.data(), buffer.size());
      if (n < 0)
        return false;
      if (n == 0)
        return true;
      digests->update(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
    }
  }
};

la_ssize_t read_hashing(archive* /*a*/, void* data, const void** out) {
  auto* src = static_cast<HashingSource*>(data);
  const ssize_t n = ::read(src->fd, src->buffer.data(), src->buffer.size());
  if (n < 0) {
    src->failed = true;
    return -1;
  }
  if (n > 0 && src->digests != nullptr)
    src->digests->update(std::string_view(src->buffer.data(), static_cast<std::size_t>(n)));
  *out = src->buffer.data();
  return n;
}

}  // namespace

Result<DebInfo> read_deb_file(const std::string& path, const DebLimits& limits,
                              DigestStream* digests) {
  HashingSource src;
  src.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (src.fd < 0)
    return fail(ErrorCode::kInternal, "cannot open the upload: " + std::string(strerror(errno)));
  src.digests = digests;
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{src.fd};
  Archive ar = new_ar_reader();
  if (archive_read_open(ar.get(), &src, nullptr, read_hashing, nullptr) != ARCHIVE_OK)
    return fail(invalid(archive_message(ar.get())));
  auto info = read_deb(ar.get(), limits);
  if (src.failed)
    return fail(ErrorCode::kInternal, "cannot read the upload: " + std::string(strerror(errno)));
  if (info && digests != nullptr && !src.drain())
    return fail(ErrorCode::kInternal, "cannot read the upload: " + std::string(strerror(errno)));
  return info;
}

Result<DebInfo> read_deb_memory(std::string_view bytes, const DebLimits& limits) {
  Archive ar = new_ar_reader();
  if (archive_read_open_memory(ar.get(), bytes.data(), bytes.size()) != ARCHIVE_OK) {
    return fail(invalid(archive_message(ar.get())));
  }
  return read_deb(ar.get(), limits);
}

}  // namespace epcfleet::apt
