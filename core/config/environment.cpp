// Expansion of ${NAME} and ${NAME:-fallback} in configuration strings.
#include "config/environment.hpp"

#include <algorithm>
#include <cstdlib>

namespace logagent::core {
namespace {

bool name_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool name_char(char c) { return name_start(c) || (c >= '0' && c <= '9'); }

// One ${...} reference starting at text[at] == '$', when it is one.
struct Reference {
  std::string name;
  std::optional<std::string> fallback;
  size_t length = 0;  // from the '$' to the closing '}' included
};

std::optional<Reference> reference_at(std::string_view text, size_t at) {
  size_t i = at + 2;  // past "${"
  if (i >= text.size() || !name_start(text[i])) return std::nullopt;
  while (i < text.size() && name_char(text[i])) ++i;
  Reference ref;
  ref.name = std::string(text.substr(at + 2, i - at - 2));
  if (i < text.size() && text[i] == '}') {
    ref.length = i + 1 - at;
    return ref;
  }
  if (text.substr(i, 2) != ":-") return std::nullopt;
  const size_t close = text.find('}', i + 2);
  if (close == std::string_view::npos) return std::nullopt;
  ref.fallback = std::string(text.substr(i + 2, close - i - 2));
  ref.length = close + 1 - at;
  return ref;
}

}  // namespace

std::optional<std::string> process_environment(const std::string& name) {
  // Read once while the configuration is loaded, before any thread that could setenv runs.
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

Expansion expand_environment(std::string_view text, const EnvironmentLookup& lookup) {
  Expansion out;
  out.text.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const size_t dollar = text.find('$', i);
    if (dollar == std::string_view::npos) {
      out.text.append(text.substr(i));
      break;
    }
    out.text.append(text.substr(i, dollar - i));
    if (text.substr(dollar, 3) == "$${") {
      out.text.append("${");
      i = dollar + 3;
      continue;
    }
    std::optional<Reference> ref;
    if (text.substr(dollar, 2) == "${") ref = reference_at(text, dollar);
    if (!ref) {
      out.text.push_back('$');
      i = dollar + 1;
      continue;
    }
    std::optional<std::string> value = lookup(ref->name);
    if (ref->fallback && (!value || value->empty())) {
      out.text.append(*ref->fallback);
    } else if (value) {
      out.text.append(*value);
    } else if (std::find(out.unset.begin(), out.unset.end(), ref->name) == out.unset.end()) {
      out.unset.push_back(ref->name);
    }
    i = dollar + ref->length;
  }
  return out;
}

UnsetVariables::key_type unset_key(const toml::node& value) {
  return {value.source().begin.line, value.source().begin.column};
}

void substitute_environment(toml::node& node, const EnvironmentLookup& lookup, UnsetVariables& unset) {
  if (toml::value<std::string>* string = node.as_string()) {
    Expansion expanded = expand_environment(string->get(), lookup);
    if (expanded.unset.empty()) {
      string->get() = std::move(expanded.text);  // in place: the value keeps its source position
    } else {
      unset[unset_key(node)] = std::move(expanded.unset);
    }
  } else if (toml::array* array = node.as_array()) {
    for (toml::node& item : *array) substitute_environment(item, lookup, unset);
  } else if (toml::table* table = node.as_table()) {
    for (auto&& [key, value] : *table) substitute_environment(value, lookup, unset);
  }
}

std::string unset_variable_message(const std::string& name) {
  return "environment variable \"" + name + "\" is not set (write ${" + name + ":-fallback} for a default)";
}

}  // namespace logagent::core
