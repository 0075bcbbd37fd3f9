// Option schemas: the core's common options, value conversion, choices, ranges, table checks.
#include "plugin/option_schema.hpp"

#include "plugin/suggest.hpp"
#include "plugin/units.hpp"

#include <logagent/plugin.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <system_error>

namespace logagent::core {
namespace {

// Appended piece by piece: GCC 12's -Wrestrict misfires on `"\"" + std::string(s) + "\""`.
std::string quoted(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  out += s;
  out += '"';
  return out;
}

std::string quoted_list(const std::vector<std::string_view>& items) {
  std::string out;
  for (std::string_view item : items) {
    if (!out.empty()) out += ", ";
    out += quoted(item);
  }
  return out;
}

bool is_numeric(uint32_t type) {
  return type == LOGAGENT_OPTION_INT || type == LOGAGENT_OPTION_FLOAT || type == LOGAGENT_OPTION_DURATION ||
         type == LOGAGENT_OPTION_SIZE;
}

bool takes_choices(uint32_t type) { return type == LOGAGENT_OPTION_STRING || type == LOGAGENT_OPTION_STRING_LIST; }

// A bound or default text parsed as a default is: the same rules, the same messages.
std::optional<std::string> convert_text(const logagent_option& option, const char* text, OptionValue& out) {
  logagent_option as_default = option;
  as_default.default_value = text;
  return convert_option(as_default, nullptr, out);
}

// Negative when a < b, as the option's type compares its values.
int compare(uint32_t type, const OptionValue& a, const OptionValue& b) {
  if (type == LOGAGENT_OPTION_FLOAT) return a.real < b.real ? -1 : a.real > b.real ? 1 : 0;
  return a.integer < b.integer ? -1 : a.integer > b.integer ? 1 : 0;
}

// A numeric value written back in the option's own units, for "got ...".
std::string value_text(uint32_t type, const OptionValue& v) {
  switch (type) {
    case LOGAGENT_OPTION_DURATION:
      return format_duration(v.integer);
    case LOGAGENT_OPTION_SIZE:
      return format_size(v.integer);
    case LOGAGENT_OPTION_FLOAT: {
      char buffer[32];
      auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v.real);
      return ec == std::errc{} ? std::string(buffer, end) : std::to_string(v.real);
    }
    default:
      return std::to_string(v.integer);
  }
}

// Why one string is not among the choices, or nullopt.
std::optional<std::string> choice_problem(const logagent_option& option, const std::vector<std::string_view>& choices,
                                          const std::string& value) {
  if (std::find(choices.begin(), choices.end(), value) != choices.end()) return std::nullopt;
  std::string message = "expected one of " + quoted_list(choices);
  if (option.secret) return message;
  message += ", got " + quoted(value);
  const std::vector<std::string> candidates(choices.begin(), choices.end());
  return message + did_you_mean(value, candidates);
}

// True when a choice is the decimal text of an integer ("0", "-1"), so that a bare TOML
// integer may select it: `acks = 1` reads as well as `acks = "1"`.
bool has_integer_choice(const std::vector<std::string_view>& choices) {
  for (std::string_view c : choices) {
    int64_t n = 0;
    auto [ptr, ec] = std::from_chars(c.data(), c.data() + c.size(), n);
    if (ec == std::errc{} && ptr == c.data() + c.size() && std::to_string(n) == c) return true;
  }
  return false;
}

// A table item's value as the text the plugin reads: a string as written, a number or a
// boolean as it would be spelled in a property string of a client library (5, 1.5, false).
// nullopt for arrays, tables, dates and non-finite floats.
std::optional<std::string> table_item_text(const toml::node& item) {
  if (const auto* s = item.as_string()) return s->get();
  if (const auto* i = item.as_integer()) return std::to_string(i->get());
  if (const auto* b = item.as_boolean()) return std::string(b->get() ? "true" : "false");
  if (const auto* f = item.as_floating_point()) {
    const double v = f->get();
    if (!std::isfinite(v)) return std::nullopt;
    char buffer[32];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);  // shortest text that reads back the same
    if (ec == std::errc{}) return std::string(buffer, end);
  }
  return std::nullopt;
}

// Where a value was written, for items of lists and tables.
SourcePosition source_position(const toml::node& node) {
  const toml::source_region& source = node.source();
  return SourcePosition{source.path ? *source.path : std::string(), source.begin.line, source.begin.column};
}

// The problem with an option's choices, phrased after `option "x" of plugin "p" `.
std::optional<std::string> choices_problem(const logagent_option& o) {
  if (o.choices == nullptr) return std::nullopt;
  if (!takes_choices(o.type))
    return "has choices but is of type " + std::string(option_type_name(o.type)) +
           ": only string and list of strings options may have them";
  const std::vector<std::string_view> choices = option_choices(o);
  if (choices.empty()) return std::string("has an empty list of choices (choices = NULL allows any value)");
  for (size_t i = 0; i < choices.size(); ++i) {
    if (std::find(choices.begin(), choices.begin() + static_cast<std::ptrdiff_t>(i), choices[i]) !=
        choices.begin() + static_cast<std::ptrdiff_t>(i))
      return "lists the choice " + quoted(choices[i]) + " twice";
  }
  if (o.default_value != nullptr && std::find(choices.begin(), choices.end(), o.default_value) == choices.end())
    return (o.secret ? std::string("has a default") : "has the default " + quoted(o.default_value)) +
           " that is not one of its choices " + quoted_list(choices);
  return std::nullopt;
}

// The problem with an option's range, phrased after `option "x" of plugin "p" `.
std::optional<std::string> range_problem(const logagent_option& o) {
  if (o.min_value == nullptr && o.max_value == nullptr) return std::nullopt;
  if (!is_numeric(o.type))
    return "has a range but is of type " + std::string(option_type_name(o.type)) +
           ": only integer, float, duration and size options may have one";
  std::optional<OptionValue> bound[2];
  const char* texts[2] = {o.min_value, o.max_value};
  const char* names[2] = {"min_value", "max_value"};
  for (int i = 0; i < 2; ++i) {
    if (texts[i] == nullptr) continue;
    OptionValue v;
    if (auto problem = convert_text(o, texts[i], v))
      return "has an invalid " + std::string(names[i]) + " " + quoted(texts[i]) + ": " + *problem;
    bound[i] = std::move(v);
  }
  if (bound[0] && bound[1] && compare(o.type, *bound[0], *bound[1]) > 0)
    return "has min_value " + quoted(o.min_value) + " greater than its max_value " + quoted(o.max_value);
  if (o.default_value == nullptr) return std::nullopt;
  OptionValue value;
  if (convert_text(o, o.default_value, value)) return std::nullopt;  // reported as an invalid default
  const std::string the_default = o.secret ? "a default" : "the default " + quoted(o.default_value);
  if (bound[0] && compare(o.type, value, *bound[0]) < 0)
    return "has " + the_default + " below its min_value " + quoted(o.min_value);
  if (bound[1] && compare(o.type, value, *bound[1]) > 0)
    return "has " + the_default + " above its max_value " + quoted(o.max_value);
  return std::nullopt;
}

}  // namespace

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

const std::vector<logagent_option>& common_options(uint32_t kind) {
  static const std::vector<logagent_option> inputs = {
      logagent::option("type", LOGAGENT_OPTION_STRING).required().doc("The input plugin to run").example("\"stdin\""),
      logagent::option("tag", LOGAGENT_OPTION_STRING)
          .doc("Tag of every event of this input, selected by filters' and outputs' match (default: the type)")
          .example("\"app.access\""),
      logagent::option("id", LOGAGENT_OPTION_STRING)
          .doc("Identity of this input, unique in the pipeline: names its state (default: \"<type>.<tag>\")")
          .example("\"nginx-access\""),
  };
  static const std::vector<logagent_option> filters = {
      logagent::option("type", LOGAGENT_OPTION_STRING).required().doc("The filter plugin to run").example("\"regex\""),
      logagent::option("match", LOGAGENT_OPTION_STRING)
          .defaults("*")
          .doc("Glob selecting the tags this filter applies to (* ? [a-z] [!a-z])")
          .example("\"app.*\""),
      logagent::option("id", LOGAGENT_OPTION_STRING)
          .doc("Identity of this filter, unique in the pipeline (default: \"<type>.<match>\")")
          .example("\"parse-nginx\""),
  };
  static const std::vector<logagent_option> outputs = {
      logagent::option("type", LOGAGENT_OPTION_STRING).required().doc("The output plugin to run").example("\"stdout\""),
      logagent::option("match", LOGAGENT_OPTION_STRING)
          .defaults("*")
          .doc("Glob selecting the tags this output receives (* ? [a-z] [!a-z])")
          .example("\"app.*\""),
      logagent::option("id", LOGAGENT_OPTION_STRING)
          .doc("Identity of this output, unique in the pipeline (default: \"<type>.<match>\")")
          .example("\"kafka-main\""),
      logagent::option("retry_backoff", LOGAGENT_OPTION_DURATION)
          .defaults("100ms")
          .doc("Delay before the first retry of a batch the output answered RETRY for; doubles each time")
          .example("\"1s\""),
      logagent::option("retry_max_backoff", LOGAGENT_OPTION_DURATION)
          .defaults("30s")
          .doc("Upper bound of the retry delay")
          .example("\"1m\""),
      logagent::option("retry_limit", LOGAGENT_OPTION_INT)
          .defaults("0")
          .min("0")
          .doc("Retries before a batch counts as a permanent error; 0 retries until delivered")
          .example("5"),
  };
  static const std::vector<logagent_option> none;
  switch (kind) {
    case LOGAGENT_KIND_INPUT:
      return inputs;
    case LOGAGENT_KIND_FILTER:
      return filters;
    case LOGAGENT_KIND_OUTPUT:
      return outputs;
    default:
      return none;
  }
}

bool valid_schema_name(const char* name) noexcept {
  if (name == nullptr || *name == '\0') return false;
  for (const char* p = name; *p; ++p) {
    const char c = *p;
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return std::strlen(name) <= 64;
}

std::string_view option_type_name(uint32_t type) noexcept {
  switch (type) {
    case LOGAGENT_OPTION_STRING:
      return "string";
    case LOGAGENT_OPTION_INT:
      return "integer";
    case LOGAGENT_OPTION_FLOAT:
      return "float";
    case LOGAGENT_OPTION_BOOL:
      return "bool";
    case LOGAGENT_OPTION_DURATION:
      return "duration";
    case LOGAGENT_OPTION_SIZE:
      return "size";
    case LOGAGENT_OPTION_STRING_LIST:
      return "list of strings";
    case LOGAGENT_OPTION_STRING_TABLE:
      return "table of strings";
    default:
      return "unknown";
  }
}

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
      what = "a table of strings, numbers or booleans such as { key = \"value\" }";
      break;
    default:
      what = "a value";
      break;
  }
  if (option.example != nullptr && option.type != LOGAGENT_OPTION_DURATION && option.type != LOGAGENT_OPTION_SIZE)
    what += std::string(" (e.g. ") + option.example + ")";
  return what;
}

std::vector<std::string_view> option_choices(const logagent_option& option) {
  std::vector<std::string_view> out;
  if (option.choices == nullptr) return out;
  for (const char* const* c = option.choices; *c != nullptr; ++c) out.emplace_back(*c);
  return out;
}

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
      if (node->is_integer() && option.choices != nullptr) {
        const std::vector<std::string_view> choices = option_choices(option);
        if (has_integer_choice(choices)) {
          out.text = std::to_string(node->as_integer()->get());
          if (std::find(choices.begin(), choices.end(), out.text) != choices.end()) return std::nullopt;
          // Unquoted, as written; no "did you mean": one digit is close to every other.
          return "expected one of " + quoted_list(choices) + (option.secret ? "" : ", got " + out.text);
        }
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
        if (!v) return "expected " + expected_text(option) + (option.secret ? "" : ", got " + quoted(text));
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
        out.item_where.push_back(source_position(item));
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
        std::optional<std::string> text = table_item_text(item);
        if (!text) {
          std::string problem = "expected " + expected_text(option) + ", " + quoted(key.str()) + " is ";
          if (item.is_floating_point()) return problem + "not a finite number";
          problem += toml_type_name(item);
          // `{ linger.ms = 5 }` is the nested table { linger = { ms = 5 } } in TOML.
          const toml::table* nested = item.as_table();
          if (nested != nullptr && !nested->empty()) {
            const std::string dotted = std::string(key.str()) + "." + std::string(nested->begin()->first.str());
            problem += " (write a key that holds dots in quotes: " + quoted(dotted) + " = ...)";
          }
          return problem;
        }
        out.items.emplace_back(std::string(key.str()), std::move(*text));
        out.item_where.push_back(source_position(item));
      }
      return std::nullopt;
    }
    default:
      return "option type " + std::to_string(option.type) + " is unknown to this agent";
  }
}

std::optional<std::string> constraint_problem(const logagent_option& option, const OptionValue& value) {
  if (option.choices != nullptr) {
    const std::vector<std::string_view> choices = option_choices(option);
    if (option.type == LOGAGENT_OPTION_STRING) return choice_problem(option, choices, value.text);
    if (option.type == LOGAGENT_OPTION_STRING_LIST) {
      for (size_t i = 0; i < value.items.size(); ++i) {
        if (auto problem = choice_problem(option, choices, value.items[i].second))
          return "item " + std::to_string(i) + ": " + *problem;
      }
    }
    return std::nullopt;
  }
  if (!is_numeric(option.type)) return std::nullopt;
  const std::string got = option.secret ? std::string() : ", got " + value_text(option.type, value);
  OptionValue bound;
  // Bounds that do not parse were refused when the schema was loaded.
  if (option.min_value != nullptr && !convert_text(option, option.min_value, bound) &&
      compare(option.type, value, bound) < 0)
    return std::string("must be at least ") + option.min_value + got;
  if (option.max_value != nullptr && !convert_text(option, option.max_value, bound) &&
      compare(option.type, value, bound) > 0)
    return std::string("must be at most ") + option.max_value + got;
  return std::nullopt;
}

std::vector<logagent_option> copy_option_table(const void* options, uint32_t count, uint32_t option_size) {
  std::vector<logagent_option> out(count);  // value-initialised: members a short entry lacks are 0/NULL
  const size_t copied = std::min<size_t>(option_size, sizeof(logagent_option));
  for (uint32_t i = 0; i < count; ++i) {
    std::memcpy(&out[i], static_cast<const char*>(options) + static_cast<size_t>(i) * option_size, copied);
  }
  return out;
}

std::optional<std::string> option_table_problem(uint32_t kind, std::string_view plugin_name,
                                                const std::vector<logagent_option>& options) {
  const std::string of_plugin = " of plugin " + quoted(plugin_name);
  for (size_t i = 0; i < options.size(); ++i) {
    const logagent_option& o = options[i];
    if (!valid_schema_name(o.name))
      return "option " + std::to_string(i) + of_plugin +
             " has an invalid name (expected 1 to 64 characters of [a-z0-9_])";
    const std::string option_of = "option " + quoted(o.name) + of_plugin;
    if (o.type < LOGAGENT_OPTION_STRING || o.type > LOGAGENT_OPTION_STRING_TABLE)
      return option_of + " has unknown type " + std::to_string(o.type);
    for (size_t j = 0; j < i; ++j) {
      if (std::strcmp(options[j].name, o.name) == 0) return option_of + " is declared twice";
    }
    // The core takes these out of the section before the plugin sees its options, so the
    // plugin's own would never reach it.
    for (const logagent_option& common : common_options(kind)) {
      if (std::strcmp(common.name, o.name) == 0)
        return option_of + " is reserved: the core reads it for every " +
               std::string(kind == LOGAGENT_KIND_INPUT    ? "input"
                           : kind == LOGAGENT_KIND_FILTER ? "filter"
                                                          : "output");
    }
    if (o.default_value != nullptr) {
      const std::string the_default = o.secret ? std::string("a default") : "the default " + quoted(o.default_value);
      if (o.required) {
        std::string message = option_of;
        message.append(" is required and has ").append(the_default);
        return message.append(": a required option must have default_value NULL");
      }
      OptionValue value;
      if (auto problem = convert_option(o, nullptr, value))
        return option_of + " has an invalid default" + (o.secret ? "" : " " + quoted(o.default_value)) + ": " +
               *problem;
    }
    if (auto problem = choices_problem(o)) return option_of + " " + *problem;
    if (auto problem = range_problem(o)) return option_of + " " + *problem;
  }
  return std::nullopt;
}

}  // namespace logagent::core
