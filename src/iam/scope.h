// The unit of work of one domain call: the account it acts in and the store transaction the
// caller opened (the API's operation pipeline, a tool, a test). Domain functions read and
// write through it and never begin or commit a transaction themselves, so that the pipeline
// resolves an operation's target, authorizes it and runs it in one snapshot, and commits
// once. A write function that fails leaves the transaction as it was (store.h's contract)
// and the caller rolls back.
#pragma once

#include <string_view>
#include <utility>

#include "store/store.h"

namespace iamd::iam {

// Reads of one snapshot.
struct Read {
  std::string_view account_id;
  store::ReadTransaction& tx;
};

// Reads and writes of one write transaction, committed by whoever opened it.
struct Write {
  std::string_view account_id;
  store::Transaction& tx;
  operator Read() const { return Read{account_id, tx}; }  // NOLINT(google-explicit-constructor)
};

// Runs `f(const Write&)` in a write transaction of its own and commits it when `f` succeeds
// (start-up, tools and tests; operations run in the pipeline's transaction). `f` returns a
// common::Result.
template <class F>
auto in_write(store::Store& store, std::string_view account_id, F&& f) -> decltype(f(std::declval<const Write&>())) {
  auto tx = store.begin_write();
  if (!tx) return tx.error();
  auto result = std::forward<F>(f)(Write{account_id, **tx});
  if (!result) return result;
  if (auto c = (*tx)->commit(); !c) return c.error();
  return result;
}

// Runs `f(const Read&)` in a read snapshot of its own.
template <class F>
auto in_read(store::Store& store, std::string_view account_id, F&& f) -> decltype(f(std::declval<const Read&>())) {
  auto tx = store.begin_read();
  if (!tx) return tx.error();
  return std::forward<F>(f)(Read{account_id, **tx});
}

}  // namespace iamd::iam
