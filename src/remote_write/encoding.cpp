#include "epcfleet/remote_write/encoding.hpp"

#include <snappy.h>

#include <algorithm>

#include "remote_write.pb.h"

namespace epcfleet::remote_write {
namespace {

constexpr std::string_view kMetricName = "__name__";

// The labels as receivers require them: sorted by name, unique, no empty values.
std::vector<Label> wire_labels(const std::vector<Label>& own, std::span<const Label> extra) {
  std::vector<Label> labels;
  labels.reserve(own.size() + extra.size());
  for (const auto& l : own)
    if (!l.value.empty())
      labels.push_back({sanitize_utf8(l.name), sanitize_utf8(l.value)});
  for (const auto& l : extra)
    if (!l.value.empty())
      labels.push_back({sanitize_utf8(l.name), sanitize_utf8(l.value)});
  // Stable: of two labels with one name the series' own (listed first) is kept.
  std::stable_sort(labels.begin(), labels.end(),
                   [](const Label& a, const Label& b) { return a.name < b.name; });
  labels.erase(std::unique(labels.begin(), labels.end(),
                           [](const Label& a, const Label& b) { return a.name == b.name; }),
               labels.end());
  return labels;
}

class RequestBuilder {
public:
  explicit RequestBuilder(std::size_t max_samples) : max_samples_(max_samples) {}

  std::size_t room() const { return max_samples_ - samples_; }

  // Appends samples [begin, end) of one series; the caller keeps end - begin <= room().
  void add(const std::vector<Label>& labels,
           std::span<const std::pair<std::int64_t, double>> samples) {
    auto* ts = request_.add_timeseries();
    ts->mutable_labels()->Reserve(static_cast<int>(labels.size()));
    for (const auto& l : labels) {
      auto* wl = ts->add_labels();
      wl->set_name(l.name);
      wl->set_value(l.value);
    }
    ts->mutable_samples()->Reserve(static_cast<int>(samples.size()));
    for (const auto& [t, v] : samples) {
      auto* s = ts->add_samples();
      s->set_timestamp(t);
      s->set_value(v);
    }
    samples_ += samples.size();
  }

  void flush(std::vector<EncodedRequest>& out) {
    if (samples_ == 0)
      return;
    std::string raw;
    request_.SerializeToString(&raw);
    EncodedRequest r;
    snappy::Compress(raw.data(), raw.size(), &r.body);
    r.samples = static_cast<std::uint32_t>(samples_);
    out.push_back(std::move(r));
    request_.Clear();
    samples_ = 0;
  }

private:
  std::size_t max_samples_;
  std::size_t samples_ = 0;
  wire::WriteRequest request_;
};

}  // namespace

EncodeResult encode(std::span<const Series> series, std::span<const Label> extra_labels,
                    std::size_t max_samples_per_request) {
  EncodeResult result;
  RequestBuilder builder(std::max<std::size_t>(1, max_samples_per_request));
  std::vector<std::pair<std::int64_t, double>> sorted;
  for (const auto& s : series) {
    if (s.samples.empty())
      continue;
    const auto labels = wire_labels(s.labels, extra_labels);
    const bool named = std::any_of(labels.begin(), labels.end(),
                                   [](const Label& l) { return l.name == kMetricName; });
    if (!named) {
      result.invalid_samples += s.samples.size();
      continue;
    }
    std::span<const std::pair<std::int64_t, double>> samples = s.samples;
    const auto by_time = [](const auto& a, const auto& b) { return a.first < b.first; };
    if (!std::is_sorted(samples.begin(), samples.end(), by_time)) {
      sorted.assign(samples.begin(), samples.end());
      std::stable_sort(sorted.begin(), sorted.end(), by_time);
      samples = sorted;
    }
    while (!samples.empty()) {
      if (builder.room() == 0)
        builder.flush(result.requests);
      const std::size_t n = std::min(builder.room(), samples.size());
      builder.add(labels, samples.first(n));
      samples = samples.subspan(n);
    }
  }
  builder.flush(result.requests);
  return result;
}

std::optional<std::string> merge(std::span<const std::string_view> bodies,
                                 std::size_t max_uncompressed) {
  std::string raw;
  std::size_t total = 0;
  for (const auto body : bodies) {
    std::size_t n = 0;
    if (!snappy::GetUncompressedLength(body.data(), body.size(), &n))
      return std::nullopt;
    total += n;
    if (total > max_uncompressed)
      return std::nullopt;
  }
  raw.reserve(total);
  std::string part;
  for (const auto body : bodies) {
    if (!snappy::Uncompress(body.data(), body.size(), &part))
      return std::nullopt;
    raw += part;
  }
  std::string out;
  snappy::Compress(raw.data(), raw.size(), &out);
  return out;
}

std::string sanitize_utf8(std::string_view text) {
  if (std::all_of(text.begin(), text.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x80; }))
    return std::string(text);
  static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
  std::string out;
  out.reserve(text.size());
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t size = text.size();
  std::size_t i = 0;
  while (i < size) {
    const unsigned char c = p[i];
    std::size_t len = 0;
    std::uint32_t min = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2, min = 0x80, cp = c & 0x1Fu;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, min = 0x800, cp = c & 0x0Fu;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, min = 0x10000, cp = c & 0x07u;
    }
    bool valid = len != 0 && i + len <= size;
    for (std::size_t k = 1; valid && k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80)
        valid = false;
      else
        cp = (cp << 6) | (p[i + k] & 0x3Fu);
    }
    // Overlong forms, surrogates and code points beyond Unicode are invalid too.
    if (valid && (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)))
      valid = false;
    if (valid) {
      out.append(text.substr(i, len));
      i += len;
    } else {
      out.append(kReplacement);
      ++i;
    }
  }
  return out;
}

}  // namespace epcfleet::remote_write
