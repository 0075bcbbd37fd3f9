/* Loader fixture: a valid output whose option entries are larger than this agent's
 * logagent_option, as those of a plugin built against a later ABI minor would be (members
 * appended after `secret`), with choices, ranges and secrets to validate configurations. */
#include "raw_output.h"

/* A later minor's entry: this agent's logagent_option, then members it does not know. */
typedef struct wide_option {
  logagent_option base;
  uint64_t later_flags; /* all bits set: an agent reading past its own entry would notice */
  const char* later_text;
} wide_option;

static const char* const formats[] = {"json", "raw", NULL};
static const char* const levels[] = {"debug", "info", "warn", NULL};

static const wide_option options[] = {
    {.base = {.name = "format",
              .type = LOGAGENT_OPTION_STRING,
              .required = 0,
              .default_value = "json",
              .doc = "How each event is written",
              .example = "\"raw\"",
              .choices = formats,
              .min_value = NULL,
              .max_value = NULL,
              .secret = 0},
     .later_flags = UINT64_MAX,
     .later_text = "appended by a later ABI minor"},
    {.base = {.name = "buffer",
              .type = LOGAGENT_OPTION_SIZE,
              .required = 0,
              .default_value = "64KiB",
              .doc = "Bytes kept before a write",
              .example = "\"256KiB\"",
              .choices = NULL,
              .min_value = "1KiB",
              .max_value = "1MiB",
              .secret = 0},
     .later_flags = UINT64_MAX,
     .later_text = "appended by a later ABI minor"},
    {.base = {.name = "ratio",
              .type = LOGAGENT_OPTION_FLOAT,
              .required = 0,
              .default_value = "0.5",
              .doc = "Share of events kept",
              .example = "0.25",
              .choices = NULL,
              .min_value = "0",
              .max_value = "1",
              .secret = 0},
     .later_flags = UINT64_MAX,
     .later_text = "appended by a later ABI minor"},
    {.base = {.name = "timeout",
              .type = LOGAGENT_OPTION_DURATION,
              .required = 0,
              .default_value = NULL,
              .doc = "How long a write may take",
              .example = "\"5s\"",
              .choices = NULL,
              .min_value = "10ms",
              .max_value = NULL,
              .secret = 0},
     .later_flags = UINT64_MAX,
     .later_text = "appended by a later ABI minor"},
    {.base = {.name = "count",
              .type = LOGAGENT_OPTION_INT,
              .required = 0,
              .default_value = NULL,
              .doc = "How many copies of each event",
              .example = "2",
              .choices = NULL,
              .min_value = NULL,
              .max_value = "10",
              .secret = 0},
     .later_flags = UINT64_MAX,
     .later_text = "appended by a later ABI minor"},
    {.base = {.name = "levels",
              .type = LOGAGENT_OPTION_STRING_LIST,
              .required = 0,
              .default_value = NULL,
              .doc = "Levels passed on",
              .example = "[\"warn\"]",
              .choices = levels,
              .min_value = NULL,
              .max_value = NULL,
              .secret = 0},
     .later_flags = UINT64_MAX,
     .later_text = "appended by a later ABI minor"},
    {.base = {.name = "password",
              .type = LOGAGENT_OPTION_STRING,
              .required = 0,
              .default_value = "guest-password",
              .doc = "Password of the account",
              .example = "\"...\"",
              .choices = NULL,
              .min_value = NULL,
              .max_value = NULL,
              .secret = 1},
     .later_flags = UINT64_MAX,
     .later_text = "appended by a later ABI minor"},
    {.base = {.name = "pin",
              .type = LOGAGENT_OPTION_INT,
              .required = 0,
              .default_value = NULL,
              .doc = "PIN of the device",
              .example = "1234",
              .choices = NULL,
              .min_value = "1000",
              .max_value = "9999",
              .secret = 1},
     .later_flags = UINT64_MAX,
     .later_text = "appended by a later ABI minor"},
};

static const logagent_plugin_descriptor descriptor = {
    .struct_size = sizeof(logagent_plugin_descriptor),
    .abi_major = LOGAGENT_ABI_MAJOR,
    .abi_minor = LOGAGENT_ABI_MINOR,
    .kind = LOGAGENT_KIND_OUTPUT,
    .name = "wide_options",
    .version = "1.0.0",
    .description = "Fixture: option entries wider than this agent's, with choices, ranges and secrets",
    .options = &options[0].base,
    .option_count = sizeof options / sizeof options[0],
    .option_size = sizeof options[0], /* the point of the fixture: more than sizeof(logagent_option) */
    .create = raw_output_create,
    .destroy = raw_output_destroy,
    /* Spelled out rather than omitted so the file also builds as C++ with -Wextra. */
    .input_run = NULL,
    .input_stop = NULL,
    .input_ack = NULL,
    .filter = NULL,
    .output_write = raw_output_write,
    .output_flush = NULL,
};

const logagent_plugin_descriptor* logagent_plugin_entry(uint32_t host_abi_major, uint32_t host_abi_minor) {
  (void)host_abi_major;
  (void)host_abi_minor;
  return &descriptor;
}
