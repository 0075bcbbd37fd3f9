// The host services behind the C ABI: thin adapters from C calls to core objects.
//
// Every function is noexcept: no C++ exception may cross into a plugin. Out of memory ends
// the process (std::terminate), as plugin.h says; other failures are return values.
#include "pipeline/host_table.hpp"

#include "event/batch.hpp"
#include "pipeline/input_runner.hpp"
#include "pipeline/output_worker.hpp"
#include "pipeline/pipeline_batch.hpp"
#include "pipeline/pipeline_services.hpp"
#include "pipeline/plugin_instance.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstring>

namespace logagent::core {
namespace {

std::string_view view(logagent_str s) { return s.len == 0 ? std::string_view{} : std::string_view{s.ptr, s.len}; }
logagent_str str(std::string_view s) { return logagent_str{s.data(), s.size()}; }

void host_log(logagent_context* ctx, int32_t level, logagent_str message) noexcept {
  spdlog::level::level_enum l = spdlog::level::info;
  switch (level) {
    case LOGAGENT_LOG_TRACE:
      l = spdlog::level::trace;
      break;
    case LOGAGENT_LOG_DEBUG:
      l = spdlog::level::debug;
      break;
    case LOGAGENT_LOG_INFO:
      l = spdlog::level::info;
      break;
    case LOGAGENT_LOG_WARN:
      l = spdlog::level::warn;
      break;
    default:
      l = spdlog::level::err;
      break;
  }
  spdlog::log(l, "{}: {}", ctx->label, view(message));
}

void host_set_error(logagent_context* ctx, logagent_str message) noexcept {
  std::lock_guard lock(ctx->mutex);
  ctx->error.assign(view(message));
  ctx->error_option.clear();
}

void host_set_option_error(logagent_context* ctx, logagent_str option, logagent_str message) noexcept {
  std::lock_guard lock(ctx->mutex);
  ctx->error.assign(view(message));
  ctx->error_option.assign(view(option));
}

void host_fatal(logagent_context* ctx, logagent_str message) noexcept {
  if (ctx->services != nullptr) {
    ctx->services->fatal(ctx->label, view(message));
  } else {
    spdlog::error("{}: {}", ctx->label, view(message));
  }
}

logagent_str host_instance_id(logagent_context* ctx) noexcept { return str(ctx->id); }

// The instance's slot in the checkpoint store, opened on first use; with ctx->mutex held.
StateSlot* open_state(logagent_context* ctx) {
  if (ctx->state != nullptr) return ctx->state;
  if (ctx->services == nullptr) {
    ctx->error = "no state folder outside a pipeline";
    return nullptr;
  }
  if (!ctx->id_unique || ctx->id.empty()) {
    ctx->error = "its id \"" + ctx->id + "\" is not unique in the pipeline; set `id` to keep state";
    return nullptr;
  }
  std::string error;
  ctx->state = ctx->services->checkpoints().open(ctx->id, error);
  if (ctx->state == nullptr) ctx->error = error;
  return ctx->state;
}

int32_t host_state_dir(logagent_context* ctx, logagent_str* out) noexcept {
  std::lock_guard lock(ctx->mutex);
  StateSlot* slot = open_state(ctx);
  if (slot == nullptr) return LOGAGENT_ERROR;
  if (out != nullptr) *out = str(slot->folder);
  return LOGAGENT_OK;
}

logagent_bool host_state_load(logagent_context* ctx, logagent_str* out) noexcept {
  std::lock_guard lock(ctx->mutex);
  StateSlot* slot = open_state(ctx);
  if (slot == nullptr || !slot->loaded) return 0;
  if (out != nullptr) *out = str(*slot->loaded);
  return 1;
}

void host_state_save(logagent_context* ctx, logagent_str blob) noexcept {
  StateSlot* slot;
  std::string error;
  {
    std::lock_guard lock(ctx->mutex);
    slot = open_state(ctx);
    if (slot == nullptr) error = ctx->error;
  }
  if (slot == nullptr) {
    spdlog::error("{}: checkpoint not saved: {}", ctx->label, error);
    return;
  }
  ctx->services->checkpoints().save(*slot, view(blob));
}

logagent_counter* host_counter(logagent_context* ctx, logagent_str name) noexcept {
  std::lock_guard lock(ctx->mutex);
  for (auto& c : ctx->counters) {
    if (c.name == view(name)) return &c;
  }
  auto& c = ctx->counters.emplace_back();
  c.name.assign(view(name));
  return &c;
}

void host_counter_add(logagent_counter* counter, uint64_t delta) noexcept {
  if (counter != nullptr) counter->value.fetch_add(delta, std::memory_order_relaxed);
}

const OptionValue* find_option(const logagent_config* config, logagent_str name) {
  if (config == nullptr || config->component == nullptr) return nullptr;
  auto& options = config->component->options;
  auto it = options.find(view(name));
  return it == options.end() ? nullptr : &it->second;
}

logagent_bool host_config_get(const logagent_config* config, logagent_str name, logagent_value* out) noexcept {
  const OptionValue* v = find_option(config, name);
  if (v == nullptr || out == nullptr) return 0;
  *out = logagent_value{};
  switch (v->type) {
    case LOGAGENT_OPTION_STRING:
      out->type = LOGAGENT_VALUE_STRING;
      out->as.string = str(v->text);
      break;
    case LOGAGENT_OPTION_INT:
    case LOGAGENT_OPTION_DURATION:
    case LOGAGENT_OPTION_SIZE:
      out->type = LOGAGENT_VALUE_INT;
      out->as.integer = v->integer;
      break;
    case LOGAGENT_OPTION_FLOAT:
      out->type = LOGAGENT_VALUE_FLOAT;
      out->as.real = v->real;
      break;
    case LOGAGENT_OPTION_BOOL:
      out->type = LOGAGENT_VALUE_BOOL;
      out->as.boolean = v->boolean ? 1 : 0;
      break;
    case LOGAGENT_OPTION_STRING_LIST:
      out->type = LOGAGENT_VALUE_ARRAY;
      out->as.children = static_cast<uint32_t>(v->items.size());
      break;
    case LOGAGENT_OPTION_STRING_TABLE:
      out->type = LOGAGENT_VALUE_MAP;
      out->as.children = static_cast<uint32_t>(v->items.size());
      break;
    default:
      return 0;
  }
  return 1;
}

logagent_bool host_config_item(const logagent_config* config, logagent_str name, uint32_t index, logagent_str* key,
                               logagent_value* out) noexcept {
  const OptionValue* v = find_option(config, name);
  if (v == nullptr || index >= v->items.size()) return 0;
  const auto& [k, text] = v->items[index];
  if (key != nullptr) *key = v->type == LOGAGENT_OPTION_STRING_TABLE ? str(k) : logagent_str{nullptr, 0};
  if (out != nullptr) {
    *out = logagent_value{};
    out->type = LOGAGENT_VALUE_STRING;
    out->as.string = str(text);
  }
  return 1;
}

logagent_key host_intern_key(logagent_context* ctx, logagent_str name) noexcept {
  try {
    return ctx->keys->intern(view(name));
  } catch (const std::length_error& e) {
    spdlog::error("{}: cannot intern field name \"{}\": {}", ctx->label, view(name), e.what());
    return LOGAGENT_NO_KEY;
  }
}

// Batches: the handle is the core's Batch.
logagent_str host_batch_tag(const logagent_batch* b) noexcept { return str(from_handle(b)->tag()); }
uint32_t host_batch_count(const logagent_batch* b) noexcept { return from_handle(b)->size(); }
logagent_bool host_event_dropped(const logagent_batch* b, uint32_t e) noexcept {
  return from_handle(b)->dropped(e) ? 1 : 0;
}
int64_t host_event_time(const logagent_batch* b, uint32_t e) noexcept { return from_handle(b)->time(e); }
logagent_field host_event_first_field(const logagent_batch* b, uint32_t e) noexcept {
  return from_handle(b)->first_field(e);
}
logagent_field host_event_find(const logagent_batch* b, uint32_t e, logagent_key key) noexcept {
  return from_handle(b)->find(e, key);
}

logagent_field host_field_next(const logagent_batch* b, logagent_field f) noexcept {
  const FieldNode* node = from_handle(b)->field(f);
  return node ? node->next : LOGAGENT_NO_FIELD;
}

logagent_field host_field_first_child(const logagent_batch* b, logagent_field f) noexcept {
  const FieldNode* node = from_handle(b)->field(f);
  return node ? node->first_child : LOGAGENT_NO_FIELD;
}

void host_field_read(const logagent_batch* b, logagent_field f, logagent_field_view* out) noexcept {
  if (out == nullptr) return;
  // Written only up to the caller's struct_size: a plugin built against an older, shorter
  // view must not have its stack overwritten when the view grows.
  logagent_field_view view{};
  view.struct_size = sizeof view;
  if (const FieldNode* node = from_handle(b)->field(f); node != nullptr) {
    view.key = node->key;
    view.name = str(from_handle(b)->name_of(node->key));
    view.value = node->value;
  }
  const size_t size = std::min<size_t>(out->struct_size, sizeof view);
  if (size <= sizeof view.struct_size) return;
  std::memcpy(reinterpret_cast<char*>(out) + sizeof view.struct_size,
              reinterpret_cast<const char*>(&view) + sizeof view.struct_size, size - sizeof view.struct_size);
}

uint32_t host_event_append(logagent_batch* b, int64_t time_ns) noexcept { return from_handle(b)->append(time_ns); }
void host_event_set_time(logagent_batch* b, uint32_t e, int64_t time_ns) noexcept {
  from_handle(b)->set_time(e, time_ns);
}
void host_event_drop(logagent_batch* b, uint32_t e) noexcept { from_handle(b)->drop(e); }

logagent_field host_event_set(logagent_batch* b, uint32_t e, logagent_key key, const logagent_value* value,
                              uint32_t flags) noexcept {
  if (value == nullptr || key == LOGAGENT_NO_KEY) return LOGAGENT_NO_FIELD;
  return from_handle(b)->set(e, key, *value, flags);
}

logagent_field host_field_append_child(logagent_batch* b, logagent_field parent, logagent_key key,
                                       const logagent_value* value, uint32_t flags) noexcept {
  if (value == nullptr) return LOGAGENT_NO_FIELD;
  return from_handle(b)->append_child(parent, key, *value, flags);
}

logagent_field host_event_set_named(logagent_batch* b, uint32_t e, logagent_str name, const logagent_value* value,
                                    uint32_t flags) noexcept {
  if (value == nullptr || name.len == 0) return LOGAGENT_NO_FIELD;
  return from_handle(b)->set_named(e, view(name), *value, flags);
}

logagent_field host_field_append_child_named(logagent_batch* b, logagent_field parent, logagent_str name,
                                             const logagent_value* value, uint32_t flags) noexcept {
  if (value == nullptr) return LOGAGENT_NO_FIELD;
  return from_handle(b)->append_child_named(parent, view(name), *value, flags);
}

logagent_field host_event_find_named(const logagent_batch* b, uint32_t e, logagent_str name) noexcept {
  return from_handle(b)->find_named(e, view(name));
}

logagent_field host_field_find_child(const logagent_batch* b, logagent_field parent, logagent_key key) noexcept {
  return from_handle(b)->find_child(parent, key);
}

logagent_field host_field_find_child_named(const logagent_batch* b, logagent_field parent, logagent_str name) noexcept {
  return from_handle(b)->find_child_named(parent, view(name));
}

logagent_bool host_event_remove(logagent_batch* b, uint32_t e, logagent_field field) noexcept {
  return from_handle(b)->remove(e, field) ? 1 : 0;
}

char* host_batch_alloc(logagent_batch* b, size_t size) noexcept { return from_handle(b)->allocate(size); }
logagent_bool host_batch_full(const logagent_batch* b) noexcept { return from_handle(b)->full() ? 1 : 0; }

logagent_batch* host_batch_new(logagent_context* ctx) noexcept {
  if (ctx->input == nullptr) {
    spdlog::error("{}: batch_new is only for inputs", ctx->label);
    return nullptr;
  }
  return to_handle(ctx->input->new_batch());
}

// Every batch comes from batch_new, so it knows the input it belongs to. One emitted through
// the wrong context still goes back to its pool: emit always takes ownership.
logagent_status emit_from(logagent_context* ctx, logagent_batch* b, uint64_t cookie, bool blocking) noexcept {
  if (b == nullptr) return LOGAGENT_ERROR;
  auto* batch = static_cast<PipelineBatch*>(from_handle(b));
  if (ctx->input == nullptr || batch->owner != ctx->input) {
    spdlog::error("{}: emit with a batch of another input or from a non-input; the batch is discarded (plugin bug)",
                  ctx->label);
    if (batch->owner != nullptr) batch->owner->discard(batch);
    return LOGAGENT_ERROR;
  }
  return static_cast<logagent_status>(ctx->input->emit(batch, cookie, blocking));
}

logagent_status host_emit(logagent_context* ctx, logagent_batch* b, uint64_t cookie) noexcept {
  return emit_from(ctx, b, cookie, true);
}

logagent_status host_try_emit(logagent_context* ctx, logagent_batch* b, uint64_t cookie) noexcept {
  return emit_from(ctx, b, cookie, false);
}

void host_batch_discard(logagent_context*, logagent_batch* b) noexcept {
  // Back to the pool of the input it came from, whichever context discards it: its delivery
  // records are sized for that input's outputs.
  if (b == nullptr) return;
  auto* batch = static_cast<PipelineBatch*>(from_handle(b));
  if (batch->owner != nullptr) batch->owner->discard(batch);
}

logagent_bool host_should_stop(logagent_context* ctx) noexcept {
  return ctx->input != nullptr && ctx->input->should_stop() ? 1 : 0;
}

void host_complete(logagent_token* token, int32_t status) noexcept {
  if (token != nullptr && token->output != nullptr) token->output->on_result(token, status);
}

const logagent_host kHost = {
    .struct_size = sizeof(logagent_host),
    .abi_major = LOGAGENT_ABI_MAJOR,
    .abi_minor = LOGAGENT_ABI_MINOR,
    .log = host_log,
    .set_error = host_set_error,
    .counter = host_counter,
    .counter_add = host_counter_add,
    .config_get = host_config_get,
    .config_item = host_config_item,
    .intern_key = host_intern_key,
    .batch_tag = host_batch_tag,
    .batch_count = host_batch_count,
    .event_dropped = host_event_dropped,
    .event_time = host_event_time,
    .event_first_field = host_event_first_field,
    .event_find = host_event_find,
    .field_next = host_field_next,
    .field_first_child = host_field_first_child,
    .field_read = host_field_read,
    .event_append = host_event_append,
    .event_set_time = host_event_set_time,
    .event_drop = host_event_drop,
    .event_set = host_event_set,
    .field_append_child = host_field_append_child,
    .batch_alloc = host_batch_alloc,
    .batch_full = host_batch_full,
    .batch_new = host_batch_new,
    .emit = host_emit,
    .batch_discard = host_batch_discard,
    .should_stop = host_should_stop,
    .complete = host_complete,
    .set_option_error = host_set_option_error,
    .fatal = host_fatal,
    .instance_id = host_instance_id,
    .state_dir = host_state_dir,
    .state_load = host_state_load,
    .state_save = host_state_save,
    .try_emit = host_try_emit,
    .event_set_named = host_event_set_named,
    .field_append_child_named = host_field_append_child_named,
    .event_find_named = host_event_find_named,
    .field_find_child = host_field_find_child,
    .field_find_child_named = host_field_find_child_named,
    .event_remove = host_event_remove,
};

}  // namespace

const logagent_host* host_table() noexcept { return &kHost; }

}  // namespace logagent::core
