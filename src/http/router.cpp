#include "epcfleet/http/router.hpp"

#include <stdexcept>

namespace epcfleet::http {
namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  std::size_t start = 1;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    out.push_back(
        path.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos)
      break;
    start = slash + 1;
  }
  return out;
}

}  // namespace

void Router::add(RouteSpec spec, Handler handler) {
  if (spec.pattern.empty() || spec.pattern.front() != '/') {
    throw std::logic_error("route pattern must start with '/': " + spec.pattern);
  }
  if (spec.access == Access::kTenant && spec.pattern.find("{t}") == std::string::npos) {
    throw std::logic_error("tenant route without {t}: " + spec.pattern);
  }
  Route route{std::move(spec), std::move(handler), {}};
  route.segments = split_path(route.spec.pattern);
  routes_.push_back(std::move(route));
}

Match Router::match(Method method, const std::string& path) const {
  Match result;
  if (path.empty() || path.front() != '/')
    return result;
  const auto parts = split_path(path);
  for (const auto& route : routes_) {
    if (route.segments.size() != parts.size())
      continue;
    std::map<std::string, std::string> params;
    bool ok = true;
    for (std::size_t i = 0; i < parts.size() && ok; ++i) {
      const auto& seg = route.segments[i];
      if (seg.size() > 2 && seg.front() == '{' && seg.back() == '}') {
        auto decoded = percent_decode(parts[i], false);
        if (!decoded || decoded->empty() || decoded->find('/') != std::string::npos)
          ok = false;
        else
          params[seg.substr(1, seg.size() - 2)] = std::move(*decoded);
      } else if (seg != parts[i]) {
        ok = false;
      }
    }
    if (!ok)
      continue;
    result.path_matched = true;
    const bool method_ok = route.spec.method == method ||
                           (method == Method::kHead && route.spec.method == Method::kGet);
    if (method_ok) {
      result.route = &route;
      result.params = std::move(params);
      return result;
    }
  }
  return result;
}

}  // namespace epcfleet::http
