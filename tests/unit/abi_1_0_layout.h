/* Facts about ABI 1.0 (abi_1_0_members.def) as one header compiles them, in a form that C and
 * C++ share: abi_1_0_layout.c records them against the frozen 1.0 header, and
 * abi_1_0_layout_test.cpp compares them with today's header. */
#ifndef LOGAGENT_TESTS_ABI_1_0_LAYOUT_H
#define LOGAGENT_TESTS_ABI_1_0_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum abi_fact_kind {
  ABI_FACT_STRUCT = 1,   /* size may grow, align may not change */
  ABI_FACT_MEMBER = 2,   /* offset and size unchanged (its type is checked at compile time) */
  ABI_FACT_TYPEDEF = 3,  /* size and align unchanged (its type is checked at compile time) */
  ABI_FACT_CONSTANT = 4, /* value unchanged */
  ABI_FACT_MINIMUM = 5,  /* value may grow, never shrink */
  ABI_FACT_TEXT = 6      /* text unchanged */
} abi_fact_kind;

typedef struct abi_fact {
  uint32_t kind;    /* abi_fact_kind */
  const char* name; /* "logagent_host.emit", "logagent_value.as.integer", "LOGAGENT_OK" */
  uint64_t offset;  /* MEMBER */
  uint64_t size;    /* STRUCT, MEMBER, TYPEDEF */
  uint64_t align;   /* STRUCT, MEMBER, TYPEDEF */
  uint64_t value;   /* CONSTANT, MINIMUM */
  const char* text; /* TEXT */
} abi_fact;

/* The facts of the frozen ABI 1.0 header, in the order of abi_1_0_members.def. */
extern const abi_fact abi_1_0_frozen_facts[];
extern const size_t abi_1_0_frozen_fact_count;

#ifdef __cplusplus
}
#endif

#endif /* LOGAGENT_TESTS_ABI_1_0_LAYOUT_H */
