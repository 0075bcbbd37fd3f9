// Option schemas (a plugin's logagent_option table, or the core's own) and the values they
// validate: conversion from TOML and from default texts, choices, ranges, table checks.
#pragma once

#include "plugin/source_position.hpp"

#include <logagent/plugin.h>

#include <toml++/toml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace logagent::core {

// One option's validated value.
struct OptionValue {
  uint32_t type = 0;    // logagent_option_type
  int64_t integer = 0;  // INT, DURATION (ns), SIZE (bytes)
  double real = 0;
  bool boolean = false;
  std::string text;                                        // STRING
  std::vector<std::pair<std::string, std::string>> items;  // LIST (keys empty) and TABLE
  std::vector<SourcePosition> item_where;                  // where items[i] was written
  SourcePosition where;                                    // of the value; of the section when it is a default
};

// The options the core itself reads from every section of `kind` (type, tag or match, id,
// retry_*), besides the plugin's own: checked like plugin options and shown by `logagent
// plugins NAME`. A plugin may not declare options of these names. Empty for other kinds.
const std::vector<logagent_option>& common_options(uint32_t kind);

// 1 to 64 characters of [a-z0-9_]: plugin and option names.
bool valid_schema_name(const char* name) noexcept;

// "string", "integer", "duration", ... as `logagent plugins` shows a type.
std::string_view option_type_name(uint32_t type) noexcept;

// "a string", "an integer", "a table", ... for "got ..." in messages.
std::string toml_type_name(const toml::node& node);

// What a value must look like, e.g. `a string (e.g. "raw")`, `a size such as "64KiB" or "8MiB"`.
std::string expected_text(const logagent_option& option);

// The values an option allows, in schema order; empty when it allows any (choices NULL).
std::vector<std::string_view> option_choices(const logagent_option& option);

// Converts a TOML value (or, with node == nullptr, the option's default text) to an option
// value. Returns a message saying what was expected, or nullopt on success. Choices and
// ranges are checked by constraint_problem, with one exception: a STRING option whose
// choices include the decimal text of an integer ("0", "1", "all") takes a bare TOML
// integer as that text, and refuses here an integer that is no choice. A STRING_TABLE's
// integers, floats and booleans become their text (5 -> "5", 1.5 -> "1.5", false ->
// "false"). A secret's value is never echoed.
std::optional<std::string> convert_option(const logagent_option& option, const toml::node* node, OptionValue& out);

// Why a converted value breaks the option's choices or range, e.g.
// `expected one of "json", "raw", got "jsn"; did you mean "json"?` or
// `must be at least 1KiB, got 512B`; nullopt when it is allowed. For a secret option the
// message neither echoes the value nor suggests a choice.
std::optional<std::string> constraint_problem(const logagent_option& option, const OptionValue& value);

// Copies a plugin's option table: entry i starts at (const char*)options + i * option_size
// and min(option_size, sizeof(logagent_option)) bytes of it are copied into a zeroed entry,
// so entries of a plugin built against a later ABI minor (larger, with members appended)
// are read correctly. Precondition: options != NULL when count > 0.
std::vector<logagent_option> copy_option_table(const void* options, uint32_t count, uint32_t option_size);

// What is wrong with an option table, checked as a plugin library loads, before any plugin
// code runs: an invalid name or type, a name declared twice or reserved by the core for
// `kind`, a required option with a default, a default the config loader would refuse,
// choices on a type other than STRING/STRING_LIST (or empty, repeated, or without the
// default), a range on a non-numeric type (or unparsable, min > max, or excluding the
// default). The message names the option and `plugin_name`; nullopt when the table is valid.
std::optional<std::string> option_table_problem(uint32_t kind, std::string_view plugin_name,
                                                const std::vector<logagent_option>& options);

}  // namespace logagent::core
