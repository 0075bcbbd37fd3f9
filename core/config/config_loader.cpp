// Validation of a pipeline file against the core's and the plugins' option schemas.
#include "config/config_loader.hpp"

#include "config/suggest.hpp"
#include "config/units.hpp"
#include "pipeline/glob.hpp"

#include <logagent/plugin.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace logagent::core {
namespace {

SourcePosition position(const std::string& file, const toml::node& node) {
  const auto& begin = node.source().begin;
  return SourcePosition{file, begin.line, begin.column};
}

std::string toml_type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::date:
    case toml::node_type::time:
    case toml::node_type::date_time:
      return "a date/time";
    default:
      return "nothing";
  }
}

std::string in_quotes(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string expected_text(const logagent_option& option) {
  std::string what;
  switch (option.type) {
    case LOGAGENT_OPTION_STRING:
      what = "a string";
      break;
    case LOGAGENT_OPTION_INT:
      what = "an integer";
      break;
    case LOGAGENT_OPTION_FLOAT:
      what = "a number";
      break;
    case LOGAGENT_OPTION_BOOL:
      what = "true or false";
      break;
    case LOGAGENT_OPTION_DURATION:
      what = "a duration such as \"250ms\", \"5s\" or \"1m\"";
      break;
    case LOGAGENT_OPTION_SIZE:
      what = "a size such as \"64KiB\" or \"8MiB\"";
      break;
    case LOGAGENT_OPTION_STRING_LIST:
      what = "an array of strings";
      break;
    case LOGAGENT_OPTION_STRING_TABLE:
      what = "a table of strings such as { key = \"value\" }";
      break;
    default:
      what = "a value";
      break;
  }
  if (option.example != nullptr && option.type != LOGAGENT_OPTION_DURATION && option.type != LOGAGENT_OPTION_SIZE)
    what += std::string(" (e.g. ") + option.example + ")";
  return what;
}

// The service options, validated with the same machinery as plugin options.
const std::vector<logagent_option>& service_options() {
  static const std::vector<logagent_option> options = {
      logagent::option("log_level", LOGAGENT_OPTION_STRING)
          .defaults("info")
          .doc("Internal log level on stderr: trace, debug, info, warn, error, off")
          .example("\"info\""),
      logagent::option("state_dir", LOGAGENT_OPTION_STRING)
          .defaults("/var/lib/logagent")
          .doc("Folder where inputs keep their positions")
          .example("\"/var/lib/logagent\""),
      logagent::option("plugin_dirs", LOGAGENT_OPTION_STRING_LIST)
          .doc("Folders searched for plugins after the built-in one")
          .example("[\"/opt/logagent/plugins\"]"),
      logagent::option("queue_max_bytes", LOGAGENT_OPTION_SIZE)
          .defaults("4MiB")
          .doc("Per input: bytes of events not yet acknowledged before the input is paused")
          .example("\"16MiB\""),
      logagent::option("batch_max_events", LOGAGENT_OPTION_INT)
          .defaults("2048")
          .doc("Events after which a batch is handed on")
          .example("2048"),
      logagent::option("batch_max_bytes", LOGAGENT_OPTION_SIZE)
          .defaults("1MiB")
          .doc("Bytes per batch before it is handed on")
          .example("\"1MiB\""),
      logagent::option("grace_period", LOGAGENT_OPTION_DURATION)
          .defaults("5s")
          .doc("On shutdown, how long to wait for outputs to deliver what is queued")
          .example("\"5s\""),
  };
  return options;
}

std::vector<std::string> option_names(const std::vector<const logagent_option*>& options) {
  std::vector<std::string> names;
  for (const auto* o : options) names.emplace_back(o->name);
  return names;
}

const logagent_option* find_in(const std::vector<const logagent_option*>& options, std::string_view name) {
  for (const auto* o : options) {
    if (name == o->name) return o;
  }
  return nullptr;
}

// Validates the keys of `table` against `schema`: unknown keys, types, required options.
// Returns the converted values, defaults applied for absent options.
std::map<std::string, OptionValue, std::less<>> read_options(const std::string& file, const toml::table& table,
                                                             const std::vector<const logagent_option*>& schema,
                                                             const std::string& section, ConfigErrors& errors) {
  std::map<std::string, OptionValue, std::less<>> values;
  const SourcePosition table_where = position(file, table);
  for (const auto& [key, node] : table) {
    const logagent_option* option = find_in(schema, key.str());
    if (option == nullptr) {
      errors.push_back({position(file, node), section,
                        "unknown option " + in_quotes(key.str()) + did_you_mean(key.str(), option_names(schema))});
      continue;
    }
    OptionValue value;
    if (auto problem = convert_option(*option, &node, value)) {
      errors.push_back({position(file, node), section, "option " + in_quotes(key.str()) + ": " + *problem});
      continue;
    }
    value.where = position(file, node);
    values.emplace(std::string(key.str()), std::move(value));
  }
  for (const auto* option : schema) {
    if (values.contains(option->name) || table.contains(option->name)) continue;  // set, maybe wrongly: reported above
    if (option->required) {
      errors.push_back({table_where, section,
                        "missing required option " + in_quotes(option->name) + ": expected " + expected_text(*option)});
      continue;
    }
    if (option->default_value == nullptr) continue;
    OptionValue value;
    if (auto problem = convert_option(*option, nullptr, value)) {
      errors.push_back(
          {table_where, section, "default of option " + in_quotes(option->name) + " is invalid: " + *problem});
      continue;
    }
    value.where = table_where;
    values.emplace(option->name, std::move(value));
  }
  return values;
}

template <typename Fn>
void check_value(const std::map<std::string, OptionValue, std::less<>>& values, std::string_view name,
                 const std::string& section, ConfigErrors& errors, Fn&& problem_of) {
  auto it = values.find(name);
  if (it == values.end()) return;
  if (std::optional<std::string> problem = problem_of(it->second)) {
    errors.push_back({it->second.where, section, "option " + in_quotes(name) + ": " + *problem});
  }
}

}  // namespace

std::optional<std::string> convert_option(const logagent_option& option, const toml::node* node, OptionValue& out) {
  out.type = option.type;
  const bool is_default = node == nullptr;
  const std::string default_text = option.default_value ? option.default_value : "";
  auto wrong = [&]() -> std::optional<std::string> {
    // A default is quoted by the caller already: say only what was expected.
    return "expected " + expected_text(option) + (node ? ", got " + toml_type_name(*node) : std::string());
  };
  switch (option.type) {
    case LOGAGENT_OPTION_STRING:
      if (is_default) {
        out.text = default_text;
        return std::nullopt;
      }
      if (!node->is_string()) return wrong();
      out.text = node->as_string()->get();
      return std::nullopt;
    case LOGAGENT_OPTION_INT:
      if (is_default) {
        // An optional '-' and digits, as TOML writes an integer: no '+', spaces or units.
        const char* end = default_text.data() + default_text.size();
        auto [ptr, ec] = std::from_chars(default_text.data(), end, out.integer);
        if (ec != std::errc{} || ptr != end) return wrong();
        return std::nullopt;
      }
      if (!node->is_integer()) return wrong();
      out.integer = node->as_integer()->get();
      return std::nullopt;
    case LOGAGENT_OPTION_FLOAT:
      if (is_default) {
        // The whole text a finite number: "0.5s", "inf" and "1e999" are not defaults.
        const char* end = default_text.data() + default_text.size();
        auto [ptr, ec] = std::from_chars(default_text.data(), end, out.real);
        if (ec != std::errc{} || ptr != end || !std::isfinite(out.real)) return wrong();
        return std::nullopt;
      }
      if (node->is_floating_point()) {
        out.real = node->as_floating_point()->get();
        return std::nullopt;
      }
      if (node->is_integer()) {
        out.real = static_cast<double>(node->as_integer()->get());
        return std::nullopt;
      }
      return wrong();
    case LOGAGENT_OPTION_BOOL:
      if (is_default) {
        if (default_text != "true" && default_text != "false") return wrong();
        out.boolean = default_text == "true";
        return std::nullopt;
      }
      if (!node->is_boolean()) return wrong();
      out.boolean = node->as_boolean()->get();
      return std::nullopt;
    case LOGAGENT_OPTION_DURATION:
    case LOGAGENT_OPTION_SIZE: {
      const bool duration = option.type == LOGAGENT_OPTION_DURATION;
      std::optional<int64_t> v;
      if (is_default) {
        v = duration ? parse_duration_ns(default_text) : parse_size_bytes(default_text);
      } else if (node->is_integer()) {
        int64_t n = node->as_integer()->get();
        if (n < 0) return "expected " + expected_text(option) + ", got a negative number";
        v = duration ? parse_duration_ns(std::to_string(n)) : n;
      } else if (node->is_string()) {
        const std::string& text = node->as_string()->get();
        v = duration ? parse_duration_ns(text) : parse_size_bytes(text);
        if (!v) return "expected " + expected_text(option) + ", got " + in_quotes(text);
      } else {
        return wrong();
      }
      if (!v) return wrong();
      out.integer = *v;
      return std::nullopt;
    }
    case LOGAGENT_OPTION_STRING_LIST: {
      // default_value has no syntax for a list: a list option's default is always NULL.
      if (is_default && option.default_value != nullptr)
        return "default_value must be NULL for LOGAGENT_OPTION_STRING_LIST (the ABI has no syntax for a list default)";
      if (is_default) return std::nullopt;
      const toml::array* array = node->as_array();
      if (array == nullptr) return wrong();
      for (size_t i = 0; i < array->size(); ++i) {
        const toml::node& item = *array->get(i);
        if (!item.is_string())
          return "expected " + expected_text(option) + ", item " + std::to_string(i) + " is " + toml_type_name(item);
        out.items.emplace_back(std::string{}, item.as_string()->get());
      }
      return std::nullopt;
    }
    case LOGAGENT_OPTION_STRING_TABLE: {
      if (is_default && option.default_value != nullptr)
        return "default_value must be NULL for LOGAGENT_OPTION_STRING_TABLE (the ABI has no syntax for a table "
               "default)";
      if (is_default) return std::nullopt;
      const toml::table* table = node->as_table();
      if (table == nullptr) return wrong();
      for (const auto& [key, item] : *table) {
        if (!item.is_string())
          return "expected " + expected_text(option) + ", " + in_quotes(key.str()) + " is " + toml_type_name(item);
        out.items.emplace_back(std::string(key.str()), item.as_string()->get());
      }
      return std::nullopt;
    }
    default:
      return "option type " + std::to_string(option.type) + " is unknown to this agent";
  }
}

std::optional<ConfigDocument> parse_config_text(std::string_view text, std::string file_name, ConfigErrors& errors) {
  try {
    ConfigDocument doc{file_name, toml::parse(text, file_name)};
    return doc;
  } catch (const toml::parse_error& e) {
    const auto& begin = e.source().begin;
    errors.push_back(
        {SourcePosition{file_name, begin.line, begin.column}, "", "invalid TOML: " + std::string(e.description())});
    return std::nullopt;
  }
}

std::optional<ConfigDocument> parse_config_file(const std::filesystem::path& file, ConfigErrors& errors) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    errors.push_back({SourcePosition{file.string(), 0, 0}, "",
                      std::string("cannot read the pipeline file: ") + std::strerror(errno)});
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_config_text(text.str(), file.string(), errors);
}

ServiceConfig read_service(const ConfigDocument& doc, ConfigErrors& errors) {
  static const std::vector<std::string> kSections = {"service", "inputs", "filters", "outputs"};
  for (const auto& [key, node] : doc.root) {
    if (std::find(kSections.begin(), kSections.end(), key.str()) == kSections.end()) {
      errors.push_back({position(doc.file, node), "",
                        "unknown section " + in_quotes(key.str()) + did_you_mean(key.str(), kSections) +
                            " (expected [service], [[inputs]], [[filters]] or [[outputs]])"});
    }
  }
  ServiceConfig service;
  const toml::node* node = doc.root.get("service");
  if (node == nullptr) return service;
  const toml::table* table = node->as_table();
  if (table == nullptr) {
    errors.push_back(
        {position(doc.file, *node), "service", "expected a [service] table, got " + toml_type_name(*node)});
    return service;
  }
  std::vector<const logagent_option*> schema;
  for (const auto& o : service_options()) schema.push_back(&o);
  auto values = read_options(doc.file, *table, schema, "service", errors);
  const std::string section = "service";
  check_value(values, "log_level", section, errors, [](const OptionValue& v) -> std::optional<std::string> {
    static const std::array<std::string_view, 6> levels = {"trace", "debug", "info", "warn", "error", "off"};
    if (std::find(levels.begin(), levels.end(), v.text) != levels.end()) return std::nullopt;
    return "expected one of trace, debug, info, warn, error, off, got " + in_quotes(v.text);
  });
  auto positive = [](const OptionValue& v) -> std::optional<std::string> {
    if (v.integer > 0) return std::nullopt;
    return "must be greater than zero";
  };
  check_value(values, "queue_max_bytes", section, errors, positive);
  check_value(values, "batch_max_bytes", section, errors, positive);
  check_value(values, "grace_period", section, errors, positive);
  check_value(values, "batch_max_events", section, errors, [](const OptionValue& v) -> std::optional<std::string> {
    if (v.integer >= 1 && v.integer <= 1'000'000) return std::nullopt;
    return "expected an integer from 1 to 1000000, got " + std::to_string(v.integer);
  });
  auto get = [&](std::string_view name) -> const OptionValue* {
    auto it = values.find(name);
    return it == values.end() ? nullptr : &it->second;
  };
  if (auto* v = get("log_level")) service.log_level = v->text;
  if (auto* v = get("state_dir")) service.state_dir = v->text;
  if (auto* v = get("plugin_dirs")) {
    for (const auto& item : v->items) service.plugin_dirs.push_back(item.second);
  }
  if (auto* v = get("queue_max_bytes")) service.queue_max_bytes = v->integer;
  if (auto* v = get("batch_max_events")) service.batch_max_events = v->integer;
  if (auto* v = get("batch_max_bytes")) service.batch_max_bytes = v->integer;
  if (auto* v = get("grace_period")) service.grace_period_ns = v->integer;
  return service;
}

void read_components(const ConfigDocument& doc, const PluginRegistry& registry, PipelineConfig& config,
                     ConfigErrors& errors) {
  for (uint32_t kind : {LOGAGENT_KIND_INPUT, LOGAGENT_KIND_FILTER, LOGAGENT_KIND_OUTPUT}) {
    const std::string section(section_name(kind));
    auto& components = kind == LOGAGENT_KIND_INPUT    ? config.inputs
                       : kind == LOGAGENT_KIND_FILTER ? config.filters
                                                      : config.outputs;
    const toml::node* node = doc.root.get(section);
    if (node == nullptr) {
      if (kind != LOGAGENT_KIND_FILTER) {
        errors.push_back(
            {SourcePosition{doc.file, 0, 0}, "",
             "the pipeline has no [[" + section + "]]: at least one " + std::string(kind_name(kind)) + " is needed"});
      }
      continue;
    }
    const toml::array* array = node->as_array();
    if (array == nullptr || !array->is_array_of_tables()) {
      errors.push_back(
          {position(doc.file, *node), section, "expected [[" + section + "]] tables, got " + toml_type_name(*node)});
      continue;
    }
    for (size_t i = 0; i < array->size(); ++i) {
      const toml::table& table = *array->get(i)->as_table();
      ComponentConfig component;
      component.kind = kind;
      component.index = i;
      component.where = position(doc.file, table);
      std::string label = section + "[" + std::to_string(i) + "]";

      const toml::node* type_node = table.get("type");
      if (type_node == nullptr || !type_node->is_string()) {
        errors.push_back({type_node ? position(doc.file, *type_node) : component.where, label,
                          "option \"type\": expected a string naming the " + std::string(kind_name(kind)) +
                              " plugin, e.g. type = \"" +
                              (kind == LOGAGENT_KIND_INPUT    ? "stdin"
                               : kind == LOGAGENT_KIND_OUTPUT ? "stdout"
                                                              : "regex") +
                              "\""});
        continue;
      }
      component.type = type_node->as_string()->get();
      label = component.label();
      component.library = registry.find(kind, component.type);
      if (!component.library) {
        auto known = registry.names(kind);
        std::string list;
        for (const auto& n : known) list += (list.empty() ? "" : ", ") + n;
        errors.push_back({position(doc.file, *type_node), label,
                          "unknown " + std::string(kind_name(kind)) + " type " + in_quotes(component.type) +
                              did_you_mean(component.type, known) + " (known " + section + ": " +
                              (list.empty() ? "none" : list) + ")"});
        continue;
      }

      std::vector<const logagent_option*> schema;
      for (const auto& o : common_options(kind)) schema.push_back(&o);
      const auto& d = component.library->descriptor();
      for (uint32_t k = 0; k < d.option_count; ++k) {
        if (find_in(schema, d.options[k].name) == nullptr) schema.push_back(&d.options[k]);
      }
      auto values = read_options(doc.file, table, schema, label, errors);
      auto take = [&](std::string_view name) -> std::optional<OptionValue> {
        auto it = values.find(name);
        if (it == values.end()) return std::nullopt;
        OptionValue v = std::move(it->second);
        values.erase(it);
        return v;
      };
      take("type");
      if (kind == LOGAGENT_KIND_INPUT) {
        auto tag = take("tag");
        component.tag = tag ? tag->text : component.type;
        if (component.tag.empty()) errors.push_back({tag->where, label, "option \"tag\": must not be empty"});
      } else {
        auto match = take("match");
        component.match = match ? match->text : "*";
        component.match_where = match ? match->where : component.where;
        if (auto problem = Glob::validate(component.match)) {
          errors.push_back({component.match_where, label,
                            "option \"match\": invalid glob " + in_quotes(component.match) + ": " + *problem});
        }
      }
      if (kind == LOGAGENT_KIND_OUTPUT) {
        if (auto v = take("retry_backoff")) component.retry_backoff_ns = v->integer;
        if (auto v = take("retry_max_backoff")) component.retry_max_backoff_ns = v->integer;
        if (auto v = take("retry_limit")) {
          component.retry_limit = v->integer;
          if (v->integer < 0)
            errors.push_back({v->where, label, "option \"retry_limit\": must be 0 (no limit) or more"});
        }
      }
      component.options = std::move(values);
      components.push_back(std::move(component));
    }
  }
}

void check_routes(const PipelineConfig& config, ConfigErrors& errors) {
  // With an invalid glob (already reported) the routes are unknown: say nothing more.
  for (const auto& output : config.outputs) {
    if (Glob::validate(output.match)) return;
  }
  for (const auto& input : config.inputs) {
    bool routed = false;
    for (const auto& output : config.outputs) {
      if (Glob(output.match).matches(input.tag)) routed = true;
    }
    if (!routed && !config.outputs.empty()) {
      errors.push_back(
          {input.where, input.label(),
           "events tagged " + in_quotes(input.tag) + " match no output's `match`, so they would go nowhere"});
    }
  }
}

}  // namespace logagent::core
