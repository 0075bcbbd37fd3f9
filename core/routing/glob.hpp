// Glob patterns for `match`: which tags a filter or output selects.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace logagent::core {

// `*` any run of characters (dots included, as in Fluent Bit), `?` one character,
// `[abc]`, `[a-z]`, `[!a-z]` one character of (or not of) a set, `\x` a literal x.
class Glob {
 public:
  // The reason a pattern is invalid, or nullopt when it is valid.
  static std::optional<std::string> validate(std::string_view pattern);
  // Precondition: validate(pattern) succeeded.
  explicit Glob(std::string pattern) : pattern_(std::move(pattern)) {}

  bool matches(std::string_view text) const noexcept;
  const std::string& pattern() const noexcept { return pattern_; }

 private:
  std::string pattern_;
};

}  // namespace logagent::core
