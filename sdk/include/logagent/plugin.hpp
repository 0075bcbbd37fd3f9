// Header-only C++ wrapper over plugin.h: a plugin becomes a small class.
//
// Compiled into the plugin, never into the agent, so nothing C++ crosses the boundary:
// trampolines catch every exception and turn it into a status or a set_error message.
//
//   class Upper final : public logagent::Filter {
//    public:
//     Upper(logagent::Host host, const logagent::Config& config) : host_(host) {
//       message_ = host.intern("message");
//     }
//     logagent::Status filter(logagent::Batch& batch) override { ... }
//   };
//   LOGAGENT_FILTER_PLUGIN(Upper, "upper", "1.0.0", "Upper-cases the message", kOptions)
#pragma once

#include <logagent/plugin.h>

#include <cstddef>
#include <cstdint>
#include <exception>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace logagent {

inline logagent_str to_c(std::string_view s) noexcept { return logagent_str{s.data(), s.size()}; }
inline std::string_view to_view(logagent_str s) noexcept {
  return s.len == 0 ? std::string_view{} : std::string_view{s.ptr, s.len};
}

// The outcome of a callback. Named constructors read like the ABI's closed enum.
class Status {
 public:
  static constexpr Status Ok() noexcept { return Status{LOGAGENT_OK}; }
  static constexpr Status Retry() noexcept { return Status{LOGAGENT_RETRY}; }
  static constexpr Status Error() noexcept { return Status{LOGAGENT_ERROR}; }
  static constexpr Status Pending() noexcept { return Status{LOGAGENT_PENDING}; }
  constexpr logagent_status code() const noexcept { return code_; }
  constexpr bool ok() const noexcept { return code_ == LOGAGENT_OK; }
  constexpr bool operator==(const Status&) const noexcept = default;

 private:
  constexpr explicit Status(logagent_status code) noexcept : code_(code) {}
  logagent_status code_;
};

// Thrown from a constructor to refuse a configuration; the message reaches the user with
// the location of the plugin's section.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Thrown when a host call failed and already recorded why (as state_dir does): create then
// reports the host's reason, not this exception's message.
class HostError : public ConfigError {
 public:
  using ConfigError::ConfigError;
};

// Thrown from a constructor to refuse one option's value; the message reaches the user with
// the line and column of that option (host->set_option_error).
class OptionError : public ConfigError {
 public:
  OptionError(std::string option, const std::string& message) : ConfigError(message), option_(std::move(option)) {}
  const std::string& option() const noexcept { return option_; }

 private:
  std::string option_;
};

// Builds one entry of an option table; members not named stay 0/NULL, so a table written
// with it compiles warning-free (-Wmissing-field-initializers) whatever later ABI minors
// append to logagent_option:
//
//   const char* const kFormats[] = {"json", "raw", nullptr};
//   const logagent_option kOptions[] = {
//       logagent::option("format", LOGAGENT_OPTION_STRING).defaults("json").choices(kFormats)
//           .doc("How each event is written").example("\"raw\""),
//   };
class Option {
 public:
  constexpr Option(const char* name, logagent_option_type type) noexcept : o_{} {
    o_.name = name;
    o_.type = type;
  }
  constexpr Option required() const noexcept {
    return with([](logagent_option& o) { o.required = 1; });
  }
  constexpr Option defaults(const char* value) const noexcept {
    return with([value](logagent_option& o) { o.default_value = value; });
  }
  constexpr Option doc(const char* text) const noexcept {
    return with([text](logagent_option& o) { o.doc = text; });
  }
  constexpr Option example(const char* text) const noexcept {
    return with([text](logagent_option& o) { o.example = text; });
  }
  // A NULL-terminated array of the values allowed.
  constexpr Option choices(const char* const* values) const noexcept {
    return with([values](logagent_option& o) { o.choices = values; });
  }
  constexpr Option min(const char* value) const noexcept {
    return with([value](logagent_option& o) { o.min_value = value; });
  }
  constexpr Option max(const char* value) const noexcept {
    return with([value](logagent_option& o) { o.max_value = value; });
  }
  constexpr Option secret() const noexcept {
    return with([](logagent_option& o) { o.secret = 1; });
  }
  constexpr operator logagent_option() const noexcept { return o_; }  // NOLINT(google-explicit-constructor)

 private:
  template <typename Fn>
  constexpr Option with(Fn&& fn) const noexcept {
    Option copy = *this;
    fn(copy.o_);
    return copy;
  }
  logagent_option o_;
};
constexpr Option option(const char* name, logagent_option_type type) noexcept { return Option(name, type); }

// A typed field value. Strings are views whose lifetime is the batch's.
class Value {
 public:
  Value() noexcept {
    v_.type = LOGAGENT_VALUE_NULL;
    v_.reserved = 0;
    v_.as.integer = 0;
  }
  explicit Value(const logagent_value& v) noexcept : v_(v) {}

  static Value null() noexcept { return Value{}; }
  static Value boolean(bool b) noexcept {
    Value v;
    v.v_.type = LOGAGENT_VALUE_BOOL;
    v.v_.as.boolean = b ? 1 : 0;
    return v;
  }
  static Value integer(int64_t i) noexcept {
    Value v;
    v.v_.type = LOGAGENT_VALUE_INT;
    v.v_.as.integer = i;
    return v;
  }
  static Value real(double d) noexcept {
    Value v;
    v.v_.type = LOGAGENT_VALUE_FLOAT;
    v.v_.as.real = d;
    return v;
  }
  static Value string(std::string_view s) noexcept {
    Value v;
    v.v_.type = LOGAGENT_VALUE_STRING;
    v.v_.as.string = to_c(s);
    return v;
  }
  static Value map() noexcept {
    Value v;
    v.v_.type = LOGAGENT_VALUE_MAP;
    v.v_.as.children = 0;
    return v;
  }
  static Value array() noexcept {
    Value v;
    v.v_.type = LOGAGENT_VALUE_ARRAY;
    v.v_.as.children = 0;
    return v;
  }

  logagent_value_type type() const noexcept { return static_cast<logagent_value_type>(v_.type); }
  bool is_null() const noexcept { return v_.type == LOGAGENT_VALUE_NULL; }
  bool as_bool() const noexcept { return v_.as.boolean != 0; }
  int64_t as_int() const noexcept { return v_.as.integer; }
  double as_float() const noexcept { return v_.as.real; }
  std::string_view as_string() const noexcept { return to_view(v_.as.string); }
  uint32_t children() const noexcept { return v_.as.children; }
  const logagent_value& raw() const noexcept { return v_; }

 private:
  logagent_value v_;
};
static_assert(sizeof(Value) == sizeof(logagent_value), "Value must wrap logagent_value exactly");

// The host services of one instance.
class Host {
 public:
  Host(const logagent_host* host, logagent_context* ctx) noexcept : host_(host), ctx_(ctx) {}

  void log(logagent_log_level level, std::string_view message) const noexcept {
    host_->log(ctx_, level, to_c(message));
  }
  void debug(std::string_view m) const noexcept { log(LOGAGENT_LOG_DEBUG, m); }
  void info(std::string_view m) const noexcept { log(LOGAGENT_LOG_INFO, m); }
  void warn(std::string_view m) const noexcept { log(LOGAGENT_LOG_WARN, m); }
  void error(std::string_view m) const noexcept { log(LOGAGENT_LOG_ERROR, m); }

  logagent_key intern(std::string_view name) const noexcept { return host_->intern_key(ctx_, to_c(name)); }
  logagent_counter* counter(std::string_view name) const noexcept { return host_->counter(ctx_, to_c(name)); }
  void add(logagent_counter* counter, uint64_t delta) const noexcept { host_->counter_add(counter, delta); }

  // The instance's `id`, unique in the pipeline and stable across restarts.
  std::string_view id() const noexcept { return to_view(host_->instance_id(ctx_)); }
  // The instance cannot work any more: logged once, the agent stops and exits with the
  // status "events were not delivered".
  void fatal(std::string_view message) const noexcept { host_->fatal(ctx_, to_c(message)); }

  // State. state_dir() throws HostError when the folder cannot be used (call it in the
  // constructor: create then fails with the host's reason); load_state() gives the last saved checkpoint, empty when
  // there is none.
  std::string state_dir() const {
    logagent_str out{nullptr, 0};
    if (host_->state_dir(ctx_, &out) != LOGAGENT_OK) throw HostError("cannot use the state folder");
    return std::string(to_view(out));
  }
  // Empty when no earlier run saved one; throws HostError when the state cannot be used.
  std::string_view load_state() const {
    logagent_str out{nullptr, 0};
    if (host_->state_dir(ctx_, &out) != LOGAGENT_OK) throw HostError("cannot use the state folder");
    return host_->state_load(ctx_, &out) ? to_view(out) : std::string_view{};
  }
  void save_state(std::string_view blob) const noexcept { host_->state_save(ctx_, to_c(blob)); }

  // Inputs.
  logagent_batch* new_batch() const noexcept { return host_->batch_new(ctx_); }
  // Ok: accepted; Error: the agent is aborting (the batch is gone either way).
  Status emit(logagent_batch* batch, uint64_t cookie = 0) const noexcept {
    return host_->emit(ctx_, batch, cookie) == LOGAGENT_OK ? Status::Ok() : Status::Error();
  }
  // Ok: accepted; Retry: the queue is full and the batch is still the caller's; Error: the
  // agent is aborting and discarded it.
  Status try_emit(logagent_batch* batch, uint64_t cookie = 0) const noexcept {
    switch (host_->try_emit(ctx_, batch, cookie)) {
      case LOGAGENT_OK:
        return Status::Ok();
      case LOGAGENT_RETRY:
        return Status::Retry();
      default:
        return Status::Error();
    }
  }
  void discard(logagent_batch* batch) const noexcept { host_->batch_discard(ctx_, batch); }
  bool should_stop() const noexcept { return host_->should_stop(ctx_) != 0; }

  // Outputs.
  void complete(logagent_token* token, Status status) const noexcept { host_->complete(token, status.code()); }

  const logagent_host* raw() const noexcept { return host_; }
  logagent_context* context() const noexcept { return ctx_; }

 private:
  const logagent_host* host_;
  logagent_context* ctx_;
};

// An instance's validated configuration; valid only inside the constructor.
class Config {
 public:
  Config(const logagent_host* host, const logagent_config* config) noexcept : host_(host), config_(config) {}

  bool has(std::string_view name) const noexcept {
    logagent_value v;
    return host_->config_get(config_, to_c(name), &v) != 0;
  }
  // Each getter returns `fallback` when the option is absent or declared with another type
  // (a getter not matching the schema is a plugin bug; it must not read the wrong member).
  std::string get_string(std::string_view name, std::string_view fallback = {}) const {
    logagent_value v;
    return get(name, LOGAGENT_VALUE_STRING, v) ? std::string(to_view(v.as.string)) : std::string(fallback);
  }
  // INT, and DURATION (ns) and SIZE (bytes) options.
  int64_t get_int(std::string_view name, int64_t fallback = 0) const noexcept {
    logagent_value v;
    return get(name, LOGAGENT_VALUE_INT, v) ? v.as.integer : fallback;
  }
  double get_float(std::string_view name, double fallback = 0) const noexcept {
    logagent_value v;
    return get(name, LOGAGENT_VALUE_FLOAT, v) ? v.as.real : fallback;
  }
  bool get_bool(std::string_view name, bool fallback = false) const noexcept {
    logagent_value v;
    return get(name, LOGAGENT_VALUE_BOOL, v) ? v.as.boolean != 0 : fallback;
  }
  // DURATION options in nanoseconds, SIZE options in bytes.
  int64_t get_duration_ns(std::string_view name, int64_t fallback = 0) const noexcept {
    return get_int(name, fallback);
  }
  int64_t get_size(std::string_view name, int64_t fallback = 0) const noexcept { return get_int(name, fallback); }

  std::vector<std::string> get_list(std::string_view name) const {
    std::vector<std::string> out;
    logagent_value v;
    if (!get(name, LOGAGENT_VALUE_ARRAY, v)) return out;
    for (uint32_t i = 0; i < v.as.children; ++i) {
      logagent_str key;
      logagent_value item;
      if (host_->config_item(config_, to_c(name), i, &key, &item)) out.emplace_back(to_view(item.as.string));
    }
    return out;
  }
  std::vector<std::pair<std::string, std::string>> get_table(std::string_view name) const {
    std::vector<std::pair<std::string, std::string>> out;
    logagent_value v;
    if (!get(name, LOGAGENT_VALUE_MAP, v)) return out;
    for (uint32_t i = 0; i < v.as.children; ++i) {
      logagent_str key;
      logagent_value item;
      if (host_->config_item(config_, to_c(name), i, &key, &item))
        out.emplace_back(std::string(to_view(key)), std::string(to_view(item.as.string)));
    }
    return out;
  }

 private:
  bool get(std::string_view name, uint32_t type, logagent_value& v) const noexcept {
    return host_->config_get(config_, to_c(name), &v) != 0 && v.type == type;
  }

  const logagent_host* host_;
  const logagent_config* config_;
};

struct FieldView {
  logagent_field handle;
  logagent_key key;
  std::string_view name;
  Value value;
};

// Read access to a batch. Cheap to copy: two pointers.
class BatchView {
 public:
  BatchView(const logagent_host* host, const logagent_batch* batch) noexcept : host_(host), batch_(batch) {}

  std::string_view tag() const noexcept { return to_view(host_->batch_tag(batch_)); }
  uint32_t size() const noexcept { return host_->batch_count(batch_); }
  bool dropped(uint32_t event) const noexcept { return host_->event_dropped(batch_, event) != 0; }
  int64_t time(uint32_t event) const noexcept { return host_->event_time(batch_, event); }

  logagent_field first_field(uint32_t event) const noexcept { return host_->event_first_field(batch_, event); }
  logagent_field find(uint32_t event, logagent_key key) const noexcept { return host_->event_find(batch_, event, key); }
  logagent_field next(logagent_field field) const noexcept { return host_->field_next(batch_, field); }
  logagent_field first_child(logagent_field field) const noexcept { return host_->field_first_child(batch_, field); }
  // By a name that need not be interned (a key met in the data).
  logagent_field find_named(uint32_t event, std::string_view name) const noexcept {
    return host_->event_find_named(batch_, event, to_c(name));
  }
  // Children of a MAP field.
  logagent_field find_child(logagent_field map, logagent_key key) const noexcept {
    return host_->field_find_child(batch_, map, key);
  }
  logagent_field find_child_named(logagent_field map, std::string_view name) const noexcept {
    return host_->field_find_child_named(batch_, map, to_c(name));
  }
  FieldView read(logagent_field field) const noexcept {
    logagent_field_view v{};
    v.struct_size = sizeof v;
    host_->field_read(batch_, field, &v);
    return FieldView{field, v.key, to_view(v.name), Value{v.value}};
  }
  // The string value of a top-level field, or an empty view when absent or not a string.
  std::string_view get_string(uint32_t event, logagent_key key) const noexcept {
    logagent_field f = find(event, key);
    if (f == LOGAGENT_NO_FIELD) return {};
    FieldView v = read(f);
    return v.value.type() == LOGAGENT_VALUE_STRING ? v.value.as_string() : std::string_view{};
  }

  // Calls fn(FieldView) for each top-level field of an event, in order.
  template <typename Fn>
  void for_each_field(uint32_t event, Fn&& fn) const {
    for (logagent_field f = first_field(event); f != LOGAGENT_NO_FIELD; f = next(f)) fn(read(f));
  }

  const logagent_batch* raw() const noexcept { return batch_; }
  const logagent_host* host() const noexcept { return host_; }

 protected:
  const logagent_host* host_;
  const logagent_batch* batch_;
};

// Write access: inputs on their own batches, filters on the batch they are given.
class Batch : public BatchView {
 public:
  Batch(const logagent_host* host, logagent_batch* batch) noexcept : BatchView(host, batch), mutable_(batch) {}

  uint32_t append(int64_t time_ns) noexcept { return host_->event_append(mutable_, time_ns); }
  void set_time(uint32_t event, int64_t time_ns) noexcept { host_->event_set_time(mutable_, event, time_ns); }
  void drop(uint32_t event) noexcept { host_->event_drop(mutable_, event); }
  // Copies string bytes into the batch. `flags`: LOGAGENT_SET_NEW when the event surely has
  // no such field yet (no lookup), LOGAGENT_SET_BORROW for bytes already in this batch.
  logagent_field set(uint32_t event, logagent_key key, const Value& value, uint32_t flags = 0) noexcept {
    return host_->event_set(mutable_, event, key, &value.raw(), flags);
  }
  // A field whose name is not interned (a JSON key): stored in the batch, no global table.
  logagent_field set_named(uint32_t event, std::string_view name, const Value& value, uint32_t flags = 0) noexcept {
    return host_->event_set_named(mutable_, event, to_c(name), &value.raw(), flags);
  }
  logagent_field append_child_named(logagent_field parent, std::string_view name, const Value& value,
                                    uint32_t flags = 0) noexcept {
    return host_->field_append_child_named(mutable_, parent, to_c(name), &value.raw(), flags);
  }
  // Removes a top-level field of the event; false when it is not one.
  bool remove(uint32_t event, logagent_field field) noexcept {
    return host_->event_remove(mutable_, event, field) != 0;
  }
  // Marks an event that failed to parse the one documented way (LOGAGENT_ERROR_FIELD):
  // `error_key` is intern("_error"); the reason reads "<plugin type>: <what failed>". A
  // second failure is appended after "; ".
  void mark_error(uint32_t event, logagent_key error_key, std::string_view reason) noexcept {
    const logagent_field existing = find(event, error_key);
    if (existing != LOGAGENT_NO_FIELD) {
      const FieldView old = read(existing);
      if (old.value.type() == LOGAGENT_VALUE_STRING && !old.value.as_string().empty()) {
        const std::string_view before = old.value.as_string();
        const size_t size = before.size() + 2 + reason.size();
        char* text = alloc(size);
        std::char_traits<char>::copy(text, before.data(), before.size());
        std::char_traits<char>::copy(text + before.size(), "; ", 2);
        std::char_traits<char>::copy(text + before.size() + 2, reason.data(), reason.size());
        set_borrowed(event, error_key, std::string_view(text, size));
        return;
      }
    }
    set(event, error_key, Value::string(reason));
  }
  // For strings that already live in this batch (batch_alloc or another field): no copy.
  logagent_field set_borrowed(uint32_t event, logagent_key key, std::string_view bytes) noexcept {
    Value v = Value::string(bytes);
    return host_->event_set(mutable_, event, key, &v.raw(), LOGAGENT_SET_BORROW);
  }
  logagent_field append_child(logagent_field parent, logagent_key key, const Value& value,
                              bool borrow = false) noexcept {
    return host_->field_append_child(mutable_, parent, key, &value.raw(), borrow ? LOGAGENT_SET_BORROW : 0);
  }
  char* alloc(size_t size) noexcept { return host_->batch_alloc(mutable_, size); }
  bool full() const noexcept { return host_->batch_full(batch_) != 0; }

  logagent_batch* raw_mut() const noexcept { return mutable_; }

 private:
  logagent_batch* mutable_;
};

// Base classes. Constructors take (Host, const Config&) and may throw ConfigError.
class Input {
 public:
  virtual ~Input() = default;
  // Runs on the instance's own thread until end of input or stop().
  virtual Status run() = 0;
  // From another thread: make run() return soon.
  virtual void stop() noexcept {}
  // Every output finished with the batch emitted with `cookie` (OK or ERROR).
  virtual void ack(uint64_t /*cookie*/, Status /*status*/) noexcept {}
};

class Filter {
 public:
  virtual ~Filter() = default;
  virtual Status filter(Batch& batch) = 0;
};

class Output {
 public:
  virtual ~Output() = default;
  // Return Ok/Retry/Error when done now, or Pending and later Host::complete(token, status).
  virtual Status write(const BatchView& batch, logagent_token* token) = 0;
  // The agent is draining: send what is buffered (outputs that batch across writes).
  virtual Status flush() { return Status::Ok(); }
};

namespace detail {

template <typename T>
struct Instance {
  const logagent_host* host;
  logagent_context* ctx;
  T plugin;
  Instance(const logagent_host* h, logagent_context* c, const logagent_config* config)
      : host(h), ctx(c), plugin(Host{h, c}, Config{h, config}) {}
};

inline void report(const logagent_host* host, logagent_context* ctx, const char* what) noexcept {
  std::string_view m = what ? std::string_view{what} : std::string_view{"unknown error"};
  host->set_error(ctx, to_c(m));
}

template <typename T>
void* create(const logagent_host* host, logagent_context* ctx, const logagent_config* config) noexcept {
  try {
    return new Instance<T>(host, ctx, config);
  } catch (const HostError&) {
    // The host recorded the reason already.
  } catch (const OptionError& e) {
    host->set_option_error(ctx, to_c(e.option()), to_c(e.what()));
  } catch (const std::exception& e) {
    report(host, ctx, e.what());
  } catch (...) {
    report(host, ctx, "non-standard exception in create");
  }
  return nullptr;
}

template <typename T>
void destroy(void* instance) noexcept {
  delete static_cast<Instance<T>*>(instance);
}

template <typename T>
int32_t input_run(void* instance, logagent_context*) noexcept {
  auto* self = static_cast<Instance<T>*>(instance);
  try {
    return self->plugin.run().code();
  } catch (const std::exception& e) {
    report(self->host, self->ctx, e.what());
  } catch (...) {
    report(self->host, self->ctx, "non-standard exception in run");
  }
  return LOGAGENT_ERROR;
}

template <typename T>
void input_stop(void* instance) noexcept {
  static_cast<Instance<T>*>(instance)->plugin.stop();
}

template <typename T>
void input_ack(void* instance, uint64_t cookie, int32_t status) noexcept {
  static_cast<Instance<T>*>(instance)->plugin.ack(cookie, status == LOGAGENT_OK ? Status::Ok() : Status::Error());
}

template <typename T>
int32_t filter(void* instance, logagent_batch* batch) noexcept {
  auto* self = static_cast<Instance<T>*>(instance);
  try {
    Batch b{self->host, batch};
    return self->plugin.filter(b).code();
  } catch (const std::exception& e) {
    Host{self->host, self->ctx}.error(e.what());
  } catch (...) {
    Host{self->host, self->ctx}.error("non-standard exception in filter");
  }
  return LOGAGENT_ERROR;
}

template <typename T>
int32_t output_write(void* instance, const logagent_batch* batch, logagent_token* token) noexcept {
  auto* self = static_cast<Instance<T>*>(instance);
  try {
    return self->plugin.write(BatchView{self->host, batch}, token).code();
  } catch (const std::exception& e) {
    Host{self->host, self->ctx}.error(e.what());
  } catch (...) {
    Host{self->host, self->ctx}.error("non-standard exception in write");
  }
  // An exception escaping write is a transient failure: the batch is retried, not lost.
  return LOGAGENT_RETRY;
}

template <typename T>
int32_t output_flush(void* instance) noexcept {
  auto* self = static_cast<Instance<T>*>(instance);
  try {
    return self->plugin.flush().code();
  } catch (const std::exception& e) {
    Host{self->host, self->ctx}.error(e.what());
  } catch (...) {
    Host{self->host, self->ctx}.error("non-standard exception in flush");
  }
  return LOGAGENT_ERROR;
}

template <typename T>
constexpr logagent_plugin_descriptor make_descriptor(logagent_kind kind, const char* name, const char* version,
                                                     const char* description, const logagent_option* options,
                                                     uint32_t option_count) {
  logagent_plugin_descriptor d{};
  d.struct_size = sizeof(logagent_plugin_descriptor);
  d.abi_major = LOGAGENT_ABI_MAJOR;
  d.abi_minor = LOGAGENT_ABI_MINOR;
  d.kind = kind;
  d.name = name;
  d.version = version;
  d.description = description;
  d.options = options;
  d.option_count = option_count;
  d.option_size = sizeof(logagent_option);
  d.create = &create<T>;
  d.destroy = &destroy<T>;
  if constexpr (std::is_base_of_v<Input, T>) {
    d.input_run = &input_run<T>;
    d.input_stop = &input_stop<T>;
    d.input_ack = &input_ack<T>;
  }
  if constexpr (std::is_base_of_v<Filter, T>) d.filter = &filter<T>;
  if constexpr (std::is_base_of_v<Output, T>) {
    d.output_write = &output_write<T>;
    d.output_flush = &output_flush<T>;
  }
  return d;
}

template <typename T, size_t N>
constexpr logagent_plugin_descriptor make_descriptor(logagent_kind kind, const char* name, const char* version,
                                                     const char* description, const logagent_option (&options)[N]) {
  return make_descriptor<T>(kind, name, version, description, options, static_cast<uint32_t>(N));
}

template <typename T>
constexpr logagent_plugin_descriptor make_descriptor(logagent_kind kind, const char* name, const char* version,
                                                     const char* description, std::nullptr_t) {
  return make_descriptor<T>(kind, name, version, description, nullptr, 0);
}

}  // namespace detail
}  // namespace logagent

#define LOGAGENT_DEFINE_PLUGIN_(KIND, CLASS, NAME, VERSION, DESCRIPTION, OPTIONS)                          \
  static const logagent_plugin_descriptor logagent_descriptor_ =                                           \
      logagent::detail::make_descriptor<CLASS>(KIND, NAME, VERSION, DESCRIPTION, OPTIONS);                 \
  extern "C" LOGAGENT_EXPORT const logagent_plugin_descriptor* logagent_plugin_entry(uint32_t, uint32_t) { \
    return &logagent_descriptor_;                                                                          \
  }

// One of these per plugin library, at namespace scope in one .cpp file. OPTIONS is a static
// array of logagent_option, or nullptr for a plugin without options.
#define LOGAGENT_INPUT_PLUGIN(CLASS, NAME, VERSION, DESCRIPTION, OPTIONS) \
  LOGAGENT_DEFINE_PLUGIN_(LOGAGENT_KIND_INPUT, CLASS, NAME, VERSION, DESCRIPTION, OPTIONS)
#define LOGAGENT_FILTER_PLUGIN(CLASS, NAME, VERSION, DESCRIPTION, OPTIONS) \
  LOGAGENT_DEFINE_PLUGIN_(LOGAGENT_KIND_FILTER, CLASS, NAME, VERSION, DESCRIPTION, OPTIONS)
#define LOGAGENT_OUTPUT_PLUGIN(CLASS, NAME, VERSION, DESCRIPTION, OPTIONS) \
  LOGAGENT_DEFINE_PLUGIN_(LOGAGENT_KIND_OUTPUT, CLASS, NAME, VERSION, DESCRIPTION, OPTIONS)
