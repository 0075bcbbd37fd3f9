// The grep filter's rules: options to compiled patterns, and the per-event decision.
#include "grep_rules.hpp"

#include <logagent/json_writer.hpp>

#include <cmath>
#include <string_view>
#include <utility>

namespace logagent::plugins::grep {
namespace {

std::vector<Rule> compile_table(Host host, const Config& config, const std::string& option) {
  std::vector<Rule> rules;
  for (const auto& [field, pattern] : config.get_table(option)) {
    std::string where = option;
    where += '.';
    where += field;
    if (field.empty()) throw OptionError(where, "the field name of a rule cannot be empty");
    std::string why;
    std::optional<Regex> regex = Regex::compile(pattern, why);
    if (!regex) throw OptionError(where, "not a valid PCRE2 pattern: " + why);
    std::string reason = "grep: ";
    reason += where;
    reason += ": matching stopped at the regex engine's limit (match, depth or stack); event kept";
    rules.push_back(Rule{host.intern(field), std::move(*regex), std::move(reason)});
  }
  return rules;
}

enum class Outcome { no, yes, unknown };

// The text a rule matches: strings as they are; integers, finite floats and booleans as the
// JSON output writes them; anything else (null, map, array, NaN, infinities) has no text and
// never matches.
bool subject_of(const FieldView& field, std::string& text, std::string_view& subject) {
  const Value& v = field.value;
  switch (v.type()) {
    case LOGAGENT_VALUE_STRING:
      subject = v.as_string();
      return true;
    case LOGAGENT_VALUE_INT:
      text.clear();
      json::append_int(text, v.as_int());
      break;
    case LOGAGENT_VALUE_FLOAT:
      if (!std::isfinite(v.as_float())) return false;  // JSON writes them as null
      text.clear();
      json::append_float(text, v.as_float());
      break;
    case LOGAGENT_VALUE_BOOL:
      text.clear();
      json::append_bool(text, v.as_bool());
      break;
    default:
      return false;
  }
  subject = text;
  return true;
}

Outcome match_rule(const Rule& rule, const BatchView& batch, uint32_t event, Regex::Scratch& scratch,
                   std::string& text) {
  const logagent_field field = batch.find(event, rule.key);
  if (field == LOGAGENT_NO_FIELD) return Outcome::no;  // a missing field matches no pattern
  std::string_view subject;
  if (!subject_of(batch.read(field), text, subject)) return Outcome::no;
  switch (rule.regex.match(subject, scratch)) {
    case MatchResult::Matched:
      return Outcome::yes;
    case MatchResult::NoMatch:
      return Outcome::no;
    case MatchResult::LimitExceeded:
    case MatchResult::Error:
      break;
  }
  return Outcome::unknown;
}

// Three-valued: a rule the engine could not finish is unknown, and the group is unknown only
// when the rules that did finish leave its outcome open.
Outcome evaluate(const std::vector<Rule>& rules, Logic logic, const BatchView& batch, uint32_t event,
                 std::vector<Regex::Scratch>& scratch, std::string& text, const Rule** limited) {
  bool unknown = false;
  for (size_t i = 0; i < rules.size(); ++i) {
    const Outcome outcome = match_rule(rules[i], batch, event, scratch[i], text);
    if (outcome == Outcome::no && logic == Logic::all) return Outcome::no;
    if (outcome == Outcome::yes && logic == Logic::any) return Outcome::yes;
    if (outcome == Outcome::unknown && !unknown) {
      unknown = true;
      if (*limited == nullptr) *limited = &rules[i];
    }
  }
  if (unknown) return Outcome::unknown;
  return logic == Logic::all ? Outcome::yes : Outcome::no;
}

}  // namespace

Rules parse_rules(Host host, const Config& config) {
  Rules rules;
  rules.keep = compile_table(host, config, "regex");
  rules.exclude = compile_table(host, config, "exclude");
  rules.logic = config.get_string("logic", "and") == "or" ? Logic::any : Logic::all;
  if (rules.keep.empty() && rules.exclude.empty())
    throw ConfigError("grep needs at least one rule: a regex or an exclude table with a field in it");
  return rules;
}

Scratch::Scratch(const Rules& rules) {
  keep.reserve(rules.keep.size());
  for (const Rule& rule : rules.keep) keep.emplace_back(rule.regex);
  exclude.reserve(rules.exclude.size());
  for (const Rule& rule : rules.exclude) exclude.emplace_back(rule.regex);
}

Verdict decide(const Rules& rules, const BatchView& batch, uint32_t event, Scratch& scratch, const Rule** limited) {
  *limited = nullptr;
  Outcome keep = Outcome::yes;
  if (!rules.keep.empty()) {
    keep = evaluate(rules.keep, rules.logic, batch, event, scratch.keep, scratch.text, limited);
    if (keep == Outcome::no) return Verdict::drop;
  }
  Outcome exclude = Outcome::no;
  if (!rules.exclude.empty()) {
    exclude = evaluate(rules.exclude, rules.logic, batch, event, scratch.exclude, scratch.text, limited);
    if (exclude == Outcome::yes) return Verdict::drop;
  }
  // Never dropped because of an engine limit: an open outcome keeps the event.
  if (keep == Outcome::unknown || exclude == Outcome::unknown) return Verdict::undecided;
  return Verdict::keep;
}

}  // namespace logagent::plugins::grep
