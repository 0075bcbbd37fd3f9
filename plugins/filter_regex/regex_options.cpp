// The regex filter's configuration (regex_options.hpp).
#include "regex_options.hpp"

#include <cstddef>
#include <set>
#include <string_view>
#include <utility>

namespace logagent::plugins::regex_filter {

namespace {
const char* const kOnMismatch[] = {"keep", "tag", "drop", nullptr};
}  // namespace

const logagent_option kOptions[8] = {
    logagent::option("pattern", LOGAGENT_OPTION_STRING)
        .doc("PCRE2 pattern; each named group (?<name>...) or (?P<name>...) that takes part in the match becomes "
             "a string field. Give pattern or patterns")
        .example(R"('^(?<remote>\S+) \S+ (?<user>\S+) \[(?<time>[^\]]+)\]')"),
    logagent::option("patterns", LOGAGENT_OPTION_STRING_LIST)
        .doc("PCRE2 patterns tried in order; the first that matches sets the fields. Give pattern or patterns")
        .example(R"(['^(?<level>[A-Z]+) (?<msg>.*)$', '^(?<msg>.*)$'])"),
    logagent::option("source", LOGAGENT_OPTION_STRING).defaults("message").doc("The string field to parse"),
    logagent::option("types", LOGAGENT_OPTION_STRING_TABLE)
        .doc("Capture name -> \"int\", \"float\", \"bool\" or \"string\"; a capture that does not convert stays a "
             "string and the event is marked")
        .example(R"({ status = "int", size = "int" })"),
    logagent::option("keep_source", LOGAGENT_OPTION_BOOL)
        .defaults("true")
        .doc("false: remove the source field once a pattern matched"),
    logagent::option("on_mismatch", LOGAGENT_OPTION_STRING)
        .defaults("tag")
        .choices(kOnMismatch)
        .doc("An event no pattern matches: \"tag\" keeps it and marks _error, \"keep\" keeps it unmarked, \"drop\" "
             "removes it (counted)")
        .example("\"drop\""),
    logagent::option("time_key", LOGAGENT_OPTION_STRING)
        .doc("A capture holding the event's time, read with time_format; the event's timestamp becomes it")
        .example("\"time\""),
    logagent::time_format_option("\"%d/%b/%Y:%H:%M:%S %z\""),
};

namespace {

OnMismatch parse_on_mismatch(const std::string& text) {
  if (text == "keep") return OnMismatch::keep;
  if (text == "drop") return OnMismatch::drop;
  if (text == "tag") return OnMismatch::tag;
  std::string message = "on_mismatch must be \"keep\", \"tag\" or \"drop\", got \"";
  message += text;
  message += '"';
  throw OptionError("on_mismatch", message);
}

// "pattern 2 " for the second of several patterns, "" for a single one.
std::string which(size_t index, size_t count) {
  if (count == 1) return "the pattern";
  std::string text = "pattern ";
  text += std::to_string(index + 1);
  return text;
}

}  // namespace

RegexOptionsRead read_options(const Host& host, const Config& config) {
  RegexOptionsRead o;
  const bool single = config.has("pattern");
  const bool list = config.has("patterns");
  if (single && list) throw OptionError("patterns", "give pattern or patterns, not both");
  if (!single && !list) throw ConfigError("the regex filter needs pattern or patterns");
  std::vector<std::string> sources;
  const char* option = single ? "pattern" : "patterns";
  if (single) {
    sources.push_back(config.get_string("pattern"));
  } else {
    sources = config.get_list("patterns");
    if (sources.empty()) throw OptionError("patterns", "patterns needs at least one pattern");
  }

  o.source_name = config.get_string("source", "message");
  if (o.source_name.empty()) throw OptionError("source", "source cannot be an empty field name");
  o.source = host.intern(o.source_name);
  o.keep_source = config.get_bool("keep_source", true);
  o.on_mismatch = parse_on_mismatch(config.get_string("on_mismatch", "tag"));

  std::vector<std::pair<std::string, CaptureType>> types;
  for (const auto& [name, type_text] : config.get_table("types")) {
    const std::optional<CaptureType> type = parse_capture_type(type_text);
    if (!type) {
      std::string message = "expected \"int\", \"float\", \"bool\" or \"string\", got \"";
      message += type_text;
      message += '"';
      throw OptionError("types." + name, message);
    }
    types.emplace_back(name, *type);
  }

  std::optional<TimeKeyOption> time = read_time_key_option(config);
  const bool has_time_key = time.has_value();
  const std::string time_key = has_time_key ? time->key : std::string();
  if (has_time_key) {
    o.time_format = std::move(time->format);
    o.time_error = "regex: capture \"" + time_key + "\" does not match time_format \"" + o.time_format->format() + '"';
  }

  std::set<std::string, std::less<>> names;
  for (size_t i = 0; i < sources.size(); ++i) {
    std::string why;
    std::optional<Regex> regex = Regex::compile(sources[i], why);
    if (!regex) {
      std::string message = single ? std::string("pattern") : "patterns[" + std::to_string(i) + "]";
      message += " is not a valid PCRE2 pattern: ";
      message += why;
      throw OptionError(option, message);
    }
    Pattern p{std::move(*regex), {}, {}, {}};
    p.limit_error = "regex: " + which(i, sources.size()) + " hit the PCRE2 match limit; line left unparsed";
    p.failure = "regex: " + which(i, sources.size()) + " failed with a PCRE2 error; line left unparsed";
    p.regex.for_each_named_group([&](std::string_view name, uint32_t number) {
      Capture c;
      c.group = number;
      c.key = host.intern(name);
      for (const auto& [typed, type] : types) {
        if (typed == name) c.type = type;
      }
      c.time = has_time_key && name == time_key;
      c.type_error = "regex: capture \"";
      c.type_error += name;
      c.type_error += "\" is not a";
      c.type_error += c.type == CaptureType::integer ? "n " : " ";
      c.type_error += capture_type_name(c.type);
      p.captures.push_back(std::move(c));
      names.emplace(name);
    });
    o.patterns.push_back(std::move(p));
  }
  for (const auto& [name, type] : types) {
    if (names.find(name) == names.end()) {
      throw OptionError("types." + name, "no pattern has a capture named \"" + name + '"');
    }
  }
  if (has_time_key && names.find(time_key) == names.end()) {
    throw OptionError("time_key", "no pattern has a capture named \"" + time_key + '"');
  }
  return o;
}

}  // namespace logagent::plugins::regex_filter
