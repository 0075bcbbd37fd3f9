/* Fixture input "abi_1_0_count": the input side of a plugin built for ABI 1.0, compiled like
 * the abi_1_0 filter against the frozen header alone (tests/support/abi/1.0). It emits events
 * "event <n>" with an int field "n" and the time 2026-01-01T00:00:00Z + n * time_step, at most
 * per_batch to a batch, until `count` events are out or the agent stops. With resume = true
 * it keeps the next n to emit as its checkpoint, saved once the outputs acknowledged a batch
 * and loaded at create, so a second run goes on where the first one was delivered. Plain C99. */
#include <logagent/plugin.h>

#ifndef LOGAGENT_FROZEN_ABI_1_0
#error "abi_1_0_input.c must be compiled against tests/support/abi/1.0, the frozen ABI 1.0 header"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

LOGAGENT_EXPORT const logagent_plugin_descriptor* logagent_plugin_entry(uint32_t host_abi_major,
                                                                        uint32_t host_abi_minor);

static const logagent_option options[] = {
    {.name = "count",
     .type = LOGAGENT_OPTION_INT,
     .required = 1,
     .default_value = NULL,
     .doc = "Events to emit, numbered from 0 (or from the checkpoint)",
     .example = "1000",
     .choices = NULL,
     .min_value = "0",
     .max_value = NULL,
     .secret = 0},
    {.name = "per_batch",
     .type = LOGAGENT_OPTION_INT,
     .required = 0,
     .default_value = "2",
     .doc = "Most events in one batch",
     .example = "100",
     .choices = NULL,
     .min_value = "1",
     .max_value = NULL,
     .secret = 0},
    {.name = "time_step",
     .type = LOGAGENT_OPTION_DURATION,
     .required = 0,
     .default_value = "1s",
     .doc = "Time between two events' timestamps",
     .example = "\"250ms\"",
     .choices = NULL,
     .min_value = "0s",
     .max_value = NULL,
     .secret = 0},
    {.name = "resume",
     .type = LOGAGENT_OPTION_BOOL,
     .required = 0,
     .default_value = "false",
     .doc = "Keep the next event number as a checkpoint in the state folder",
     .example = "true",
     .choices = NULL,
     .min_value = NULL,
     .max_value = NULL,
     .secret = 0},
};

/* 2026-01-01T00:00:00Z in ns since the epoch. */
#define ABI_INPUT_BASE_TIME ((int64_t)1767225600 * 1000000000)

typedef struct abi_input {
  const logagent_host* host;
  logagent_context* ctx;
  logagent_key message_key;
  logagent_key n_key;
  int64_t count;
  int64_t per_batch;
  int64_t time_step;
  logagent_bool resume;
  uint64_t first; /* from the checkpoint; read-only after create */
  uint64_t acked; /* the checkpoint: touched by input_ack alone, which never overlaps itself */
} abi_input;

static logagent_str str_of(const char* text) {
  logagent_str s = {text, strlen(text)};
  return s;
}

static int64_t config_int(const logagent_host* host, const logagent_config* config, const char* name) {
  logagent_value v;
  return host->config_get(config, str_of(name), &v) ? v.as.integer : 0;
}

/* The checkpoint is "next=<n>"; anything else starts from 0. */
static uint64_t parse_checkpoint(logagent_str blob) {
  char text[32];
  unsigned long long next = 0;
  if (blob.len == 0 || blob.len >= sizeof text) return 0;
  memcpy(text, blob.ptr, blob.len);
  text[blob.len] = '\0';
  return sscanf(text, "next=%llu", &next) == 1 ? (uint64_t)next : 0;
}

static void abi_input_destroy(void* instance) { free(instance); }

static void* abi_input_create(const logagent_host* host, logagent_context* ctx, const logagent_config* config) {
  abi_input* in = calloc(1, sizeof *in);
  logagent_value v;
  if (in == NULL) {
    host->set_error(ctx, str_of("out of memory"));
    return NULL;
  }
  in->host = host;
  in->ctx = ctx;
  in->count = config_int(host, config, "count");
  in->per_batch = config_int(host, config, "per_batch");
  in->time_step = config_int(host, config, "time_step");
  in->resume = host->config_get(config, str_of("resume"), &v) && v.as.boolean;
  in->message_key = host->intern_key(ctx, str_of("message"));
  in->n_key = host->intern_key(ctx, str_of("n"));
  if (in->resume) {
    logagent_str blob;
    logagent_str dir;
    /* state_dir first: state_load's 0 alone does not tell "no checkpoint" from "no folder". */
    if (host->state_dir(ctx, &dir) != LOGAGENT_OK) {
      free(in);
      return NULL;
    }
    if (host->state_load(ctx, &blob)) in->first = parse_checkpoint(blob);
  }
  in->acked = in->first;
  return in;
}

static int32_t abi_input_run(void* instance, logagent_context* ctx) {
  abi_input* in = instance;
  const logagent_host* h = in->host;
  uint64_t n = in->first;
  for (;;) {
    logagent_batch* batch;
    if (h->should_stop(ctx)) return LOGAGENT_OK;
    batch = h->batch_new(ctx);
    while ((int64_t)n < in->count && (int64_t)h->batch_count(batch) < in->per_batch && !h->batch_full(batch)) {
      char text[32];
      logagent_value v;
      uint32_t e = h->event_append(batch, 0);
      h->event_set_time(batch, e, ABI_INPUT_BASE_TIME + (int64_t)n * in->time_step);
      memset(&v, 0, sizeof v);
      snprintf(text, sizeof text, "event %llu", (unsigned long long)n);
      v.type = LOGAGENT_VALUE_STRING;
      v.as.string = str_of(text); /* copied */
      h->event_set(batch, e, in->message_key, &v, LOGAGENT_SET_NEW);
      v.type = LOGAGENT_VALUE_INT;
      v.as.integer = (int64_t)n;
      h->event_set(batch, e, in->n_key, &v, LOGAGENT_SET_NEW);
      ++n;
    }
    if (h->batch_count(batch) == 0) {
      h->batch_discard(ctx, batch);
      return LOGAGENT_OK;
    }
    /* The cookie is the checkpoint this batch's acknowledgement allows. */
    if (h->emit(ctx, batch, n) != LOGAGENT_OK) return LOGAGENT_ERROR;
  }
}

static void abi_input_ack(void* instance, uint64_t cookie, int32_t status) {
  abi_input* in = instance;
  char text[32];
  /* Batches may be acknowledged out of order: the checkpoint only moves forward. A failed
   * batch will not be delivered, so the position moves past it too. */
  (void)status;
  if (!in->resume || cookie <= in->acked) return;
  in->acked = cookie;
  snprintf(text, sizeof text, "next=%llu", (unsigned long long)cookie);
  in->host->state_save(in->ctx, str_of(text));
}

static const logagent_plugin_descriptor descriptor = {
    .struct_size = sizeof(logagent_plugin_descriptor),
    .abi_major = LOGAGENT_ABI_MAJOR,
    .abi_minor = LOGAGENT_ABI_MINOR,
    .kind = LOGAGENT_KIND_INPUT,
    .name = "abi_1_0_count",
    .version = "1.0.0",
    .description = "Fixture: an input built against the frozen ABI 1.0 header",
    .options = options,
    .option_count = sizeof options / sizeof options[0],
    .option_size = sizeof(logagent_option),
    .create = abi_input_create,
    .destroy = abi_input_destroy,
    .input_run = abi_input_run,
    .input_stop = NULL, /* should_stop is enough: run never blocks but in emit */
    .input_ack = abi_input_ack,
    .filter = NULL,
    .output_write = NULL,
    .output_flush = NULL,
};

const logagent_plugin_descriptor* logagent_plugin_entry(uint32_t host_abi_major, uint32_t host_abi_minor) {
  /* Every 1.x host has what a 1.0 plugin uses; another major is refused by the host anyway. */
  (void)host_abi_minor;
  return host_abi_major == LOGAGENT_ABI_MAJOR ? &descriptor : NULL;
}
