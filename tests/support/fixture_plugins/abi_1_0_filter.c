/* Fixture filter "abi_1_0": a plugin as it was built for ABI 1.0, compiled against the header
 * frozen at that release (tests/support/abi/1.0), never sdk/include's; abi_1_0_input.c is
 * the input side. It fills every member of the 1.0 descriptor and option entries and calls
 * most of the 1.0 host table, so an agent that moved or changed what it uses fails
 * test_abi_compatibility.py rather than a user's plugin (abi_1_0_layout_test.cpp covers the
 * members it does not use).
 *
 * Per event it reads the `source` string and sets: "length" (int, interned key), "upper"
 * (the text in ASCII capitals, borrowed from batch_alloc), "words" (an array of
 * the space-separated words, copied), "meta" (a map of the input's tag, the instance id and
 * the `label` option) and "fields" (the event's top-level field count, walked). A text in
 * `drop` drops the event; a text longer than `max_length` bytes, or a missing source, is
 * marked with "_error"; keep_source = false removes the source field. Plain C99. */
#include <logagent/plugin.h>

#ifndef LOGAGENT_FROZEN_ABI_1_0
#error "abi_1_0_filter.c must be compiled against tests/support/abi/1.0, the frozen ABI 1.0 header"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

LOGAGENT_EXPORT const logagent_plugin_descriptor* logagent_plugin_entry(uint32_t host_abi_major,
                                                                        uint32_t host_abi_minor);

static const char* const kSourceChoices[] = {"message", "upper", NULL};

static const logagent_option options[] = {
    {.name = "source",
     .type = LOGAGENT_OPTION_STRING,
     .required = 0,
     .default_value = "message",
     .doc = "Field whose text is examined",
     .example = "\"message\"",
     .choices = kSourceChoices,
     .min_value = NULL,
     .max_value = NULL,
     .secret = 0},
    {.name = "label",
     .type = LOGAGENT_OPTION_STRING,
     .required = 0,
     .default_value = "abi-1.0",
     .doc = "Text of meta.label on every event; must not be empty",
     .example = "\"legacy\"",
     .choices = NULL,
     .min_value = NULL,
     .max_value = NULL,
     .secret = 0},
    {.name = "max_length",
     .type = LOGAGENT_OPTION_INT,
     .required = 0,
     .default_value = "16",
     .doc = "Longest text, in bytes, that is not marked with _error",
     .example = "80",
     .choices = NULL,
     .min_value = "1",
     .max_value = "4096",
     .secret = 0},
    {.name = "keep_source",
     .type = LOGAGENT_OPTION_BOOL,
     .required = 0,
     .default_value = "true",
     .doc = "Keep the source field; false removes it once read",
     .example = "false",
     .choices = NULL,
     .min_value = NULL,
     .max_value = NULL,
     .secret = 0},
    {.name = "drop",
     .type = LOGAGENT_OPTION_STRING_LIST,
     .required = 0,
     .default_value = NULL,
     .doc = "Texts whose events are dropped",
     .example = "[\"skip me\"]",
     .choices = NULL,
     .min_value = NULL,
     .max_value = NULL,
     .secret = 0},
    {.name = "token",
     .type = LOGAGENT_OPTION_STRING,
     .required = 0,
     .default_value = "fixture-secret",
     .doc = "Unused; a secret, so that its default is never printed",
     .example = "\"...\"",
     .choices = NULL,
     .min_value = NULL,
     .max_value = NULL,
     .secret = 1},
};

/* State after create: read-only, since filter may run on several threads at once. */
typedef struct abi_filter {
  const logagent_host* host;
  logagent_key source_key;
  logagent_key length_key;
  logagent_key upper_key;
  logagent_key words_key;
  logagent_key fields_key;
  logagent_key tag_key;
  logagent_key error_key;
  logagent_str source;
  logagent_str label; /* owned copy */
  logagent_str instance;
  int64_t max_length;
  logagent_bool keep_source;
  uint32_t drop_count;
  logagent_str* drop; /* owned copies */
  logagent_counter* marked;
} abi_filter;

static logagent_str str_of(const char* text) {
  logagent_str s = {text, strlen(text)};
  return s;
}

static logagent_bool str_equal(logagent_str a, logagent_str b) {
  return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

/* Strings from config_get live only during create. */
static logagent_str str_copy(logagent_str s) {
  char* bytes = malloc(s.len + 1);
  logagent_str copy = {bytes, 0};
  if (bytes != NULL) {
    if (s.len != 0) memcpy(bytes, s.ptr, s.len);
    bytes[s.len] = '\0';
    copy.len = s.len;
  }
  return copy;
}

static void abi_destroy(void* instance) {
  abi_filter* f = instance;
  uint32_t i;
  for (i = 0; i < f->drop_count; ++i) free((void*)f->drop[i].ptr);
  free(f->drop);
  free((void*)f->label.ptr);
  free(f);
}

static logagent_str config_string(const abi_filter* f, const logagent_config* config, const char* name) {
  logagent_value v;
  logagent_str none = {NULL, 0};
  if (!f->host->config_get(config, str_of(name), &v) || v.type != LOGAGENT_VALUE_STRING) return none;
  return v.as.string;
}

static void* abi_create(const logagent_host* host, logagent_context* ctx, const logagent_config* config) {
  abi_filter* f = calloc(1, sizeof *f);
  logagent_value v;
  uint32_t i;
  char message[160];
  if (f == NULL) {
    host->set_error(ctx, str_of("out of memory"));
    return NULL;
  }
  f->host = host;

  /* The source's name is one of the choices, static text: no copy needed. */
  f->source = str_of(str_equal(config_string(f, config, "source"), str_of("upper")) ? "upper" : "message");
  f->label = config_string(f, config, "label");
  if (f->label.len == 0) {
    host->set_option_error(ctx, str_of("label"), str_of("must not be empty"));
    free(f);
    return NULL;
  }
  f->label = str_copy(f->label);
  f->max_length = host->config_get(config, str_of("max_length"), &v) ? v.as.integer : 16;
  f->keep_source = host->config_get(config, str_of("keep_source"), &v) ? v.as.boolean : 1;
  if (host->config_get(config, str_of("drop"), &v) && v.type == LOGAGENT_VALUE_ARRAY && v.as.children != 0) {
    f->drop = calloc(v.as.children, sizeof *f->drop);
    for (i = 0; f->drop != NULL && i < v.as.children; ++i) {
      logagent_str key;
      logagent_value item;
      if (host->config_item(config, str_of("drop"), i, &key, &item) && item.type == LOGAGENT_VALUE_STRING)
        f->drop[f->drop_count++] = str_copy(item.as.string);
    }
  }

  f->source_key = host->intern_key(ctx, f->source);
  f->length_key = host->intern_key(ctx, str_of("length"));
  f->upper_key = host->intern_key(ctx, str_of("upper"));
  f->words_key = host->intern_key(ctx, str_of("words"));
  f->fields_key = host->intern_key(ctx, str_of("fields"));
  f->tag_key = host->intern_key(ctx, str_of("tag"));
  f->error_key = host->intern_key(ctx, str_of(LOGAGENT_ERROR_FIELD));
  f->instance = host->instance_id(ctx);
  f->marked = host->counter(ctx, str_of("marked"));

  snprintf(message, sizeof message, "built for ABI %d.%d, running in agent ABI %u.%u (host table of %u bytes)",
           LOGAGENT_ABI_MAJOR, LOGAGENT_ABI_MINOR, (unsigned)host->abi_major, (unsigned)host->abi_minor,
           (unsigned)host->struct_size);
  host->log(ctx, LOGAGENT_LOG_INFO, str_of(message));
  return f;
}

/* The documented error mark: "_error" = "abi_1_0: <reason>", appended after "; " when the
 * event has one already (looked up by name, to use the named call). */
static void mark_error(const abi_filter* f, logagent_batch* batch, uint32_t event, const char* reason) {
  const logagent_host* h = f->host;
  char text[200];
  logagent_value v;
  logagent_field existing = h->event_find_named(batch, event, str_of(LOGAGENT_ERROR_FIELD));
  int n;
  text[0] = '\0';
  if (existing != LOGAGENT_NO_FIELD) {
    logagent_field_view old;
    old.struct_size = sizeof old;
    h->field_read(batch, existing, &old);
    if (old.value.type == LOGAGENT_VALUE_STRING)
      snprintf(text, sizeof text, "%.*s; ", (int)old.value.as.string.len, old.value.as.string.ptr);
  }
  n = (int)strlen(text);
  snprintf(text + n, sizeof text - (size_t)n, "abi_1_0: %s", reason);
  v.type = LOGAGENT_VALUE_STRING;
  v.reserved = 0;
  v.as.string = str_of(text); /* copied into the batch */
  h->event_set(batch, event, f->error_key, &v, 0);
  h->counter_add(f->marked, 1);
}

/* "words": the space-separated words of `text`, each copied into the batch. */
static void set_words(const abi_filter* f, logagent_batch* batch, uint32_t event, logagent_str text) {
  const logagent_host* h = f->host;
  logagent_value v;
  logagent_field words;
  size_t i = 0;
  memset(&v, 0, sizeof v);
  v.type = LOGAGENT_VALUE_ARRAY;
  words = h->event_set(batch, event, f->words_key, &v, 0);
  while (i < text.len) {
    size_t end = i;
    while (end < text.len && text.ptr[end] != ' ') ++end;
    if (end > i) {
      v.type = LOGAGENT_VALUE_STRING;
      v.as.string.ptr = text.ptr + i;
      v.as.string.len = end - i;
      h->field_append_child(batch, words, LOGAGENT_NO_KEY, &v, 0);
    }
    i = end + 1;
  }
}

/* "meta": {tag, instance, label}; returns 0 when the children cannot be found again. */
static logagent_bool set_meta(const abi_filter* f, logagent_batch* batch, uint32_t event) {
  const logagent_host* h = f->host;
  logagent_value v;
  logagent_field meta;
  memset(&v, 0, sizeof v);
  v.type = LOGAGENT_VALUE_MAP;
  meta = h->event_set_named(batch, event, str_of("meta"), &v, 0);
  v.type = LOGAGENT_VALUE_STRING;
  v.as.string = h->batch_tag(batch);
  h->field_append_child(batch, meta, f->tag_key, &v, 0);
  v.as.string = f->instance;
  h->field_append_child_named(batch, meta, str_of("instance"), &v, 0);
  v.as.string = f->label;
  h->field_append_child_named(batch, meta, str_of("label"), &v, LOGAGENT_SET_NEW);
  return h->field_find_child(batch, meta, f->tag_key) != LOGAGENT_NO_FIELD &&
         h->field_find_child_named(batch, meta, str_of("label")) != LOGAGENT_NO_FIELD &&
         h->field_first_child(batch, meta) != LOGAGENT_NO_FIELD;
}

static uint32_t count_fields(const abi_filter* f, const logagent_batch* batch, uint32_t event) {
  uint32_t n = 0;
  logagent_field field;
  for (field = f->host->event_first_field(batch, event); field != LOGAGENT_NO_FIELD;
       field = f->host->field_next(batch, field))
    ++n;
  return n;
}

static int32_t abi_filter_batch(void* instance, logagent_batch* batch) {
  const abi_filter* f = instance;
  const logagent_host* h = f->host;
  int32_t status = LOGAGENT_OK;
  uint32_t count = h->batch_count(batch);
  uint32_t e, i;
  for (e = 0; e < count; ++e) {
    logagent_field source;
    logagent_field_view view;
    logagent_value v;
    logagent_str text;
    char* upper;
    logagent_bool dropped = 0;
    if (h->event_dropped(batch, e)) continue;
    source = h->event_find(batch, e, f->source_key);
    view.struct_size = sizeof view;
    if (source != LOGAGENT_NO_FIELD) h->field_read(batch, source, &view);
    if (source == LOGAGENT_NO_FIELD || view.value.type != LOGAGENT_VALUE_STRING) {
      mark_error(f, batch, e, "no string source field");
      continue;
    }
    text = view.value.as.string;
    for (i = 0; i < f->drop_count && !dropped; ++i) dropped = str_equal(text, f->drop[i]);
    if (dropped) {
      h->event_drop(batch, e);
      continue;
    }
    if (h->event_time(batch, e) <= 0) mark_error(f, batch, e, "no timestamp");

    memset(&v, 0, sizeof v);
    v.type = LOGAGENT_VALUE_INT;
    v.as.integer = (int64_t)text.len;
    h->event_set(batch, e, f->length_key, &v, 0);

    /* Capitals written straight into the batch's memory, then borrowed, not copied. */
    upper = h->batch_alloc(batch, text.len);
    for (i = 0; i < text.len; ++i)
      upper[i] = text.ptr[i] >= 'a' && text.ptr[i] <= 'z' ? (char)(text.ptr[i] - 'a' + 'A') : text.ptr[i];
    v.type = LOGAGENT_VALUE_STRING;
    v.as.string.ptr = upper;
    v.as.string.len = text.len;
    h->event_set(batch, e, f->upper_key, &v, LOGAGENT_SET_BORROW);

    set_words(f, batch, e, text);
    if (!set_meta(f, batch, e)) status = LOGAGENT_ERROR;
    if ((int64_t)text.len > f->max_length) {
      char reason[80];
      snprintf(reason, sizeof reason, "%u bytes, more than max_length %lld", (unsigned)text.len,
               (long long)f->max_length);
      mark_error(f, batch, e, reason);
    }
    if (!f->keep_source && !h->event_remove(batch, e, source)) status = LOGAGENT_ERROR;

    /* Counted by walking the event; "fields" itself is among them once set (an earlier
     * abi_1_0 in the pipeline may have set it already). */
    memset(&v, 0, sizeof v);
    v.type = LOGAGENT_VALUE_INT;
    v.as.integer = (int64_t)count_fields(f, batch, e) + (h->event_find(batch, e, f->fields_key) ? 0 : 1);
    h->event_set(batch, e, f->fields_key, &v, 0);
  }
  return status;
}

static const logagent_plugin_descriptor descriptor = {
    .struct_size = sizeof(logagent_plugin_descriptor),
    .abi_major = LOGAGENT_ABI_MAJOR,
    .abi_minor = LOGAGENT_ABI_MINOR,
    .kind = LOGAGENT_KIND_FILTER,
    .name = "abi_1_0",
    .version = "1.0.0",
    .description = "Fixture: a filter built against the frozen ABI 1.0 header",
    .options = options,
    .option_count = sizeof options / sizeof options[0],
    .option_size = sizeof(logagent_option),
    .create = abi_create,
    .destroy = abi_destroy,
    .input_run = NULL,
    .input_stop = NULL,
    .input_ack = NULL,
    .filter = abi_filter_batch,
    .output_write = NULL,
    .output_flush = NULL,
};

const logagent_plugin_descriptor* logagent_plugin_entry(uint32_t host_abi_major, uint32_t host_abi_minor) {
  /* Every 1.x host has what a 1.0 plugin uses; another major is refused by the host anyway. */
  (void)host_abi_minor;
  return host_abi_major == LOGAGENT_ABI_MAJOR ? &descriptor : NULL;
}
