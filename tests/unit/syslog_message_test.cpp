// Unit tests of the syslog input's message parser (plugins/in_syslog/syslog_message.cpp).
#include "syslog_message.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

using logagent::plugins::syslog_input::facility_name;
using logagent::plugins::syslog_input::parse_syslog;
using logagent::plugins::syslog_input::ParseContext;
using logagent::plugins::syslog_input::ParseResult;
using logagent::plugins::syslog_input::SdElement;
using logagent::plugins::syslog_input::SdParam;
using logagent::plugins::syslog_input::severity_name;
using logagent::plugins::syslog_input::StructuredData;
using logagent::plugins::syslog_input::SyslogFormat;
using logagent::plugins::syslog_input::SyslogMessage;
using logagent::plugins::syslog_input::unescape_sd_value;

constexpr int64_t kSecond = 1'000'000'000;
// 2026-12-01T10:00:00Z, the receive time unless a test says otherwise.
constexpr int64_t kDec1At10Utc = 1'796'119'200 * kSecond;

ParseContext context(int64_t now_ns = kDec1At10Utc, int32_t zone = 0) {
  ParseContext ctx;
  ctx.now_ns = now_ns;
  ctx.zone_offset_seconds = zone;
  return ctx;
}

// Parses `text` and expects success.
SyslogMessage parsed(std::string_view text, StructuredData& sd, const ParseContext& ctx = context()) {
  const ParseResult r = parse_syslog(text, ctx, sd);
  EXPECT_TRUE(r.message.has_value()) << text << ": " << r.reason;
  EXPECT_TRUE(r.reason.empty()) << text;
  return r.message.value_or(SyslogMessage{});
}

std::string_view rejected(std::string_view text, const ParseContext& ctx = context()) {
  StructuredData sd;
  const ParseResult r = parse_syslog(text, ctx, sd);
  EXPECT_FALSE(r.message.has_value()) << text;
  return r.reason;
}

std::string unescaped(const SdParam& p) {
  std::string out(p.value.size(), '\0');
  out.resize(unescape_sd_value(p.value, out.data()));
  return out;
}

bool inside(std::string_view view, std::string_view text) {
  if (view.empty()) return true;
  const std::less_equal<const char*> le;
  return le(text.data(), view.data()) && le(view.data() + view.size(), text.data() + text.size());
}

bool inside_storage(std::span<const SdParam> params, const StructuredData& sd) {
  if (params.empty()) return true;
  const std::less_equal<const SdParam*> le;
  return le(sd.params.data(), params.data()) && le(params.data() + params.size(), sd.params.data() + sd.params.size());
}

// Every view of an accepted message lies in `text` (or is a static name), every SD span in `sd`.
void expect_views_inside(const SyslogMessage& m, std::string_view text, const StructuredData& sd) {
  EXPECT_TRUE(inside(m.hostname, text));
  EXPECT_TRUE(inside(m.app_name, text));
  EXPECT_TRUE(inside(m.procid, text));
  EXPECT_TRUE(inside(m.msgid, text));
  EXPECT_TRUE(inside(m.message, text));
  EXPECT_EQ(m.facility_name, facility_name(m.facility));
  EXPECT_EQ(m.severity_name, severity_name(m.severity));
  EXPECT_LE(m.priority, 191);
  EXPECT_EQ(m.structured_data.data(), m.structured_data.empty() ? m.structured_data.data() : sd.elements.data());
  EXPECT_EQ(m.structured_data.size(), sd.elements.size());
  for (const SdElement& e : m.structured_data) {
    EXPECT_TRUE(inside(e.id, text));
    EXPECT_FALSE(e.id.empty());
    EXPECT_TRUE(inside_storage(e.params, sd));
    for (const SdParam& p : e.params) {
      EXPECT_TRUE(inside(p.name, text));
      EXPECT_TRUE(inside(p.value, text));
    }
  }
}

// A copy on the heap of exactly text.size() bytes, so that AddressSanitizer sees any read
// past the end.
std::vector<char> exact_copy(std::string_view text) { return std::vector<char>(text.begin(), text.end()); }

// --- RFC 5424, section 6.5, the four examples byte for byte ---------------------------

TEST(Rfc5424, ExampleWithoutStructuredData) {
  StructuredData sd;
  const std::string text =
      "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \xEF\xBB\xBF'su root' failed for lonvick on "
      "/dev/pts/8";
  const SyslogMessage m = parsed(text, sd);
  EXPECT_EQ(m.format, SyslogFormat::rfc5424);
  EXPECT_EQ(m.priority, 34);
  EXPECT_EQ(m.facility, 4);
  EXPECT_EQ(m.facility_name, "auth");
  EXPECT_EQ(m.severity, 2);
  EXPECT_EQ(m.severity_name, "crit");
  EXPECT_EQ(m.version, 1);
  EXPECT_EQ(m.timestamp_ns, 1'065'910'455 * kSecond + 3'000'000);
  EXPECT_EQ(m.hostname, "mymachine.example.com");
  EXPECT_EQ(m.app_name, "su");
  EXPECT_TRUE(m.procid.empty());
  EXPECT_EQ(m.msgid, "ID47");
  EXPECT_TRUE(m.structured_data.empty());
  EXPECT_EQ(m.message, "'su root' failed for lonvick on /dev/pts/8");
}

TEST(Rfc5424, ExampleWithOffsetAndMicroseconds) {
  StructuredData sd;
  const SyslogMessage m =
      parsed("<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nuts.", sd);
  EXPECT_EQ(m.priority, 165);
  EXPECT_EQ(m.facility, 20);
  EXPECT_EQ(m.facility_name, "local4");
  EXPECT_EQ(m.severity, 5);
  EXPECT_EQ(m.severity_name, "notice");
  EXPECT_EQ(m.timestamp_ns, 1'061'727'255 * kSecond + 3'000);
  EXPECT_EQ(m.hostname, "192.0.2.1");
  EXPECT_EQ(m.app_name, "myproc");
  EXPECT_EQ(m.procid, "8710");
  EXPECT_TRUE(m.msgid.empty());
  EXPECT_TRUE(m.structured_data.empty());
  EXPECT_EQ(m.message, "%% It's time to make the do-nuts.");
}

TEST(Rfc5424, ExampleWithStructuredDataAndMessage) {
  StructuredData sd;
  const std::string text =
      "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut=\"3\" "
      "eventSource=\"Application\" eventID=\"1011\"] \xEF\xBB\xBF"
      "An application event log entry...";
  const SyslogMessage m = parsed(text, sd);
  EXPECT_EQ(m.timestamp_ns, 1'065'910'455 * kSecond + 3'000'000);
  EXPECT_EQ(m.hostname, "mymachine.example.com");
  EXPECT_EQ(m.app_name, "evntslog");
  EXPECT_TRUE(m.procid.empty());
  EXPECT_EQ(m.msgid, "ID47");
  ASSERT_EQ(m.structured_data.size(), 1U);
  const SdElement& e = m.structured_data[0];
  EXPECT_EQ(e.id, "exampleSDID@32473");
  ASSERT_EQ(e.params.size(), 3U);
  EXPECT_EQ(e.params[0].name, "iut");
  EXPECT_EQ(e.params[0].value, "3");
  EXPECT_EQ(e.params[1].name, "eventSource");
  EXPECT_EQ(e.params[1].value, "Application");
  EXPECT_EQ(e.params[2].name, "eventID");
  EXPECT_EQ(e.params[2].value, "1011");
  for (const SdParam& p : e.params) EXPECT_FALSE(p.escaped);
  EXPECT_EQ(m.message, "An application event log entry...");
  expect_views_inside(m, text, sd);
}

TEST(Rfc5424, ExampleWithTwoElementsAndNoMessage) {
  StructuredData sd;
  const std::string text =
      "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut=\"3\" "
      "eventSource=\"Application\" eventID=\"1011\"][examplePriority@32473 class=\"high\"]";
  const SyslogMessage m = parsed(text, sd);
  ASSERT_EQ(m.structured_data.size(), 2U);
  EXPECT_EQ(m.structured_data[0].id, "exampleSDID@32473");
  EXPECT_EQ(m.structured_data[0].params.size(), 3U);
  EXPECT_EQ(m.structured_data[1].id, "examplePriority@32473");
  ASSERT_EQ(m.structured_data[1].params.size(), 1U);
  EXPECT_EQ(m.structured_data[1].params[0].name, "class");
  EXPECT_EQ(m.structured_data[1].params[0].value, "high");
  EXPECT_TRUE(m.message.empty());
  expect_views_inside(m, text, sd);
}

// --- what util-linux logger and rsyslog send -------------------------------------------

TEST(Rfc5424, LoggerWithStructuredDataAndMsgid) {
  // logger --rfc5424=notq --sd-id exampleSDID@32473 --sd-param 'iut="3"'
  //   --sd-param 'eventSource="Application"' --msgid ID47 -t app -i message
  StructuredData sd;
  const std::string text =
      "<13>1 2026-12-01T10:00:00.123456+01:00 host app 1234 ID47 [exampleSDID@32473 iut=\"3\" "
      "eventSource=\"Application\"] message";
  const SyslogMessage m = parsed(text, sd);
  EXPECT_EQ(m.format, SyslogFormat::rfc5424);
  EXPECT_EQ(m.priority, 13);
  EXPECT_EQ(m.facility_name, "user");
  EXPECT_EQ(m.severity_name, "notice");
  EXPECT_EQ(m.version, 1);
  EXPECT_EQ(m.timestamp_ns, 1'796'115'600 * kSecond + 123'456'000);
  EXPECT_EQ(m.hostname, "host");
  EXPECT_EQ(m.app_name, "app");
  EXPECT_EQ(m.procid, "1234");
  EXPECT_EQ(m.msgid, "ID47");
  ASSERT_EQ(m.structured_data.size(), 1U);
  EXPECT_EQ(m.structured_data[0].id, "exampleSDID@32473");
  ASSERT_EQ(m.structured_data[0].params.size(), 2U);
  EXPECT_EQ(m.structured_data[0].params[0].name, "iut");
  EXPECT_EQ(m.structured_data[0].params[0].value, "3");
  EXPECT_EQ(m.structured_data[0].params[1].name, "eventSource");
  EXPECT_EQ(m.structured_data[0].params[1].value, "Application");
  EXPECT_EQ(m.message, "message");
  expect_views_inside(m, text, sd);
}

TEST(Rfc5424, LoggerWithItsTimeQualityElement) {
  // logger --rfc5424 (time quality on, its default) as util-linux 2.38 writes it.
  StructuredData sd;
  const SyslogMessage m = parsed(
      "<13>1 2026-12-02T00:07:40.202848+00:00 vm app 12548 ID47 [timeQuality tzKnown=\"1\" "
      "isSynced=\"0\"][exampleSDID@32473 iut=\"3\" eventSource=\"Application\"] message",
      sd);
  ASSERT_EQ(m.structured_data.size(), 2U);
  EXPECT_EQ(m.structured_data[0].id, "timeQuality");
  ASSERT_EQ(m.structured_data[0].params.size(), 2U);
  EXPECT_EQ(m.structured_data[0].params[0].name, "tzKnown");
  EXPECT_EQ(m.structured_data[0].params[1].value, "0");
  EXPECT_EQ(m.structured_data[1].id, "exampleSDID@32473");
  ASSERT_EQ(m.structured_data[1].params.size(), 2U);
  EXPECT_EQ(m.structured_data[1].params[1].value, "Application");
  EXPECT_EQ(m.timestamp_ns, (1'796'119'200 + 14 * 3600 + 7 * 60 + 40) * kSecond + 202'848'000);
  EXPECT_EQ(m.message, "message");
}

TEST(Rfc3164, LoggerRfc3164) {
  // logger --rfc3164 -t app -i message
  StructuredData sd;
  const std::string text = "<13>Dec  1 10:00:00 host app[1234]: message";
  const SyslogMessage m = parsed(text, sd);
  EXPECT_EQ(m.format, SyslogFormat::rfc3164);
  EXPECT_EQ(m.priority, 13);
  EXPECT_EQ(m.facility, 1);
  EXPECT_EQ(m.facility_name, "user");
  EXPECT_EQ(m.severity, 5);
  EXPECT_EQ(m.severity_name, "notice");
  EXPECT_EQ(m.version, 0);
  EXPECT_EQ(m.timestamp_ns, kDec1At10Utc);
  EXPECT_EQ(m.hostname, "host");
  EXPECT_EQ(m.app_name, "app");
  EXPECT_EQ(m.procid, "1234");
  EXPECT_TRUE(m.msgid.empty());
  EXPECT_TRUE(m.structured_data.empty());
  EXPECT_EQ(m.message, "message");
  expect_views_inside(m, text, sd);
}

TEST(Rfc3164, RsyslogForwardFormat) {
  // RSYSLOG_ForwardFormat: <%PRI%>%TIMESTAMP:::date-rfc3339% %HOSTNAME% %syslogtag:1:32%%msg%
  StructuredData sd;
  const SyslogMessage m = parsed("<86>2026-12-01T10:00:00.123456+01:00 web1 sshd[811]: Accepted publickey", sd);
  EXPECT_EQ(m.format, SyslogFormat::rfc3164);
  EXPECT_EQ(m.facility_name, "authpriv");
  EXPECT_EQ(m.severity_name, "info");
  EXPECT_EQ(m.timestamp_ns, 1'796'115'600 * kSecond + 123'456'000);
  EXPECT_EQ(m.hostname, "web1");
  EXPECT_EQ(m.app_name, "sshd");
  EXPECT_EQ(m.procid, "811");
  EXPECT_EQ(m.message, "Accepted publickey");
}

TEST(Rfc3164, RsyslogTraditionalForwardFormat) {
  StructuredData sd;
  const SyslogMessage m = parsed("<30>Dec  1 10:00:00 web1 systemd[1]: Started cron.service.", sd);
  EXPECT_EQ(m.facility_name, "daemon");
  EXPECT_EQ(m.severity_name, "info");
  EXPECT_EQ(m.hostname, "web1");
  EXPECT_EQ(m.app_name, "systemd");
  EXPECT_EQ(m.procid, "1");
  EXPECT_EQ(m.message, "Started cron.service.");
}

TEST(Rfc3164, WithoutHostname) {
  StructuredData sd;
  SyslogMessage m = parsed("<13>Dec  1 10:00:00 app[1234]: message", sd);
  EXPECT_TRUE(m.hostname.empty());
  EXPECT_EQ(m.app_name, "app");
  EXPECT_EQ(m.procid, "1234");
  EXPECT_EQ(m.message, "message");

  m = parsed("<13>Dec  1 10:00:00 su: message", sd);
  EXPECT_TRUE(m.hostname.empty());
  EXPECT_EQ(m.app_name, "su");
  EXPECT_TRUE(m.procid.empty());
  EXPECT_EQ(m.message, "message");
}

TEST(Rfc3164, TagVariants) {
  StructuredData sd;
  SyslogMessage m = parsed("<13>Dec  1 10:00:00 host kernel: [ 0.000000] Linux version", sd);
  EXPECT_EQ(m.hostname, "host");
  EXPECT_EQ(m.app_name, "kernel");
  EXPECT_TRUE(m.procid.empty());
  EXPECT_EQ(m.message, "[ 0.000000] Linux version");

  // No colon: the tag ends at the space, as rsyslog reads it.
  m = parsed("<13>Dec  1 10:00:00 host CRON hello world", sd);
  EXPECT_EQ(m.app_name, "CRON");
  EXPECT_EQ(m.message, "hello world");

  // An unclosed bracket: the name up to '[', no procid.
  m = parsed("<13>Dec  1 10:00:00 host app[12: message", sd);
  EXPECT_EQ(m.app_name, "app");
  EXPECT_TRUE(m.procid.empty());
  EXPECT_EQ(m.message, "message");

  // No tag at all.
  m = parsed("<13>Dec  1 10:00:00 host : message", sd);
  EXPECT_EQ(m.hostname, "host");
  EXPECT_TRUE(m.app_name.empty());
  EXPECT_EQ(m.message, "message");

  // Only a time.
  m = parsed("<13>Dec  1 10:00:00", sd);
  EXPECT_EQ(m.timestamp_ns, kDec1At10Utc);
  EXPECT_TRUE(m.hostname.empty());
  EXPECT_TRUE(m.app_name.empty());
  EXPECT_TRUE(m.message.empty());
}

TEST(Rfc3164, HostnameRules) {
  StructuredData sd;
  // Not hostnames: a trailing '-' or ':', a '['.
  EXPECT_TRUE(parsed("<13>Dec  1 10:00:00 host- x", sd).hostname.empty());
  EXPECT_TRUE(parsed("<13>Dec  1 10:00:00 host: x", sd).hostname.empty());
  EXPECT_TRUE(parsed("<13>Dec  1 10:00:00 [10.0.0.1] x", sd).hostname.empty());
  EXPECT_EQ(parsed("<13>Dec  1 10:00:00 10.0.0.1 x: y", sd).hostname, "10.0.0.1");
  EXPECT_EQ(parsed("<13>Dec  1 10:00:00 my_host.example-1.com x: y", sd).hostname, "my_host.example-1.com");
  const std::string longest = "<13>Dec  1 10:00:00 " + std::string(255, 'h') + " app: x";
  EXPECT_EQ(parsed(longest, sd).hostname.size(), 255U);
  const std::string too_long = "<13>Dec  1 10:00:00 " + std::string(256, 'h') + " app: x";
  const SyslogMessage m = parsed(too_long, sd);
  EXPECT_TRUE(m.hostname.empty());
  EXPECT_EQ(m.app_name.size(), 256U);
}

TEST(Rfc3164, TimestampVariants) {
  StructuredData sd;
  EXPECT_EQ(parsed("<13>Dec 01 10:00:00 host a: b", sd).timestamp_ns, kDec1At10Utc);
  EXPECT_EQ(parsed("<13>Dec 1 10:00:00 host a: b", sd).timestamp_ns, kDec1At10Utc);
  EXPECT_EQ(parsed("<13>DEC  1 10:00:00 host a: b", sd).timestamp_ns, kDec1At10Utc);
  // A year before the time, and a colon after it, as some network devices write.
  EXPECT_EQ(parsed("<13>Dec  1 2025 10:00:00: host a: b", sd).timestamp_ns, 1'764'583'200 * kSecond);
  // A leap second reads as the next minute's first.
  EXPECT_EQ(parsed("<13>Dec 31 23:59:60 host a: b", sd, context(1'483'228'700 * kSecond)).timestamp_ns,
            1'483'228'800 * kSecond);
  for (std::string_view bad :
       {"<13>Dex  1 10:00:00 h a: b", "<13>Dec 32 10:00:00 h a: b", "<13>Dec  1 24:00:00 h a: b",
        "<13>Dec  1 10:60:00 h a: b", "<13>Dec  1 10:00:61 h a: b", "<13>Dec  1 10:00 h a: b",
        "<13>Dec  1 1:00:00 h a: b", "<13>Dec  1 10:00:00.123 h a: b", "<13>Jun 31 10:00:00 h",
        "<13>Dec   1 10:00:00 h", "<13>Dec  1  10:00:00 h", "<13>hello world", "<13>", "<13> Dec  1 10:00:00 h"}) {
    EXPECT_EQ(rejected(bad), "syslog: bad timestamp") << bad;
  }
}

TEST(Rfc3164, ZoneOffsetOfTheContext) {
  StructuredData sd;
  EXPECT_EQ(parsed("<13>Dec  1 10:00:00 host a: b", sd, context(kDec1At10Utc, 3600)).timestamp_ns,
            kDec1At10Utc - 3600 * kSecond);
  EXPECT_EQ(parsed("<13>Dec  1 10:00:00 host a: b", sd, context(kDec1At10Utc, -5 * 3600)).timestamp_ns,
            kDec1At10Utc + 5 * 3600 * kSecond);
  // An RFC 3339 time keeps its own zone.
  EXPECT_EQ(parsed("<13>2026-12-01T10:00:00Z host a: b", sd, context(kDec1At10Utc, 3600)).timestamp_ns, kDec1At10Utc);
}

TEST(Rfc3164, YearInferredAcrossNewYear) {
  StructuredData sd;
  // Received just after midnight on January 1st 2027: a December 31st message is 2026's.
  const int64_t jan1_2027 = 1'798'762'200 * kSecond;  // 00:10:00Z
  EXPECT_EQ(parsed("<13>Dec 31 23:59:00 host a: b", sd, context(jan1_2027)).timestamp_ns, 1'798'761'540 * kSecond);
  // Received just before midnight with a sender clock ahead: January 1st is 2027's.
  const int64_t dec31_2026 = 1'798'761'000 * kSecond;  // 23:50:00Z
  EXPECT_EQ(parsed("<13>Jan  1 00:05:00 host a: b", sd, context(dec31_2026)).timestamp_ns, 1'798'761'900 * kSecond);
  // Mid-year: December is this year's (5.5 months ahead beats 6.5 months behind).
  const int64_t jun15_2026 = 1'781'481'600 * kSecond;
  EXPECT_EQ(parsed("<13>Dec  1 10:00:00 host a: b", sd, context(jun15_2026)).timestamp_ns, kDec1At10Utc);
  // The local year decides with a zone: 2027-01-01T00:10Z is still 2026 at UTC-1.
  EXPECT_EQ(parsed("<13>Dec 31 23:00:00 host a: b", sd, context(jan1_2027, -3600)).timestamp_ns,
            (1'798'761'540 - 59 * 60 + 3600) * kSecond);
  // February 29th exists only in leap years.
  const int64_t mar1_2028 = 1'835'481'600 * kSecond;
  EXPECT_EQ(parsed("<13>Feb 29 12:00:00 host a: b", sd, context(mar1_2028)).timestamp_ns, 1'835'438'400 * kSecond);
  EXPECT_EQ(rejected("<13>Feb 29 12:00:00 host a: b", context(jun15_2026)), "syslog: bad timestamp");
}

// --- every name, every absent field -----------------------------------------------------

TEST(Priority, EveryFacilityAndSeverityName) {
  const std::vector<std::string_view> facilities = {"kern",   "user",   "mail",   "daemon", "auth",     "syslog",
                                                    "lpr",    "news",   "uucp",   "cron",   "authpriv", "ftp",
                                                    "ntp",    "audit",  "alert",  "clock",  "local0",   "local1",
                                                    "local2", "local3", "local4", "local5", "local6",   "local7"};
  const std::vector<std::string_view> severities = {"emerg",   "alert",  "crit", "err",
                                                    "warning", "notice", "info", "debug"};
  StructuredData sd;
  for (unsigned pri = 0; pri <= 191; ++pri) {
    const std::string text = "<" + std::to_string(pri) + ">1 - - - - - - x";
    const SyslogMessage m = parsed(text, sd);
    EXPECT_EQ(m.priority, pri);
    EXPECT_EQ(m.facility, pri / 8);
    EXPECT_EQ(m.severity, pri % 8);
    EXPECT_EQ(m.facility_name, facilities[pri / 8]) << pri;
    EXPECT_EQ(m.severity_name, severities[pri % 8]) << pri;
  }
  EXPECT_EQ(facility_name(24), "");
  EXPECT_EQ(severity_name(8), "");
  EXPECT_EQ(parsed("<013>1 - - - - - -", sd).priority, 13);
}

TEST(Priority, Rejected) {
  EXPECT_EQ(rejected(""), "syslog: no priority");
  EXPECT_EQ(rejected("Dec  1 10:00:00 host app: message"), "syslog: no priority");
  EXPECT_EQ(rejected("1 2026-12-01T10:00:00Z host app - - - x"), "syslog: no priority");
  for (std::string_view bad : {"<", "<>", "<13", "<192>1 - - - - - -", "<1000>1 - - - - - -", "<0013>1 - - - - - -",
                               "<-1>1 - - - - - -", "<1a>1 - - - - - -", "<99999999999999999999999>1 - - - - - -"}) {
    EXPECT_EQ(rejected(bad), "syslog: bad priority") << bad;
  }
}

TEST(Rfc5424, EveryFieldAbsent) {
  StructuredData sd;
  const SyslogMessage m = parsed("<0>1 - - - - - -", sd);
  EXPECT_EQ(m.format, SyslogFormat::rfc5424);
  EXPECT_EQ(m.facility_name, "kern");
  EXPECT_EQ(m.severity_name, "emerg");
  EXPECT_FALSE(m.timestamp_ns.has_value());
  EXPECT_TRUE(m.hostname.empty());
  EXPECT_TRUE(m.app_name.empty());
  EXPECT_TRUE(m.procid.empty());
  EXPECT_TRUE(m.msgid.empty());
  EXPECT_TRUE(m.structured_data.empty());
  EXPECT_TRUE(m.message.empty());
  // Each field absent alone.
  EXPECT_FALSE(parsed("<13>1 - h a p m - x", sd).timestamp_ns.has_value());
  EXPECT_TRUE(parsed("<13>1 2026-12-01T10:00:00Z - a p m - x", sd).hostname.empty());
  EXPECT_TRUE(parsed("<13>1 2026-12-01T10:00:00Z h - p m - x", sd).app_name.empty());
  EXPECT_TRUE(parsed("<13>1 2026-12-01T10:00:00Z h a - m - x", sd).procid.empty());
  EXPECT_TRUE(parsed("<13>1 2026-12-01T10:00:00Z h a p - - x", sd).msgid.empty());
  // A message that is only a "-" is a message.
  EXPECT_EQ(parsed("<13>1 - - - - - - -", sd).message, "-");
  EXPECT_EQ(parsed("<13>1 - - - - - - ", sd).message, "");
}

TEST(Rfc5424, Timestamps) {
  StructuredData sd;
  const auto ts = [&sd](std::string_view time) {
    return parsed("<13>1 " + std::string(time) + " h a p m - x", sd).timestamp_ns.value_or(-1);
  };
  EXPECT_EQ(ts("2026-12-01T10:00:00Z"), kDec1At10Utc);
  EXPECT_EQ(ts("2026-12-01T10:00:00.1Z"), kDec1At10Utc + 100'000'000);
  EXPECT_EQ(ts("2026-12-01T10:00:00.123456789Z"), kDec1At10Utc + 123'456'789);
  EXPECT_EQ(ts("2026-12-01T11:30:00+01:30"), kDec1At10Utc);
  EXPECT_EQ(ts("2026-12-01T05:00:00-05:00"), kDec1At10Utc);
  EXPECT_EQ(ts("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ts("1969-12-31T23:59:59Z"), -kSecond);
  EXPECT_EQ(ts("2028-02-29T12:00:00Z"), 1'835'438'400 * kSecond);
  for (std::string_view bad :
       {"2026-12-01T10:00:00", "2026-12-01 10:00:00Z", "2026-12-01t10:00:00Z", "2026-12-01T10:00:00z",
        "2026-12-01T10:00:00.Z", "2026-12-01T10:00:00.1234567890Z", "2026-13-01T10:00:00Z", "2026-02-29T10:00:00Z",
        "2026-12-01T10:00:00+0100", "2026-12-01T10:00:00+24:00", "2026-12-01T10:00:00+01:60", "26-12-01T10:00:00Z",
        "99999-12-01T10:00:00Z", "9999-12-31T23:59:59Z", "1000-01-01T00:00:00Z", "2026-12-01T10:00:00ZZ",
        "2026-12-01T10:00:00.000000000000000000000000001Z"}) {
    EXPECT_EQ(rejected("<13>1 " + std::string(bad) + " h a p m - x"), "syslog: bad timestamp") << bad;
  }
}

// The cache of the last date and time changes no result: every timestamp of the test above,
// and their mutations, read in a row through one cache, as without it.
TEST(Rfc5424, TimestampCacheChangesNoResult) {
  std::vector<std::string> times = {"2026-12-01T10:00:00Z",
                                    "2026-12-01T10:00:00.1Z",
                                    "2026-12-01T10:00:00.123456789Z",
                                    "2026-12-01T10:00:00+01:30",
                                    "2026-12-01T10:00:00-05:00",
                                    "2026-12-01T10:00:00",
                                    "2026-12-01T10:00:00+24:00",
                                    "2026-12-01T10:00:00.Z",
                                    "2026-12-01T10:00:01Z",
                                    "2026-02-29T10:00:00Z",
                                    "2028-02-29T12:00:00Z",
                                    "2262-04-11T23:47:16Z",
                                    "2262-04-11T23:47:16+01:00",
                                    "1677-09-21T00:12:44Z",
                                    "1677-09-21T00:12:44-01:00",
                                    "2026-12-01T10:00:60Z",
                                    "2026-12-01T10:00:00.000001+00:00"};
  std::mt19937 rng(11);
  for (int i = 0; i < 2000; ++i) {
    std::string t = times[rng() % 17];
    if (rng() % 3 == 0) t[rng() % t.size()] = "0123456789:-+TZ."[rng() % 16];
    times.push_back(t);
  }
  logagent::plugins::syslog_input::Rfc3339Cache cache;
  for (const std::string& t : times) {
    size_t plain_pos = 0;
    size_t cached_pos = 0;
    const std::optional<int64_t> plain = logagent::plugins::syslog_input::read_rfc3339(t, plain_pos);
    const std::optional<int64_t> cached = logagent::plugins::syslog_input::read_rfc3339(t, cached_pos, &cache);
    EXPECT_EQ(plain, cached) << t;
    EXPECT_EQ(plain_pos, cached_pos) << t;
  }
}

TEST(Rfc5424, HeaderLimits) {
  StructuredData sd;
  const auto with = [](std::string_view h, std::string_view a, std::string_view p, std::string_view m) {
    return "<13>1 - " + std::string(h) + " " + std::string(a) + " " + std::string(p) + " " + std::string(m) + " - x";
  };
  EXPECT_EQ(parsed(with(std::string(255, 'h'), "a", "p", "m"), sd).hostname.size(), 255U);
  EXPECT_EQ(parsed(with("h", std::string(48, 'a'), "p", "m"), sd).app_name.size(), 48U);
  EXPECT_EQ(parsed(with("h", "a", std::string(128, 'p'), "m"), sd).procid.size(), 128U);
  EXPECT_EQ(parsed(with("h", "a", "p", std::string(32, 'm')), sd).msgid.size(), 32U);
  EXPECT_EQ(rejected(with(std::string(256, 'h'), "a", "p", "m")), "syslog: bad hostname");
  EXPECT_EQ(rejected(with("h", std::string(49, 'a'), "p", "m")), "syslog: bad app_name");
  EXPECT_EQ(rejected(with("h", "a", std::string(129, 'p'), "m")), "syslog: bad procid");
  EXPECT_EQ(rejected(with("h", "a", "p", std::string(33, 'm'))), "syslog: bad msgid");
  EXPECT_EQ(rejected("<13>1 -  a p m - x"), "syslog: bad hostname");
  EXPECT_EQ(rejected(std::string("<13>1 - h\0st a p m - x", 22)), "syslog: bad hostname");
  EXPECT_EQ(rejected("<13>1 - h\xC3\xA9 a p m - x"), "syslog: bad hostname");
  EXPECT_EQ(rejected("<13>1 - h a p"), "syslog: truncated header");
  EXPECT_EQ(rejected("<13>1 - h a p m"), "syslog: truncated header");
  EXPECT_EQ(rejected("<13>1 - h a p m "), "syslog: truncated header");
  EXPECT_EQ(rejected("<13>1"), "syslog: truncated header");
  EXPECT_EQ(rejected("<13>2 - h a p m - x"), "syslog: unsupported version");
  EXPECT_EQ(rejected("<13>10 - h a p m - x"), "syslog: unsupported version");
  // Four digits are no version: read as RFC 3164, whose timestamp fails.
  EXPECT_EQ(rejected("<13>1000 - h a p m - x"), "syslog: bad timestamp");
}

TEST(Rfc5424, StructuredDataEscapes) {
  StructuredData sd;
  const std::string text = R"(<13>1 - - - - - [x@1 q="a\"b" b="c\\d" r="e\]f" o="g\nh" u="]" e=""] m)";
  const SyslogMessage m = parsed(text, sd);
  ASSERT_EQ(m.structured_data.size(), 1U);
  const auto& p = m.structured_data[0].params;
  ASSERT_EQ(p.size(), 6U);
  EXPECT_EQ(p[0].value, R"(a\"b)");
  EXPECT_TRUE(p[0].escaped);
  EXPECT_EQ(unescaped(p[0]), R"(a"b)");
  EXPECT_TRUE(p[1].escaped);
  EXPECT_EQ(unescaped(p[1]), R"(c\d)");
  EXPECT_TRUE(p[2].escaped);
  EXPECT_EQ(unescaped(p[2]), "e]f");
  // Any other backslash is kept, as RFC 5424 says.
  EXPECT_FALSE(p[3].escaped);
  EXPECT_EQ(unescaped(p[3]), R"(g\nh)");
  EXPECT_FALSE(p[4].escaped);
  EXPECT_EQ(p[4].value, "]");
  EXPECT_FALSE(p[5].escaped);
  EXPECT_EQ(p[5].value, "");
  EXPECT_EQ(m.message, "m");
  // An escaped backslash before the closing quote ends the value there.
  const SyslogMessage n = parsed(R"(<13>1 - - - - - [x@1 a="b\\"] m)", sd);
  ASSERT_EQ(n.structured_data.size(), 1U);
  EXPECT_EQ(unescaped(n.structured_data[0].params[0]), "b\\");
  EXPECT_EQ(n.message, "m");
}

TEST(Rfc5424, StructuredDataStorageIsReused) {
  // Once grown, the caller's storage serves every later message without allocating.
  StructuredData sd;
  const std::string text = R"(<13>1 - - - - - [a@1 x="1" y="2"][b@1 z="3"] m)";
  parsed(text, sd);
  const SdParam* params = sd.params.data();
  const SdElement* elements = sd.elements.data();
  const size_t capacity = sd.params.capacity();
  for (int i = 0; i < 1000; ++i) {
    const SyslogMessage m = parsed(text, sd);
    ASSERT_EQ(m.structured_data.size(), 2U);
    ASSERT_EQ(m.structured_data[1].params[0].value, "3");
  }
  EXPECT_EQ(sd.params.data(), params);
  EXPECT_EQ(sd.elements.data(), elements);
  EXPECT_EQ(sd.params.capacity(), capacity);
  // A message without structured data empties it.
  EXPECT_TRUE(parsed("<13>Dec  1 10:00:00 h a: b", sd).structured_data.empty());
  EXPECT_TRUE(sd.elements.empty());
  EXPECT_TRUE(sd.params.empty());
}

TEST(Rfc5424, UnescapeSdValue) {
  const auto unescape = [](std::string_view raw) {
    std::string out(raw.size(), '\0');
    out.resize(unescape_sd_value(raw, out.data()));
    return out;
  };
  EXPECT_EQ(unescape(""), "");
  EXPECT_EQ(unescape("plain"), "plain");
  EXPECT_EQ(unescape(R"(\"\\\])"), R"("\])");
  EXPECT_EQ(unescape(R"(\x\n)"), R"(\x\n)");
  EXPECT_EQ(unescape("\\"), "\\");  // a lone trailing backslash stays
  EXPECT_EQ(unescape(R"(\\\\)"), R"(\\)");
}

TEST(Rfc5424, StructuredDataRejected) {
  for (std::string_view bad :
       {"<13>1 - - - - - [x@1 a=\"b\"", "<13>1 - - - - - [x@1 a=\"b", "<13>1 - - - - - [x@1 a=\"b\\\"]",
        "<13>1 - - - - - [x@1", "<13>1 - - - - - [", "<13>1 - - - - - []", "<13>1 - - - - - [x@1 ]",
        "<13>1 - - - - - [x@1 a]", "<13>1 - - - - - [x@1 a=b]", "<13>1 - - - - - [x@1 =\"b\"]",
        "<13>1 - - - - - [x@1  a=\"b\"]", "<13>1 - - - - - [x@1 a=\"b\"]x", "<13>1 - - - - - x", "<13>1 - - - - - -x",
        "<13>1 - - - - - [123456789012345678901234567890123 a=\"b\"]"}) {
    EXPECT_EQ(rejected(bad), "syslog: bad structured data") << bad;
  }
  // The second element after a space is message text, not structured data.
  StructuredData sd;
  const SyslogMessage m = parsed("<13>1 - - - - - [x@1 a=\"b\"] [y@1]", sd);
  EXPECT_EQ(m.structured_data.size(), 1U);
  EXPECT_EQ(m.message, "[y@1]");
}

TEST(Rfc5424, Bom) {
  StructuredData sd;
  EXPECT_EQ(parsed("<13>1 - - - - - - \xEF\xBB\xBFhello", sd).message, "hello");
  EXPECT_EQ(parsed("<13>1 - - - - - - \xEF\xBB\xBF", sd).message, "");
  // Only one, and only at the start; a lone part of one stays.
  EXPECT_EQ(parsed("<13>1 - - - - - - \xEF\xBB\xBF\xEF\xBB\xBFhi", sd).message, "\xEF\xBB\xBFhi");
  EXPECT_EQ(parsed("<13>1 - - - - - - a\xEF\xBB\xBF", sd).message, "a\xEF\xBB\xBF");
  EXPECT_EQ(parsed("<13>1 - - - - - - \xEF\xBB", sd).message, "\xEF\xBB");
  // RFC 3164 has no BOM rule: the bytes stay.
  EXPECT_EQ(parsed("<13>Dec  1 10:00:00 h a: \xEF\xBB\xBFhi", sd).message, "\xEF\xBB\xBFhi");
}

// --- hostile input ----------------------------------------------------------------------

TEST(Hostile, NulBytesInTheMessage) {
  StructuredData sd;
  static constexpr char kBsd[] = "<13>Dec  1 10:00:00 host app: a\0b\0";
  const std::string_view text(kBsd, sizeof kBsd - 1);
  const SyslogMessage m = parsed(text, sd);
  EXPECT_EQ(m.message, std::string_view("a\0b\0", 4));
  static constexpr char k5424[] = "<13>1 - - - - - [x@1 a=\"\0\"] \0";
  const std::string_view text5424(k5424, sizeof k5424 - 1);
  const SyslogMessage n = parsed(text5424, sd);
  ASSERT_EQ(n.structured_data.size(), 1U);
  EXPECT_EQ(n.structured_data[0].params[0].value, std::string_view("\0", 1));
  EXPECT_EQ(n.message, std::string_view("\0", 1));
  EXPECT_EQ(rejected(std::string_view("<13>\0", 5)), "syslog: bad timestamp");
  EXPECT_EQ(rejected(std::string_view("\0<13>", 5)), "syslog: no priority");
}

TEST(Hostile, EveryPrefixOfValidMessages) {
  const std::vector<std::string> messages = {
      "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut=\"3\" "
      "eventSource=\"Application\" eventID=\"1011\"][examplePriority@32473 class=\"high\"] \xEF\xBB\xBFmsg",
      "<13>1 2026-12-01T10:00:00.123456+01:00 host app 1234 ID47 [x@1 a=\"b\\\"c\"] message",
      "<13>Dec  1 10:00:00 host app[1234]: message",
      "<86>2026-12-01T10:00:00.123456+01:00 web1 sshd[811]: Accepted publickey",
      "<13>Dec  1 2025 10:00:00: app: x",
  };
  StructuredData sd;
  for (const std::string& message : messages) {
    for (size_t n = 0; n <= message.size(); ++n) {
      const std::vector<char> copy = exact_copy(std::string_view(message).substr(0, n));
      const std::string_view text(copy.data(), copy.size());
      const ParseResult r = parse_syslog(text, context(), sd);
      if (r.message) {
        EXPECT_TRUE(r.reason.empty());
        expect_views_inside(*r.message, text, sd);
      } else {
        EXPECT_TRUE(r.reason.starts_with("syslog: ")) << r.reason;
      }
    }
    EXPECT_TRUE(parse_syslog(message, context(), sd).message.has_value()) << message;
  }
}

TEST(Hostile, RandomAndMutatedMessages) {
  const std::vector<std::string> seeds = {
      "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut=\"3\" "
      "eventSource=\"Application\" eventID=\"1011\"][examplePriority@32473 class=\"high\"]",
      "<13>1 2026-12-01T10:00:00.123456+01:00 host app 1234 ID47 [x@1 a=\"b\\\"c\" d=\"\\]\"] \xEF\xBB\xBFmessage",
      "<13>Dec  1 10:00:00 host app[1234]: message",
      "<86>2026-12-01T10:00:00.123456+01:00 web1 sshd[811]: Accepted publickey",
  };
  const std::string alphabet = "<>[]=\"\\ -:.0123456789TZ+abcDec\xEF\xBB\xBF";
  std::mt19937 rng(20261201);
  StructuredData sd;
  size_t accepted = 0;
  for (int i = 0; i < 100'000; ++i) {
    std::string text;
    if (i % 4 == 0) {
      // Random bytes, all 256 values, of random length.
      const size_t size = rng() % 300;
      for (size_t k = 0; k < size; ++k) text.push_back(static_cast<char>(rng() & 0xFF));
      if (i % 8 == 0 && !text.empty()) text[0] = '<';
    } else {
      text = seeds[rng() % seeds.size()];
      const int edits = 1 + static_cast<int>(rng() % 4);
      for (int e = 0; e < edits && !text.empty(); ++e) {
        const size_t at = rng() % text.size();
        switch (rng() % 4) {
          case 0:
            text[at] = alphabet[rng() % alphabet.size()];
            break;
          case 1:
            text.insert(at, 1, alphabet[rng() % alphabet.size()]);
            break;
          case 2:
            text.erase(at, 1);
            break;
          default:
            text.resize(at);
            break;
        }
      }
    }
    const std::vector<char> copy = exact_copy(text);
    const std::string_view view(copy.data(), copy.size());
    const ParseResult r = parse_syslog(view, context(), sd);
    if (r.message) {
      ++accepted;
      ASSERT_TRUE(r.reason.empty());
      expect_views_inside(*r.message, view, sd);
    } else {
      ASSERT_TRUE(r.reason.starts_with("syslog: ")) << r.reason;
    }
  }
  // The mutations keep many messages valid: the loop tests accepted results too.
  EXPECT_GT(accepted, 10'000U);
}

TEST(Hostile, HugeNumbers) {
  const std::string digits(10'000, '9');
  EXPECT_EQ(rejected("<" + digits + ">1 - - - - - -"), "syslog: bad priority");
  EXPECT_EQ(rejected("<13>" + digits + " - - - - - -"), "syslog: bad timestamp");
  EXPECT_EQ(rejected("<13>1 " + digits + "-12-01T10:00:00Z h a p m - x"), "syslog: bad timestamp");
  EXPECT_EQ(rejected("<13>1 2026-12-01T10:00:00." + digits + "Z h a p m - x"), "syslog: bad timestamp");
  EXPECT_EQ(rejected("<13>1 2026-12-01T10:00:00+" + digits + " h a p m - x"), "syslog: bad timestamp");
  EXPECT_EQ(rejected("<13>Dec " + digits + " 10:00:00 h a: b"), "syslog: bad timestamp");
  EXPECT_EQ(rejected("<13>Dec  1 " + digits + ":00:00 h a: b"), "syslog: bad timestamp");
  // Receive times and zones at the edges of 64-bit nanoseconds: accepted or rejected, with
  // no overflow (UBSan) and a time that fits.
  StructuredData sd;
  for (const int64_t now : {INT64_MIN, INT64_MIN + 1, int64_t{-1}, int64_t{0}, INT64_MAX - 1, INT64_MAX}) {
    for (const int32_t zone : {-14 * 3600, 0, 14 * 3600, INT32_MIN, INT32_MAX}) {
      for (std::string_view text : {"<13>Jan  1 00:00:00 h a: b", "<13>Dec 31 23:59:59 h a: b",
                                    "<13>Feb 29 12:00:00 h a: b", "<13>Apr 11 23:47:16 h a: b"}) {
        const ParseResult r = parse_syslog(text, context(now, zone), sd);
        EXPECT_TRUE(r.message.has_value() || r.reason == "syslog: bad timestamp") << text;
      }
    }
  }
  // 64-bit nanoseconds end at 2262-04-11T23:47:16.854775807Z; the parser stops a second short.
  EXPECT_TRUE(parse_syslog("<13>1 2262-04-11T23:47:15.999999999Z h a p m - x", context(), sd).message.has_value());
  EXPECT_EQ(rejected("<13>1 2262-04-11T23:47:17Z h a p m - x"), "syslog: bad timestamp");
  EXPECT_EQ(rejected("<13>1 1677-09-21T00:12:43Z h a p m - x"), "syslog: bad timestamp");
}

TEST(Hostile, TenThousandParams) {
  std::string text = "<13>1 - - - - - [big@1";
  for (int i = 0; i < 10'000; ++i) text += " p" + std::to_string(i) + "=\"v" + std::to_string(i) + "\"";
  text += "][small@1 a=\"b\"] tail";
  StructuredData sd;
  const SyslogMessage m = parsed(text, sd);
  ASSERT_EQ(m.structured_data.size(), 2U);
  ASSERT_EQ(m.structured_data[0].params.size(), 10'000U);
  EXPECT_EQ(m.structured_data[0].params[0].name, "p0");
  EXPECT_EQ(m.structured_data[0].params[9'999].name, "p9999");
  EXPECT_EQ(m.structured_data[0].params[9'999].value, "v9999");
  ASSERT_EQ(m.structured_data[1].params.size(), 1U);
  EXPECT_EQ(m.structured_data[1].params[0].value, "b");
  EXPECT_EQ(m.message, "tail");
  expect_views_inside(m, text, sd);
  // The storage is reused: a small message after it leaves nothing of the big one.
  const SyslogMessage n = parsed("<13>1 - - - - - [x@1 a=\"b\"]", sd);
  EXPECT_EQ(sd.params.size(), 1U);
  EXPECT_EQ(n.structured_data[0].params[0].name, "a");
  // Unterminated after 10,000 params.
  text.resize(text.find("]"));
  EXPECT_EQ(rejected(text), "syslog: bad structured data");
}

}  // namespace
