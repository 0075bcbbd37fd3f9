// The tail input's option table and its reading (see tail_options.hpp and docs/plugins/tail.md).
#include "tail_options.hpp"

namespace logagent::plugins::tail {
namespace {

const char* const kReadFrom[] = {"end", "beginning", nullptr};

}  // namespace

const logagent_option kOptions[kOptionCount] = {
    logagent::option("paths", LOGAGENT_OPTION_STRING_LIST)
        .required()
        .doc("Files to follow, as glob(3) patterns; expanded again every refresh_interval")
        .example("[\"/var/log/nginx/*.log\"]"),
    logagent::option("exclude", LOGAGENT_OPTION_STRING_LIST)
        .doc("fnmatch(3) patterns of files not to follow: with a '/' matched against the whole path, "
             "without against the file name")
        .example("[\"*.gz\"]"),
    logagent::option("read_from", LOGAGENT_OPTION_STRING)
        .defaults("end")
        .choices(kReadFrom)
        .doc("Where to start in a file found at start that has no checkpoint; files found later are read from "
             "their beginning")
        .example("\"beginning\""),
    logagent::option("refresh_interval", LOGAGENT_OPTION_DURATION)
        .defaults("1s")
        .min("1ms")
        .doc("How often the globs are expanded again and the files polled for new lines (with inotify too, as "
             "the fallback)")
        .example("\"250ms\""),
    logagent::option("inotify", LOGAGENT_OPTION_BOOL)
        .defaults("true")
        .doc("Watch the folders of the files with inotify, to read new lines and find new files at once")
        .example("false"),
    logagent::option("exit_on_eof", LOGAGENT_OPTION_BOOL)
        .defaults("false")
        .doc("Read every matched file to its end, then finish (for tests and benchmarks)")
        .example("true"),
    logagent::max_line_bytes_option("Longest line (or multiline record) kept whole; longer ones are split or "
                                    "truncated (see on_long_line) and counted"),
    logagent::on_long_line_option(),
    logagent::option("path_field", LOGAGENT_OPTION_STRING)
        .defaults("")
        .doc("When set, the name of a field that gets the path of the file on every event")
        .example("\"file\""),
    logagent::option("offset_field", LOGAGENT_OPTION_STRING)
        .defaults("")
        .doc("When set, the name of an int field that gets the byte offset of the event's first byte in its file")
        .example("\"offset\""),
    logagent::option("multiline", LOGAGENT_OPTION_STRING)
        .defaults("")
        .doc("A PCRE2 pattern that the first line of a record matches; the lines after it that do not are "
             "appended to it, joined by newlines (a stack trace becomes one event). Empty: each line is an event")
        .example("\"^\\\\d{4}-\\\\d{2}-\\\\d{2}\""),
    logagent::option("multiline_timeout", LOGAGENT_OPTION_DURATION)
        .defaults("1s")
        .min("1ms")
        .doc("A record that got no new line for this long is emitted as it is")
        .example("\"5s\""),
    logagent::option("ignore_older", LOGAGENT_OPTION_DURATION)
        .defaults("0s")
        .doc("Files last modified longer ago than this are not opened until they change; 0s: none is too old")
        .example("\"24h\""),
    logagent::option("close_inactive", LOGAGENT_OPTION_DURATION)
        .defaults("5m")
        .min("1ms")
        .doc("A file with no new data for this long is closed, its position kept; it is opened again when it "
             "changes")
        .example("\"1m\""),
    logagent::option("rotate_wait", LOGAGENT_OPTION_DURATION)
        .defaults("5s")
        .doc("A file whose name went away (renamed by a rotation) is read on for this long after its last new "
             "data, then released; a deleted file is released as soon as it is read to its end")
        .example("\"30s\""),
};

TailOptions read_options(const Config& config) {
  TailOptions o;
  o.paths = config.get_list("paths");
  if (o.paths.empty()) throw OptionError("paths", "paths needs at least one glob");
  for (const std::string& p : o.paths) {
    if (p.empty()) throw OptionError("paths", "a paths pattern is empty");
  }
  o.exclude = config.get_list("exclude");
  o.from_beginning = config.get_string("read_from", "end") == "beginning";
  o.refresh_ns = config.get_duration_ns("refresh_interval", o.refresh_ns);
  o.inotify = config.get_bool("inotify", true);
  o.exit_on_eof = config.get_bool("exit_on_eof", false);
  o.path_field = config.get_string("path_field", "");
  o.offset_field = config.get_string("offset_field", "");
  if (!o.path_field.empty() && o.path_field == o.offset_field) {
    throw OptionError("offset_field", "offset_field and path_field name the same field \"" + o.path_field + "\"");
  }
  o.multiline = config.get_string("multiline", "");
  o.multiline_timeout_ns = config.get_duration_ns("multiline_timeout", o.multiline_timeout_ns);
  o.ignore_older_ns = config.get_duration_ns("ignore_older", 0);
  o.close_inactive_ns = config.get_duration_ns("close_inactive", o.close_inactive_ns);
  o.rotate_wait_ns = config.get_duration_ns("rotate_wait", o.rotate_wait_ns);
  read_long_line_options(config, o.lines);
  return o;
}

}  // namespace logagent::plugins::tail
