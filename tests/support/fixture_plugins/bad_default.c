/* Loader fixture: an otherwise valid output whose one option has a default its type refuses.
 * Built once per case; FIXTURE_NAME (also the case folder), FIXTURE_TYPE and FIXTURE_DEFAULT
 * say which. */
#include "raw_output.h"

#if !defined(FIXTURE_NAME) || !defined(FIXTURE_TYPE) || !defined(FIXTURE_DEFAULT)
#error "define FIXTURE_NAME, FIXTURE_TYPE and FIXTURE_DEFAULT"
#endif

static const logagent_option options[] = {
    {.name = "setting",
     .type = FIXTURE_TYPE,
     .required = 0,
     .default_value = FIXTURE_DEFAULT, /* the one defect */
     .doc = "An option whose default does not parse as its type",
     .example = NULL,
     .choices = NULL,
     .min_value = NULL,
     .max_value = NULL,
     .secret = 0},
};

static const logagent_plugin_descriptor descriptor = {
    .struct_size = sizeof(logagent_plugin_descriptor),
    .abi_major = LOGAGENT_ABI_MAJOR,
    .abi_minor = LOGAGENT_ABI_MINOR,
    .kind = LOGAGENT_KIND_OUTPUT,
    .name = FIXTURE_NAME,
    .version = "1.0.0",
    .description = "Fixture: an option default that does not parse as its type",
    .options = options,
    .option_count = sizeof options / sizeof options[0],
    .option_size = sizeof(logagent_option),
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
