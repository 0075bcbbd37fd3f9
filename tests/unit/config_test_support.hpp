// What the configuration tests share: pipelines written line by line, loaded the way the
// command line loads them, and errors compared by exact position, section and message.
#pragma once

#include "config/config_error.hpp"
#include "config/config_loader.hpp"
#include "config/pipeline_config.hpp"
#include "plugin/plugin_registry.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace logagent::core::config_test {

inline constexpr const char* kFile = "test.toml";

// One line per argument, so line N of the file is the N-th argument.
inline std::string lines(std::initializer_list<std::string_view> ls) {
  std::string text;
  for (auto l : ls) {
    text += l;
    text += '\n';
  }
  return text;
}

struct Loaded {
  bool parsed = false;
  PipelineConfig config;
  ConfigErrors errors;
};

// Syntax, [service], sections and routes, as `logagent check` runs them (without sorting).
inline Loaded load_config(std::string_view text, const PluginRegistry& registry,
                          const EnvironmentLookup& environment = process_environment) {
  Loaded r;
  r.config.file = kFile;
  auto doc = parse_config_text(text, kFile, r.errors, environment);
  if (!doc) return r;
  r.parsed = true;
  r.config.service = read_service(*doc, r.errors);
  read_components(*doc, registry, r.config, r.errors);
  check_routes(r.config, r.errors);
  return r;
}

inline std::string dump(const ConfigErrors& errors) {
  std::string out;
  for (const auto& e : errors) out += "  " + e.to_string() + "\n";
  return out;
}

inline void expect_error(const ConfigError& e, uint32_t line, uint32_t column, std::string_view section,
                         std::string_view message) {
  EXPECT_EQ(e.where.file, kFile);
  EXPECT_EQ(e.where.line, line) << e.to_string();
  EXPECT_EQ(e.where.column, column) << e.to_string();
  EXPECT_EQ(e.section, section) << e.to_string();
  EXPECT_EQ(e.message, message) << e.to_string();
}

// Expects exactly one error, with this position, section and message.
inline void expect_only_error(const Loaded& r, uint32_t line, uint32_t column, std::string_view section,
                              std::string_view message) {
  ASSERT_EQ(r.errors.size(), 1u) << dump(r.errors);
  expect_error(r.errors[0], line, column, section, message);
}

}  // namespace logagent::core::config_test
