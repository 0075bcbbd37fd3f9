/* FROZEN: the ABI 1.0 header as released, sdk/include/logagent/plugin.h of ABI 1.0 copied
 * byte for byte below this block. Never edit it, not its comments, not its formatting
 * (tests/support/abi/.clang-format keeps clang-format out of this folder).
 *
 * It stands for every plugin already built for ABI 1.0, the oldest 1.x a 1.x agent promises
 * to load. The fixture filter abi_1_0 and input abi_1_0_count
 * (tests/support/fixture_plugins/abi_1_0_*.c) are compiled against this copy alone, and
 * tests/e2e/test_abi_compatibility.py runs them in today's agent.
 * tests/unit/abi_1_0_layout_test.cpp checks that this file is unchanged and that today's
 * header keeps every type, member offset and size, and constant of it (as listed in
 * tests/unit/abi_1_0_members.def). When the minor is bumped nothing new is frozen: this file
 * stays the oldest header, and new members are appended to sdk/include's only.
 */
/* Lets a build check that it included this copy and not sdk/include's header. */
#define LOGAGENT_FROZEN_ABI_1_0 1

/* logagent plugin ABI: the only contract between the agent and a plugin library.
 *
 * Plain C so that a plugin built with any compiler loads into any agent of the same ABI
 * major version. Rules of the boundary:
 *
 *  - A plugin library exports exactly one symbol, logagent_plugin_entry(), which returns a
 *    pointer to a static descriptor. Build with -fvisibility=hidden and -Wl,--no-undefined;
 *    a plugin needs no symbol from the agent binary: every host service arrives through the
 *    logagent_host table passed to create().
 *  - Both the descriptor and the host table begin with `struct_size` and only ever grow by
 *    appending fields. A reader copies min(struct_size, sizeof) and treats absent trailing
 *    fields as NULL/0. A changed signature becomes a new field with a `_v2` suffix.
 *  - The host refuses a descriptor whose abi_major differs from LOGAGENT_ABI_MAJOR or whose
 *    abi_minor is newer than the host's.
 *  - Strings crossing the boundary are {ptr, len} (logagent_str), never assumed to be
 *    NUL-terminated, except the static descriptor texts, which are NUL-terminated C strings.
 *  - Booleans are uint8_t (logagent_bool): 0 is false, anything else true.
 *  - No C++ exception may cross the boundary. The C++ wrapper (plugin.hpp) catches them.
 *
 * Every pointer documents who owns it (OWNERSHIP) and how long it stays valid (LIFETIME).
 *
 * THREADING, per kind (the host guarantees these; plugins may rely on them):
 *  - create/destroy: called on the main thread, never concurrently with any other
 *    callback of the same instance.
 *  - input_run: called once, on a thread dedicated to that instance. input_stop may be
 *    called from another thread while run is executing; it must make run return soon.
 *  - input_ack: called on the agent's acknowledgement thread, concurrently with input_run
 *    but never concurrently with itself for one instance, and never inside emit or
 *    try_emit. The bytes of the acknowledged batch are released (and a blocked emit woken)
 *    before input_ack runs, so an input may take one lock in both its emit path and its
 *    ack path. An acknowledgement may arrive before the emit that handed the batch over
 *    has returned: record what a cookie stands for before emitting it. input_ack should
 *    return quickly (no disk or network wait): acknowledgements of every input share it.
 *  - filter: may be called from any host thread, and concurrently for different batches,
 *    also on one instance (several inputs routed through it today; a worker pool may run
 *    it on several threads later). A filter treats its own state as read-only after
 *    create, or synchronises it.
 *  - output_write and output_flush: called from the output instance's own worker thread,
 *    never concurrently for one instance. host->complete may be called from any thread.
 */
#ifndef LOGAGENT_PLUGIN_H
#define LOGAGENT_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LOGAGENT_ABI_MAJOR 1
#define LOGAGENT_ABI_MINOR 0

/* Every string value in a batch, and every block from batch_alloc, is followed by at least
 * this many readable bytes (content unspecified), so a parser that reads past the end of
 * its input (simdjson needs 64 bytes of padding) can parse a field in place, unpadded. */
#define LOGAGENT_BATCH_PADDING 64

/* The one documented way to mark an event that a plugin failed to parse: the event keeps
 * every field it had (the raw line in "message" unchanged) and gets the string field
 * "_error" = "<plugin type>: <reason>", e.g. "regex: no match for pattern". When the field
 * is already there, the new reason is appended after "; ". plugin.hpp has mark_error(). */
#define LOGAGENT_ERROR_FIELD "_error"

#if defined(_WIN32)
#define LOGAGENT_EXPORT __declspec(dllexport)
#else
#define LOGAGENT_EXPORT __attribute__((visibility("default")))
#endif

typedef uint8_t logagent_bool;

/* A byte string. OWNERSHIP: never transferred by passing a logagent_str; each use says who
 * owns the bytes. The bytes may contain NUL and need not be valid UTF-8. */
typedef struct logagent_str {
  const char* ptr;
  size_t len;
} logagent_str;

/* Outcome of a callback. A closed set: OK is 0 so that zeroed memory means success.
 * Across several outputs a batch's outcome merges ERROR > RETRY > OK. */
typedef enum logagent_status {
  LOGAGENT_OK = 0,     /* done */
  LOGAGENT_RETRY = 1,  /* transient failure: the host retries the same batch with backoff */
  LOGAGENT_ERROR = 2,  /* permanent failure: counted, logged, never retried */
  LOGAGENT_PENDING = 3 /* output only: the outcome arrives later through host->complete */
} logagent_status;

typedef enum logagent_kind {
  LOGAGENT_KIND_INPUT = 1,
  LOGAGENT_KIND_FILTER = 2,
  LOGAGENT_KIND_OUTPUT = 3
} logagent_kind;

typedef enum logagent_log_level {
  LOGAGENT_LOG_TRACE = 0,
  LOGAGENT_LOG_DEBUG = 1,
  LOGAGENT_LOG_INFO = 2,
  LOGAGENT_LOG_WARN = 3,
  LOGAGENT_LOG_ERROR = 4
} logagent_log_level;

/* ------------------------------------------------------------------------------------ */
/* Values                                                                                */

typedef enum logagent_value_type {
  LOGAGENT_VALUE_NULL = 0,
  LOGAGENT_VALUE_BOOL = 1,
  LOGAGENT_VALUE_INT = 2,
  LOGAGENT_VALUE_FLOAT = 3,
  LOGAGENT_VALUE_STRING = 4,
  LOGAGENT_VALUE_MAP = 5,  /* children are fields with keys */
  LOGAGENT_VALUE_ARRAY = 6 /* children are fields whose key is LOGAGENT_NO_KEY */
} logagent_value_type;

/* A typed value. For STRING, `as.string` points at bytes; who owns them depends on the call
 * (see event_set). For MAP and ARRAY read from a batch, `as.children` is the number of
 * child fields; walk them with field_first_child/field_next. */
typedef struct logagent_value {
  uint32_t type; /* logagent_value_type */
  uint32_t reserved;
  union {
    logagent_bool boolean;
    int64_t integer;
    double real;
    logagent_str string;
    uint32_t children;
  } as;
} logagent_value;

/* Field names are interned once (intern_key) into small integers so that lookups compare
 * integers. Key 0 is never a valid name. Names met only in the data (JSON keys, syslog
 * structured-data names) are not interned: event_set_named stores them in the batch, and
 * such a field reads back with a key of LOGAGENT_KEY_LOCAL_BIT set, meaningful only within
 * its batch (compare names, not keys, for those). */
typedef uint32_t logagent_key;
#define LOGAGENT_NO_KEY ((logagent_key)0)
#define LOGAGENT_KEY_LOCAL_BIT ((logagent_key)0x80000000u)

/* A field handle inside one batch; 0 means "no field". LIFETIME: the batch's. */
typedef uint32_t logagent_field;
#define LOGAGENT_NO_FIELD ((logagent_field)0)

/* A field as read from a batch. The caller sets struct_size to sizeof(logagent_field_view)
 * as it was compiled; the host writes no more than that many bytes, so the view can grow.
 * LIFETIME of `name` and string values: until the batch is released by the host (for a
 * filter: until the filter returns; for an output: until it completes the batch's token).
 * OWNERSHIP: the host's. */
typedef struct logagent_field_view {
  uint32_t struct_size;
  logagent_key key;
  logagent_str name;
  logagent_value value;
} logagent_field_view;

/* ------------------------------------------------------------------------------------ */
/* Options: the schema that validates configuration and documents the plugin              */

typedef enum logagent_option_type {
  LOGAGENT_OPTION_STRING = 1,
  LOGAGENT_OPTION_INT = 2,
  LOGAGENT_OPTION_FLOAT = 3,
  LOGAGENT_OPTION_BOOL = 4,
  LOGAGENT_OPTION_DURATION = 5,    /* "250ms", "5s", "1m"; a bare integer is seconds. Read as INT ns. */
  LOGAGENT_OPTION_SIZE = 6,        /* "64KiB", "1MiB"; a bare integer is bytes. Read as INT bytes. */
  LOGAGENT_OPTION_STRING_LIST = 7, /* array of strings; read with config_count/config_item */
  /* Table whose values are strings, integers, floats or booleans, read with config_get
   * (the item count) and config_item, always as text, as a client library's property
   * string is written: { "linger.ms" = 5, "enable.ssl.certificate.verification" = false,
   * "acks" = "all" } gives "5", "false" and "all"; 1.5 gives "1.5". Arrays, tables, dates
   * and non-finite floats as values are refused. A key that holds dots is quoted. */
  LOGAGENT_OPTION_STRING_TABLE = 8
} logagent_option_type;

/* One option. OWNERSHIP/LIFETIME: static storage of the plugin library. The table is an
 * array of descriptor.option_count entries spaced descriptor.option_size bytes apart (set it
 * to sizeof(logagent_option)), so later ABI minors can append members: the host reads
 * min(option_size, its own sizeof) bytes of each and treats absent members as 0/NULL. */
typedef struct logagent_option {
  const char* name;
  uint32_t type;          /* logagent_option_type */
  logagent_bool required; /* a required option has no default */
  /* Default written as a user would write the value, without TOML quotes: "json",
   * "1MiB", "true", "100ms". NULL: no default (the option is then absent unless set). */
  const char* default_value;
  const char* doc;     /* one line */
  const char* example; /* a TOML right-hand side, e.g. "\"json\"" or "[\"a\", \"b\"]"; may be NULL */
  /* STRING and STRING_LIST: the only values allowed, a NULL-terminated array; NULL allows
   * any. `logagent check` answers "expected one of ..." for anything else. When a STRING
   * option's choices include the decimal text of an integer ({"-1", "0", "1", "all"}), a
   * bare TOML integer is accepted too and read as that text: `acks = 1` gives "1". */
  const char* const* choices;
  /* INT, FLOAT, DURATION and SIZE: the smallest and largest value allowed, written like
   * default_value ("1", "0.5", "10ms", "1KiB"); NULL for no bound. */
  const char* min_value;
  const char* max_value;
  /* A password or key: its value is never printed (errors, `logagent plugins`, logs). */
  logagent_bool secret;
} logagent_option;

/* ------------------------------------------------------------------------------------ */
/* Opaque handles                                                                        */

/* The host's record of one plugin instance; passed to create and to host calls.
 * LIFETIME: from create until destroy returns. OWNERSHIP: the host's. */
typedef struct logagent_context logagent_context;
/* An instance's validated configuration. LIFETIME: only during create. */
typedef struct logagent_config logagent_config;
/* A batch of events. See each callback for who may write it and how long it lives. */
typedef struct logagent_batch logagent_batch;
/* One delivery of one batch to one output; completed exactly once. */
typedef struct logagent_token logagent_token;
/* A counter registered by a plugin. LIFETIME: the instance's. */
typedef struct logagent_counter logagent_counter;

/* ------------------------------------------------------------------------------------ */
/* Host services: a table of function pointers handed to create. No symbol is exported
 * by the agent binary. Every function is safe to call from any thread unless noted.
 * OWNERSHIP: the host's. LIFETIME: until destroy of the instance returns.               */

typedef struct logagent_host {
  uint32_t struct_size;
  uint32_t abi_major;
  uint32_t abi_minor;

  /* --- diagnostics --- */
  /* Logs a message prefixed with the instance's section and type. */
  void (*log)(logagent_context* ctx, int32_t level, logagent_str message);
  /* Records why create (or an input's run) failed; the host reports it with the location
   * of the instance's section. The host copies the message. */
  void (*set_error)(logagent_context* ctx, logagent_str message);
  /* Returns a counter named `name` for this instance (created on first use; the same
   * handle for the same name). Counters are reported at shutdown and by debug logs. */
  logagent_counter* (*counter)(logagent_context* ctx, logagent_str name);
  void (*counter_add)(logagent_counter* counter, uint64_t delta);

  /* --- configuration (valid only during create) --- */
  /* Reads option `name` as validated against the schema, defaults applied. Returns 0 when
   * the option is absent (no default, not set). INT/DURATION/SIZE fill as.integer, FLOAT
   * as.real, BOOL as.boolean, STRING as.string (LIFETIME: during create; copy it). LIST and
   * TABLE fill type ARRAY/MAP with as.children = item count. */
  logagent_bool (*config_get)(const logagent_config* config, logagent_str name, logagent_value* out);
  /* Item `index` of a STRING_LIST or STRING_TABLE option. For tables, *key receives the
   * table key; for lists it is set to {NULL, 0}. LIFETIME of both: during create. */
  logagent_bool (*config_item)(const logagent_config* config, logagent_str name, uint32_t index, logagent_str* key,
                               logagent_value* out);

  /* --- field names --- */
  /* Interns `name`; the same name always gives the same key, in every instance. Call it in
   * create, not per event. Returns LOGAGENT_NO_KEY, after logging why, only when the agent
   * already holds 65,535 distinct names (key 0 is LOGAGENT_NO_KEY); a field set with
   * LOGAGENT_NO_KEY is not set. */
  logagent_key (*intern_key)(logagent_context* ctx, logagent_str name);

  /* --- reading a batch --- */
  /* The tag of the input that produced the batch. LIFETIME: the batch's. */
  logagent_str (*batch_tag)(const logagent_batch* batch);
  /* Number of event slots, dropped ones included; iterate 0..count-1 and skip dropped. */
  uint32_t (*batch_count)(const logagent_batch* batch);
  logagent_bool (*event_dropped)(const logagent_batch* batch, uint32_t event);
  int64_t (*event_time)(const logagent_batch* batch, uint32_t event); /* ns since epoch, UTC */
  /* First top-level field of an event, in insertion order; LOGAGENT_NO_FIELD if none. */
  logagent_field (*event_first_field)(const logagent_batch* batch, uint32_t event);
  /* Top-level field of an event with `key`, or LOGAGENT_NO_FIELD. */
  logagent_field (*event_find)(const logagent_batch* batch, uint32_t event, logagent_key key);
  /* The sibling after `field` (in its event or its parent map/array), or LOGAGENT_NO_FIELD. */
  logagent_field (*field_next)(const logagent_batch* batch, logagent_field field);
  /* The first child of a MAP or ARRAY field, or LOGAGENT_NO_FIELD. */
  logagent_field (*field_first_child)(const logagent_batch* batch, logagent_field field);
  void (*field_read)(const logagent_batch* batch, logagent_field field, logagent_field_view* out);

  /* --- writing a batch (inputs on their own batches; filters on the batch they are given) */
  /* Appends an event with timestamp `time_ns`; returns its index. */
  uint32_t (*event_append)(logagent_batch* batch, int64_t time_ns);
  void (*event_set_time)(logagent_batch* batch, uint32_t event, int64_t time_ns);
  /* Removes the event from the batch for every later filter and output (a selection bit;
   * nothing is moved). */
  void (*event_drop)(logagent_batch* batch, uint32_t event);
  /* Sets top-level field `key` of an event (replacing an existing one) and returns it.
   * A STRING value is copied into the batch unless `flags` has LOGAGENT_SET_BORROW, which
   * promises that the bytes already live in memory of this batch (from batch_alloc or
   * another field of it) and stay unchanged. MAP and ARRAY values start empty; fill them
   * with field_append_child. */
  logagent_field (*event_set)(logagent_batch* batch, uint32_t event, logagent_key key, const logagent_value* value,
                              uint32_t flags);
  /* Appends a child to a MAP (with `key`) or ARRAY (key ignored) field. Same flags. */
  logagent_field (*field_append_child)(logagent_batch* batch, logagent_field parent, logagent_key key,
                                       const logagent_value* value, uint32_t flags);
  /* Allocates `size` bytes owned by the batch, for strings set with LOGAGENT_SET_BORROW
   * (an input may read() straight into it). OWNERSHIP: the batch's. LIFETIME: the batch's.
   * Never returns NULL (the agent aborts on out-of-memory, as for any allocation). */
  char* (*batch_alloc)(logagent_batch* batch, size_t size);
  /* True once the batch holds service.batch_max_events events or batch_max_bytes of
   * strings; an input should emit it then. Appending more still works. */
  logagent_bool (*batch_full)(const logagent_batch* batch);

  /* --- inputs --- */
  /* A new empty batch tagged with the instance's tag. OWNERSHIP: the caller's until it
   * passes the batch to emit or batch_discard. Only for input instances. */
  logagent_batch* (*batch_new)(logagent_context* ctx);
  /* Runs the filters on the batch and hands it to the outputs. Blocks while the input's
   * unacknowledged bytes exceed service.queue_max_bytes (backpressure). When the agent
   * starts stopping, a blocked emit accepts its batch over the limit (once per input) so
   * that the input sees should_stop and returns. OWNERSHIP: always passes to the host, even
   * on error. `cookie` comes back in input_ack once every output has finished with the
   * batch (possibly before emit returns). Returns OK when accepted; ERROR when the agent
   * is aborting and the batch was discarded. */
  logagent_status (*emit)(logagent_context* ctx, logagent_batch* batch, uint64_t cookie);
  void (*batch_discard)(logagent_context* ctx, logagent_batch* batch);
  /* True once the agent asked inputs to stop (signal, or shutdown after an error). */
  logagent_bool (*should_stop)(logagent_context* ctx);

  /* --- outputs --- */
  /* Finishes a delivery that output_write answered with PENDING. Exactly once per token,
   * from any thread. status: OK, RETRY or ERROR. After it returns, the batch and token
   * must not be touched. */
  void (*complete)(logagent_token* token, int32_t status);

  /* --- diagnostics that point at the configuration --- */
  /* As set_error, but the host reports the error at the line and column of option
   * `option` (for example a regex that does not compile points at `pattern`). For one item
   * of a STRING_TABLE option, name it "TABLE.KEY" (the key may hold dots of its own:
   * "rdkafka.linger.ms"): the error points at that item's value, or at the table when it
   * holds no such key. The message reads `option "TABLE.KEY": ...`. */
  void (*set_option_error)(logagent_context* ctx, logagent_str option, logagent_str message);
  /* The instance cannot work any more (stdout closed, credentials refused for good): the
   * host logs `message` once, stops every input, lets the batches in flight finish (the
   * instance should answer ERROR for them at once) and exits with the status "events were
   * not delivered". Batches that fail from then on are not acknowledged to their inputs
   * (no input_ack), so an input that keeps positions sends them again after a restart.
   * Any instance, any thread; calls after the first are ignored. */
  void (*fatal)(logagent_context* ctx, logagent_str message);

  /* --- identity and state --- */
  /* The instance's `id`: unique in the pipeline, stable across restarts and reordering.
   * LIFETIME: the instance's. */
  logagent_str (*instance_id)(logagent_context* ctx);
  /* The instance's own folder, service.state_dir/<id>, created (mode 0700) on first call.
   * Returns OK and *out (NUL-terminated after len; LIFETIME: the instance's), or ERROR after
   * recording the reason as with set_error. */
  int32_t (*state_dir)(logagent_context* ctx, logagent_str* out);
  /* The checkpoint an earlier run saved, as found when the instance first used its state
   * (state_dir, state_load or state_save). Returns 1 and *out (OWNERSHIP: the host's;
   * LIFETIME: until destroy), or 0 when there is none, or when the state folder cannot be
   * used (then the reason is recorded as with set_error: call state_dir first to tell the
   * two apart). Call it in create. */
  logagent_bool (*state_load)(logagent_context* ctx, logagent_str* out);
  /* Replaces the instance's checkpoint with `blob` (copied). Never blocks on the disk: the
   * agent's state writer saves the newest blob atomically (a crash leaves the previous
   * one) at most once per service.state_flush_interval, and once more at shutdown. Safe
   * from input_ack. A blob is meant to be small (positions, not data). */
  void (*state_save)(logagent_context* ctx, logagent_str blob);

  /* --- inputs that must not block --- */
  /* As emit, but instead of blocking while the queue is full it returns RETRY and leaves
   * the batch with the caller, unchanged (OWNERSHIP stays with the caller): a UDP listener
   * counts what it drops rather than stop reading its socket. OK: accepted (OWNERSHIP
   * passed); ERROR: the agent is aborting and discarded the batch. */
  logagent_status (*try_emit)(logagent_context* ctx, logagent_batch* batch, uint64_t cookie);

  /* --- fields by name, removal, lookups --- */
  /* As event_set, for a name that need not be interned (a JSON key met in the data). A name
   * that intern_key already knows gives a field with that key; another is stored in the
   * batch (copied, or borrowed with LOGAGENT_SET_BORROW, which covers the name too) and
   * reads back with LOGAGENT_KEY_LOCAL_BIT in its key. No process-wide table grows. Such a
   * key, read back from a field, may be given to event_set and field_append_child of the
   * same batch (never another) to set that name again without a lookup by name. */
  logagent_field (*event_set_named)(logagent_batch* batch, uint32_t event, logagent_str name,
                                    const logagent_value* value, uint32_t flags);
  /* As field_append_child, naming the child as event_set_named does (key ignored for arrays). */
  logagent_field (*field_append_child_named)(logagent_batch* batch, logagent_field parent, logagent_str name,
                                             const logagent_value* value, uint32_t flags);
  /* Top-level field of an event named `name` (interned or not), or LOGAGENT_NO_FIELD. */
  logagent_field (*event_find_named)(const logagent_batch* batch, uint32_t event, logagent_str name);
  /* Child of a MAP field with `key` / named `name`, or LOGAGENT_NO_FIELD. */
  logagent_field (*field_find_child)(const logagent_batch* batch, logagent_field parent, logagent_key key);
  logagent_field (*field_find_child_named)(const logagent_batch* batch, logagent_field parent, logagent_str name);
  /* Removes top-level field `field` from `event` (the JSON filter's keep_source = false).
   * Returns 0 when the field is not a top-level field of that event. Handles of other
   * fields stay valid. */
  logagent_bool (*event_remove)(logagent_batch* batch, uint32_t event, logagent_field field);
} logagent_host;

/* flags for event_set, field_append_child and their _named forms */
#define LOGAGENT_SET_BORROW 1u
/* The caller knows the event (or map) has no field of this key or name yet: the field is
 * appended without looking for one to replace. Setting an existing name with it leaves two
 * fields of that name. */
#define LOGAGENT_SET_NEW 2u

/* ------------------------------------------------------------------------------------ */
/* The descriptor a plugin library exports through logagent_plugin_entry.                */

typedef struct logagent_plugin_descriptor {
  uint32_t struct_size;           /* sizeof(logagent_plugin_descriptor) as compiled by the plugin */
  uint32_t abi_major;             /* LOGAGENT_ABI_MAJOR the plugin was built against */
  uint32_t abi_minor;             /* LOGAGENT_ABI_MINOR the plugin was built against */
  uint32_t kind;                  /* logagent_kind */
  const char* name;               /* the `type` users write in the pipeline: [a-z0-9_]+ */
  const char* version;            /* the plugin's own version, e.g. "1.0.0" */
  const char* description;        /* one line */
  const logagent_option* options; /* option_count entries, static storage */
  uint32_t option_count;
  uint32_t option_size; /* sizeof(logagent_option) as compiled by the plugin: the table's stride */

  /* Creates an instance. `config` is valid only during the call. Returns the instance, or
   * NULL after calling host->set_error. OWNERSHIP of the result: the plugin's; the host
   * passes it back to every callback and finally to destroy. Required for every kind. */
  void* (*create)(const logagent_host* host, logagent_context* ctx, const logagent_config* config);
  /* Releases an instance. Called after every other callback has returned and every token
   * of an output has been completed. Not called when the agent exits with undelivered
   * batches after the grace period (exit status 3): the process then ends without
   * unloading anything, since an output may still complete into its own memory. Required. */
  void (*destroy)(void* instance);

  /* INPUT: reads until end of input (then returns OK), until input_stop / should_stop
   * (returns OK), or until a fatal error (set_error, return ERROR). Required for inputs. */
  int32_t (*input_run)(void* instance, logagent_context* ctx);
  /* INPUT: asks a running input_run to return soon. Called from another thread; may be
   * called before run starts or after it ended. Optional. */
  void (*input_stop)(void* instance);
  /* INPUT: every output that the batch with `cookie` was routed to has finished with it.
   * status is OK (delivered) or ERROR (a permanent failure in at least one output: the
   * batch will not be delivered, so a position may move past it). Batches of one input may
   * be acknowledged out of order. A batch whose events filters all dropped is acknowledged
   * OK like any other, also on the acknowledgement thread. Optional. */
  void (*input_ack)(void* instance, uint64_t cookie, int32_t status);

  /* FILTER: transforms the batch in place (set fields, drop events). Returns OK; ERROR
   * is counted and logged, and the batch goes on to the next filter and the outputs as the
   * filter left it (changes made before the failure stay): a failing filter never loses
   * events. The batch is valid only during the call. Required for filters. */
  int32_t (*filter)(void* instance, logagent_batch* batch);

  /* OUTPUT: delivers a batch. Returns OK, RETRY or ERROR when finished during the call, or
   * PENDING and later calls host->complete(token, status). The batch stays valid and
   * unchanged until the token is completed (or the call returns a non-PENDING status).
   * Required for outputs. */
  int32_t (*output_write)(void* instance, const logagent_batch* batch, logagent_token* token);
  /* OUTPUT: the agent is stopping and will write nothing more until the queue refills:
   * send what is buffered now (a batching output completes its PENDING tokens soon after).
   * Called on the output's thread after the inputs have stopped, each time its queue runs
   * empty while the agent drains, and before the agent waits for completions. Returns OK
   * or ERROR (logged). Optional. */
  int32_t (*output_flush)(void* instance);
} logagent_plugin_descriptor;

/* The one symbol a plugin library exports. The host passes its ABI version so that a
 * plugin supporting several may pick; most return their single static descriptor.
 * Returning NULL refuses to load. */
typedef const logagent_plugin_descriptor* (*logagent_plugin_entry_fn)(uint32_t host_abi_major, uint32_t host_abi_minor);
#define LOGAGENT_PLUGIN_ENTRY_SYMBOL "logagent_plugin_entry"

#ifdef __cplusplus
}
#endif

#endif /* LOGAGENT_PLUGIN_H */
