// Validation of the [[tests]] tables, as strict as the other sections' (unknown keys, types).
#include "config/pipeline_tests.hpp"

#include "plugin/option_schema.hpp"
#include "plugin/suggest.hpp"

#include <algorithm>
#include <chrono>
#include <tuple>

namespace logagent::core {
namespace {

SourcePosition position(const std::string& file, const toml::node& node) {
  const auto& begin = node.source().begin;
  return SourcePosition{file, begin.line, begin.column};
}

std::string in_quotes(std::string_view s) { return "\"" + std::string(s) + "\""; }

// Reports keys of `table` not in `known`; true if there was none.
bool only_known_keys(const std::string& file, const toml::table& table, const std::vector<std::string>& known,
                     const std::string& section, ConfigErrors& errors) {
  bool ok = true;
  std::string list;
  for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
  for (const auto& [key, node] : table) {
    if (std::find(known.begin(), known.end(), key.str()) != known.end()) continue;
    errors.push_back(
        {position(file, node), section,
         "unknown key " + in_quotes(key.str()) + did_you_mean(key.str(), known) + " (expected " + list + ")"});
    ok = false;
  }
  return ok;
}

struct Reader {
  const std::string& file;
  const std::string& section;
  ConfigErrors& errors;

  void wrong(const toml::node& node, std::string_view key, std::string_view expected) {
    errors.push_back(
        {position(file, node), section,
         "key " + in_quotes(key) + ": expected " + std::string(expected) + ", got " + toml_type_name(node)});
  }

  std::optional<std::string> string(const toml::node& node, std::string_view key) {
    if (const auto* s = node.as_string()) return s->get();
    wrong(node, key, "a string");
    return std::nullopt;
  }

  // An array of strings; nullopt (after an error at the culprit) otherwise.
  std::optional<std::vector<std::string>> strings(const toml::node& node, std::string_view key) {
    const toml::array* array = node.as_array();
    if (array == nullptr) {
      wrong(node, key, "an array of strings");
      return std::nullopt;
    }
    std::vector<std::string> out;
    bool ok = true;
    for (size_t i = 0; i < array->size(); ++i) {
      const toml::node& item = *array->get(i);
      if (const auto* s = item.as_string()) {
        out.push_back(s->get());
      } else {
        wrong(item, std::string(key) + "[" + std::to_string(i) + "]", "a string");
        ok = false;
      }
    }
    if (!ok) return std::nullopt;
    return out;
  }

  // A value of `fields`, named "fields.a.b" in errors.
  std::optional<ExpectedValue> expected(const toml::node& node, const std::string& key) {
    ExpectedValue v;
    switch (node.type()) {
      case toml::node_type::string:
        v.type = ExpectedValue::Type::String;
        v.text = node.as_string()->get();
        return v;
      case toml::node_type::integer:
        v.type = ExpectedValue::Type::Int;
        v.integer = node.as_integer()->get();
        return v;
      case toml::node_type::floating_point:
        v.type = ExpectedValue::Type::Float;
        v.real = node.as_floating_point()->get();
        return v;
      case toml::node_type::boolean:
        v.type = ExpectedValue::Type::Bool;
        v.boolean = node.as_boolean()->get();
        return v;
      case toml::node_type::table: {
        v.type = ExpectedValue::Type::Table;
        if (!table_items(*node.as_table(), key, v.keys, v.items)) return std::nullopt;
        return v;
      }
      case toml::node_type::array: {
        v.type = ExpectedValue::Type::Array;
        const toml::array& array = *node.as_array();
        bool ok = true;
        for (size_t i = 0; i < array.size(); ++i) {
          auto item = expected(*array.get(i), key + "[" + std::to_string(i) + "]");
          if (item) {
            v.items.push_back(std::move(*item));
          } else {
            ok = false;
          }
        }
        if (!ok) return std::nullopt;
        return v;
      }
      default:
        wrong(node, key, "a string, integer, float, boolean, table or array");
        return std::nullopt;
    }
  }

  // A table's items in the order written (toml++ keeps keys sorted), but for `skip`.
  bool table_items(const toml::table& table, const std::string& key, std::vector<std::string>& keys,
                   std::vector<ExpectedValue>& values, std::string_view skip = {}) {
    std::vector<std::pair<std::string, const toml::node*>> items;
    for (const auto& [k, node] : table) {
      if (skip.empty() || k.str() != skip) items.emplace_back(std::string(k.str()), &node);
    }
    std::stable_sort(items.begin(), items.end(), [](const auto& a, const auto& b) {
      const auto& pa = a.second->source().begin;
      const auto& pb = b.second->source().begin;
      return std::tie(pa.line, pa.column) < std::tie(pb.line, pb.column);
    });
    bool ok = true;
    for (const auto& [k, node] : items) {
      std::string name = key;
      name += '.';
      name += k;
      auto value = expected(*node, name);
      if (!value) {
        ok = false;
        continue;
      }
      keys.push_back(k);
      values.push_back(std::move(*value));
    }
    return ok;
  }

  // An event's "@timestamp": a TOML offset date-time (2026-12-01T10:00:00.250+01:00), as ns
  // since the epoch. A time without its offset would be read in some zone or other: refused.
  std::optional<int64_t> timestamp(const toml::node& node, const std::string& key) {
    const auto* value = node.as_date_time();
    if (value == nullptr || !value->get().offset) {
      const std::string got = value != nullptr ? "a date/time without an offset" : toml_type_name(node);
      errors.push_back({position(file, node), section,
                        "key " + in_quotes(key) +
                            ": expected a date/time with its offset, unquoted, e.g. 2026-12-01T10:00:00Z, got " + got});
      return std::nullopt;
    }
    const toml::date_time& t = value->get();
    using namespace std::chrono;
    const sys_days day{year{t.date.year} / month{t.date.month} / std::chrono::day{t.date.day}};
    const seconds clock = hours{t.time.hour} + minutes{t.time.minute} + seconds{t.time.second};
    const nanoseconds since_epoch =
        day.time_since_epoch() + clock + nanoseconds{t.time.nanosecond} - minutes{t.offset->minutes};
    return since_epoch.count();
  }

  // `events`: an array of tables of fields, at least one.
  std::optional<std::vector<TestEvent>> events(const toml::node& node) {
    const toml::array* array = node.as_array();
    if (array == nullptr || array->empty() || !array->is_array_of_tables()) {
      wrong(node, "events", "an array of tables of fields, at least one, e.g. events = [{ message = \"hi\" }]");
      return std::nullopt;
    }
    std::vector<TestEvent> out;
    bool ok = true;
    for (size_t i = 0; i < array->size(); ++i) {
      const toml::table& table = *array->get(i)->as_table();
      const std::string key = "events[" + std::to_string(i) + "]";
      TestEvent event;
      if (const toml::node* time = table.get("@timestamp")) {
        event.time_ns = timestamp(*time, key + ".@timestamp");
        ok = ok && event.time_ns.has_value();
      }
      ok = table_items(table, key, event.field_names, event.field_values, "@timestamp") && ok;
      out.push_back(std::move(event));
    }
    if (!ok) return std::nullopt;
    return out;
  }
};

std::vector<std::string> ids_of(const std::vector<ComponentConfig>& components) {
  std::vector<std::string> ids;
  ids.reserve(components.size());
  for (const auto& c : components) ids.push_back(c.id);
  return ids;
}

std::string listed(const std::vector<std::string>& names) {
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + in_quotes(n);
  return list;
}

// The index of the component with id `id`, or nullopt after an error at `node`.
std::optional<size_t> resolve(const std::vector<ComponentConfig>& components, const std::string& id, const char* kind,
                              const std::string& file, const toml::node& node, const std::string& section,
                              const std::string& key, ConfigErrors& errors) {
  std::vector<size_t> found;
  for (size_t i = 0; i < components.size(); ++i) {
    if (components[i].id == id) found.push_back(i);
  }
  if (found.size() == 1) return found[0];
  if (found.empty()) {
    const auto ids = ids_of(components);
    errors.push_back({position(file, node), section,
                      "key " + in_quotes(key) + ": no " + kind + " has the id " + in_quotes(id) +
                          did_you_mean(id, ids) + " (" + kind + " ids: " + listed(ids) + ")"});
  } else {
    errors.push_back({position(file, node), section,
                      "key " + in_quotes(key) + ": the id " + in_quotes(id) + " (derived from type and match) is " +
                          "shared by " + std::to_string(found.size()) + " " + kind + "s; set `id` on the one to test"});
  }
  return std::nullopt;
}

// Every string under `node` that names an unset variable without a fallback (left as
// written, so a test would compare "${NAME}" without a word): an error at the string.
void report_unset(const ConfigDocument& doc, const toml::node& node, const std::string& key, const std::string& section,
                  ConfigErrors& errors) {
  if (node.is_string()) {
    auto it = doc.unset.find(unset_key(node));
    if (it == doc.unset.end()) return;
    for (const std::string& name : it->second)
      errors.push_back(
          {position(doc.file, node), section, "key " + in_quotes(key) + ": " + unset_variable_message(name)});
  } else if (const toml::array* array = node.as_array()) {
    for (size_t i = 0; i < array->size(); ++i)
      report_unset(doc, *array->get(i), key + "[" + std::to_string(i) + "]", section, errors);
  } else if (const toml::table* table = node.as_table()) {
    for (const auto& [k, value] : *table) report_unset(doc, value, key + "." + std::string(k.str()), section, errors);
  }
}

const std::vector<std::string> kTestKeys = {"name", "input", "lines", "events", "expect"};
const std::vector<std::string> kExpectKeys = {"output", "count", "fields", "exists", "absent"};

std::optional<TestExpectation> read_expectation(const ConfigDocument& doc, const PipelineConfig& config,
                                                bool resolve_ids, const toml::table& table, size_t index,
                                                const std::string& section, ConfigErrors& errors) {
  const size_t errors_before = errors.size();
  only_known_keys(doc.file, table, kExpectKeys, section, errors);
  Reader read{doc.file, section, errors};
  TestExpectation e;
  e.where = position(doc.file, table);
  e.index = index;
  if (const toml::node* node = table.get("output")) {
    if (auto id = read.string(*node, "output")) {
      e.output_id = *id;
      if (resolve_ids) {
        if (auto i = resolve(config.outputs, *id, "output", doc.file, *node, section, "output", errors)) e.output = *i;
      }
    }
  } else {
    errors.push_back({e.where, section, "missing key \"output\": expected the id of the output to check"});
  }
  if (const toml::node* node = table.get("count")) {
    if (const auto* n = node->as_integer(); n != nullptr && n->get() >= 0) {
      e.count = n->get();
    } else {
      read.wrong(*node, "count", "an integer of 0 or more");
    }
  }
  if (const toml::node* node = table.get("fields")) {
    if (const toml::table* fields = node->as_table()) {
      read.table_items(*fields, "fields", e.field_names, e.field_values);
    } else {
      read.wrong(*node, "fields", "a table of field names and values, e.g. fields = { status = 200 }");
    }
  }
  for (auto [key, out] : {std::pair{"exists", &e.exists}, std::pair{"absent", &e.absent}}) {
    if (const toml::node* node = table.get(key)) {
      if (auto names = read.strings(*node, key)) *out = std::move(*names);
    }
  }
  if (errors.size() != errors_before) return std::nullopt;
  return e;
}

std::optional<PipelineTest> read_test(const ConfigDocument& doc, const PipelineConfig& config, bool resolve_ids,
                                      const toml::table& table, const std::string& section, ConfigErrors& errors) {
  const size_t errors_before = errors.size();
  only_known_keys(doc.file, table, kTestKeys, section, errors);
  for (const auto& [key, value] : table) report_unset(doc, value, std::string(key.str()), section, errors);
  Reader read{doc.file, section, errors};
  PipelineTest test;
  test.where = position(doc.file, table);
  auto missing = [&](const char* key, const char* expected) {
    errors.push_back({test.where, section, "missing key " + in_quotes(key) + ": expected " + expected});
  };
  if (const toml::node* node = table.get("name")) {
    if (auto name = read.string(*node, "name")) test.name = *name;
  } else {
    missing("name", "a string saying what the test checks");
  }
  if (const toml::node* node = table.get("input")) {
    if (auto id = read.string(*node, "input")) {
      test.input_id = *id;
      if (resolve_ids) {
        if (auto i = resolve(config.inputs, *id, "input", doc.file, *node, section, "input", errors)) test.input = *i;
      }
    }
  } else {
    missing("input", "the id of the input whose place the lines take");
  }
  const toml::node* lines = table.get("lines");
  const toml::node* events = table.get("events");
  if (lines != nullptr && events != nullptr) {
    errors.push_back({position(doc.file, *events), section,
                      "key \"events\": a test gives lines or events, not both (lines are on line " +
                          std::to_string(lines->source().begin.line) + ")"});
  } else if (lines != nullptr) {
    if (auto given = read.strings(*lines, "lines")) {
      test.lines = std::move(*given);
      if (test.lines.empty()) read.wrong(*lines, "lines", "at least one line");
    }
  } else if (events != nullptr) {
    if (auto given = read.events(*events)) test.events = std::move(*given);
  } else {
    missing("lines", "an array of strings, the lines the input would read (or \"events\", tables of fields)");
  }
  const toml::node* expect = table.get("expect");
  const toml::array* expectations = expect != nullptr ? expect->as_array() : nullptr;
  if (expect == nullptr) {
    missing("expect", "at least one [[tests.expect]] table");
  } else if (expectations == nullptr || !expectations->is_array_of_tables() || expectations->empty()) {
    read.wrong(*expect, "expect", "[[tests.expect]] tables");
  } else {
    for (size_t i = 0; i < expectations->size(); ++i) {
      auto e = read_expectation(doc, config, resolve_ids, *expectations->get(i)->as_table(), i,
                                section + ".expect[" + std::to_string(i) + "]", errors);
      if (e) test.expectations.push_back(std::move(*e));
    }
  }
  if (errors.size() != errors_before) return std::nullopt;
  return test;
}

}  // namespace

std::vector<PipelineTest> read_tests(const ConfigDocument& doc, const PipelineConfig& config, bool resolve_ids,
                                     ConfigErrors& errors) {
  std::vector<PipelineTest> tests;
  const toml::node* node = doc.root.get("tests");
  if (node == nullptr) return tests;
  const toml::array* array = node->as_array();
  if (array == nullptr || !array->is_array_of_tables()) {
    errors.push_back({position(doc.file, *node), "tests", "expected [[tests]] tables, got " + toml_type_name(*node)});
    return tests;
  }
  for (size_t i = 0; i < array->size(); ++i) {
    const std::string section = "tests[" + std::to_string(i) + "]";
    auto test = read_test(doc, config, resolve_ids, *array->get(i)->as_table(), section, errors);
    if (!test) continue;
    auto same = std::find_if(tests.begin(), tests.end(), [&](const PipelineTest& t) { return t.name == test->name; });
    if (same != tests.end()) {
      errors.push_back({test->where, section,
                        "a test named " + in_quotes(test->name) + " is already on line " +
                            std::to_string(same->where.line) + ": give each test its own name"});
      continue;
    }
    tests.push_back(std::move(*test));
  }
  return tests;
}

}  // namespace logagent::core
