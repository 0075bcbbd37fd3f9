// ThreadSanitizer builds only: C11 threads (<threads.h>) routed through POSIX threads.
//
// glibc implements thrd_create, mtx_lock and cnd_wait by calling its internal pthread
// functions directly, which ThreadSanitizer (GCC 12's) does not intercept. A library that
// uses C11 threads, as librdkafka does, then starts threads the runtime does not know:
// their first allocation crashes inside it, and their locks are invisible to it. Defined
// here and exported from the binary, these definitions take precedence over glibc's for
// every library loaded later, so the runtime sees each thread, lock and wait.
#include <pthread.h>
#include <threads.h>

#include <cerrno>
#include <cstdint>
#include <new>

namespace {

int c11_result(int posix_error) noexcept {
  switch (posix_error) {
    case 0:
      return thrd_success;
    case ETIMEDOUT:
      return thrd_timedout;
    case EBUSY:
      return thrd_busy;
    case ENOMEM:
      return thrd_nomem;
    default:
      return thrd_error;
  }
}

struct Start {
  thrd_start_t function;
  void* argument;
};

void* run_start(void* start) {
  const Start s = *static_cast<Start*>(start);
  delete static_cast<Start*>(start);
  // A C11 thread's int result travels as the POSIX thread's exit value; thrd_join takes it back.
  return reinterpret_cast<void*>(static_cast<intptr_t>(s.function(s.argument)));  // NOLINT(performance-no-int-to-ptr)
}

pthread_mutex_t* posix(mtx_t* m) noexcept { return reinterpret_cast<pthread_mutex_t*>(m); }
pthread_cond_t* posix(cnd_t* c) noexcept { return reinterpret_cast<pthread_cond_t*>(c); }

static_assert(sizeof(mtx_t) == sizeof(pthread_mutex_t) && sizeof(cnd_t) == sizeof(pthread_cond_t) &&
              sizeof(thrd_t) == sizeof(pthread_t));

}  // namespace

extern "C" {

int thrd_create(thrd_t* thread, thrd_start_t function, void* argument) {
  auto* start = new (std::nothrow) Start{function, argument};
  if (start == nullptr) return thrd_nomem;
  pthread_t id;
  const int error = pthread_create(&id, nullptr, run_start, start);
  if (error != 0) {
    delete start;
    return c11_result(error);
  }
  *thread = id;
  return thrd_success;
}

int thrd_join(thrd_t thread, int* result) {
  void* value = nullptr;
  const int error = pthread_join(thread, &value);
  if (error == 0 && result != nullptr) *result = static_cast<int>(reinterpret_cast<intptr_t>(value));
  return c11_result(error);
}

int thrd_detach(thrd_t thread) { return c11_result(pthread_detach(thread)); }

int mtx_init(mtx_t* mutex, int type) {
  pthread_mutexattr_t attributes;
  pthread_mutexattr_init(&attributes);
  if ((type & mtx_recursive) != 0) pthread_mutexattr_settype(&attributes, PTHREAD_MUTEX_RECURSIVE);
  const int error = pthread_mutex_init(posix(mutex), &attributes);
  pthread_mutexattr_destroy(&attributes);
  return c11_result(error);
}
int mtx_lock(mtx_t* mutex) { return c11_result(pthread_mutex_lock(posix(mutex))); }
int mtx_trylock(mtx_t* mutex) { return c11_result(pthread_mutex_trylock(posix(mutex))); }
int mtx_timedlock(mtx_t* mutex, const struct timespec* until) {
  return c11_result(pthread_mutex_timedlock(posix(mutex), until));
}
int mtx_unlock(mtx_t* mutex) { return c11_result(pthread_mutex_unlock(posix(mutex))); }
void mtx_destroy(mtx_t* mutex) { pthread_mutex_destroy(posix(mutex)); }

int cnd_init(cnd_t* cond) { return c11_result(pthread_cond_init(posix(cond), nullptr)); }
int cnd_signal(cnd_t* cond) { return c11_result(pthread_cond_signal(posix(cond))); }
int cnd_broadcast(cnd_t* cond) { return c11_result(pthread_cond_broadcast(posix(cond))); }
int cnd_wait(cnd_t* cond, mtx_t* mutex) { return c11_result(pthread_cond_wait(posix(cond), posix(mutex))); }
int cnd_timedwait(cnd_t* cond, mtx_t* mutex, const struct timespec* until) {
  return c11_result(pthread_cond_timedwait(posix(cond), posix(mutex), until));
}
void cnd_destroy(cnd_t* cond) { pthread_cond_destroy(posix(cond)); }

}  // extern "C"
