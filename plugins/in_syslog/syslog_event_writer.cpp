// Fields of a syslog event (docs/plugins/syslog.md, "Fields").
#include "syslog_event_writer.hpp"

#include <cstring>
#include <ctime>

namespace logagent::plugins::syslog_input {
namespace {

constexpr uint32_t kNew = LOGAGENT_SET_NEW;
constexpr uint32_t kBorrowNew = LOGAGENT_SET_NEW | LOGAGENT_SET_BORROW;

std::string_view issue_reason(FrameIssue issue) noexcept {
  switch (issue) {
    case FrameIssue::bad_octet_count:
      return "syslog: bad octet count";
    case FrameIssue::closed_inside_frame:
      return "syslog: connection closed inside a frame";
    case FrameIssue::none:
      break;
  }
  return {};
}

// Names are short and mostly differ in length: compared inline, without a call per pair.
inline bool same_text(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && (a.empty() || (a[0] == b[0] && std::memcmp(a.data(), b.data(), a.size()) == 0));
}

// Whether an element before `index` has SD-ID `id`.
inline bool seen_before(std::span<const SdElement> elements, size_t index, std::string_view id) noexcept {
  for (size_t e = 0; e < index; ++e) {
    if (same_text(elements[e].id, id)) return true;
  }
  return false;
}

// Whether param `index` of element `element` is followed by one of the same name in the
// same SD-ID's map.
inline bool set_again(std::span<const SdElement> elements, size_t element, size_t index, std::string_view id) noexcept {
  const std::string_view name = elements[element].params[index].name;
  for (size_t e = element; e < elements.size(); ++e) {
    if (e != element && !same_text(elements[e].id, id)) continue;
    const std::span<const SdParam> list = elements[e].params;
    for (size_t p = e == element ? index + 1 : 0; p < list.size(); ++p) {
      if (same_text(list[p].name, name)) return true;
    }
  }
  return false;
}

}  // namespace

SyslogEventWriter::SyslogEventWriter(Host host, const WriterOptions& options)
    : parse_(options.parse),
      message_(host.intern("message")),
      facility_(host.intern("facility")),
      facility_code_(host.intern("facility_code")),
      severity_(host.intern("severity")),
      severity_code_(host.intern("severity_code")),
      version_(host.intern("version")),
      hostname_(host.intern("hostname")),
      app_name_(host.intern("app_name")),
      procid_(host.intern("procid")),
      msgid_(host.intern("msgid")),
      structured_data_(host.intern("structured_data")),
      truncated_(host.intern("truncated")),
      error_(host.intern(LOGAGENT_ERROR_FIELD)),
      source_(options.source_field.empty() ? LOGAGENT_NO_KEY : host.intern(options.source_field)) {}

void SyslogEventWriter::start_batch() noexcept {
  facility_names_.fill({});
  severity_names_.fill({});
  sd_keys_.clear();
}

// The SD-IDs and PARAM-NAMEs of a stream repeat from message to message. The first time a
// batch meets one it is stored by name; the key it got there (a key of the batch, read back
// from the field) names it for the rest of the batch, with no lookup by name.
logagent_field SyslogEventWriter::append_named(Batch& batch, logagent_field parent, std::string_view name,
                                               const Value& value) {
  for (const NamedKey& known : sd_keys_) {
    if (same_text(known.name, name)) return batch.append_child(parent, known.key, value, true);
  }
  const logagent_field field = batch.append_child_named(parent, name, value, LOGAGENT_SET_BORROW);
  if (field != LOGAGENT_NO_FIELD && sd_keys_.size() < kMaxNamedKeys) sd_keys_.push_back({name, batch.read(field).key});
  return field;
}

std::string_view SyslogEventWriter::in_batch(Batch& batch, std::string_view& slot, std::string_view name) {
  if (slot.empty()) {
    char* copy = batch.alloc(name.size());
    std::char_traits<char>::copy(copy, name.data(), name.size());
    slot = std::string_view(copy, name.size());
  }
  return slot;
}

// RFC 3164 times carry no zone: they are read in the agent's own (TZ), as rsyslog reads
// them. The offset is looked up once a second, so a change of daylight saving time is met.
int32_t SyslogEventWriter::local_zone_offset(int64_t now_ns) noexcept {
  const int64_t second = now_ns / 1'000'000'000;
  if (second != zone_checked_second_) {
    zone_checked_second_ = second;
    const time_t t = static_cast<time_t>(second);
    tm local{};
    if (localtime_r(&t, &local) != nullptr) zone_offset_ = static_cast<int32_t>(local.tm_gmtoff);
  }
  return zone_offset_;
}

bool SyslogEventWriter::write(Batch& batch, std::string_view text, const Receipt& receipt) {
  const uint32_t event = batch.append(receipt.time_ns);
  std::string_view reason = issue_reason(receipt.issue);
  bool parsed = false;
  if (parse_ && reason.empty()) {
    const ParseContext ctx{receipt.time_ns, local_zone_offset(receipt.time_ns), &rfc3339_cache_};
    reason = parse_syslog(text, ctx, sd_, message_fields_);
    parsed = reason.empty();
  }
  // `message` first: the MSG part of a parsed message, else everything as received.
  batch.set(event, message_, Value::string(parsed ? message_fields_.message : text), kBorrowNew);
  if (receipt.truncated) batch.set(event, truncated_, Value::boolean(true), kNew);
  if (source_ != LOGAGENT_NO_KEY) batch.set(event, source_, Value::string(receipt.peer), kBorrowNew);
  if (parsed) write_fields(batch, event, message_fields_);
  if (reason.empty()) return true;
  batch.set(event, error_, Value::string(reason), kNew);
  return false;
}

void SyslogEventWriter::write_fields(Batch& batch, uint32_t event, const SyslogMessage& m) {
  if (m.timestamp_ns) batch.set_time(event, *m.timestamp_ns);
  batch.set(event, facility_, Value::string(in_batch(batch, facility_names_[m.facility], m.facility_name)), kBorrowNew);
  batch.set(event, facility_code_, Value::integer(m.facility), kNew);
  batch.set(event, severity_, Value::string(in_batch(batch, severity_names_[m.severity], m.severity_name)), kBorrowNew);
  batch.set(event, severity_code_, Value::integer(m.severity), kNew);
  if (m.version != 0) batch.set(event, version_, Value::integer(m.version), kNew);
  if (!m.hostname.empty()) batch.set(event, hostname_, Value::string(m.hostname), kBorrowNew);
  if (!m.app_name.empty()) batch.set(event, app_name_, Value::string(m.app_name), kBorrowNew);
  if (!m.procid.empty()) batch.set(event, procid_, Value::string(m.procid), kBorrowNew);
  if (!m.msgid.empty()) batch.set(event, msgid_, Value::string(m.msgid), kBorrowNew);
  if (!m.structured_data.empty()) write_structured_data(batch, event, m);
}

// structured_data = { "SD-ID" = { "PARAM-NAME" = "value", ... }, ... }: names as sent (they
// are met in the data, so stored in the batch, not interned), values unescaped. A map holds
// a name once: the elements of an SD-ID sent twice are merged into one map, and of a
// PARAM-NAME sent twice (RFC 5424 allows it) the last value is kept, as a JSON parser keeps
// the last of a repeated key. Elements and params are few, so the checks compare them all.
void SyslogEventWriter::write_structured_data(Batch& batch, uint32_t event, const SyslogMessage& m) {
  const std::span<const SdElement> elements = m.structured_data;
  const logagent_field sd = batch.set(event, structured_data_, Value::map(), kNew);
  for (size_t e = 0; e < elements.size(); ++e) {
    const std::string_view id = elements[e].id;
    if (seen_before(elements, e, id)) continue;  // merged into that element's map
    const logagent_field params = append_named(batch, sd, id, Value::map());
    for (size_t same = e; same < elements.size(); ++same) {
      if (same != e && !same_text(elements[same].id, id)) continue;
      const std::span<const SdParam> list = elements[same].params;
      for (size_t p = 0; p < list.size(); ++p) {
        if (set_again(elements, same, p, id)) continue;
        std::string_view value = list[p].value;
        if (list[p].escaped) {
          char* out = batch.alloc(value.size());
          value = std::string_view(out, unescape_sd_value(value, out));
        }
        append_named(batch, params, list[p].name, Value::string(value));
      }
    }
  }
}

}  // namespace logagent::plugins::syslog_input
