/* The facts of abi_1_0_members.def as the frozen ABI 1.0 header compiles them. A C file of
 * its own, built with only tests/support/abi/1.0 on its include path: the frozen and today's
 * header define the same names, so they cannot meet in one translation unit. */
#include <logagent/plugin.h>

#ifndef LOGAGENT_FROZEN_ABI_1_0
#error "abi_1_0_layout.c must be compiled against tests/support/abi/1.0, the frozen ABI 1.0 header"
#endif

#include "abi_1_0_layout.h"

/* The list checked against the header it describes: a type or value written wrong in the
 * .def fails this build, so the test compares today's header with what 1.0 really was (a
 * text only by its length here; the test compares its characters). */
#define LOGAGENT_ABI_STRUCT(type)
#define LOGAGENT_ABI_MEMBER(type, member, mtype) \
  _Static_assert(_Generic(((type*)0)->member, mtype : 1, default : 0), #type "." #member " is not " #mtype);
#define LOGAGENT_ABI_TYPEDEF(name, type) \
  _Static_assert(_Generic((name){0}, type : 1, default : 0), #name " is not " #type);
#define LOGAGENT_ABI_CONSTANT(name, value) _Static_assert((name) == (value), #name " is not " #value);
#define LOGAGENT_ABI_MINIMUM(name, value) _Static_assert((name) == (value), #name " is not " #value);
#define LOGAGENT_ABI_TEXT(name, text) _Static_assert(sizeof(name) == sizeof(text), #name " is not " #text);
#include "abi_1_0_members.def"
#undef LOGAGENT_ABI_STRUCT
#undef LOGAGENT_ABI_MEMBER
#undef LOGAGENT_ABI_TYPEDEF
#undef LOGAGENT_ABI_CONSTANT
#undef LOGAGENT_ABI_MINIMUM
#undef LOGAGENT_ABI_TEXT

const abi_fact abi_1_0_frozen_facts[] = {
#include "abi_1_0_facts.inc"
};
const size_t abi_1_0_frozen_fact_count = sizeof abi_1_0_frozen_facts / sizeof abi_1_0_frozen_facts[0];
