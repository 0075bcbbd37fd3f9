// The tail input's options: the schema the agent checks a pipeline against, and the values read from it.
#pragma once

#include <logagent/line_splitter.hpp>
#include <logagent/plugin.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace logagent::plugins::tail {

inline constexpr size_t kOptionCount = 15;
extern const logagent_option kOptions[kOptionCount];

struct TailOptions {
  std::vector<std::string> paths, exclude;
  bool from_beginning = false;
  int64_t refresh_ns = 1'000'000'000;
  bool exit_on_eof = false;
  std::string path_field;
  std::string offset_field;
  std::string multiline;  // start-of-record pattern; empty: a line is an event
  int64_t multiline_timeout_ns = 1'000'000'000;
  int64_t ignore_older_ns = 0;  // 0: no file is too old
  int64_t close_inactive_ns = 300'000'000'000;
  int64_t rotate_wait_ns = 5'000'000'000;
  bool inotify = true;
  LineSplitterOptions lines;
};

// Throws OptionError for a value the schema cannot rule out (an empty pattern, say).
TailOptions read_options(const Config& config);

}  // namespace logagent::plugins::tail
