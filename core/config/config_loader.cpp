// Validation of a pipeline file against the core's and the plugins' option schemas.
#include "config/config_loader.hpp"

#include "plugin/option_schema.hpp"
#include "plugin/suggest.hpp"
#include "routing/glob.hpp"

#include <logagent/plugin.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <tuple>
#include <utility>

namespace logagent::core {
namespace {

SourcePosition position(const std::string& file, const toml::node& node) {
  const auto& begin = node.source().begin;
  return SourcePosition{file, begin.line, begin.column};
}

std::string in_quotes(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::vector<std::string> option_names(const std::vector<const logagent_option*>& options) {
  std::vector<std::string> names;
  names.reserve(options.size());
  for (const auto* o : options) names.emplace_back(o->name);
  return names;
}

const logagent_option* find_in(const std::vector<const logagent_option*>& options, std::string_view name) {
  for (const auto* o : options) {
    if (name == o->name) return o;
  }
  return nullptr;
}

void report_unset_in(const UnsetVariables& unset, const std::string& file, const toml::node& node,
                     const std::string& option, const std::string& item, const std::string& section,
                     ConfigErrors& errors, bool& found) {
  if (node.is_string()) {
    auto it = unset.find(unset_key(node));
    if (it == unset.end()) return;
    found = true;
    for (const std::string& name : it->second) {
      errors.push_back(
          {position(file, node), section, "option " + in_quotes(option) + ": " + item + unset_variable_message(name)});
    }
  } else if (const toml::array* array = node.as_array()) {
    for (size_t i = 0; i < array->size(); ++i)
      report_unset_in(unset, file, *array->get(i), option, "item " + std::to_string(i) + ": ", section, errors, found);
  } else if (const toml::table* table = node.as_table()) {
    // Named as a plugin names a table's item in set_option_error: "rdkafka.linger.ms".
    for (const auto& [key, value] : *table)
      report_unset_in(unset, file, value, option + "." + std::string(key.str()), item, section, errors, found);
  }
}

// Reports, at each string, the unset variables it names (a list item as "item N: ", a
// table's value as option "TABLE.KEY"). True when there was one: the value is then not
// validated, since what it would have been is unknown.
bool report_unset(const UnsetVariables& unset, const std::string& file, const toml::node& value,
                  const std::string& option, const std::string& section, ConfigErrors& errors) {
  bool found = false;
  if (!unset.empty()) report_unset_in(unset, file, value, option, "", section, errors, found);
  return found;
}

// Validates the keys of `table` against `schema`: unknown keys, unset environment
// variables, types, choices, ranges, required options. Returns the converted values,
// defaults applied for absent options.
std::map<std::string, OptionValue, std::less<>> read_options(const std::string& file, const UnsetVariables& unset,
                                                             const toml::table& table,
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
    if (report_unset(unset, file, node, std::string(key.str()), section, errors)) continue;
    OptionValue value;
    std::optional<std::string> problem = convert_option(*option, &node, value);
    if (!problem) problem = constraint_problem(*option, value);
    if (problem) {
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
    if (auto problem = convert_option(*option, nullptr, value)) {  // refused when the plugin loaded; never here
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

bool id_character(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

// Why an explicit `id` is not allowed, or nullopt. An id names the instance's state folder.
std::optional<std::string> id_problem(const std::string& id) {
  if (id.empty() || id.size() > 128 || !std::all_of(id.begin(), id.end(), id_character))
    return "expected 1 to 128 characters of A-Z, a-z, 0-9, '.', '_' and '-', got " + in_quotes(id);
  if (id == "." || id == "..") return "must not be \".\" or \"..\" (an id names a folder)";
  return std::nullopt;
}

// "<type>.<tail>", stable whatever the order of sections, with every character an id may
// not hold replaced.
std::string derived_id(const std::string& type, const std::string& tail) {
  std::string id = type + "." + tail;
  for (char& c : id) {
    if (!id_character(c)) c = '_';
  }
  return id;
}

std::string line_of(const ComponentConfig& c) { return "on line " + std::to_string(c.id_where.line); }

// Explicit ids first (a repeated one is an error at the later section), then the derived
// ids of inputs (which must not collide with anything: inputs keep state), then those of
// filters and outputs (marked when shared).
void assign_ids(PipelineConfig& config, const std::set<const ComponentConfig*>& explicit_ids, ConfigErrors& errors) {
  std::vector<ComponentConfig*> all;
  for (auto* section : {&config.inputs, &config.filters, &config.outputs}) {
    for (auto& c : *section) all.push_back(&c);
  }
  std::stable_sort(all.begin(), all.end(), [](const ComponentConfig* a, const ComponentConfig* b) {
    return std::tie(a->where.line, a->where.column) < std::tie(b->where.line, b->where.column);
  });
  std::map<std::string, const ComponentConfig*> claimed;
  for (ComponentConfig* c : all) {
    if (!explicit_ids.contains(c) || id_problem(c->id)) continue;  // an invalid one is reported already
    auto [it, inserted] = claimed.emplace(c->id, c);
    if (!inserted) {
      errors.push_back({c->id_where, c->label(),
                        "option \"id\": " + in_quotes(c->id) + " is already the id of " + it->second->label() + " " +
                            line_of(*it->second)});
    }
  }
  for (ComponentConfig* c : all) {
    if (explicit_ids.contains(c) || c->kind != LOGAGENT_KIND_INPUT) continue;
    c->id = derived_id(c->type, c->tag);
    c->id_where = c->where;
    auto [it, inserted] = claimed.emplace(c->id, c);
    if (!inserted) {
      errors.push_back({c->where, c->label(),
                        "its id " + in_quotes(c->id) + " (derived from type and tag) is also the id of " +
                            it->second->label() + " " + line_of(*it->second) +
                            ": set `id` to a name unique in the pipeline (an input's state is kept under its id)"});
    }
  }
  std::map<std::string, int> derived_count;
  for (ComponentConfig* c : all) {
    if (explicit_ids.contains(c) || c->kind == LOGAGENT_KIND_INPUT) continue;
    c->id = derived_id(c->type, c->match);
    c->id_where = c->where;
    ++derived_count[c->id];
  }
  for (ComponentConfig* c : all) {
    if (explicit_ids.contains(c) || c->kind == LOGAGENT_KIND_INPUT) continue;
    c->id_unique = !claimed.contains(c->id) && derived_count[c->id] == 1;
  }
}

const toml::array* component_tables(const ConfigDocument& doc, uint32_t kind) {
  const toml::node* node = doc.root.get(section_name(kind));
  const toml::array* array = node != nullptr ? node->as_array() : nullptr;
  return array != nullptr && array->is_array_of_tables() ? array : nullptr;
}

}  // namespace

const std::vector<logagent_option>& service_options() {
  static const char* const kLogLevels[] = {"trace", "debug", "info", "warn", "error", "off", nullptr};
  static const std::vector<logagent_option> options = {
      logagent::option("log_level", LOGAGENT_OPTION_STRING)
          .defaults("info")
          .choices(kLogLevels)
          .doc("Internal log level on stderr")
          .example("\"info\""),
      logagent::option("state_dir", LOGAGENT_OPTION_STRING)
          .defaults("/var/lib/logagent")
          .doc("Folder where inputs keep their positions")
          .example("\"/var/lib/logagent\""),
      logagent::option("state_flush_interval", LOGAGENT_OPTION_DURATION)
          .defaults("1s")
          .min("10ms")
          .doc("How often at most the positions inputs save are written to state_dir")
          .example("\"5s\""),
      logagent::option("plugin_dirs", LOGAGENT_OPTION_STRING_LIST)
          .doc("Folders searched for plugins after the built-in one; a relative one is taken from this file's folder")
          .example("[\"/opt/logagent/plugins\"]"),
      logagent::option("queue_max_bytes", LOGAGENT_OPTION_SIZE)
          .defaults("4MiB")
          .doc("Per input: bytes of events not yet acknowledged before the input is paused")
          .example("\"16MiB\""),
      logagent::option("batch_max_events", LOGAGENT_OPTION_INT)
          .defaults("2048")
          .min("1")
          .max("1000000")
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

std::optional<ConfigDocument> parse_config_text(std::string_view text, const std::string& file_name,
                                                ConfigErrors& errors, const EnvironmentLookup& environment) {
  try {
    ConfigDocument doc{file_name, toml::parse(text, file_name), {}};
    substitute_environment(doc.root, environment, doc.unset);
    return doc;
  } catch (const toml::parse_error& e) {
    const auto& begin = e.source().begin;
    errors.push_back(
        {SourcePosition{file_name, begin.line, begin.column}, "", "invalid TOML: " + std::string(e.description())});
    return std::nullopt;
  }
}

std::optional<ConfigDocument> parse_config_file(const std::filesystem::path& file, ConfigErrors& errors,
                                                const EnvironmentLookup& environment) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    errors.push_back({SourcePosition{file.string(), 0, 0}, "",
                      std::string("cannot read the pipeline file: ") + std::strerror(errno)});
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_config_text(text.str(), file.string(), errors, environment);
}

ServiceConfig read_service(const ConfigDocument& doc, ConfigErrors& errors) {
  static const std::vector<std::string> kSections = {"service", "inputs", "filters", "outputs", "tests"};
  for (const auto& [key, node] : doc.root) {
    if (std::find(kSections.begin(), kSections.end(), key.str()) == kSections.end()) {
      errors.push_back({position(doc.file, node), "",
                        "unknown section " + in_quotes(key.str()) + did_you_mean(key.str(), kSections) +
                            " (expected [service], [[inputs]], [[filters]], [[outputs]] or [[tests]])"});
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
  auto values = read_options(doc.file, doc.unset, *table, schema, "service", errors);
  const std::string section = "service";
  auto positive = [](const OptionValue& v) -> std::optional<std::string> {
    if (v.integer > 0) return std::nullopt;
    return "must be greater than zero";
  };
  check_value(values, "queue_max_bytes", section, errors, positive);
  check_value(values, "batch_max_bytes", section, errors, positive);
  check_value(values, "grace_period", section, errors, positive);
  auto get = [&](std::string_view name) -> const OptionValue* {
    auto it = values.find(name);
    return it == values.end() ? nullptr : &it->second;
  };
  if (auto* v = get("log_level")) service.log_level = v->text;
  if (auto* v = get("state_dir")) service.state_dir = v->text;
  if (auto* v = get("state_flush_interval")) service.state_flush_interval_ns = v->integer;
  if (auto* v = get("plugin_dirs")) {
    for (const auto& item : v->items) service.plugin_dirs.push_back(item.second);
  }
  if (auto* v = get("queue_max_bytes")) service.queue_max_bytes = v->integer;
  if (auto* v = get("batch_max_events")) service.batch_max_events = v->integer;
  if (auto* v = get("batch_max_bytes")) service.batch_max_bytes = v->integer;
  if (auto* v = get("grace_period")) service.grace_period_ns = v->integer;
  return service;
}

std::vector<PluginName> needed_plugins(const ConfigDocument& doc) {
  std::vector<PluginName> needed;
  for (uint32_t kind : {LOGAGENT_KIND_INPUT, LOGAGENT_KIND_FILTER, LOGAGENT_KIND_OUTPUT}) {
    const toml::array* array = component_tables(doc, kind);
    if (array == nullptr) continue;
    for (const toml::node& table : *array) {
      const toml::node* type = table.as_table()->get("type");
      if (type == nullptr || !type->is_string() || doc.unset.contains(unset_key(*type))) continue;
      const std::string& name = type->as_string()->get();
      if (std::none_of(needed.begin(), needed.end(),
                       [&](const PluginName& p) { return p.kind == kind && p.name == name; }))
        needed.push_back({kind, name});
    }
  }
  return needed;
}

void read_components(const ConfigDocument& doc, const PluginRegistry& registry, PipelineConfig& config,
                     ConfigErrors& errors) {
  std::set<std::pair<uint32_t, size_t>> explicit_ids;  // (kind, index) of sections that set `id`
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
    const toml::array* array = component_tables(doc, kind);
    if (array == nullptr) {
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
      if (type_node != nullptr && report_unset(doc.unset, doc.file, *type_node, "type", label, errors)) continue;
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
      if (const std::string* problem = registry.load_problem(kind, component.type)) {
        errors.push_back({position(doc.file, *type_node), label,
                          "cannot load the " + std::string(kind_name(kind)) + " plugin " + in_quotes(component.type) +
                              ": " + *problem});
        continue;
      }
      if (!component.library) {
        auto known = registry.names(kind);
        std::string list;
        for (const auto& n : known) list += (list.empty() ? "" : ", ") + n;
        std::string unusable;
        for (const auto& file : registry.unusable_files()) unusable += (unusable.empty() ? "" : ", ") + file.string();
        errors.push_back({position(doc.file, *type_node), label,
                          "unknown " + std::string(kind_name(kind)) + " type " + in_quotes(component.type) +
                              did_you_mean(component.type, known) + " (known " + section + ": " +
                              (list.empty() ? "none" : list) +
                              (unusable.empty() ? "" : "; files that could not be loaded: " + unusable) + ")"});
        continue;
      }

      std::vector<const logagent_option*> schema;
      for (const auto& o : common_options(kind)) schema.push_back(&o);
      for (const auto& o : component.library->options()) {
        if (find_in(schema, o.name) == nullptr) schema.push_back(&o);
      }
      auto values = read_options(doc.file, doc.unset, table, schema, label, errors);
      auto take = [&](std::string_view name) -> std::optional<OptionValue> {
        auto it = values.find(name);
        if (it == values.end()) return std::nullopt;
        OptionValue v = std::move(it->second);
        values.erase(it);
        return v;
      };
      take("type");
      if (auto id = take("id")) {
        component.id = id->text;
        component.id_where = id->where;
        explicit_ids.emplace(kind, i);
        if (auto problem = id_problem(id->text)) errors.push_back({id->where, label, "option \"id\": " + *problem});
      }
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
        if (auto v = take("retry_limit")) component.retry_limit = v->integer;
      }
      component.options = std::move(values);
      components.push_back(std::move(component));
    }
  }
  std::set<const ComponentConfig*> explicit_components;
  for (auto* section : {&config.inputs, &config.filters, &config.outputs}) {
    for (const auto& c : *section) {
      if (explicit_ids.contains({c.kind, c.index})) explicit_components.insert(&c);
    }
  }
  assign_ids(config, explicit_components, errors);
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
