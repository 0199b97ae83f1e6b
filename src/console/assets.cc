#include "console/assets.h"

#include <fstream>
#include <sstream>

namespace iamd::console {

namespace {

// A path a console file may have: segments of letters, digits, '-', '_' and '.', none empty,
// none "." or "..", and a known extension.
bool valid_path(std::string_view path) {
  if (path.empty() || path.size() > 200) return false;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t slash = path.find('/', start);
    const std::string_view seg =
        path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (seg.empty() || seg == "." || seg == ".." || seg.front() == '.') return false;
    for (char c : seg) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '_' || c == '.';
      if (!ok) return false;
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return true;
}

std::string_view type_of(std::string_view path) {
  const std::size_t dot = path.rfind('.');
  const std::string_view ext = dot == std::string_view::npos ? std::string_view() : path.substr(dot);
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".json") return "application/json";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  if (ext == ".woff2") return "font/woff2";
  return {};
}

}  // namespace

std::optional<LoadedAsset> find_asset(const std::filesystem::path& dir, std::string_view path) {
  if (!valid_path(path)) return std::nullopt;
  if (dir.empty()) {
    for (const Asset& a : embedded_assets()) {
      if (a.path == path) return LoadedAsset{std::string(a.content_type), std::string(a.body)};
    }
    return std::nullopt;
  }
  const std::string_view type = type_of(path);
  if (type.empty()) return std::nullopt;
  std::error_code ec;
  const std::filesystem::path file = dir / std::filesystem::path(std::string(path));
  if (!std::filesystem::is_regular_file(file, ec)) return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (!in) return std::nullopt;
  return LoadedAsset{std::string(type), buffer.str()};
}

}  // namespace iamd::console
