/* Example filter in plain C: cuts one string field of every event to at most max_bytes.
 *
 * It includes nothing from the SDK but plugin.h and builds with -std=c99 -pedantic, which
 * is the point: the plugin boundary is C, so a plugin needs no C++ at all. It shows an
 * option schema, keys interned once at creation, a counter, reading a field, and setting
 * a field from bytes the batch already holds (borrowed, not copied: no allocation or copy
 * per event). A cut never splits a UTF-8 sequence: it backs up to the start of the
 * character that would be split, so a valid UTF-8 value stays valid. */
#include <logagent/plugin.h>
#include <stdlib.h>
#include <string.h>

typedef struct truncate_filter {
  const logagent_host* host;
  logagent_key field;     /* the field to cut */
  logagent_key flag;      /* set to true on an event whose field was cut; NO_KEY for none */
  size_t max_bytes;       /* the longest value kept */
  logagent_counter* cuts; /* events cut, reported at shutdown */
} truncate_filter;

static const logagent_option truncate_options[] = {
    {.name = "field",
     .type = LOGAGENT_OPTION_STRING,
     .default_value = "message",
     .doc = "The string field to cut; events without it, or where it is not a string, pass unchanged",
     .example = "\"message\""},
    {.name = "max_bytes",
     .type = LOGAGENT_OPTION_SIZE,
     .default_value = "1KiB",
     .doc = "The longest value kept, in bytes; a longer one is cut at a UTF-8 character boundary",
     .example = "\"256B\"",
     .min_value = "1"},
    {.name = "flag_field",
     .type = LOGAGENT_OPTION_STRING,
     .default_value = "truncated",
     .doc = "Set to true on each event whose value was cut; \"\" sets nothing",
     .example = "\"truncated\""},
};

static logagent_str c_str(const char* text) {
  logagent_str s;
  s.ptr = text;
  s.len = strlen(text);
  return s;
}

/* The length of the longest prefix of text (longer than max) that is at most max bytes and
 * does not end inside a UTF-8 sequence. text[max] is the first byte left out: while it is
 * a continuation byte (10xxxxxx), the character it belongs to started earlier and goes too. */
static size_t utf8_prefix_length(const char* text, size_t max) {
  size_t n = max;
  while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80) --n;
  return n;
}

static void* truncate_create(const logagent_host* host, logagent_context* ctx, const logagent_config* config) {
  logagent_value value;
  truncate_filter* self = calloc(1, sizeof *self);
  if (self == NULL) {
    host->set_error(ctx, c_str("out of memory"));
    return NULL;
  }
  self->host = host;
  /* Every option here has a default, which the host has already applied and validated
   * (max_bytes is at least 1): config_get finds each one. */
  host->config_get(config, c_str("field"), &value);
  self->field = host->intern_key(ctx, value.as.string);
  host->config_get(config, c_str("max_bytes"), &value);
  self->max_bytes = (size_t)value.as.integer;
  host->config_get(config, c_str("flag_field"), &value);
  self->flag = value.as.string.len == 0 ? LOGAGENT_NO_KEY : host->intern_key(ctx, value.as.string);
  self->cuts = host->counter(ctx, c_str("truncated"));
  return self;
}

static void truncate_destroy(void* instance) { free(instance); }

static int32_t truncate_batch(void* instance, logagent_batch* batch) {
  const truncate_filter* self = instance;
  const logagent_host* host = self->host;
  const uint32_t count = host->batch_count(batch);
  uint64_t cuts = 0;
  uint32_t e;
  for (e = 0; e < count; ++e) {
    logagent_field field;
    logagent_field_view view;
    if (host->event_dropped(batch, e)) continue;
    field = host->event_find(batch, e, self->field);
    if (field == LOGAGENT_NO_FIELD) continue;
    view.struct_size = sizeof view; /* the host writes no more than the view we know */
    host->field_read(batch, field, &view);
    if (view.value.type != LOGAGENT_VALUE_STRING || view.value.as.string.len <= self->max_bytes) continue;

    /* The prefix is bytes of this batch that stay unchanged: borrow them. */
    view.value.as.string.len = utf8_prefix_length(view.value.as.string.ptr, self->max_bytes);
    host->event_set(batch, e, self->field, &view.value, LOGAGENT_SET_BORROW);
    if (self->flag != LOGAGENT_NO_KEY) {
      logagent_value yes;
      memset(&yes, 0, sizeof yes);
      yes.type = LOGAGENT_VALUE_BOOL;
      yes.as.boolean = 1;
      host->event_set(batch, e, self->flag, &yes, 0);
    }
    ++cuts;
  }
  host->counter_add(self->cuts, cuts);
  return LOGAGENT_OK;
}

static const logagent_plugin_descriptor truncate_descriptor = {
    .struct_size = sizeof(logagent_plugin_descriptor),
    .abi_major = LOGAGENT_ABI_MAJOR,
    .abi_minor = LOGAGENT_ABI_MINOR,
    .kind = LOGAGENT_KIND_FILTER,
    .name = "truncate",
    .version = "1.0.0",
    .description = "Cuts one string field to at most max_bytes (SDK example, in C)",
    .options = truncate_options,
    .option_count = sizeof truncate_options / sizeof truncate_options[0],
    .option_size = sizeof(logagent_option),
    .create = truncate_create,
    .destroy = truncate_destroy,
    .filter = truncate_batch,
};

LOGAGENT_EXPORT const logagent_plugin_descriptor* logagent_plugin_entry(uint32_t host_abi_major,
                                                                        uint32_t host_abi_minor) {
  (void)host_abi_major; /* one descriptor, for ABI 1.x: the host checks the versions */
  (void)host_abi_minor;
  return &truncate_descriptor;
}
