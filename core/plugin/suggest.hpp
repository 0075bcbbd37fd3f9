// "Did you mean": the closest known name to a misspelt one.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace logagent::core {

size_t edit_distance(std::string_view a, std::string_view b);
// The candidate closest to `name` when close enough to be a likely typo.
std::optional<std::string> closest_name(std::string_view name, const std::vector<std::string>& candidates);
// `; did you mean "x"?` or an empty string, to end a message with.
std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace logagent::core
