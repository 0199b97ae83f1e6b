// The AWS managed policy catalogue (data/aws-managed-policies.json: 1,485 policies as AWS
// publishes them), embedded in the binary's read-only data and read lazily: nothing is
// parsed at start. The first lookup builds a small index (names, paths, ARNs, dates and the
// place of each document in the embedded text: one pass over the text, no parse tree), and
// each policy's document is made compact the first time it is asked for. Start-up time and
// idle memory stay those of an empty server (issue 10). Safe to share between threads.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>

#include "common/result.h"

namespace iamd::iam {

class ManagedCatalog;

struct AwsManagedPolicy {
  std::string name;
  std::string path;                // "/" or "/service-role/" ...
  std::string arn;                 // arn:<partition>:iam::aws:policy<path><name>
  std::string policy_id;           // ANPA + 17 base32 characters derived from the ARN (stable)
  std::string default_version_id;  // "v1", "v2", ...
  std::string create_date;         // ISO 8601 as published
  std::string update_date;
  long long permissions_boundary_usage_count = 0;

  // The default version's document, compact JSON in the published key order (the published
  // text without its insignificant white space); made on first use.
  const std::string& document() const;

 private:
  friend class ManagedCatalog;
  std::string_view raw_document_;  // the Document value in the catalogue text
  mutable std::once_flag document_once_;
  mutable std::string document_;
  std::atomic<std::size_t>* documents_made_ = nullptr;  // the catalogue's counter, for tests
};

class ManagedCatalog {
 public:
  // A catalogue over `json` (which must outlive it); nothing is read until the first lookup.
  explicit ManagedCatalog(std::string_view json, std::string_view partition = "aws");
  ManagedCatalog(ManagedCatalog&&) noexcept;
  ManagedCatalog& operator=(ManagedCatalog&&) noexcept;
  ~ManagedCatalog();

  // Reads the catalogue at once (index and every document) and reports what is wrong with
  // it; ARNs use `partition`. For tests and tools.
  static common::Result<ManagedCatalog> load(std::string_view json, std::string_view partition = "aws");
  // The catalogue embedded at build time, for the "aws" partition. Costs nothing until used.
  static const ManagedCatalog& builtin();
  // The embedded catalogue's text (in the binary's read-only data).
  static std::string_view embedded_text();

  // In file order.
  std::span<const AwsManagedPolicy> all() const;
  const AwsManagedPolicy* find_by_arn(std::string_view arn) const;
  const AwsManagedPolicy* find_by_name(std::string_view name) const;

  // For tests: whether the index has been built, and how many documents have been made.
  bool indexed() const;
  std::size_t documents_made() const;

 private:
  struct State;
  struct Index;
  const Index& index() const;
  static common::Result<std::unique_ptr<Index>> build_index(std::string_view text, std::string_view partition,
                                                            std::atomic<std::size_t>* counter);

  std::unique_ptr<State> state_;  // on the heap: stays in place when the catalogue moves
};

// The policy id AWS-style for an ARN: "ANPA" + 17 base32 characters of SHA-256(arn).
std::string stable_policy_id(std::string_view arn);

}  // namespace iamd::iam
