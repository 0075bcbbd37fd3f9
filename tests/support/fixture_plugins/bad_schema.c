/* Loader fixture: an otherwise valid output whose one option has choices or a range the
 * loader refuses. Built once per case; FIXTURE_NAME (also the case folder), FIXTURE_TYPE,
 * FIXTURE_DEFAULT, FIXTURE_MIN and FIXTURE_MAX (C expressions: "text" or NULL) and
 * FIXTURE_CHOICES (0: none, 1: "json" and "raw", 2: an empty list, 3: "json" twice) say which. */
#include "raw_output.h"

#if !defined(FIXTURE_NAME) || !defined(FIXTURE_TYPE) || !defined(FIXTURE_DEFAULT) || !defined(FIXTURE_CHOICES) || \
    !defined(FIXTURE_MIN) || !defined(FIXTURE_MAX)
#error "define FIXTURE_NAME, FIXTURE_TYPE, FIXTURE_DEFAULT, FIXTURE_CHOICES, FIXTURE_MIN and FIXTURE_MAX"
#endif

#if FIXTURE_CHOICES == 1
static const char* const choices[] = {"json", "raw", NULL};
#elif FIXTURE_CHOICES == 2
static const char* const choices[] = {NULL};
#elif FIXTURE_CHOICES == 3
static const char* const choices[] = {"json", "raw", "json", NULL};
#endif

#if FIXTURE_CHOICES == 0
#define FIXTURE_CHOICE_LIST NULL
#else
#define FIXTURE_CHOICE_LIST choices
#endif

static const logagent_option options[] = {
    {.name = "setting",
     .type = FIXTURE_TYPE,
     .required = 0,
     .default_value = FIXTURE_DEFAULT,
     .doc = "An option whose choices or range the loader refuses",
     .example = NULL,
     .choices = FIXTURE_CHOICE_LIST,
     .min_value = FIXTURE_MIN,
     .max_value = FIXTURE_MAX,
     .secret = 0},
};

static const logagent_plugin_descriptor descriptor = {
    .struct_size = sizeof(logagent_plugin_descriptor),
    .abi_major = LOGAGENT_ABI_MAJOR,
    .abi_minor = LOGAGENT_ABI_MINOR,
    .kind = LOGAGENT_KIND_OUTPUT,
    .name = FIXTURE_NAME,
    .version = "1.0.0",
    .description = "Fixture: choices or a range the loader refuses",
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
