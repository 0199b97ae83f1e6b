// `iamd backup`: a consistent copy of a data folder's SQLite store while the server runs.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <string>

namespace iamd::app {

// Copies <data>/store/iamd.db to `output` (refused when it exists); returns the exit status
// (0 done, 1 failure) after one line on `out` or `err`.
int backup(const std::filesystem::path& data, const std::string& output, std::ostream& out, std::ostream& err);

}  // namespace iamd::app
