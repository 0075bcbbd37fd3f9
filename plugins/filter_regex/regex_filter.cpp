// The "regex" filter: parses one string field with PCRE2 named captures into fields.
//
// Captures are set as strings borrowed from the source field's bytes (no copy), or as the
// numbers and booleans `types` asks for. Patterns are compiled once in create and shared by
// every thread that runs the filter; the per-thread match memory (Regex::Scratch) comes
// from a small pool, taken once per batch.
#include "convert.hpp"
#include "regex_options.hpp"

#include <logagent/plugin.hpp>
#include <logagent/regex.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace logagent::plugins::regex_filter {
namespace {

constexpr std::string_view kNoMatch = "regex: no pattern matched";

// One scratch per pattern, for one thread at a time.
using Scratches = std::vector<Regex::Scratch>;

// Scratches made on demand and kept: as many as batches ever filtered at once.
class ScratchPool {
 public:
  explicit ScratchPool(const std::vector<Pattern>& patterns) : patterns_(patterns) {}

  std::unique_ptr<Scratches> take() {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      if (!free_.empty()) {
        std::unique_ptr<Scratches> s = std::move(free_.back());
        free_.pop_back();
        return s;
      }
    }
    auto s = std::make_unique<Scratches>();
    s->reserve(patterns_.size());
    for (const Pattern& p : patterns_) s->emplace_back(p.regex);
    return s;
  }
  void give_back(std::unique_ptr<Scratches> s) {
    const std::lock_guard<std::mutex> lock(mutex_);
    free_.push_back(std::move(s));
  }

 private:
  const std::vector<Pattern>& patterns_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Scratches>> free_;
};

class RegexFilter final : public Filter {
 public:
  RegexFilter(Host host, const Config& config)
      : options_(read_options(host, config)),
        pool_(options_.patterns),
        error_key_(host.intern(LOGAGENT_ERROR_FIELD)),
        matched_(host.counter("matched")),
        mismatched_(host.counter("mismatched")),
        dropped_(host.counter("dropped")),
        limit_hits_(host.counter("limit_hits")),
        conversion_errors_(host.counter("conversion_errors")),
        time_errors_(host.counter("time_errors")),
        host_(host) {}

  Status filter(Batch& batch) override {
    std::unique_ptr<Scratches> scratches = pool_.take();
    Counts counts;
    const uint32_t count = batch.size();
    for (uint32_t event = 0; event < count; ++event) {
      if (!batch.dropped(event)) parse(batch, event, *scratches, counts);
    }
    pool_.give_back(std::move(scratches));
    add(matched_, counts.matched);
    add(mismatched_, counts.mismatched);
    add(dropped_, counts.dropped);
    add(limit_hits_, counts.limit_hits);
    add(conversion_errors_, counts.conversion_errors);
    add(time_errors_, counts.time_errors);
    return Status::Ok();
  }

 private:
  struct Counts {
    uint64_t matched = 0;
    uint64_t mismatched = 0;
    uint64_t dropped = 0;
    uint64_t limit_hits = 0;
    uint64_t conversion_errors = 0;
    uint64_t time_errors = 0;
  };

  void add(logagent_counter* counter, uint64_t n) const noexcept {
    if (n != 0) host_.add(counter, n);
  }

  void parse(Batch& batch, uint32_t event, Scratches& scratches, Counts& counts) const {
    const logagent_field source = batch.find(event, options_.source);
    std::string_view subject;
    bool have_subject = false;
    if (source != LOGAGENT_NO_FIELD) {
      const FieldView view = batch.read(source);
      if (view.value.type() == LOGAGENT_VALUE_STRING) {
        subject = view.value.as_string();
        have_subject = true;
      }
    }
    if (!have_subject) {
      mismatch(batch, event, counts);
      return;
    }
    const Pattern* failed = nullptr;
    bool limit = false;
    for (size_t i = 0; i < options_.patterns.size(); ++i) {
      const Pattern& pattern = options_.patterns[i];
      switch (pattern.regex.match(subject, scratches[i])) {
        case MatchResult::Matched:
          apply(batch, event, source, subject, pattern, scratches[i], counts);
          return;
        case MatchResult::NoMatch:
          break;
        case MatchResult::LimitExceeded:
          if (failed == nullptr) {
            failed = &pattern;
            limit = true;
          }
          break;
        case MatchResult::Error:
          if (failed == nullptr) failed = &pattern;
          break;
      }
    }
    if (failed != nullptr) {
      // A line that defeated the matcher is kept and marked whatever on_mismatch says: it
      // was not shown not to match, and hostile input must not vanish unseen.
      ++counts.limit_hits;
      batch.mark_error(event, error_key_, limit ? failed->limit_error : failed->failure);
      return;
    }
    mismatch(batch, event, counts);
  }

  void mismatch(Batch& batch, uint32_t event, Counts& counts) const noexcept {
    ++counts.mismatched;
    switch (options_.on_mismatch) {
      case OnMismatch::keep:
        break;
      case OnMismatch::tag:
        batch.mark_error(event, error_key_, kNoMatch);
        break;
      case OnMismatch::drop:
        ++counts.dropped;
        batch.drop(event);
        break;
    }
  }

  void apply(Batch& batch, uint32_t event, logagent_field source, std::string_view subject, const Pattern& pattern,
             const Regex::Scratch& scratch, Counts& counts) const noexcept {
    ++counts.matched;
    bool source_replaced = false;
    for (const Capture& capture : pattern.captures) {
      const Regex::Group group = scratch.group(capture.group);
      if (!group.matched()) continue;  // an optional group that took no part sets nothing
      const std::string_view text = group.in(subject);
      if (capture.key == options_.source) source_replaced = true;
      if (capture.time) set_time(batch, event, text, counts);
      if (!set_typed(batch, event, capture, text)) {
        ++counts.conversion_errors;
        batch.set_borrowed(event, capture.key, text);
        batch.mark_error(event, error_key_, capture.type_error);
      }
    }
    if (!options_.keep_source && !source_replaced) batch.remove(event, source);
  }

  // Sets a capture of a non-string type; false when the text is not one of that type.
  static bool set_typed(Batch& batch, uint32_t event, const Capture& capture, std::string_view text) noexcept {
    switch (capture.type) {
      case CaptureType::string:
        batch.set_borrowed(event, capture.key, text);
        return true;
      case CaptureType::integer: {
        int64_t value = 0;
        if (!to_int(text, value)) return false;
        batch.set(event, capture.key, Value::integer(value));
        return true;
      }
      case CaptureType::real: {
        double value = 0;
        if (!to_float(text, value)) return false;
        batch.set(event, capture.key, Value::real(value));
        return true;
      }
      case CaptureType::boolean: {
        bool value = false;
        if (!to_bool(text, value)) return false;
        batch.set(event, capture.key, Value::boolean(value));
        return true;
      }
    }
    return false;
  }

  void set_time(Batch& batch, uint32_t event, std::string_view text, Counts& counts) const noexcept {
    const std::optional<int64_t> ns = options_.time_format->parse(text);
    if (ns) {
      batch.set_time(event, *ns);
      return;
    }
    ++counts.time_errors;
    batch.mark_error(event, error_key_, options_.time_error);
  }

  const RegexOptionsRead options_;
  ScratchPool pool_;
  logagent_key error_key_;
  logagent_counter* matched_;
  logagent_counter* mismatched_;
  logagent_counter* dropped_;
  logagent_counter* limit_hits_;
  logagent_counter* conversion_errors_;
  logagent_counter* time_errors_;
  Host host_;
};

}  // namespace
}  // namespace logagent::plugins::regex_filter

LOGAGENT_FILTER_PLUGIN(logagent::plugins::regex_filter::RegexFilter, "regex", "1.0.0",
                       "Parses a string field with PCRE2 named captures into fields",
                       logagent::plugins::regex_filter::kOptions)
