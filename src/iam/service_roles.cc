#include "iam/service_roles.h"

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "common/strings.h"

// The table file, linked in by service_roles_data.S.
extern "C" const char iamd_service_roles_begin[];
extern "C" const char iamd_service_roles_end[];

namespace iamd::iam {

common::Result<std::vector<ServiceRole>> parse_service_roles(std::string_view text) {
  std::vector<ServiceRole> out;
  std::size_t line_no = 0;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    if (line.empty() || line.front() == '#') continue;
    std::vector<std::string_view> f = common::split(line, '\t');
    auto bad = [&] {
      return common::Error{"ServiceFailure",
                           "service-linked-roles.tsv line " + std::to_string(line_no) + " is malformed"};
    };
    if (f.size() != 5 || f[0].empty() || f[1].empty() || f[3].empty() || (f[2] != "yes" && f[2] != "no")) return bad();
    if (!f[0].ends_with(".amazonaws.com") || !f[1].starts_with("AWSServiceRoleFor")) return bad();
    out.push_back(ServiceRole{f[0], f[1], f[2] == "yes", f[3]});
  }
  std::sort(out.begin(), out.end(), [](const ServiceRole& a, const ServiceRole& b) { return a.service < b.service; });
  for (std::size_t i = 1; i < out.size(); ++i) {
    if (out[i].service == out[i - 1].service) {
      return common::Error{"ServiceFailure",
                           "service-linked-roles.tsv lists " + std::string(out[i].service) + " twice"};
    }
  }
  return out;
}

std::span<const ServiceRole> service_roles() {
  static const std::vector<ServiceRole> table = [] {
    const std::string_view text(iamd_service_roles_begin,
                                static_cast<std::size_t>(iamd_service_roles_end - iamd_service_roles_begin));
    auto parsed = parse_service_roles(text);
    // The file is part of the build and checked by tests/iam/service_roles_test.cc.
    if (!parsed) std::abort();
    return std::move(parsed).value();
  }();
  return table;
}

const ServiceRole* find_service_role(std::string_view service) {
  const std::span<const ServiceRole> all = service_roles();
  auto it = std::lower_bound(all.begin(), all.end(), service,
                             [](const ServiceRole& r, std::string_view s) { return r.service < s; });
  return it != all.end() && it->service == service ? &*it : nullptr;
}

}  // namespace iamd::iam
