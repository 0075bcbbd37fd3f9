// The json filter's data path: simdjson's DOM parse of one field, then the tree into the batch.
#include "json_document.hpp"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace logagent::plugins::json_filter {
namespace {

static_assert(LOGAGENT_BATCH_PADDING >= simdjson::SIMDJSON_PADDING, "batch strings must be padded for simdjson");

constexpr std::string_view kIntegerAsText = "json: integer above the int64 range kept as text";
constexpr std::string_view kNumberAsText = "json: number out of range kept as text";

// One parser per thread: the filter may run on several threads at once, and a parser keeps
// its buffers between documents (no allocation per event once it has seen the longest line).
struct ThreadState {
  simdjson::dom::parser parser;
  bool ready = false;
  std::string rewritten;  // the text with out-of-range numbers quoted (rare)
  std::vector<std::pair<std::string_view, simdjson::dom::element>> members;  // objects being written
  std::unordered_map<std::string_view, size_t> last_index;                   // large objects' duplicates
};

ThreadState& thread_state() {
  thread_local ThreadState state;
  if (!state.ready) {
    // simdjson counts the document itself as one level; kMaxDepth levels of nesting inside it.
    if (state.parser.allocate(64 * 1024, kMaxDepth + 1) != simdjson::SUCCESS) throw std::bad_alloc();
    state.ready = true;
  }
  return state;
}

std::string_view reason_for(simdjson::error_code error) {
  switch (error) {
    case simdjson::UTF8_ERROR:
      return "json: invalid UTF-8";
    case simdjson::DEPTH_ERROR:
      return "json: nested deeper than 128 levels";
    case simdjson::EMPTY:
      return "json: no JSON value";
    case simdjson::UNESCAPED_CHARS:
      return "json: unescaped control character in a string";
    case simdjson::UNCLOSED_STRING:
      return "json: unclosed string";
    case simdjson::STRING_ERROR:
      return "json: invalid string escape";
    case simdjson::NUMBER_ERROR:
      return "json: invalid number";
    case simdjson::T_ATOM_ERROR:
    case simdjson::F_ATOM_ERROR:
    case simdjson::N_ATOM_ERROR:
      return "json: invalid literal";
    case simdjson::MEMALLOC:
    case simdjson::CAPACITY:
      return "json: text too large";
    default:
      return "json: malformed JSON";
  }
}

std::string_view reason_for_root(simdjson::dom::element_type type) {
  switch (type) {
    case simdjson::dom::element_type::ARRAY:
      return "json: expected an object, got an array";
    case simdjson::dom::element_type::STRING:
      return "json: expected an object, got a string";
    case simdjson::dom::element_type::BOOL:
      return "json: expected an object, got a boolean";
    case simdjson::dom::element_type::NULL_VALUE:
      return "json: expected an object, got null";
    default:
      return "json: expected an object, got a number";
  }
}

// True when [p, end) is a JSON number (RFC 8259 grammar).
bool is_json_number(const char* p, const char* end) {
  auto digits = [&]() {
    const char* start = p;
    while (p != end && *p >= '0' && *p <= '9') ++p;
    return p != start;
  };
  if (p != end && *p == '-') ++p;
  if (p == end) return false;
  if (*p == '0') {
    ++p;
  } else if (!digits()) {
    return false;
  }
  if (p != end && *p == '.') {
    ++p;
    if (!digits()) return false;
  }
  if (p != end && (*p == 'e' || *p == 'E')) {
    ++p;
    if (p != end && (*p == '+' || *p == '-')) ++p;
    if (!digits()) return false;
  }
  return p == end;
}

// True for a valid number token that neither int64, uint64 nor a finite double can hold.
bool out_of_range(std::string_view token) {
  if (!is_json_number(token.data(), token.data() + token.size())) return false;
  if (token.find_first_of(".eE") == std::string_view::npos) {
    int64_t i = 0;
    if (std::from_chars(token.data(), token.data() + token.size(), i).ec == std::errc{}) return false;
    uint64_t u = 0;
    return token[0] == '-' || std::from_chars(token.data(), token.data() + token.size(), u).ec != std::errc{};
  }
  const std::string copy(token);  // strtod needs a terminated string
  return std::isinf(std::strtod(copy.c_str(), nullptr));
}

// Copies `text` into `out` with every out-of-range number token turned into a string of its
// text; returns how many were. Strings are skipped whole (escapes included).
size_t quote_out_of_range_numbers(std::string_view text, std::string& out) {
  out.clear();
  size_t quoted = 0;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '"') {
      size_t j = i + 1;
      while (j < text.size() && text[j] != '"') j += text[j] == '\\' ? 2 : 1;
      j = std::min(j + 1, text.size());
      out.append(text.substr(i, j - i));
      i = j;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      size_t j = i;
      while (j < text.size() && std::strchr("0123456789+-.eE", text[j]) != nullptr && text[j] != '\0') ++j;
      const std::string_view token = text.substr(i, j - i);
      if (out_of_range(token)) {
        out.push_back('"');
        out.append(token);
        out.push_back('"');
        ++quoted;
      } else {
        out.append(token);
      }
      i = j;
    } else {
      out.push_back(c);
      ++i;
    }
  }
  return quoted;
}

// Writes a parsed document into the batch. Strings and keys live in the parser's memory:
// the host copies each value once (flags 0), and each key only the first time the batch
// meets it (a key of every line is stored once per batch, not once per event).
class TreeWriter {
 public:
  explicit TreeWriter(Batch& batch, ThreadState& state) : batch_(batch), state_(state) {}

  std::string_view note() const { return note_; }

  // The members of `object` under `parent`, the last of duplicate keys winning (at the
  // place of the first).
  void fill_object(logagent_field parent, simdjson::dom::object object) {
    auto& members = state_.members;
    const size_t base = members.size();
    for (auto member : object) members.emplace_back(member.key, member.value);
    const size_t count = members.size() - base;
    if (count <= 16) {
      for (size_t i = base; i < base + count; ++i) {
        bool seen = false;
        for (size_t k = base; k < i && !seen; ++k) seen = members[k].first == members[i].first;
        if (seen) continue;
        size_t last = i;
        for (size_t k = i + 1; k < base + count; ++k) {
          if (members[k].first == members[i].first) last = k;
        }
        append_member(parent, members[i].first, members[last].second);
      }
    } else {
      // Recursion below reuses last_index: take the positions out first.
      std::vector<size_t> winner(count, SIZE_MAX);
      auto& last_index = state_.last_index;
      last_index.clear();
      for (size_t i = 0; i < count; ++i) last_index[members[base + i].first] = i;
      for (size_t i = 0; i < count; ++i) {
        auto it = last_index.find(members[base + i].first);
        if (it->second != SIZE_MAX) {
          winner[i] = it->second;
          it->second = SIZE_MAX;
        }
      }
      for (size_t i = 0; i < count; ++i) {
        if (winner[i] != SIZE_MAX) append_member(parent, members[base + i].first, members[base + winner[i]].second);
      }
    }
    members.resize(base);
  }

  void fill_array(logagent_field parent, simdjson::dom::array array) {
    for (simdjson::dom::element item : array) {
      const logagent_field child = batch_.append_child_named(parent, {}, scalar_or_container(item), LOGAGENT_SET_NEW);
      fill_children(child, item);
    }
  }

  // A top-level member: event_set_named replaces a field of that name already there (the
  // source, or an earlier duplicate key), so the last duplicate wins at the root too.
  void set_root_member(uint32_t event, std::string_view key, simdjson::dom::element value) {
    const logagent_field field = batch_.set_named(event, key, scalar_or_container(value), 0);
    fill_children(field, value);
  }

  void fill_children(logagent_field field, simdjson::dom::element value) {
    if (value.type() == simdjson::dom::element_type::OBJECT) {
      fill_object(field, value.get_object().value_unsafe());
    } else if (value.type() == simdjson::dom::element_type::ARRAY) {
      fill_array(field, value.get_array().value_unsafe());
    }
  }

 private:
  void append_member(logagent_field parent, std::string_view key, simdjson::dom::element value) {
    const logagent_field child = batch_.append_child_named(parent, key, scalar_or_container(value), LOGAGENT_SET_NEW);
    fill_children(child, value);
  }

  // The value of a scalar (strings in the parser's memory, until set), or an empty MAP/ARRAY.
  Value scalar_or_container(simdjson::dom::element e) {
    switch (e.type()) {
      case simdjson::dom::element_type::OBJECT:
        return Value::map();
      case simdjson::dom::element_type::ARRAY:
        return Value::array();
      case simdjson::dom::element_type::INT64:
        return Value::integer(e.get_int64().value_unsafe());
      case simdjson::dom::element_type::UINT64: {
        // Above int64's range (smaller ones parse as INT64): kept as its decimal text, which
        // is the source's text (a JSON integer has one spelling).
        const char* end = std::to_chars(digits_, digits_ + sizeof digits_, e.get_uint64().value_unsafe()).ptr;
        note_ = kIntegerAsText;
        return Value::string(std::string_view(digits_, static_cast<size_t>(end - digits_)));
      }
      case simdjson::dom::element_type::DOUBLE:
        return Value::real(e.get_double().value_unsafe());
      case simdjson::dom::element_type::STRING:
        return Value::string(e.get_string().value_unsafe());
      case simdjson::dom::element_type::BOOL:
        return Value::boolean(e.get_bool().value_unsafe());
      case simdjson::dom::element_type::NULL_VALUE:
        break;
    }
    return Value::null();
  }

  Batch& batch_;
  ThreadState& state_;
  char digits_[24] = {};  // an integer's text, until its field is set
  std::string_view note_;
};

}  // namespace

ParseResult parse_into_event(Batch& batch, uint32_t event, std::string_view text, const Placement& placement,
                             logagent_field remove_source) {
  ThreadState& state = thread_state();
  simdjson::dom::element root;
  simdjson::error_code error = state.parser.parse(text.data(), text.size(), false).get(root);
  std::string_view note;
  if (error == simdjson::NUMBER_ERROR) {
    // A number no int64, uint64 or double holds: parse again with such numbers as strings.
    if (quote_out_of_range_numbers(text, state.rewritten) != 0) {
      state.rewritten.reserve(state.rewritten.size() + simdjson::SIMDJSON_PADDING);
      error = state.parser.parse(state.rewritten.data(), state.rewritten.size(), false).get(root);
      note = kNumberAsText;
    }
  }
  if (error != simdjson::SUCCESS) return {reason_for(error), {}};
  if (root.type() != simdjson::dom::element_type::OBJECT) return {reason_for_root(root.type()), {}};

  if (remove_source != LOGAGENT_NO_FIELD) batch.remove(event, remove_source);
  TreeWriter writer(batch, state);
  const simdjson::dom::object object = root.get_object().value_unsafe();
  if (placement.at_root) {
    for (auto member : object) writer.set_root_member(event, member.key, member.value);
  } else {
    const logagent_field target = batch.set(event, placement.target, Value::map());
    writer.fill_object(target, object);
  }
  if (note.empty()) note = writer.note();
  return {{}, note};
}

}  // namespace logagent::plugins::json_filter
