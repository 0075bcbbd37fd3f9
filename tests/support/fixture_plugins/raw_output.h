/* Working output callbacks shared by the raw C loader-failure fixtures. */
#ifndef LOGAGENT_FIXTURE_RAW_OUTPUT_H
#define LOGAGENT_FIXTURE_RAW_OUTPUT_H

#include <logagent/plugin.h>

#include <stdlib.h>

/* Every loader-failure fixture is otherwise a valid output plugin, so that the loader has
 * exactly one reason to refuse it; these callbacks are the "otherwise valid" part. They are
 * static inline so a fixture that leaves one unused compiles without warnings. Written in
 * the common subset of C and C++ so the fixtures also build as C++. */

static inline void* raw_output_create(const logagent_host* host, logagent_context* ctx, const logagent_config* config) {
  (void)config;
  /* A distinct allocation per instance, in case the host keys anything by instance. */
  void* instance = malloc(1);
  if (instance == NULL) {
    static const char kMessage[] = "out of memory";
    logagent_str message = {kMessage, sizeof kMessage - 1};
    host->set_error(ctx, message);
  }
  return instance;
}

static inline void raw_output_destroy(void* instance) { free(instance); }

static inline int32_t raw_output_write(void* instance, const logagent_batch* batch, logagent_token* token) {
  (void)instance;
  (void)batch;
  (void)token;
  return LOGAGENT_OK;
}

#ifdef __cplusplus
extern "C" {
#endif
/* Declared here so each definition is checked against the ABI's entry signature. */
LOGAGENT_EXPORT const logagent_plugin_descriptor* logagent_plugin_entry(uint32_t host_abi_major,
                                                                        uint32_t host_abi_minor);
#ifdef __cplusplus
}
#endif

#endif /* LOGAGENT_FIXTURE_RAW_OUTPUT_H */
