// The grep filter's rules: compiled once from the configuration, then evaluated per event.
#pragma once

#include <logagent/plugin.hpp>
#include <logagent/regex.hpp>

#include <string>
#include <vector>

namespace logagent::plugins::grep {

// How the rules of one kind (all `regex` rules, all `exclude` rules) combine.
enum class Logic { all, any };

struct Rule {
  logagent_key key;
  Regex regex;
  // The `_error` text of an event this rule could not decide (an engine limit), made once.
  std::string limit_reason;
};

struct Rules {
  std::vector<Rule> keep;     // `regex`: an event must match to be kept
  std::vector<Rule> exclude;  // `exclude`: an event that matches is dropped
  Logic logic = Logic::all;
};

// Reads and compiles the options; throws OptionError at the table item of a pattern that
// does not compile, ConfigError when there is no rule at all.
Rules parse_rules(Host host, const Config& config);

enum class Verdict { keep, drop, undecided };

// What one caller needs to evaluate the rules: a scratch per rule, and room for the text of
// a number or boolean. One thread at a time.
struct Scratch {
  explicit Scratch(const Rules& rules);
  std::vector<Regex::Scratch> keep;
  std::vector<Regex::Scratch> exclude;
  std::string text;
};

// Whether `event` stays. On undecided (an engine limit left the outcome open), *limited is
// the first rule that hit the limit.
Verdict decide(const Rules& rules, const BatchView& batch, uint32_t event, Scratch& scratch, const Rule** limited);

}  // namespace logagent::plugins::grep
