#include "epcfleet/apt/index_writer.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>

#include "epcfleet/compress/pieces.hpp"
#include "epcfleet/core/strings.hpp"
#include "epcfleet/crypto/primitives.hpp"

namespace epcfleet::apt {
namespace {

Digests digest_of(std::string_view content) {
  DigestStream s;
  s.update(content);
  return s.finish();
}

bool iequals_ascii(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

bool is_computed_field(std::string_view name) {
  for (const char* f : {"Filename", "Size", "MD5sum", "SHA1", "SHA256", "SHA512"}) {
    if (iequals_ascii(name, f))
      return true;
  }
  return false;
}

}  // namespace

std::string packages_paragraph(const IndexEntry& e) {
  ControlParagraph p;
  bool placed = false;
  auto add_file_fields = [&] {
    p.set("Filename", e.filename);
    p.set("Size", std::to_string(e.digests.size));
    // MD5sum and SHA256, as in Debian's own archive: apt verifies with SHA256, and each further
    // digest is ~100 bytes of incompressible hex per package in every client's download.
    p.set("MD5sum", e.digests.md5);
    p.set("SHA256", e.digests.sha256);
    placed = true;
  };
  for (const auto& [name, value] : e.control.paragraph.fields()) {
    // Fields the index computes itself are never taken from an uploaded control file (in any
    // letter case: deb822 field names are case-insensitive).
    if (is_computed_field(name))
      continue;
    if (iequals_ascii(name, "Description") && !placed)
      add_file_fields();
    p.set(name, value);
  }
  if (!placed)
    add_file_fields();
  return p.to_text();
}

namespace {

// A piece closes after a package name whose hash is 0 modulo this: boundaries depend on the names
// around them only, so adding a package moves no boundary but (rarely) its own. ~128 names a
// piece: 50-100 KB of text, recompressed in tens of milliseconds.
constexpr std::uint64_t kNamesPerPiece = 128;
constexpr std::size_t kMaxPieceBytes = 4u << 20;

std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 1469598103934665603ull;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

// Packages.xz is written only up to this much index text (about 1,000 packages): there xz -6
// costs well under a second even with nothing cached, and saves a quarter of the download over
// gzip. Above it, a publish with a cold cache would spend seconds per MiB in xz, so large
// indexes get Packages.gz only (apt takes either).
constexpr std::size_t kXzMaxIndexBytes = 1u << 20;

struct Piece {
  std::string text;
  std::string key;
  std::shared_ptr<const CompressedPiece> compressed;
};

std::vector<Piece> split_into_pieces(const std::vector<IndexItem>& sorted) {
  std::vector<Piece> pieces(1);
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    pieces.back().text += *sorted[i].paragraph;
    pieces.back().text += '\n';
    const auto& name = sorted[i].name;
    const bool last_of_name = i + 1 == sorted.size() || sorted[i + 1].name != name;
    if (last_of_name && i + 1 < sorted.size() &&
        (fnv1a(name) % kNamesPerPiece == 0 || pieces.back().text.size() > kMaxPieceBytes)) {
      pieces.emplace_back();
    }
  }
  if (pieces.back().text.empty())
    pieces.pop_back();
  return pieces;
}

// Compresses the pieces the cache does not hold, on every core.
bool compress_missing(std::vector<Piece>& pieces, bool with_xz, PieceCache* cache) {
  std::vector<std::size_t> missing;
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    pieces[i].key = crypto::sha256_hex(pieces[i].text) + (with_xz ? "+xz" : "");
    if (cache != nullptr)
      pieces[i].compressed = cache->find(pieces[i].key);
    if (!pieces[i].compressed)
      missing.push_back(i);
  }
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  auto work = [&] {
    for (std::size_t k = next++; k < missing.size(); k = next++) {
      auto& piece = pieces[missing[k]];
      auto gz = compress::deflate_piece(piece.text, 6);
      auto xz = with_xz ? compress::xz_piece(piece.text, 6) : compress::XzPiece{};
      if (!gz || !xz) {
        failed = true;
        continue;
      }
      piece.compressed =
          std::make_shared<const CompressedPiece>(CompressedPiece{std::move(*gz), std::move(*xz)});
    }
  };
  const auto threads_wanted =
      std::min<std::size_t>(missing.size(), std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::thread> helpers;
  for (std::size_t t = 1; t < threads_wanted; ++t)
    helpers.emplace_back(work);
  work();
  for (auto& t : helpers)
    t.join();
  if (failed)
    return false;
  if (cache != nullptr) {
    for (auto i : missing)
      cache->put(pieces[i].key, pieces[i].compressed);
  }
  return true;
}

}  // namespace

IndexItem index_item(const IndexEntry& entry) {
  return IndexItem{entry.control.package, entry.control.version, entry.control.version_text,
                   std::make_shared<const std::string>(packages_paragraph(entry))};
}

Result<std::vector<IndexFile>> packages_files(const std::string& component,
                                              const std::string& architecture,
                                              const std::vector<IndexEntry>& entries,
                                              PieceCache* cache) {
  std::vector<IndexItem> items;
  items.reserve(entries.size());
  for (const auto& e : entries)
    items.push_back(index_item(e));
  return packages_files(component, architecture, std::move(items), cache);
}

Result<std::vector<IndexFile>> packages_files(const std::string& component,
                                              const std::string& architecture,
                                              std::vector<IndexItem> items, PieceCache* cache) {
  std::sort(items.begin(), items.end(), [](const IndexItem& a, const IndexItem& b) {
    if (a.name != b.name)
      return a.name < b.name;
    if (const int c = compare_versions(a.version, b.version); c != 0)
      return c < 0;
    return a.version_text < b.version_text;  // "1.0" and "1.00": a fixed order
  });
  auto pieces = split_into_pieces(items);
  items.clear();
  items.shrink_to_fit();
  const std::string dir = component + "/binary-" + architecture + "/";
  std::size_t text_bytes = 0;
  for (const auto& p : pieces)
    text_bytes += p.text.size();
  const bool with_xz = text_bytes <= kXzMaxIndexBytes;
  if (!compress_missing(pieces, with_xz, cache))
    return fail(ErrorCode::kInternal, "compressing " + dir + "Packages failed");
  std::vector<const compress::DeflatePiece*> gz;
  std::vector<const compress::XzPiece*> xz;
  std::string text;
  text.reserve(text_bytes);
  for (auto& p : pieces) {
    gz.push_back(&p.compressed->gz);
    xz.push_back(&p.compressed->xz);
    text += p.text;
    std::string().swap(p.text);  // the index text is held once, not twice
  }
  std::vector<IndexFile> files;
  files.push_back({dir + "Packages.gz", compress::gzip_from_pieces(gz)});
  if (with_xz) {
    auto xz_file = compress::xz_from_pieces(xz);
    if (!xz_file)
      return fail(ErrorCode::kInternal, "writing " + dir + "Packages.xz failed");
    files.push_back({dir + "Packages.xz", std::move(*xz_file)});
  }
  files.push_back({dir + "Packages", std::move(text)});
  return files;
}

std::string release_date(TimestampMs t) {
  using namespace std::chrono;
  const sys_seconds tp{duration_cast<seconds>(milliseconds{t})};
  const auto day = floor<days>(tp);
  const year_month_day ymd{day};
  const weekday wd{day};
  const hh_mm_ss hms{tp - day};
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02d:%02d:%02d UTC", kDays[wd.c_encoding()],
                static_cast<unsigned>(ymd.day()), kMonths[static_cast<unsigned>(ymd.month()) - 1],
                static_cast<int>(ymd.year()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
  return buf;
}

std::vector<Digests> digests_of(const std::vector<IndexFile>& files) {
  std::vector<Digests> out(files.size());
  // One thread a file: the plain Packages is megabytes, and four digests of it take a while.
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < files.size(); ++i)
    threads.emplace_back([&, i] { out[i] = digest_of(files[i].content); });
  if (!files.empty())
    out[0] = digest_of(files[0].content);
  for (auto& t : threads)
    t.join();
  return out;
}

std::string release_file(const ReleaseInfo& info, const std::vector<IndexFile>& files,
                         const std::vector<Digests>& file_digests) {
  ControlParagraph p;
  p.set("Origin", info.origin);
  if (!info.label.empty())
    p.set("Label", info.label);
  p.set("Suite", info.suite);
  if (!info.codename.empty())
    p.set("Codename", info.codename);
  p.set("Date", release_date(info.date));
  if (info.valid_until)
    p.set("Valid-Until", release_date(*info.valid_until));
  p.set("Architectures", join(info.architectures));
  p.set("Components", join(info.components));
  if (!info.description.empty())
    p.set("Description", info.description);
  p.set("Acquire-By-Hash", "yes");
  std::vector<std::pair<std::string, Digests>> digests;
  for (std::size_t i = 0; i < files.size(); ++i)
    digests.emplace_back(files[i].path, file_digests.at(i));
  std::sort(digests.begin(), digests.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  auto section = [&](auto member) {
    std::string text;
    for (const auto& [path, d] : digests) {
      char size[32];
      std::snprintf(size, sizeof size, "%16llu", static_cast<unsigned long long>(d.size));
      text += "\n " + d.*member + " " + size + " " + path;
    }
    return text;
  };
  p.set("MD5Sum", section(&Digests::md5));
  p.set("SHA1", section(&Digests::sha1));
  p.set("SHA256", section(&Digests::sha256));
  p.set("SHA512", section(&Digests::sha512));
  return p.to_text();
}

}  // namespace epcfleet::apt
