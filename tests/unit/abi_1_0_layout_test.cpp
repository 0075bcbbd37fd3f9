// ABI 1.0 kept: today's plugin.h against the frozen 1.0 header, fact by fact from one list
// (abi_1_0_members.def). Every 1.0 member keeps its offset, size and type, every struct keeps
// its alignment and grows only at its end, every constant keeps its value. abi_1_0_layout.c
// records the frozen side; this file compiles the same list against sdk/include, and checks
// that the frozen header itself was not edited.
#include <logagent/plugin.h>

#ifdef LOGAGENT_FROZEN_ABI_1_0
#error "abi_1_0_layout_test.cpp must see today's sdk/include/logagent/plugin.h, not the frozen copy"
#endif

#include "abi_1_0_layout.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace {

// A member's or a typedef's type cannot be compared at run time: today's header must give
// each the exact type the list gives (abi_1_0_layout.c checks the list against 1.0's).
// The arguments are type names, which parentheses would break.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define LOGAGENT_ABI_STRUCT(type)
#define LOGAGENT_ABI_MEMBER(type, member, mtype)                               \
  static_assert(std::is_same_v<decltype(std::declval<type&>().member), mtype>, \
                #type "." #member " changed type since ABI 1.0 (" #mtype "): a new signature is a new _v2 member");
#define LOGAGENT_ABI_TYPEDEF(name, type) \
  static_assert(std::is_same_v<name, type>, #name " is no longer " #type " as in ABI 1.0");
// NOLINTEND(bugprone-macro-parentheses)
#define LOGAGENT_ABI_CONSTANT(name, value)
#define LOGAGENT_ABI_MINIMUM(name, value)
#define LOGAGENT_ABI_TEXT(name, text)
#include "abi_1_0_members.def"
#undef LOGAGENT_ABI_STRUCT
#undef LOGAGENT_ABI_MEMBER
#undef LOGAGENT_ABI_TYPEDEF
#undef LOGAGENT_ABI_CONSTANT
#undef LOGAGENT_ABI_MINIMUM
#undef LOGAGENT_ABI_TEXT

// The same facts as abi_1_0_layout.c records, from today's header.
const abi_fact kCurrentFacts[] = {
#include "abi_1_0_facts.inc"
};

std::vector<abi_fact> frozen_facts() {
  return {abi_1_0_frozen_facts, abi_1_0_frozen_facts + abi_1_0_frozen_fact_count};
}

size_t round_up(size_t n, size_t align) { return (n + align - 1) / align * align; }

// FNV-1a, 64 bits: enough to notice an edit, no dependency.
uint64_t fnv1a(const std::string& bytes) {
  uint64_t hash = 0xcbf29ce484222325u;
  for (unsigned char c : bytes) hash = (hash ^ c) * 0x100000001b3u;
  return hash;
}

// The frozen header is what 1.0 plugins were built with: a test of today's header against
// an edited copy proves nothing.
TEST(Abi1_0, FrozenHeaderIsUnchanged) {
  std::ifstream in(LOGAGENT_FROZEN_ABI_1_0_HEADER, std::ios::binary);
  ASSERT_TRUE(in) << LOGAGENT_FROZEN_ABI_1_0_HEADER;
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(bytes.size(), 28551u) << LOGAGENT_FROZEN_ABI_1_0_HEADER " was edited: it is never changed";
  EXPECT_EQ(fnv1a(bytes), 0x45b4555f61384fa4u) << LOGAGENT_FROZEN_ABI_1_0_HEADER " was edited: it is never changed";
}

TEST(Abi1_0, TodaysHeaderKeepsEveryFactOf1_0) {
  const std::vector<abi_fact> frozen = frozen_facts();
  ASSERT_EQ(frozen.size(), std::size(kCurrentFacts)) << "both sides expand abi_1_0_members.def";
  for (size_t i = 0; i < frozen.size(); ++i) {
    const abi_fact& then = frozen[i];
    const abi_fact& now = kCurrentFacts[i];
    ASSERT_STREQ(then.name, now.name);
    const std::string what = std::string(then.name) + ": ";
    switch (then.kind) {
      case ABI_FACT_STRUCT:
        EXPECT_GE(now.size, then.size) << what + "sizeof shrank: a 1.x struct only grows, by appended members";
        EXPECT_EQ(now.align, then.align) << what + "alignment changed";
        break;
      case ABI_FACT_MEMBER:
        EXPECT_EQ(now.offset, then.offset) << what + "offset moved: 1.0 plugins read it where it was";
        EXPECT_EQ(now.size, then.size) << what + "size changed";
        break;
      case ABI_FACT_TYPEDEF:
        EXPECT_EQ(now.size, then.size) << what + "size changed";
        EXPECT_EQ(now.align, then.align) << what + "alignment changed";
        break;
      case ABI_FACT_CONSTANT:
        EXPECT_EQ(now.value, then.value) << what + "value changed: 1.0 plugins have the old one compiled in";
        break;
      case ABI_FACT_MINIMUM:
        EXPECT_GE(now.value, then.value) << what + "fell below its ABI 1.0 value";
        break;
      case ABI_FACT_TEXT:
        EXPECT_STREQ(now.text, then.text) << what + "text changed";
        break;
      default:
        ADD_FAILURE() << "unknown fact kind " << then.kind;
    }
  }
}

// Guards the list itself: each struct's listed members, in order, tile it as a C compiler
// lays it out (each starts where the one before ended, rounded up to its alignment; the
// members of the union `as` share one offset) and end where sizeof says. A member left out
// of the .def leaves a gap, unless it could hide in padding.
TEST(Abi1_0, TheListNamesEveryMemberOf1_0sStructs) {
  const std::vector<abi_fact> frozen = frozen_facts();
  size_t structs = 0;
  for (size_t i = 0; i < frozen.size(); ++i) {
    if (frozen[i].kind != ABI_FACT_STRUCT) continue;
    ++structs;
    const std::string type = frozen[i].name;
    SCOPED_TRACE(type);
    size_t end = 0;
    size_t j = i + 1;
    while (j < frozen.size() && frozen[j].kind == ABI_FACT_MEMBER) {
      const std::string member = std::string(frozen[j].name).substr(type.size() + 1);
      ASSERT_EQ(std::string(frozen[j].name).substr(0, type.size() + 1), type + ".");
      const size_t dot = member.find('.');
      if (dot == std::string::npos) {
        EXPECT_EQ(frozen[j].offset, round_up(end, frozen[j].align)) << "before " << frozen[j].name;
        end = frozen[j].offset + frozen[j].size;
        ++j;
        continue;
      }
      // A union's members: one offset, the union as large and aligned as its largest.
      const std::string prefix = type + "." + member.substr(0, dot + 1);
      size_t union_align = 1;
      size_t union_size = 0;
      const size_t first = j;
      for (; j < frozen.size() && frozen[j].kind == ABI_FACT_MEMBER && std::string(frozen[j].name).starts_with(prefix);
           ++j) {
        EXPECT_EQ(frozen[j].offset, frozen[first].offset) << frozen[j].name;
        union_align = std::max<size_t>(union_align, frozen[j].align);
        union_size = std::max<size_t>(union_size, frozen[j].size);
      }
      EXPECT_EQ(frozen[first].offset, round_up(end, union_align)) << "before " << frozen[first].name;
      end = frozen[first].offset + round_up(union_size, union_align);
    }
    EXPECT_GT(j, i + 1) << "no members listed";
    EXPECT_EQ(round_up(end, frozen[i].align), frozen[i].size) << "members missing at the end";
  }
  EXPECT_EQ(structs, 6u) << "logagent_str, _value, _field_view, _option, _host, _plugin_descriptor";
}

}  // namespace
