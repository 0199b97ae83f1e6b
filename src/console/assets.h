// The console's files: embedded in the binary at build time (tools/gen_console_assets.py over
// src/console/web), or read from a folder on every request (`iamd serve --console-dir`, for
// working on the pages without rebuilding). Thread-safe.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace iamd::console {

struct Asset {
  std::string_view path;  // under /console/, e.g. "js/app.js"
  std::string_view content_type;
  std::string_view body;
};

// Every embedded file (generated).
const std::vector<Asset>& embedded_assets();

struct LoadedAsset {
  std::string content_type;
  std::string body;
};

// The file at `path` (relative, '/'-separated, no "." or ".." segment, no empty segment): from
// `dir` when it is not empty, else embedded. Empty when there is none (or the path is not
// one a file may have).
std::optional<LoadedAsset> find_asset(const std::filesystem::path& dir, std::string_view path);

}  // namespace iamd::console
