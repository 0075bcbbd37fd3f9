// The references of filter_throughput.py: the parsing libraries alone, on the same lines,
// in one thread, with nothing of the agent around them.
//
//   logagent-bench-filter-reference regex PATTERN FILE   PCRE2 with JIT: match every line, read every group
//   logagent-bench-filter-reference json FILE            simdjson On Demand: visit every value of every line
//   logagent-bench-filter-reference json-dom FILE        simdjson DOM (the json filter's parser): the same
//
// Prints "lines=N seconds=S" on standard output, timed over the parsing only (the file is
// read into memory first). Every line is checked (a regex must match every one, every JSON
// line must parse), so that a figure never comes from work skipped.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <simdjson.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

namespace {

[[noreturn]] void fail(const std::string& message) {
  std::fprintf(stderr, "logagent-bench-filter-reference: %s\n", message.c_str());
  std::exit(1);
}

// The file's lines, each followed by simdjson's padding inside one buffer.
struct Lines {
  std::string text;
  std::vector<std::string_view> lines;
};

Lines read_lines(const char* path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(std::string("cannot read ") + path);
  const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Lines out;
  std::vector<std::pair<size_t, size_t>> spans;
  size_t start = 0;
  while (start < data.size()) {
    size_t end = data.find('\n', start);
    if (end == std::string::npos) end = data.size();
    spans.emplace_back(out.text.size(), end - start);
    out.text.append(data, start, end - start);
    out.text.append(simdjson::SIMDJSON_PADDING, ' ');
    start = end + 1;
  }
  for (auto [at, size] : spans) out.lines.emplace_back(out.text.data() + at, size);
  return out;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int run_regex(const char* pattern, const Lines& input) {
  int code = 0;
  PCRE2_SIZE offset = 0;
  pcre2_code* re =
      pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern), PCRE2_ZERO_TERMINATED, 0, &code, &offset, nullptr);
  if (re == nullptr) fail("pattern does not compile at offset " + std::to_string(offset));
  if (pcre2_jit_compile(re, PCRE2_JIT_COMPLETE) != 0) fail("no JIT");
  pcre2_match_data* md = pcre2_match_data_create_from_pattern(re, nullptr);
  uint32_t groups = 0;
  pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT, &groups);
  size_t captured = 0;
  const auto start = std::chrono::steady_clock::now();
  for (std::string_view line : input.lines) {
    const int rc = pcre2_jit_match(re, reinterpret_cast<PCRE2_SPTR>(line.data()), line.size(), 0, 0, md, nullptr);
    if (rc < 0) fail("a line does not match: " + std::string(line));
    const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
    for (uint32_t g = 1; g <= groups; ++g) captured += ov[2 * g + 1] - ov[2 * g];
  }
  const double elapsed = seconds_since(start);
  std::printf("lines=%zu seconds=%.6f captured_bytes=%zu\n", input.lines.size(), elapsed, captured);
  pcre2_match_data_free(md);
  pcre2_code_free(re);
  return 0;
}

// Visits a value whole, as a filter that keeps every field must.
size_t visit(simdjson::ondemand::value value) {
  switch (value.type()) {
    case simdjson::ondemand::json_type::object: {
      size_t n = 0;
      for (auto field : value.get_object()) {
        n += field.unescaped_key().value().size();
        n += visit(field.value());
      }
      return n;
    }
    case simdjson::ondemand::json_type::array: {
      size_t n = 0;
      for (auto item : value.get_array()) n += visit(item.value());
      return n;
    }
    case simdjson::ondemand::json_type::string:
      return value.get_string().value().size();
    case simdjson::ondemand::json_type::number:
      return value.get_number().value().is_double() ? 8 : 4;
    case simdjson::ondemand::json_type::boolean:
      return value.get_bool().value() ? 1 : 0;
    default:
      return value.is_null().value() ? 0 : 1;
  }
}

int run_json(const Lines& input) {
  simdjson::ondemand::parser parser;
  size_t visited = 0;
  const auto start = std::chrono::steady_clock::now();
  for (std::string_view line : input.lines) {
    try {
      simdjson::ondemand::document doc = parser.iterate(
          simdjson::padded_string_view(line.data(), line.size(), line.size() + simdjson::SIMDJSON_PADDING));
      for (auto field : doc.get_object()) {
        visited += field.unescaped_key().value().size();
        visited += visit(field.value());
      }
    } catch (const simdjson::simdjson_error& e) {
      fail(std::string("a line does not parse: ") + e.what());
    }
  }
  const double elapsed = seconds_since(start);
  std::printf("lines=%zu seconds=%.6f visited_bytes=%zu\n", input.lines.size(), elapsed, visited);
  return 0;
}

size_t visit(simdjson::dom::element value) {
  switch (value.type()) {
    case simdjson::dom::element_type::OBJECT: {
      size_t n = 0;
      const simdjson::dom::object object = value.get_object().value_unsafe();
      for (auto field : object) n += field.key.size() + visit(field.value);
      return n;
    }
    case simdjson::dom::element_type::ARRAY: {
      size_t n = 0;
      const simdjson::dom::array array = value.get_array().value_unsafe();
      for (auto item : array) n += visit(item);
      return n;
    }
    case simdjson::dom::element_type::STRING:
      return value.get_string().value_unsafe().size();
    case simdjson::dom::element_type::DOUBLE:
      return 8;
    case simdjson::dom::element_type::INT64:
    case simdjson::dom::element_type::UINT64:
      return 4;
    case simdjson::dom::element_type::BOOL:
      return value.get_bool().value_unsafe() ? 1 : 0;
    default:
      return 0;
  }
}

int run_json_dom(const Lines& input) {
  simdjson::dom::parser parser;
  size_t visited = 0;
  const auto start = std::chrono::steady_clock::now();
  for (std::string_view line : input.lines) {
    simdjson::dom::element root;
    if (const auto error = parser.parse(line.data(), line.size(), false).get(root); error != simdjson::SUCCESS) {
      fail(std::string("a line does not parse: ") + simdjson::error_message(error));
    }
    visited += visit(root);
  }
  const double elapsed = seconds_since(start);
  std::printf("lines=%zu seconds=%.6f visited_bytes=%zu\n", input.lines.size(), elapsed, visited);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "regex" && argc == 4) return run_regex(argv[2], read_lines(argv[3]));
  if (mode == "json" && argc == 3) return run_json(read_lines(argv[2]));
  if (mode == "json-dom" && argc == 3) return run_json_dom(read_lines(argv[2]));
  std::fprintf(stderr, "usage: %s regex PATTERN FILE | json FILE | json-dom FILE\n", argv[0]);
  return 2;
}
