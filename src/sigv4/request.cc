#include "sigv4/request.h"

#include <algorithm>

#include "common/strings.h"

namespace iamd::sigv4 {

const std::string* Request::header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (common::iequals(n, name)) return &v;
  }
  return nullptr;
}

void Request::remove_header(std::string_view name) {
  std::erase_if(headers, [&](const auto& h) { return common::iequals(h.first, name); });
}

RequestView view_of(const Request& request, std::vector<HeaderView>& storage) {
  storage.clear();
  for (const auto& [n, v] : request.headers) storage.push_back({n, v});
  return RequestView{request.method, request.path, request.query, storage, request.body};
}

}  // namespace iamd::sigv4
