// ThreadSanitizer builds only: the reports the runtime cannot judge, built into the binary so
// that every run (tests, a developer's shell) applies them without TSAN_OPTIONS.
//
// librdkafka is not instrumented. It frees a topic when the topic's reference count, an
// atomic the runtime does not see, falls to zero, and destroys the topic's read-write lock
// then: the runtime sees the lock's last read-lock on a broker thread and the destroy on
// librdkafka's main thread with nothing ordering them, and reports a race that the count
// rules out. Only the destroy of a read-write lock is excused: the agent and its plugins use
// none, and every other report stays on.
extern "C" const char* __tsan_default_suppressions() {  // NOLINT(bugprone-reserved-identifier)
  return "race:pthread_rwlock_destroy\n";
}
