// The "grep" filter: keeps events whose fields match `regex` patterns, drops those whose
// fields match `exclude` patterns.
#include "grep_rules.hpp"

#include <logagent/plugin.hpp>

#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace logagent::plugins::grep {
namespace {

const char* const kLogic[] = {"and", "or", nullptr};

const logagent_option kOptions[] = {
    logagent::option("regex", LOGAGENT_OPTION_STRING_TABLE)
        .doc("Field -> PCRE2 pattern: an event is kept only when its fields match (see logic); a missing "
             "field does not match")
        .example("{ message = \"ERROR|WARN\", level = \"^(error|warn)$\" }"),
    logagent::option("exclude", LOGAGENT_OPTION_STRING_TABLE)
        .doc("Field -> PCRE2 pattern: an event whose fields match (see logic) is dropped; a missing field does "
             "not match")
        .example("{ path = \"^/health\" }"),
    logagent::option("logic", LOGAGENT_OPTION_STRING)
        .defaults("and")
        .choices(kLogic)
        .doc("\"and\": every rule of a table must match; \"or\": one is enough (each table on its own)")
        .example("\"or\""),
};

// Scratch memory for concurrent calls: a call borrows one set and gives it back, so the
// filter allocates only when more threads than ever before run it at once.
class ScratchPool {
 public:
  explicit ScratchPool(const Rules& rules) : rules_(rules) {}

  std::unique_ptr<Scratch> take() {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      if (!free_.empty()) {
        std::unique_ptr<Scratch> scratch = std::move(free_.back());
        free_.pop_back();
        return scratch;
      }
    }
    return std::make_unique<Scratch>(rules_);
  }

  void give(std::unique_ptr<Scratch> scratch) {
    const std::lock_guard<std::mutex> lock(mutex_);
    free_.push_back(std::move(scratch));
  }

 private:
  const Rules& rules_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Scratch>> free_;
};

class GrepFilter final : public Filter {
 public:
  GrepFilter(Host host, const Config& config)
      : host_(host),
        rules_(parse_rules(host, config)),
        pool_(rules_),
        error_key_(host.intern("_error")),
        kept_(host.counter("kept")),
        dropped_(host.counter("dropped")),
        limit_errors_(host.counter("limit_errors")) {}

  Status filter(Batch& batch) override {
    std::unique_ptr<Scratch> scratch = pool_.take();
    uint64_t kept = 0;
    uint64_t dropped = 0;
    uint64_t limit_errors = 0;
    const uint32_t count = batch.size();
    for (uint32_t event = 0; event < count; ++event) {
      if (batch.dropped(event)) continue;
      const Rule* limited = nullptr;
      switch (decide(rules_, batch, event, *scratch, &limited)) {
        case Verdict::keep:
          ++kept;
          break;
        case Verdict::drop:
          batch.drop(event);
          ++dropped;
          break;
        case Verdict::undecided:
          batch.mark_error(event, error_key_, limited->limit_reason);
          ++kept;
          ++limit_errors;
          break;
      }
    }
    pool_.give(std::move(scratch));
    host_.add(kept_, kept);
    host_.add(dropped_, dropped);
    host_.add(limit_errors_, limit_errors);
    return Status::Ok();
  }

 private:
  Host host_;
  Rules rules_;
  ScratchPool pool_;
  logagent_key error_key_;
  logagent_counter* kept_;
  logagent_counter* dropped_;
  logagent_counter* limit_errors_;
};

}  // namespace
}  // namespace logagent::plugins::grep

LOGAGENT_FILTER_PLUGIN(logagent::plugins::grep::GrepFilter, "grep", "1.0.0",
                       "Keeps or drops events whose fields match PCRE2 patterns", logagent::plugins::grep::kOptions)
