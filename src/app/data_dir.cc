#include "app/data_dir.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

#include "common/strings.h"
#include "crypto/crypto.h"

namespace iamd::app {

namespace {

common::Error io_error(const std::string& what, const std::filesystem::path& path, int err) {
  return common::Error{"DataDirError", what + " " + path.string() + ": " + std::strerror(err), ""};
}

common::Error link_error(const std::filesystem::path& path) {
  return common::Error{"DataDirError",
                       path.string() + " is a symbolic link; iamd follows no links inside its data folder", ""};
}

std::string octal(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

// Closes `fd` on every path out.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

common::Result<void> write_all(int fd, std::string_view content, const std::filesystem::path& path) {
  std::size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error("cannot write", path, errno);
    }
    done += static_cast<std::size_t>(n);
  }
  return {};
}

// The rename into place is durable once the folder's entry is on disk.
common::Result<void> sync_dir(const std::filesystem::path& dir) {
  Fd fd(::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return io_error("cannot open", dir, errno);
  if (::fsync(fd.get()) != 0) return io_error("cannot sync", dir, errno);
  return {};
}

}  // namespace

common::Result<std::string> read_file(const std::filesystem::path& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ELOOP) return link_error(path);
    return io_error("cannot read", path, errno);
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return io_error("cannot stat", path, errno);
  if (!S_ISREG(st.st_mode)) return common::Error{"DataDirError", path.string() + " is not a regular file", ""};
  std::string out;
  char buffer[4096];
  for (;;) {
    ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error("cannot read", path, errno);
    }
    if (n == 0) break;
    out.append(buffer, static_cast<std::size_t>(n));
  }
  return out;
}

common::Result<void> write_private_file(const std::filesystem::path& path, std::string_view content) {
  // A random name created exclusively: a file or link planted in the folder is never opened,
  // truncated or followed (O_EXCL fails on an existing name, links included).
  crypto::OsRandom random;
  const std::filesystem::path dir = path.parent_path();
  std::filesystem::path tmp;
  int raw = -1;
  for (int attempt = 0; attempt < 8 && raw < 0; ++attempt) {
    std::string name = ".";
    name += path.filename().string();
    name += ".tmp-";
    name += common::to_hex(random.bytes(8));
    tmp = dir / name;
    raw = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (raw < 0 && errno != EEXIST) return io_error("cannot create", tmp, errno);
  }
  if (raw < 0) return io_error("cannot create", tmp, EEXIST);
  Fd fd(raw);
  auto fail = [&tmp](common::Error e) {
    ::unlink(tmp.c_str());
    return e;
  };
  // The umask only removes bits from 0600, but it may remove the owner's too.
  if (::fchmod(fd.get(), 0600) != 0) return fail(io_error("cannot set the mode of", tmp, errno));
  if (auto w = write_all(fd.get(), content, tmp); !w) return fail(w.error());
  if (::fsync(fd.get()) != 0) return fail(io_error("cannot sync", tmp, errno));
  if (::close(fd.release()) != 0) return fail(io_error("cannot close", tmp, errno));
  // rename replaces a link at `path` itself; it never writes through it.
  if (::rename(tmp.c_str(), path.c_str()) != 0) return fail(io_error("cannot rename into", path, errno));
  return sync_dir(dir);
}

common::Result<void> ensure_private_dir(const std::filesystem::path& dir, std::vector<std::string>& notes) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    if (errno != ENOENT) return io_error("cannot stat", dir, errno);
    std::error_code ec;
    if (dir.has_parent_path()) std::filesystem::create_directories(dir.parent_path(), ec);
    if (ec) return common::Error{"DataDirError", "cannot create data folder " + dir.string() + ": " + ec.message(), ""};
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return io_error("cannot create data folder", dir, errno);
    // mkdir's mode is filtered by the umask: set it exactly.
    if (::chmod(dir.c_str(), 0700) != 0) return io_error("cannot set the mode of", dir, errno);
    return {};
  }
  if (!S_ISDIR(st.st_mode))
    return common::Error{"DataDirError", "data folder " + dir.string() + " is not a folder", ""};
  if ((st.st_mode & 0077) != 0) {
    if (::chmod(dir.c_str(), 0700) != 0) return io_error("cannot make private (chmod 700)", dir, errno);
    notes.push_back(dir.string() + " was open to other users (mode " + octal(st.st_mode) + "); set to 0700");
  }
  return {};
}

common::Result<void> tighten_private_file(const std::filesystem::path& file, std::vector<std::string>& notes) {
  struct stat st {};
  if (::lstat(file.c_str(), &st) != 0) {
    if (errno == ENOENT) return {};
    return io_error("cannot stat", file, errno);
  }
  if (S_ISLNK(st.st_mode)) return link_error(file);
  if (!S_ISREG(st.st_mode)) return common::Error{"DataDirError", file.string() + " is not a regular file", ""};
  if ((st.st_mode & 0077) != 0) {
    if (::chmod(file.c_str(), 0600) != 0) return io_error("cannot make private (chmod 600)", file, errno);
    notes.push_back(file.string() + " was open to other users (mode " + octal(st.st_mode) + "); set to 0600");
  }
  return {};
}

common::Result<std::string> read_key_file(const std::filesystem::path& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT)
      return common::Error{"DataDirError", "master key file " + path.string() + " does not exist", ""};
    return io_error("cannot stat", path, errno);
  }
  if (S_ISLNK(st.st_mode)) {
    return common::Error{"DataDirError",
                         "master key file " + path.string() + " is a symbolic link; give the file itself", ""};
  }
  if (!S_ISREG(st.st_mode)) {
    return common::Error{"DataDirError", "master key file " + path.string() + " is not a regular file", ""};
  }
  // Refused rather than tightened: the key may already have been read.
  if ((st.st_mode & 0077) != 0) {
    return common::Error{"DataDirError", path.string() + " is readable by other users; run: chmod 600 " + path.string(),
                         ""};
  }
  auto key = read_file(path);
  if (!key) return key.error();
  if (key->size() != crypto::kSealKeySize) {
    return common::Error{
        "DataDirError", path.string() + " is not a 32-byte key (damaged or not iamd's; `iamd keys generate` makes one)",
        ""};
  }
  return key;
}

common::Result<crypto::KeyRing> load_master_keys(const DataDir& dir, const MasterKeyFiles& files) {
  std::string current;
  if (files.current.empty()) {
    current = dir.master_key;
  } else {
    auto key = read_key_file(files.current);
    if (!key) return key.error();
    current = std::move(key).value();
  }
  if (current.size() != crypto::kSealKeySize) {
    return common::Error{"DataDirError", "no master key: give --master-key-file", ""};
  }
  std::vector<std::string> accepted;
  for (const std::filesystem::path& p : files.accepted) {
    auto key = read_key_file(p);
    if (!key) return key.error();
    accepted.push_back(std::move(key).value());
  }
  auto ring = crypto::KeyRing::make(std::move(current), std::move(accepted));
  if (!ring) return common::Error{"DataDirError", ring.error().message, ""};
  return ring;
}

common::Result<void> generate_key_file(const std::filesystem::path& path, common::Random& random) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    return common::Error{"DataDirError", path.string() + " exists already; iamd never overwrites a key", ""};
  }
  if (errno != ENOENT) return io_error("cannot stat", path, errno);
  return write_private_file(path, random.bytes(crypto::kSealKeySize));
}

common::Result<DataDir> open_data_dir(const std::filesystem::path& root, common::Random& random,
                                      bool default_master_key) {
  DataDir d;
  d.root = root;
  std::error_code ec;
  const bool existed = std::filesystem::exists(root, ec);
  if (auto r = ensure_private_dir(root, d.notes); !r) return r.error();
  d.created = !existed;
  if (::access(root.c_str(), W_OK | X_OK) != 0) return io_error("cannot write to data folder", root, errno);
  if (!default_master_key) return d;

  const std::filesystem::path key_path = root / "master.key";
  struct stat st {};
  if (::lstat(key_path.c_str(), &st) != 0) {
    if (errno != ENOENT) return io_error("cannot stat", key_path, errno);
    std::string key = random.bytes(crypto::kSealKeySize);
    if (auto w = write_private_file(key_path, key); !w) return w.error();
    d.master_key = std::move(key);
    d.created = true;
    return d;
  }
  if (S_ISLNK(st.st_mode)) return link_error(key_path);
  auto key = read_key_file(key_path);
  if (!key) return key.error();
  d.master_key = std::move(key).value();
  return d;
}

}  // namespace iamd::app
