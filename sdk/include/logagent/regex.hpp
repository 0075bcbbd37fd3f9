// A compiled PCRE2 pattern that several threads match at once, each with its own scratch memory.
//
// Header-only, compiled into each plugin that includes it (the tail input's multiline start
// pattern, the regex filter); such a plugin links PCRE2 (CMake: logagent::regex, see
// docs/sdk.md). Plugins that do not include this header do not need PCRE2 at all.
//
// Bytes, not text: patterns and subjects are 8-bit code units and UTF is off unless asked
// for, because log lines need not be valid UTF-8 and a UTF check would reject (or, with UTF
// on, cost a pass over) every such line.
//
// Bounded cost: a match stops with MatchResult::LimitExceeded after `match_limit` internal
// backtracking steps (in the interpreter and in JIT code alike), or when the interpreter's
// backtracking nests deeper than `depth_limit`, or when JIT code runs out of its stack. A
// hostile line against a pattern like (a+)+$ thus costs a bounded time, not the thread.
//
// Threads: a Regex is immutable after compile and may be shared by any number of threads.
// Matching needs a Scratch (match data, JIT stack, match context), which one thread at a
// time uses: make one per thread (or per caller) and keep it, so that matching allocates
// nothing per call (PCRE2 10.41+ keeps the interpreter's backtracking frames in the match
// data; the first match through a scratch allocates them, later ones reuse them).
//
//   std::string error;
//   auto re = logagent::Regex::compile(R"(^\d{4}-\d{2}-\d{2})", error);
//   if (!re) throw logagent::ConfigError("multiline: " + error);
//   logagent::Regex::Scratch scratch(*re);         // one per thread
//   if (re->match(line, scratch) == logagent::MatchResult::Matched) ...
#pragma once

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

static_assert(PCRE2_CODE_UNIT_WIDTH == 8, "logagent::Regex matches bytes: PCRE2_CODE_UNIT_WIDTH must be 8");

namespace logagent {

struct RegexOptions {
  bool caseless = false;
  // Patterns and subjects are UTF-8: '.' is a character, not a byte. Invalid sequences in a
  // subject never match anything (PCRE2_MATCH_INVALID_UTF) rather than failing the match.
  bool utf = false;
  // Backtracking steps one match may take. PCRE2's own default (10 million) lets one
  // catastrophic pattern hold a thread for seconds per line; 100,000 is far beyond what a
  // sane pattern needs on a log line and costs a few milliseconds at worst.
  uint32_t match_limit = 100'000;
  // Nesting of backtracking points in the interpreter, which bounds its heap use (a frame is
  // a few hundred bytes); JIT code ignores it and is bounded by jit_stack_bytes instead.
  uint32_t depth_limit = 10'000;
  // Compile to machine code (several times faster). When the platform has no JIT, or it
  // fails (no executable memory allowed), matching falls back to the interpreter.
  bool jit = true;
  // Largest JIT stack a Scratch may grow to; it starts at 32 KiB.
  size_t jit_stack_bytes = 512 * 1024;
};

enum class MatchResult {
  Matched,
  NoMatch,
  LimitExceeded,  // match_limit, depth_limit or the JIT stack: treat as "no match", count it
  Error           // any other PCRE2 failure (out of memory): no match either
};

class Regex {
 public:
  class Scratch;

  // Offsets of a captured group in the subject, [begin, end); both npos when the group took
  // no part in the match.
  struct Group {
    static constexpr size_t npos = PCRE2_UNSET;
    size_t begin = npos;
    size_t end = npos;
    bool matched() const noexcept { return begin != npos; }
    std::string_view in(std::string_view subject) const noexcept {
      return matched() ? subject.substr(begin, end - begin) : std::string_view();
    }
  };

  // Compiles `pattern` (any bytes, NUL included). On failure returns nullopt and sets `error`
  // to PCRE2's reason and where: "missing closing parenthesis at offset 5".
  static inline std::optional<Regex> compile(std::string_view pattern, std::string& error,
                                             const RegexOptions& options = {});

  // Matches `subject` anywhere (anchor with ^ in the pattern). Afterwards, on Matched,
  // scratch.group(n) tells where group n is, until the scratch's next match.
  inline MatchResult match(std::string_view subject, Scratch& scratch) const noexcept;

  // Number of capturing groups (group 0, the whole match, not counted).
  uint32_t capture_count() const noexcept { return info(PCRE2_INFO_CAPTURECOUNT); }
  // Calls fn(std::string_view name, uint32_t number) for each named group, in name order.
  template <class Fn>
  void for_each_named_group(Fn&& fn) const;
  // The pattern runs as machine code (false: the interpreter, see RegexOptions::jit).
  bool jit() const noexcept { return jit_; }
  const RegexOptions& options() const noexcept { return options_; }

  // Move-only; a moved-from Regex may only be assigned to or destroyed.

 private:
  struct CodeFree {
    void operator()(pcre2_code* c) const noexcept { pcre2_code_free(c); }
  };

  Regex(pcre2_code* code, bool jit, const RegexOptions& options) : code_(code), jit_(jit), options_(options) {}
  // PCRE2 10.42 rejects a NULL pointer even with length 0, which an empty string_view may hold.
  static PCRE2_SPTR bytes(std::string_view s) noexcept {
    static constexpr unsigned char kEmpty = 0;
    return s.data() != nullptr ? reinterpret_cast<PCRE2_SPTR>(s.data()) : &kEmpty;
  }
  uint32_t info(uint32_t what) const noexcept {
    uint32_t value = 0;
    pcre2_pattern_info(code_.get(), what, &value);
    return value;
  }

  std::unique_ptr<pcre2_code, CodeFree> code_;
  bool jit_;
  RegexOptions options_;
};

// What one thread needs to match with one Regex: made once, reused for every match. Made
// for a given Regex (its group count, its limits); do not use it with another.
class Regex::Scratch {
 public:
  // Throws std::bad_alloc when PCRE2 cannot allocate.
  inline explicit Scratch(const Regex& regex);

  // Group n of the last Matched result (0: the whole match); unmatched for n past the
  // pattern's groups, and after any other result.
  Group group(uint32_t n) const noexcept {
    if (n >= pairs_) return Group{};
    const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(data_.get());
    return Group{ovector[2 * n], ovector[2 * n + 1]};
  }

 private:
  friend class Regex;
  struct DataFree {
    void operator()(pcre2_match_data* d) const noexcept { pcre2_match_data_free(d); }
  };
  struct ContextFree {
    void operator()(pcre2_match_context* c) const noexcept { pcre2_match_context_free(c); }
  };
  struct StackFree {
    void operator()(pcre2_jit_stack* s) const noexcept { pcre2_jit_stack_free(s); }
  };

  // The context is per scratch, not per Regex, because assigning a JIT stack writes to it.
  std::unique_ptr<pcre2_match_context, ContextFree> context_;
  std::unique_ptr<pcre2_match_data, DataFree> data_;
  std::unique_ptr<pcre2_jit_stack, StackFree> stack_;
  uint32_t pairs_ = 0;  // ovector pairs set by the last match
};

// ---- Implementation ------------------------------------------------------------------------

inline std::optional<Regex> Regex::compile(std::string_view pattern, std::string& error, const RegexOptions& options) {
  uint32_t flags = 0;
  if (options.caseless) flags |= PCRE2_CASELESS;
  if (options.utf) flags |= PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
  int code = 0;
  PCRE2_SIZE offset = 0;
  pcre2_code* compiled = pcre2_compile(bytes(pattern), pattern.size(), flags, &code, &offset, nullptr);
  if (compiled == nullptr) {
    PCRE2_UCHAR message[256];
    const int len = pcre2_get_error_message(code, message, sizeof message);
    error.assign(reinterpret_cast<const char*>(message), len > 0 ? static_cast<size_t>(len) : 0);
    error += " at offset " + std::to_string(offset);
    return std::nullopt;
  }
  // Any JIT failure leaves the compiled pattern to the interpreter, which pcre2_match then
  // uses by itself: slower, same results.
  const bool jit = options.jit && pcre2_jit_compile(compiled, PCRE2_JIT_COMPLETE) == 0;
  return Regex(compiled, jit, options);
}

inline MatchResult Regex::match(std::string_view subject, Scratch& scratch) const noexcept {
  const int rc =
      pcre2_match(code_.get(), bytes(subject), subject.size(), 0, 0, scratch.data_.get(), scratch.context_.get());
  if (rc >= 0) {
    // 0 would mean the match data has too few pairs, impossible for one made from this pattern.
    scratch.pairs_ = rc > 0 ? static_cast<uint32_t>(rc) : pcre2_get_ovector_count(scratch.data_.get());
    return MatchResult::Matched;
  }
  scratch.pairs_ = 0;
  switch (rc) {
    case PCRE2_ERROR_NOMATCH:
      return MatchResult::NoMatch;
    case PCRE2_ERROR_MATCHLIMIT:
    case PCRE2_ERROR_DEPTHLIMIT:
    case PCRE2_ERROR_HEAPLIMIT:
    case PCRE2_ERROR_JIT_STACKLIMIT:
      return MatchResult::LimitExceeded;
    default:
      return MatchResult::Error;
  }
}

template <class Fn>
void Regex::for_each_named_group(Fn&& fn) const {
  const uint32_t count = info(PCRE2_INFO_NAMECOUNT);
  const uint32_t entry_size = info(PCRE2_INFO_NAMEENTRYSIZE);
  PCRE2_SPTR table = nullptr;
  pcre2_pattern_info(code_.get(), PCRE2_INFO_NAMETABLE, &table);
  // Each entry: the group number in two bytes, most significant first, then the name and a NUL.
  for (uint32_t i = 0; i < count; ++i) {
    PCRE2_SPTR entry = table + static_cast<size_t>(i) * entry_size;
    const uint32_t number = (static_cast<uint32_t>(entry[0]) << 8) | entry[1];
    fn(std::string_view(reinterpret_cast<const char*>(entry + 2)), number);
  }
}

inline Regex::Scratch::Scratch(const Regex& regex)
    : context_(pcre2_match_context_create(nullptr)),
      data_(pcre2_match_data_create_from_pattern(regex.code_.get(), nullptr)) {
  if (!context_ || !data_) throw std::bad_alloc();
  pcre2_set_match_limit(context_.get(), regex.options_.match_limit);
  pcre2_set_depth_limit(context_.get(), regex.options_.depth_limit);
  if (regex.jit_) {
    // Without a stack of its own JIT code uses 32 KiB of the thread's machine stack, which
    // a deeply backtracking pattern exhausts early; a heap stack lets it grow to the limit.
    stack_.reset(
        pcre2_jit_stack_create(32 * 1024, std::max<size_t>(32 * 1024, regex.options_.jit_stack_bytes), nullptr));
    if (!stack_) throw std::bad_alloc();
    pcre2_jit_stack_assign(context_.get(), nullptr, stack_.get());
  }
}

}  // namespace logagent
