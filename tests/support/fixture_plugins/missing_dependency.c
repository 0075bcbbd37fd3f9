/* Loader fixture: an otherwise valid output linked against a shared library that the
 * dynamic loader cannot find, as a Kafka output is on a host without librdkafka. */
#include "raw_output.h"

#include "missing_dependency_lib.h"

static void* dependent_create(const logagent_host* host, logagent_context* ctx, const logagent_config* config) {
  /* The one defect is at load time; calling into the library keeps the link needed. */
  (void)fixture_missing_dependency_answer();
  return raw_output_create(host, ctx, config);
}

static const logagent_plugin_descriptor descriptor = {
    .struct_size = sizeof(logagent_plugin_descriptor),
    .abi_major = LOGAGENT_ABI_MAJOR,
    .abi_minor = LOGAGENT_ABI_MINOR,
    .kind = LOGAGENT_KIND_OUTPUT,
    .name = "missing_dependency",
    .version = "1.0.0",
    .description = "Fixture: needs a shared library that is not installed",
    .options = NULL,
    .option_count = 0,
    .option_size = sizeof(logagent_option),
    .create = dependent_create,
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
