// The syslog input's message parser (syslog_message.hpp).
#include "syslog_message.hpp"

#include <array>

#include "syslog_timestamp.hpp"

namespace logagent::plugins::syslog_input {
namespace {

// Facilities 13..15 have no name shared by every implementation; these are rsyslog's
// (log audit, log alert, clock daemon in RFC 5424's table), so that a pipeline moved from
// rsyslog filters on the same words (docs/plugins/syslog.md).
constexpr std::array<std::string_view, 24> kFacilityNames = {
    "kern",   "user",   "mail",     "daemon", "auth",   "syslog", "lpr",    "news",
    "uucp",   "cron",   "authpriv", "ftp",    "ntp",    "audit",  "alert",  "clock",
    "local0", "local1", "local2",   "local3", "local4", "local5", "local6", "local7"};
constexpr std::array<std::string_view, 8> kSeverityNames = {"emerg",   "alert",  "crit", "err",
                                                            "warning", "notice", "info", "debug"};

constexpr std::string_view kNoPriority = "syslog: no priority";
constexpr std::string_view kBadPriority = "syslog: bad priority";
constexpr std::string_view kBadVersion = "syslog: unsupported version";
constexpr std::string_view kBadTimestamp = "syslog: bad timestamp";
constexpr std::string_view kTruncatedHeader = "syslog: truncated header";
constexpr std::string_view kBadHostname = "syslog: bad hostname";
constexpr std::string_view kBadAppName = "syslog: bad app_name";
constexpr std::string_view kBadProcid = "syslog: bad procid";
constexpr std::string_view kBadMsgid = "syslog: bad msgid";
constexpr std::string_view kBadStructuredData = "syslog: bad structured data";

// RFC 5424's limits on header fields and SD names.
constexpr size_t kMaxHostname = 255;
constexpr size_t kMaxAppName = 48;
constexpr size_t kMaxProcid = 128;
constexpr size_t kMaxMsgid = 32;
constexpr size_t kMaxSdName = 32;

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool is_alnum(char c) noexcept { return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
// PRINTUSASCII of RFC 5424: the visible ASCII characters, no space.
bool is_printable(char c) noexcept { return c >= 33 && c <= 126; }
bool is_sd_name_char(char c) noexcept { return is_printable(c) && c != '=' && c != ']' && c != '"'; }

constexpr std::string_view fail(std::string_view reason) noexcept { return reason; }

// "<PRI>": 1 to 3 digits, 0..191. Leading zeros are taken ("<013>"), as rsyslog does.
std::string_view read_priority(std::string_view text, size_t& pos, SyslogMessage& m) noexcept {
  if (text.empty() || text[0] != '<') return kNoPriority;
  size_t p = 1;
  unsigned value = 0;
  while (p < text.size() && is_digit(text[p]) && p <= 3) value = value * 10 + static_cast<unsigned>(text[p++] - '0');
  if (p == 1 || p >= text.size() || text[p] != '>' || value > 191) return kBadPriority;
  m.priority = static_cast<uint8_t>(value);
  m.facility = static_cast<uint8_t>(value / 8);
  m.severity = static_cast<uint8_t>(value % 8);
  m.facility_name = kFacilityNames[m.facility];
  m.severity_name = kSeverityNames[m.severity];
  pos = p + 1;
  return {};
}

// A header field of RFC 5424 and the space after it: 1..max_size visible ASCII characters,
// "-" for an absent one (left as an empty view).
std::string_view read_header_field(std::string_view text, size_t& pos, size_t max_size, std::string_view bad,
                                   std::string_view& out) noexcept {
  const size_t start = pos;
  size_t p = pos;
  while (p < text.size() && is_printable(text[p])) ++p;
  if (p >= text.size()) return kTruncatedHeader;
  if (text[p] != ' ' || p == start || p - start > max_size) return bad;
  const std::string_view field = text.substr(start, p - start);
  out = field == "-" ? std::string_view{} : field;
  pos = p + 1;
  return {};
}

// An SD-NAME (SD-ID or PARAM-NAME): 1..32 visible ASCII characters but = ] and ".
bool read_sd_name(std::string_view text, size_t& pos, std::string_view& out) noexcept {
  const size_t start = pos;
  while (pos < text.size() && is_sd_name_char(text[pos])) ++pos;
  if (pos == start || pos - start > kMaxSdName) return false;
  out = text.substr(start, pos - start);
  return true;
}

// PARAM-VALUE after its opening quote, up to the closing one, which is consumed. A ']'
// need not be escaped here: inside quotes it cannot end the element.
bool read_sd_value(std::string_view text, size_t& pos, SdParam& param) noexcept {
  const size_t start = pos;
  bool escaped = false;
  while (pos < text.size() && text[pos] != '"') {
    if (text[pos] == '\\' && pos + 1 < text.size()) {
      const char next = text[pos + 1];
      if (next == '"' || next == '\\' || next == ']') {
        escaped = true;
        pos += 2;
        continue;
      }
    }
    ++pos;
  }
  if (pos >= text.size()) return false;
  param.value = text.substr(start, pos - start);
  param.escaped = escaped;
  ++pos;
  return true;
}

// One [SD-ID *(SP PARAM-NAME="PARAM-VALUE")] starting at its '['.
bool read_sd_element(std::string_view text, size_t& pos, StructuredData& sd) {
  ++pos;
  SdElement element;
  if (!read_sd_name(text, pos, element.id)) return false;
  const size_t first_param = sd.params.size();
  for (;;) {
    if (pos >= text.size()) return false;
    if (text[pos] == ']') break;
    if (text[pos] != ' ') return false;
    ++pos;
    SdParam param;
    if (!read_sd_name(text, pos, param.name)) return false;
    if (pos + 1 >= text.size() || text[pos] != '=' || text[pos + 1] != '"') return false;
    pos += 2;
    if (!read_sd_value(text, pos, param)) return false;
    sd.params.push_back(param);
  }
  ++pos;
  // Only the count is kept here: `params` may still move as later elements grow it.
  element.params = std::span<const SdParam>(sd.params.data() + first_param, sd.params.size() - first_param);
  sd.elements.push_back(element);
  return true;
}

// "-" or one or more elements, then the end of the text or the space before MSG.
bool read_structured_data(std::string_view text, size_t& pos, StructuredData& sd) {
  if (pos < text.size() && text[pos] == '-') {
    ++pos;
  } else {
    if (pos >= text.size() || text[pos] != '[') return false;
    while (pos < text.size() && text[pos] == '[') {
      if (!read_sd_element(text, pos, sd)) return false;
    }
    // Point each element at its params now that the vector holds all of them.
    size_t first = 0;
    for (SdElement& element : sd.elements) {
      const size_t count = element.params.size();
      element.params = std::span<const SdParam>(sd.params.data() + first, count);
      first += count;
    }
  }
  return pos == text.size() || text[pos] == ' ';
}

// <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [SP MSG], `pos` after "1 ".
std::string_view parse_rfc5424(std::string_view text, size_t pos, const ParseContext& ctx, SyslogMessage& m,
                               StructuredData& sd) {
  m.format = SyslogFormat::rfc5424;
  m.version = 1;
  if (pos < text.size() && text[pos] == '-') {
    ++pos;
  } else {
    m.timestamp_ns = read_rfc3339(text, pos, ctx.rfc3339_cache);
    if (!m.timestamp_ns) return fail(kBadTimestamp);
  }
  if (pos >= text.size()) return fail(kTruncatedHeader);
  if (text[pos] != ' ') return fail(kBadTimestamp);
  ++pos;
  std::string_view reason = read_header_field(text, pos, kMaxHostname, kBadHostname, m.hostname);
  if (reason.empty()) reason = read_header_field(text, pos, kMaxAppName, kBadAppName, m.app_name);
  if (reason.empty()) reason = read_header_field(text, pos, kMaxProcid, kBadProcid, m.procid);
  if (reason.empty()) reason = read_header_field(text, pos, kMaxMsgid, kBadMsgid, m.msgid);
  if (!reason.empty()) return fail(reason);
  if (pos >= text.size()) return fail(kTruncatedHeader);
  if (!read_structured_data(text, pos, sd)) return fail(kBadStructuredData);
  m.structured_data = sd.elements;
  if (pos < text.size()) {
    std::string_view message = text.substr(pos + 1);
    if (message.starts_with(kUtf8Bom)) message.remove_prefix(kUtf8Bom.size());
    m.message = message;
  }
  return {};
}

// rsyslog's test for a BSD hostname: letters, digits, '.', '_' and '-', ending in a letter
// or digit and followed by a space (or the end of the text). Anything else ("su:",
// "app[12]:") is the tag of a message sent without a hostname.
size_t hostname_size(std::string_view text, size_t pos) noexcept {
  size_t p = pos;
  while (p < text.size() && p - pos < kMaxHostname &&
         (is_alnum(text[p]) || text[p] == '.' || text[p] == '_' || text[p] == '-')) {
    ++p;
  }
  if (p == pos) return 0;
  if (p == text.size()) return p - pos;
  return text[p] == ' ' && is_alnum(text[p - 1]) ? p - pos : 0;
}

// <PRI>TIMESTAMP [HOSTNAME ]TAG[: ]MSG, `pos` after the priority.
std::string_view parse_rfc3164(std::string_view text, size_t pos, const ParseContext& ctx, SyslogMessage& m) {
  m.format = SyslogFormat::rfc3164;
  m.version = 0;
  // rsyslog's forwarding format writes an RFC 3339 time in this layout.
  m.timestamp_ns = pos < text.size() && is_digit(text[pos])
                       ? read_rfc3339(text, pos, ctx.rfc3339_cache)
                       : read_bsd_timestamp(text, pos, ctx.now_ns, ctx.zone_offset_seconds);
  if (!m.timestamp_ns) return fail(kBadTimestamp);
  if (pos < text.size() && text[pos] != ' ') return fail(kBadTimestamp);
  if (pos < text.size()) ++pos;

  if (const size_t size = hostname_size(text, pos); size > 0) {
    m.hostname = text.substr(pos, size);
    pos += size;
    if (pos < text.size()) ++pos;
  }
  // The tag ends at ':' (part of the tag, dropped here) or at a space (part of the
  // message), as rsyslog reads it.
  const size_t tag_start = pos;
  while (pos < text.size() && text[pos] != ':' && text[pos] != ' ') ++pos;
  const std::string_view tag = text.substr(tag_start, pos - tag_start);
  if (pos < text.size() && text[pos] == ':') ++pos;
  if (pos < text.size() && text[pos] == ' ') ++pos;
  m.message = text.substr(pos);

  const size_t bracket = tag.find('[');
  m.app_name = tag.substr(0, bracket);
  if (bracket != std::string_view::npos && tag.back() == ']') {
    m.procid = tag.substr(bracket + 1, tag.size() - bracket - 2);
  }
  return {};
}

}  // namespace

std::string_view facility_name(unsigned facility) noexcept {
  return facility < kFacilityNames.size() ? kFacilityNames[facility] : std::string_view{};
}

std::string_view severity_name(unsigned severity) noexcept {
  return severity < kSeverityNames.size() ? kSeverityNames[severity] : std::string_view{};
}

std::string_view parse_syslog(std::string_view text, const ParseContext& ctx, StructuredData& structured_data,
                              SyslogMessage& m) {
  structured_data.elements.clear();
  structured_data.params.clear();
  m = SyslogMessage{};
  size_t pos = 0;
  if (const std::string_view reason = read_priority(text, pos, m); !reason.empty()) return fail(reason);
  // A VERSION is 1 to 3 digits and a space: "2026-..." (an RFC 3339 time) is not one.
  size_t p = pos;
  unsigned version = 0;
  if (p < text.size() && text[p] >= '1' && text[p] <= '9') {
    while (p < text.size() && is_digit(text[p]) && p - pos < 3) version = version * 10 + (text[p++] - '0');
  }
  if (p > pos && (p == text.size() || text[p] == ' ')) {
    if (version != 1) return fail(kBadVersion);
    if (p == text.size()) return fail(kTruncatedHeader);
    return parse_rfc5424(text, p + 1, ctx, m, structured_data);
  }
  return parse_rfc3164(text, pos, ctx, m);
}

ParseResult parse_syslog(std::string_view text, const ParseContext& ctx, StructuredData& structured_data) {
  SyslogMessage m;
  const std::string_view reason = parse_syslog(text, ctx, structured_data, m);
  if (!reason.empty()) return ParseResult{std::nullopt, reason};
  return ParseResult{m, {}};
}

size_t unescape_sd_value(std::string_view raw, char* out) noexcept {
  size_t n = 0;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\\' && i + 1 < raw.size() && (raw[i + 1] == '"' || raw[i + 1] == '\\' || raw[i + 1] == ']')) ++i;
    out[n++] = raw[i];
  }
  return n;
}

}  // namespace logagent::plugins::syslog_input
