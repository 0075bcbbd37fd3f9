// Comparing an event with expected TOML values, and writing both sides as JSON.
#include "pipeline/event_expectation.hpp"

#include <logagent/json_writer.hpp>

namespace logagent::core {
namespace {

constexpr std::string_view kTimestamp = "@timestamp";

void append_expected(std::string& out, const ExpectedValue& v) {
  switch (v.type) {
    case ExpectedValue::Type::String:
      json::append_string(out, v.text);
      break;
    case ExpectedValue::Type::Int:
      json::append_int(out, v.integer);
      break;
    case ExpectedValue::Type::Float:
      json::append_float(out, v.real);
      break;
    case ExpectedValue::Type::Bool:
      json::append_bool(out, v.boolean);
      break;
    case ExpectedValue::Type::Table:
      out += '{';
      for (size_t i = 0; i < v.items.size(); ++i) {
        if (i > 0) out += ',';
        json::append_string(out, v.keys[i]);
        out += ':';
        append_expected(out, v.items[i]);
      }
      out += '}';
      break;
    case ExpectedValue::Type::Array:
      out += '[';
      for (size_t i = 0; i < v.items.size(); ++i) {
        if (i > 0) out += ',';
        append_expected(out, v.items[i]);
      }
      out += ']';
      break;
  }
}

std::string_view string_of(const logagent_value& v) {
  return v.as.string.len == 0 ? std::string_view{} : std::string_view{v.as.string.ptr, v.as.string.len};
}

void append_actual(std::string& out, const Batch& batch, uint32_t handle) {
  const FieldNode* node = batch.field(handle);
  if (node == nullptr) {
    json::append_null(out);
    return;
  }
  const logagent_value& v = node->value;
  switch (v.type) {
    case LOGAGENT_VALUE_STRING:
      json::append_string(out, string_of(v));
      break;
    case LOGAGENT_VALUE_INT:
      json::append_int(out, v.as.integer);
      break;
    case LOGAGENT_VALUE_FLOAT:
      json::append_float(out, v.as.real);
      break;
    case LOGAGENT_VALUE_BOOL:
      json::append_bool(out, v.as.boolean != 0);
      break;
    case LOGAGENT_VALUE_MAP:
    case LOGAGENT_VALUE_ARRAY: {
      const bool map = v.type == LOGAGENT_VALUE_MAP;
      out += map ? '{' : '[';
      for (uint32_t c = node->first_child; c != 0; c = batch.field(c)->next) {
        if (c != node->first_child) out += ',';
        if (map) {
          json::append_string(out, batch.name_of(batch.field(c)->key));
          out += ':';
        }
        append_actual(out, batch, c);
      }
      out += map ? '}' : ']';
      break;
    }
    default:
      json::append_null(out);
      break;
  }
}

std::string expected_text(const ExpectedValue& v) {
  std::string out;
  append_expected(out, v);
  return out;
}

std::string actual_text(const Batch& batch, uint32_t handle) {
  std::string out;
  append_actual(out, batch, handle);
  return out;
}

std::string time_text(int64_t time_ns) {
  std::string out = "\"";
  json::TimestampFormatter().append(out, time_ns);
  return out + "\"";
}

// Whether the field `handle` equals `expected`: scalars by type and value, tables by the
// keys they give (others are ignored), arrays element by element.
bool matches(const Batch& batch, uint32_t handle, const ExpectedValue& expected) {
  const FieldNode* node = batch.field(handle);
  if (node == nullptr) return false;
  const logagent_value& v = node->value;
  switch (expected.type) {
    case ExpectedValue::Type::String:
      return v.type == LOGAGENT_VALUE_STRING && string_of(v) == expected.text;
    case ExpectedValue::Type::Int:
      return v.type == LOGAGENT_VALUE_INT && v.as.integer == expected.integer;
    case ExpectedValue::Type::Float:
      return v.type == LOGAGENT_VALUE_FLOAT && v.as.real == expected.real;
    case ExpectedValue::Type::Bool:
      return v.type == LOGAGENT_VALUE_BOOL && (v.as.boolean != 0) == expected.boolean;
    case ExpectedValue::Type::Table:
      if (v.type != LOGAGENT_VALUE_MAP) return false;
      for (size_t i = 0; i < expected.items.size(); ++i) {
        if (!matches(batch, batch.find_child_named(handle, expected.keys[i]), expected.items[i])) return false;
      }
      return true;
    case ExpectedValue::Type::Array: {
      if (v.type != LOGAGENT_VALUE_ARRAY) return false;
      uint32_t c = node->first_child;
      for (const ExpectedValue& item : expected.items) {
        if (c == 0 || !matches(batch, c, item)) return false;
        c = batch.field(c)->next;
      }
      return c == 0;
    }
  }
  return false;
}

void add(std::vector<std::string>& differences, const std::string& name, const std::string& expected,
         const std::string& got) {
  differences.push_back("field \"" + name + "\": expected " + expected + ", got " + got);
}

// A table is compared key by key, so each difference names the nested field ("a.b").
void compare_field(const Batch& batch, uint32_t handle, const std::string& name, const ExpectedValue& expected,
                   std::vector<std::string>& differences) {
  const FieldNode* node = batch.field(handle);
  if (node == nullptr) {
    add(differences, name, expected_text(expected), "no such field");
  } else if (expected.type == ExpectedValue::Type::Table && node->value.type == LOGAGENT_VALUE_MAP) {
    for (size_t i = 0; i < expected.items.size(); ++i) {
      compare_field(batch, batch.find_child_named(handle, expected.keys[i]), name + "." + expected.keys[i],
                    expected.items[i], differences);
    }
  } else if (!matches(batch, handle, expected)) {
    add(differences, name, expected_text(expected), actual_text(batch, handle));
  }
}

}  // namespace

void compare_event(const Batch& batch, uint32_t event, const TestExpectation& expectation,
                   std::vector<std::string>& differences) {
  for (size_t i = 0; i < expectation.field_names.size(); ++i) {
    const std::string& name = expectation.field_names[i];
    const ExpectedValue& expected = expectation.field_values[i];
    const uint32_t handle = batch.find_named(event, name);
    if (handle == 0 && name == kTimestamp) {
      const std::string time = time_text(batch.time(event));
      if (expected.type != ExpectedValue::Type::String || "\"" + expected.text + "\"" != time)
        add(differences, name, expected_text(expected), time);
      continue;
    }
    compare_field(batch, handle, name, expected, differences);
  }
  for (const std::string& name : expectation.exists) {
    if (name == kTimestamp || batch.find_named(event, name) != 0) continue;
    differences.push_back("field \"" + name + "\": expected to exist, got no such field");
  }
  for (const std::string& name : expectation.absent) {
    const uint32_t handle = batch.find_named(event, name);
    if (handle != 0) {
      add(differences, name, "no such field", actual_text(batch, handle));
    } else if (name == kTimestamp) {
      add(differences, name, "no such field", time_text(batch.time(event)));
    }
  }
}

}  // namespace logagent::core
