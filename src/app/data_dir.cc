#include "app/data_dir.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "crypto/crypto.h"

namespace iamd::app {

namespace {

common::Error io_error(const std::string& what, const std::filesystem::path& path, int err) {
  return common::Error{"DataDirError", what + " " + path.string() + ": " + std::strerror(err), ""};
}

}  // namespace

common::Result<std::string> read_file(const std::filesystem::path& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return io_error("cannot read", path, errno);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

common::Result<void> write_private_file(const std::filesystem::path& path, std::string_view content) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return io_error("cannot create", tmp, errno);
  std::size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return io_error("cannot write", tmp, err);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) return io_error("cannot sync", tmp, errno);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return io_error("cannot rename into", path, errno);
  return {};
}

common::Result<DataDir> open_data_dir(const std::filesystem::path& root, common::Random& random) {
  DataDir d;
  d.root = root;
  std::error_code ec;
  if (!std::filesystem::exists(root, ec)) {
    if (!std::filesystem::create_directories(root, ec)) {
      return common::Error{"DataDirError", "cannot create data folder " + root.string() + ": " + ec.message(), ""};
    }
    ::chmod(root.c_str(), 0700);
    d.created = true;
  } else if (!std::filesystem::is_directory(root, ec)) {
    return common::Error{"DataDirError", "data folder " + root.string() + " is not a folder", ""};
  }
  if (::access(root.c_str(), W_OK | X_OK) != 0) return io_error("cannot write to data folder", root, errno);

  const std::filesystem::path key_path = root / "master.key";
  if (!std::filesystem::exists(key_path, ec)) {
    std::string key = random.bytes(crypto::kSealKeySize);
    if (auto w = write_private_file(key_path, key); !w) return w.error();
    d.master_key = std::move(key);
    d.created = true;
    return d;
  }
  struct stat st {};
  if (::stat(key_path.c_str(), &st) != 0) return io_error("cannot stat", key_path, errno);
  if ((st.st_mode & 0077) != 0) {
    return common::Error{"DataDirError",
                         key_path.string() + " is readable by other users; run: chmod 600 " + key_path.string(), ""};
  }
  auto key = read_file(key_path);
  if (!key) return key.error();
  if (key->size() != crypto::kSealKeySize) {
    return common::Error{"DataDirError", key_path.string() + " is not a 32-byte key (damaged or not iamd's)", ""};
  }
  d.master_key = std::move(key).value();
  return d;
}

}  // namespace iamd::app
