// Environment variables in configuration strings: ${NAME}, ${NAME:-fallback} and $${.
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace logagent::core {

// The value of a variable, or nullopt when it is unset. process_environment reads the
// agent's own environment; tests pass their own.
using EnvironmentLookup = std::function<std::optional<std::string>(const std::string& name)>;
std::optional<std::string> process_environment(const std::string& name);

struct Expansion {
  std::string text;                // with every reference replaced
  std::vector<std::string> unset;  // names referenced without a fallback and not set, in order, once each
};

// Replaces, left to right and without rescanning what was put in:
//   ${NAME}            by the variable's value (empty when set but empty)
//   ${NAME:-fallback}  by the value, or by `fallback` (taken literally up to the first '}')
//                      when the variable is unset or empty
//   $${                by a literal "${"
// NAME is [A-Za-z_][A-Za-z0-9_]*. Any other '$' stays as written, so regexes ending in
// '$' and texts such as "${1}" or "${A-b}" need no escaping.
Expansion expand_environment(std::string_view text, const EnvironmentLookup& lookup);

// The variables each string value failed on, keyed by the value's (line, column): enough
// to report them later with the section and option they belong to.
using UnsetVariables = std::map<std::pair<uint32_t, uint32_t>, std::vector<std::string>>;
UnsetVariables::key_type unset_key(const toml::node& value);

// Expands every string value under `node` in place (array items and table values, at any
// depth; keys never). A value naming an unset variable without a fallback is left as
// written and recorded in `unset`.
void substitute_environment(toml::node& node, const EnvironmentLookup& lookup, UnsetVariables& unset);

// "environment variable "NAME" is not set (write ${NAME:-fallback} for a default)".
std::string unset_variable_message(const std::string& name);

}  // namespace logagent::core
