// Unit tests of batches, their arena and the field-name registry.
#include "event/batch.hpp"
#include "event/arena.hpp"
#include "event/key_registry.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

using namespace logagent::core;

namespace {

logagent_value str(std::string_view s) {
  logagent_value v{};
  v.type = LOGAGENT_VALUE_STRING;
  v.as.string = {s.data(), s.size()};
  return v;
}
logagent_value integer(int64_t i) {
  logagent_value v{};
  v.type = LOGAGENT_VALUE_INT;
  v.as.integer = i;
  return v;
}
logagent_value real(double d) {
  logagent_value v{};
  v.type = LOGAGENT_VALUE_FLOAT;
  v.as.real = d;
  return v;
}
logagent_value boolean(bool b) {
  logagent_value v{};
  v.type = LOGAGENT_VALUE_BOOL;
  v.as.boolean = b ? 1 : 0;
  return v;
}
logagent_value of_type(uint32_t type) {
  logagent_value v{};
  v.type = type;
  v.as.children = 12345;  // garbage a plugin might leave: containers must start empty
  return v;
}

std::string_view text_of(const FieldNode* f) {
  EXPECT_NE(f, nullptr);
  if (f == nullptr) return {};
  EXPECT_EQ(f->value.type, uint32_t{LOGAGENT_VALUE_STRING});
  return {f->value.as.string.ptr, f->value.as.string.len};
}

// Keys of an event's top-level fields, in iteration order.
std::vector<logagent_key> keys_of(const Batch& b, uint32_t event) {
  std::vector<logagent_key> keys;
  for (uint32_t f = b.first_field(event); f != 0; f = b.field(f)->next) keys.push_back(b.field(f)->key);
  return keys;
}

// Handles of a container's children, in iteration order.
std::vector<uint32_t> children_of(const Batch& b, uint32_t parent) {
  std::vector<uint32_t> out;
  for (uint32_t f = b.field(parent)->first_child; f != 0; f = b.field(f)->next) out.push_back(f);
  return out;
}

// Batches resolve names through a registry; one for the whole test binary.
KeyRegistry& test_keys() {
  static KeyRegistry keys;
  return keys;
}

class BatchTest : public ::testing::Test {
 protected:
  void SetUp() override { batch.reset("app.web", Batch::Limits{}); }
  Batch batch{test_keys()};
  // Keys are plain integers to the batch; any non-zero values do.
  static constexpr logagent_key kMessage = 1, kLevel = 2, kHost = 3, kCode = 4;
};

// ---------------------------------------------------------------------------------------
// Events

TEST_F(BatchTest, AppendEvents) {
  EXPECT_EQ(batch.tag(), "app.web");
  EXPECT_EQ(batch.size(), 0u);
  EXPECT_EQ(batch.append(100), 0u);
  EXPECT_EQ(batch.append(200), 1u);
  EXPECT_EQ(batch.append(-5), 2u);
  EXPECT_EQ(batch.size(), 3u);
  EXPECT_EQ(batch.live_count(), 3u);
  EXPECT_EQ(batch.time(0), 100);
  EXPECT_EQ(batch.time(1), 200);
  EXPECT_EQ(batch.time(2), -5);
  EXPECT_EQ(batch.time(3), 0);  // no such event
  batch.set_time(1, 250);
  EXPECT_EQ(batch.time(1), 250);
  batch.set_time(9, 1);  // ignored
  EXPECT_EQ(batch.size(), 3u);
  EXPECT_EQ(batch.first_field(0), 0u);
  EXPECT_EQ(batch.first_field(7), 0u);
}

// ---------------------------------------------------------------------------------------
// Fields

TEST_F(BatchTest, SetCopiesStringIntoTheArena) {
  uint32_t e = batch.append(1);
  std::string line = "GET /index.html";
  uint32_t f = batch.set(e, kMessage, str(line), false);
  ASSERT_NE(f, 0u);
  const FieldNode* node = batch.field(f);
  ASSERT_NE(node, nullptr);
  EXPECT_EQ(node->key, kMessage);
  EXPECT_NE(node->value.as.string.ptr, line.data());
  EXPECT_TRUE(batch.arena().owns(node->value.as.string.ptr, node->value.as.string.len));
  line.assign(line.size(), 'x');  // the caller's buffer changes; the field does not
  EXPECT_EQ(text_of(node), "GET /index.html");
  EXPECT_EQ(batch.arena().used(), std::string("GET /index.html").size());
}

TEST_F(BatchTest, SetBorrowKeepsThePointer) {
  uint32_t e = batch.append(1);
  const std::string_view text = "borrowed bytes";
  char* p = batch.allocate(text.size());
  std::memcpy(p, text.data(), text.size());
  const size_t used = batch.arena().used();
  uint32_t f = batch.set(e, kMessage, str({p, text.size()}), true);
  ASSERT_NE(f, 0u);
  EXPECT_EQ(batch.field(f)->value.as.string.ptr, p);
  EXPECT_EQ(text_of(batch.field(f)), text);
  EXPECT_EQ(batch.arena().used(), used);  // nothing copied
}

TEST_F(BatchTest, SubstringOfAnotherFieldCanBeBorrowed) {
  uint32_t e = batch.append(1);
  uint32_t m = batch.set(e, kMessage, str("level=warn host=a"), false);
  const char* base = batch.field(m)->value.as.string.ptr;
  uint32_t l = batch.set(e, kLevel, str({base + 6, 4}), true);
  EXPECT_EQ(text_of(batch.field(l)), "warn");
  EXPECT_EQ(batch.field(l)->value.as.string.ptr, base + 6);
}

TEST_F(BatchTest, ScalarTypes) {
  uint32_t e = batch.append(1);
  uint32_t i = batch.set(e, kCode, integer(-42), false);
  uint32_t d = batch.set(e, kLevel, real(2.5), false);
  uint32_t b = batch.set(e, kHost, boolean(true), false);
  uint32_t n = batch.set(e, kMessage, of_type(LOGAGENT_VALUE_NULL), false);
  EXPECT_EQ(batch.field(i)->value.type, uint32_t{LOGAGENT_VALUE_INT});
  EXPECT_EQ(batch.field(i)->value.as.integer, -42);
  EXPECT_EQ(batch.field(d)->value.as.real, 2.5);
  EXPECT_EQ(batch.field(b)->value.as.boolean, 1);
  EXPECT_EQ(batch.field(n)->value.type, uint32_t{LOGAGENT_VALUE_NULL});
}

TEST_F(BatchTest, UnknownValueTypeReadsAsNull) {
  uint32_t e = batch.append(1);
  logagent_value v{};
  v.type = 99;  // from a newer plugin
  v.reserved = 7;
  uint32_t f = batch.set(e, kMessage, v, false);
  EXPECT_EQ(batch.field(f)->value.type, uint32_t{LOGAGENT_VALUE_NULL});
  EXPECT_EQ(batch.field(f)->value.reserved, 0u);
}

TEST_F(BatchTest, FieldsKeepInsertionOrder) {
  uint32_t e = batch.append(1);
  batch.set(e, kHost, str("a"), false);
  batch.set(e, kMessage, str("b"), false);
  batch.set(e, kLevel, str("c"), false);
  EXPECT_EQ(keys_of(batch, e), (std::vector<logagent_key>{kHost, kMessage, kLevel}));
}

TEST_F(BatchTest, FieldsBelongToTheirEvent) {
  uint32_t e0 = batch.append(1);
  uint32_t e1 = batch.append(2);
  batch.set(e0, kMessage, str("zero"), false);
  batch.set(e1, kMessage, str("one"), false);
  batch.set(e0, kLevel, str("info"), false);
  EXPECT_EQ(keys_of(batch, e0), (std::vector<logagent_key>{kMessage, kLevel}));
  EXPECT_EQ(keys_of(batch, e1), (std::vector<logagent_key>{kMessage}));
  EXPECT_EQ(text_of(batch.field(batch.find(e0, kMessage))), "zero");
  EXPECT_EQ(text_of(batch.field(batch.find(e1, kMessage))), "one");
  EXPECT_EQ(batch.find(e1, kLevel), 0u);
}

TEST_F(BatchTest, ReplaceAnExistingField) {
  uint32_t e = batch.append(1);
  uint32_t first = batch.set(e, kMessage, str("old"), false);
  batch.set(e, kLevel, str("info"), false);
  uint32_t second = batch.set(e, kMessage, integer(7), false);
  EXPECT_EQ(second, first);  // replaced in place: same handle, same position
  EXPECT_EQ(keys_of(batch, e), (std::vector<logagent_key>{kMessage, kLevel}));
  EXPECT_EQ(batch.field(first)->value.type, uint32_t{LOGAGENT_VALUE_INT});
  EXPECT_EQ(batch.field(first)->value.as.integer, 7);
  uint32_t third = batch.set(e, kMessage, str("new"), false);
  EXPECT_EQ(third, first);
  EXPECT_EQ(text_of(batch.field(third)), "new");
  EXPECT_EQ(keys_of(batch, e).size(), 2u);
}

TEST_F(BatchTest, FindAndMissingThings) {
  uint32_t e = batch.append(1);
  EXPECT_EQ(batch.find(e, kMessage), 0u);
  uint32_t f = batch.set(e, kMessage, str("x"), false);
  EXPECT_EQ(batch.find(e, kMessage), f);
  EXPECT_EQ(batch.find(e + 1, kMessage), 0u);
  EXPECT_EQ(batch.set(e + 1, kMessage, str("x"), false), 0u);  // no such event
  EXPECT_EQ(batch.field(0), nullptr);
  EXPECT_EQ(batch.field(f + 100), nullptr);
}

// ---------------------------------------------------------------------------------------
// Maps and arrays

TEST_F(BatchTest, MapChildrenCountAndOrder) {
  uint32_t e = batch.append(1);
  uint32_t map = batch.set(e, kHost, of_type(LOGAGENT_VALUE_MAP), false);
  ASSERT_NE(map, 0u);
  EXPECT_EQ(batch.field(map)->value.type, uint32_t{LOGAGENT_VALUE_MAP});
  EXPECT_EQ(batch.field(map)->value.as.children, 0u);
  EXPECT_EQ(batch.field(map)->first_child, 0u);
  uint32_t a = batch.append_child(map, kMessage, str("a"), false);
  uint32_t b = batch.append_child(map, kLevel, integer(2), false);
  uint32_t c = batch.append_child(map, kCode, str("c"), false);
  EXPECT_EQ(batch.field(map)->value.as.children, 3u);
  EXPECT_EQ(children_of(batch, map), (std::vector<uint32_t>{a, b, c}));
  EXPECT_EQ(batch.field(a)->key, kMessage);
  EXPECT_EQ(batch.field(b)->key, kLevel);
  EXPECT_EQ(batch.field(c)->key, kCode);
  EXPECT_EQ(text_of(batch.field(a)), "a");
  // Children are not top-level fields.
  EXPECT_EQ(keys_of(batch, e), (std::vector<logagent_key>{kHost}));
  EXPECT_EQ(batch.find(e, kMessage), 0u);
}

TEST_F(BatchTest, ArrayChildrenHaveNoKey) {
  uint32_t e = batch.append(1);
  uint32_t arr = batch.set(e, kCode, of_type(LOGAGENT_VALUE_ARRAY), false);
  EXPECT_EQ(batch.field(arr)->value.as.children, 0u);
  for (int i = 0; i < 5; ++i) batch.append_child(arr, kMessage, integer(i), false);
  EXPECT_EQ(batch.field(arr)->value.as.children, 5u);
  auto kids = children_of(batch, arr);
  ASSERT_EQ(kids.size(), 5u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(batch.field(kids[i])->key, LOGAGENT_NO_KEY);
    EXPECT_EQ(batch.field(kids[i])->value.as.integer, i);
  }
}

TEST_F(BatchTest, NestedContainers) {
  uint32_t e = batch.append(1);
  uint32_t arr = batch.set(e, kCode, of_type(LOGAGENT_VALUE_ARRAY), false);
  uint32_t inner = batch.append_child(arr, LOGAGENT_NO_KEY, of_type(LOGAGENT_VALUE_MAP), false);
  batch.append_child(arr, LOGAGENT_NO_KEY, str("after"), false);
  uint32_t x = batch.append_child(inner, kMessage, str("deep"), false);
  EXPECT_EQ(batch.field(arr)->value.as.children, 2u);
  EXPECT_EQ(batch.field(inner)->value.as.children, 1u);
  EXPECT_EQ(children_of(batch, inner), std::vector<uint32_t>{x});
  EXPECT_EQ(text_of(batch.field(x)), "deep");
  EXPECT_EQ(batch.field(x)->next, 0u);
}

TEST_F(BatchTest, ManyChildrenSurviveTableGrowth) {
  // Appending children grows the field table; the parent's links must stay right.
  uint32_t e = batch.append(1);
  uint32_t map = batch.set(e, kHost, of_type(LOGAGENT_VALUE_MAP), false);
  for (int i = 0; i < 1000; ++i) batch.append_child(map, static_cast<logagent_key>(i + 1), integer(i), false);
  EXPECT_EQ(batch.field(map)->value.as.children, 1000u);
  auto kids = children_of(batch, map);
  ASSERT_EQ(kids.size(), 1000u);
  EXPECT_EQ(batch.field(kids.front())->value.as.integer, 0);
  EXPECT_EQ(batch.field(kids.back())->value.as.integer, 999);
}

TEST_F(BatchTest, AppendChildToANonContainerFails) {
  uint32_t e = batch.append(1);
  uint32_t s = batch.set(e, kMessage, str("x"), false);
  EXPECT_EQ(batch.append_child(s, kLevel, integer(1), false), 0u);
  EXPECT_EQ(batch.append_child(0, kLevel, integer(1), false), 0u);
  EXPECT_EQ(batch.append_child(s + 50, kLevel, integer(1), false), 0u);
}

TEST_F(BatchTest, ReplacingAContainerEmptiesIt) {
  uint32_t e = batch.append(1);
  uint32_t map = batch.set(e, kHost, of_type(LOGAGENT_VALUE_MAP), false);
  batch.append_child(map, kMessage, str("a"), false);
  batch.append_child(map, kLevel, str("b"), false);
  EXPECT_EQ(batch.set(e, kHost, of_type(LOGAGENT_VALUE_MAP), false), map);
  EXPECT_EQ(batch.field(map)->value.as.children, 0u);
  EXPECT_EQ(batch.field(map)->first_child, 0u);
  uint32_t c = batch.append_child(map, kCode, str("c"), false);
  EXPECT_EQ(children_of(batch, map), std::vector<uint32_t>{c});
  EXPECT_EQ(batch.field(map)->value.as.children, 1u);
  // Replaced by a scalar: no children left, and no longer a container.
  EXPECT_EQ(batch.set(e, kHost, integer(1), false), map);
  EXPECT_EQ(batch.field(map)->first_child, 0u);
  EXPECT_EQ(batch.append_child(map, kCode, str("d"), false), 0u);
}

// ---------------------------------------------------------------------------------------
// Dropping

TEST_F(BatchTest, DropBitmapBeyond64Events) {
  for (int i = 0; i < 200; ++i) batch.append(i);
  const std::vector<uint32_t> drops = {0, 63, 64, 127, 128, 199};
  for (uint32_t d : drops) batch.drop(d);
  for (uint32_t i = 0; i < 200; ++i) {
    bool expected = std::find(drops.begin(), drops.end(), i) != drops.end();
    EXPECT_EQ(batch.dropped(i), expected) << "event " << i;
  }
  EXPECT_EQ(batch.size(), 200u);
  EXPECT_EQ(batch.live_count(), 194u);
  batch.drop(64);  // twice counts once
  EXPECT_EQ(batch.live_count(), 194u);
  batch.drop(200);  // no such event
  batch.drop(100000);
  EXPECT_EQ(batch.live_count(), 194u);
  EXPECT_TRUE(batch.dropped(200));  // out of range reads as dropped
}

TEST_F(BatchTest, DroppingKeepsFieldsAndTimes) {
  uint32_t e = batch.append(5);
  batch.set(e, kMessage, str("m"), false);
  batch.drop(e);
  EXPECT_EQ(batch.time(e), 5);
  EXPECT_NE(batch.find(e, kMessage), 0u);
}

// ---------------------------------------------------------------------------------------
// Limits

TEST(BatchLimits, FullByEvents) {
  Batch b{test_keys()};
  b.reset("t", Batch::Limits{3, 1 << 20});
  b.append(0);
  b.append(0);
  EXPECT_FALSE(b.full());
  b.append(0);
  EXPECT_TRUE(b.full());
}

TEST(BatchLimits, FullByBytes) {
  Batch b{test_keys()};
  b.reset("t", Batch::Limits{2048, 100});
  uint32_t e = b.append(0);
  b.allocate(60);
  EXPECT_FALSE(b.full());
  b.set(e, 1, str(std::string(39, 'x')), false);
  EXPECT_EQ(b.arena().used(), 99u);
  EXPECT_FALSE(b.full());
  b.allocate(1);
  EXPECT_TRUE(b.full());
}

TEST(BatchLimits, DefaultLimits) {
  Batch b{test_keys()};
  b.reset("t", Batch::Limits{});
  for (int i = 0; i < 2047; ++i) b.append(0);
  EXPECT_FALSE(b.full());
  b.append(0);
  EXPECT_TRUE(b.full());
}

TEST(BatchLimits, BytesGrowWithEventsFieldsAndArena) {
  Batch b{test_keys()};
  b.reset("t", Batch::Limits{});
  const size_t empty = b.bytes();
  uint32_t e = b.append(0);
  const size_t one_event = b.bytes();
  EXPECT_EQ(one_event, empty + sizeof(EventSlot));
  b.set(e, 1, str("0123456789"), false);
  EXPECT_EQ(b.bytes(), one_event + sizeof(FieldNode) + 10);
}

// ---------------------------------------------------------------------------------------
// Reset and recycling

TEST(BatchReset, ClearsEverything) {
  Batch b{test_keys()};
  b.reset("first", Batch::Limits{});
  for (int i = 0; i < 70; ++i) b.append(i);
  b.set(0, 1, str("x"), false);
  b.drop(0);
  b.drop(65);
  b.reset("second", Batch::Limits{});
  EXPECT_EQ(b.tag(), "second");
  EXPECT_EQ(b.size(), 0u);
  EXPECT_EQ(b.live_count(), 0u);
  EXPECT_EQ(b.arena().used(), 0u);
  uint32_t e = b.append(1);
  EXPECT_EQ(e, 0u);
  EXPECT_FALSE(b.dropped(0));  // the old bitmap is gone
  EXPECT_EQ(b.first_field(0), 0u);
  EXPECT_EQ(b.find(0, 1), 0u);
  for (int i = 1; i < 70; ++i) b.append(i);
  EXPECT_FALSE(b.dropped(65));
  EXPECT_EQ(b.live_count(), 70u);
}

TEST(BatchReset, KeepsNoOversizedChunk) {
  Batch b{test_keys()};
  b.reset("t", Batch::Limits{});
  b.allocate(100);
  const size_t standard = b.arena().reserved();
  EXPECT_EQ(standard, 64u * 1024);
  b.allocate(3 << 20);  // a huge line
  EXPECT_GE(b.arena().reserved(), standard + (3u << 20));
  b.reset("t", Batch::Limits{});
  EXPECT_EQ(b.arena().reserved(), standard);
}

TEST(ArenaTest, ChunksAndReuse) {
  Arena a(1024);
  EXPECT_EQ(a.reserved(), 0u);
  char* p = a.allocate(100);
  char* q = a.allocate(100);
  EXPECT_EQ(q, p + 100);  // bump allocation
  EXPECT_EQ(a.used(), 200u);
  EXPECT_EQ(a.reserved(), 1024u);
  char* r = a.allocate(900);  // does not fit in the rest: a second chunk
  EXPECT_EQ(a.reserved(), 2048u);
  EXPECT_TRUE(a.owns(r, 900));
  EXPECT_TRUE(a.owns(p, 200));
  EXPECT_FALSE(a.owns(p, 2000));
  char outside[8];
  EXPECT_FALSE(a.owns(outside, 8));
  a.reset(4096);
  EXPECT_EQ(a.used(), 0u);
  EXPECT_EQ(a.reserved(), 2048u);  // standard chunks are kept
  EXPECT_EQ(a.allocate(10), p);    // and reused from the first
  EXPECT_EQ(a.allocate(1014), p + 10);
  EXPECT_EQ(a.allocate(1000), r);  // then the second
  EXPECT_EQ(a.reserved(), 2048u);  // nothing new
}

TEST(ArenaTest, OversizedChunkFreedOnReset) {
  Arena a(1024);
  char* first = a.allocate(10);
  char* big = a.allocate(5000);
  EXPECT_EQ(a.reserved(), 1024u + 5000u);
  std::memset(big, 'x', 5000);
  char* after = a.allocate(10);  // the standard chunk goes on being filled
  EXPECT_EQ(after, first + 10);
  a.allocate(2000);  // a second oversized one
  EXPECT_EQ(a.allocate(1000), first + 20);
  a.reset(1 << 20);
  EXPECT_EQ(a.reserved(), 1024u);
  // The kept chunk serves a steady state with no new allocation.
  for (int i = 0; i < 10; ++i) a.allocate(100);
  EXPECT_EQ(a.reserved(), 1024u);
}

// Oversized allocations between standard ones, batch after batch (a read region that has
// to carry a long tail): the kept chunks are reused, not skipped and joined by new ones.
TEST(ArenaTest, OversizedAllocationsDoNotGrowTheKeptChunks) {
  Arena a(1024);
  for (int round = 0; round < 100; ++round) {
    a.reset(8192);
    for (int i = 0; i < 3; ++i) a.allocate(1024);
    a.allocate(1500);
    for (int i = 0; i < 2; ++i) a.allocate(1024);
    EXPECT_EQ(a.reserved(), 5u * 1024 + 1500) << "round " << round;
  }
}

TEST(ArenaTest, ResetKeepsChunksForTheByteLimitOnly) {
  Arena a(1024);
  for (int i = 0; i < 10; ++i) a.allocate(1024);
  EXPECT_EQ(a.reserved(), 10u * 1024);
  a.reset(2048);
  EXPECT_EQ(a.reserved(), 3u * 1024);
}

TEST(ArenaTest, OnlyOversizedChunksThenReset) {
  Arena a(1024);
  a.allocate(4096);
  a.reset(4096);
  EXPECT_EQ(a.reserved(), 0u);
  char* p = a.allocate(16);
  EXPECT_TRUE(a.owns(p, 16));
  EXPECT_EQ(a.reserved(), 1024u);
}

TEST(ArenaTest, CopyAndEmpty) {
  Arena a(64);
  const char* copied = a.copy("hello", 5);
  EXPECT_EQ(std::string_view(copied, 5), "hello");
  a.copy(nullptr, 0);
  EXPECT_EQ(a.used(), 5u);
}

// ---------------------------------------------------------------------------------------
// Key registry

TEST(KeyRegistryTest, SameNameSameKey) {
  KeyRegistry keys;
  logagent_key message = keys.intern("message");
  EXPECT_NE(message, LOGAGENT_NO_KEY);
  EXPECT_EQ(keys.intern("message"), message);
  std::string dynamic = std::string("mess") + "age";
  EXPECT_EQ(keys.intern(dynamic), message);
  EXPECT_EQ(keys.name(message), "message");
}

TEST(KeyRegistryTest, DistinctNamesDistinctKeys) {
  KeyRegistry keys;
  logagent_key a = keys.intern("message");
  logagent_key b = keys.intern("level");
  logagent_key c = keys.intern("Message");  // case matters
  logagent_key d = keys.intern("");
  EXPECT_EQ(a, 1u);  // a fresh registry counts from 1
  EXPECT_EQ(b, 2u);
  EXPECT_EQ(c, 3u);
  EXPECT_EQ(d, 4u);
  EXPECT_EQ(keys.name(b), "level");
  EXPECT_EQ(keys.name(c), "Message");
  EXPECT_EQ(keys.name(d), "");
}

TEST(KeyRegistryTest, NamesOutliveTheCallersString) {
  KeyRegistry keys;
  logagent_key k;
  {
    std::string temporary = "a field name long enough to live on the heap";
    k = keys.intern(temporary);
    temporary.assign(temporary.size(), 'x');
  }
  EXPECT_EQ(keys.name(k), "a field name long enough to live on the heap");
  EXPECT_EQ(keys.intern("a field name long enough to live on the heap"), k);
}

TEST(KeyRegistryTest, UnknownKeysHaveNoName) {
  KeyRegistry keys;
  keys.intern("one");
  EXPECT_EQ(keys.name(LOGAGENT_NO_KEY), "");
  EXPECT_EQ(keys.name(2), "");
  EXPECT_EQ(keys.name(KeyRegistry::kCapacity + 5), "");
}

TEST(KeyRegistryTest, FullRegistryThrows) {
  KeyRegistry keys;
  logagent_key last = 0;
  for (uint32_t i = 1; i < KeyRegistry::kCapacity; ++i) last = keys.intern("k" + std::to_string(i));
  EXPECT_EQ(last, KeyRegistry::kCapacity - 1);
  EXPECT_THROW(keys.intern("one too many"), std::length_error);
  EXPECT_EQ(keys.intern("k1"), 1u);  // known names still resolve
  EXPECT_EQ(keys.name(last), "k" + std::to_string(KeyRegistry::kCapacity - 1));
}

TEST(KeyRegistryTest, ConcurrentInternAgrees) {
  KeyRegistry keys;
  constexpr int kThreads = 4, kNames = 500;
  std::vector<std::vector<logagent_key>> seen(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kNames; ++i) seen[t].push_back(keys.intern("f" + std::to_string(i)));
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 1; t < kThreads; ++t) EXPECT_EQ(seen[t], seen[0]);
  for (int i = 0; i < kNames; ++i) EXPECT_EQ(keys.name(seen[0][i]), "f" + std::to_string(i));
  EXPECT_EQ(keys.intern("new"), static_cast<logagent_key>(kNames + 1));
}

TEST(KeyRegistryTest, FindNeverAdds) {
  KeyRegistry keys;
  EXPECT_EQ(keys.find("status"), LOGAGENT_NO_KEY);
  const logagent_key k = keys.intern("status");
  EXPECT_EQ(keys.find("status"), k);
  EXPECT_EQ(keys.find("statu"), LOGAGENT_NO_KEY);
  EXPECT_EQ(keys.find(""), LOGAGENT_NO_KEY);
  EXPECT_EQ(keys.intern("other"), k + 1);  // find added nothing in between
}

TEST(KeyRegistryTest, FindRacesWithIntern) {
  KeyRegistry keys;
  constexpr int kNames = 5000;
  std::atomic<bool> done{false};
  std::thread reader([&] {
    // Every answer is either "not yet" or the right key: never another name's.
    while (!done.load()) {
      for (int i = 0; i < kNames; i += 97) {
        const logagent_key k = keys.find("n" + std::to_string(i));
        if (k != LOGAGENT_NO_KEY) {
          ASSERT_EQ(keys.name(k), "n" + std::to_string(i));
        }
      }
    }
  });
  for (int i = 0; i < kNames; ++i) keys.intern("n" + std::to_string(i));
  done = true;
  reader.join();
  for (int i = 0; i < kNames; ++i) EXPECT_EQ(keys.find("n" + std::to_string(i)), static_cast<logagent_key>(i + 1));
}

// ---------------------------------------------------------------------------------------
// Names met only in the data, removal, lookups

class NamedFieldTest : public ::testing::Test {
 protected:
  void SetUp() override {
    status_ = keys_.intern("status");
    batch_.reset("app", Batch::Limits{});
    event_ = batch_.append(0);
  }
  KeyRegistry keys_;
  Batch batch_{keys_};
  logagent_key status_ = 0;
  uint32_t event_ = 0;
};

TEST_F(NamedFieldTest, AnInternedNameGetsItsKey) {
  uint32_t f = batch_.set_named(event_, "status", integer(200), 0);
  ASSERT_NE(f, 0u);
  EXPECT_EQ(batch_.field(f)->key, status_);
  EXPECT_EQ(batch_.find(event_, status_), f);
  EXPECT_EQ(batch_.find_named(event_, "status"), f);
  EXPECT_EQ(batch_.name_of(status_), "status");
}

TEST_F(NamedFieldTest, AnotherNameIsStoredInTheBatchNotTheRegistry) {
  std::string name = "user_agent";
  uint32_t f = batch_.set_named(event_, name, str("curl"), 0);
  name = "overwritten";  // the batch copied it
  ASSERT_NE(f, 0u);
  const logagent_key key = batch_.field(f)->key;
  EXPECT_NE(key & LOGAGENT_KEY_LOCAL_BIT, 0u);
  EXPECT_EQ(batch_.name_of(key), "user_agent");
  EXPECT_EQ(keys_.find("user_agent"), LOGAGENT_NO_KEY);
  EXPECT_EQ(batch_.find_named(event_, "user_agent"), f);
  EXPECT_EQ(batch_.find_named(event_, "user"), 0u);
  // Setting it again replaces the value in place.
  EXPECT_EQ(batch_.set_named(event_, "user_agent", str("wget"), 0), f);
  EXPECT_EQ(text_of(batch_.field(f)), "wget");
  EXPECT_EQ(keys_of(batch_, event_).size(), 1u);
}

// plugin.h: a local key read back from a field names that field's name again in the batch,
// given to set and append_child, with no lookup by name.
TEST_F(NamedFieldTest, ALocalKeyReadBackNamesItsNameAgainInTheBatch) {
  const uint32_t map = batch_.set_named(event_, "sd", logagent_value{LOGAGENT_VALUE_MAP, 0, {}}, 0);
  const uint32_t first = batch_.append_child_named(map, "origin", str("a"), 0);
  const logagent_key key = batch_.field(first)->key;
  ASSERT_NE(key & LOGAGENT_KEY_LOCAL_BIT, 0u);
  const uint32_t again = batch_.append_child(map, key, str("b"), 0);
  EXPECT_EQ(batch_.field(again)->key, key);
  EXPECT_EQ(batch_.name_of(batch_.field(again)->key), "origin");
  const uint32_t e2 = batch_.append(0);
  const uint32_t top = batch_.set(e2, key, integer(3), 0);
  EXPECT_EQ(batch_.find_named(e2, "origin"), top);
}

TEST_F(NamedFieldTest, LocalNamesAreForgottenOnReset) {
  batch_.set_named(event_, "a_local_name", integer(1), 0);
  batch_.reset("app", Batch::Limits{});
  const uint32_t e = batch_.append(0);
  EXPECT_EQ(batch_.find_named(e, "a_local_name"), 0u);
  uint32_t f = batch_.set_named(e, "second", integer(2), 0);
  EXPECT_EQ(batch_.field(f)->key, LOGAGENT_KEY_LOCAL_BIT | 0u);  // the table starts over
  EXPECT_EQ(batch_.name_of(LOGAGENT_KEY_LOCAL_BIT | 5u), "");
}

TEST_F(NamedFieldTest, BorrowedNameAndValueAreNotCopied) {
  char* text = batch_.allocate(9);
  std::memcpy(text, "keyvalue!", 9);
  uint32_t f = batch_.set_named(event_, std::string_view(text, 3), str({text + 3, 5}), LOGAGENT_SET_BORROW);
  EXPECT_EQ(batch_.name_of(batch_.field(f)->key).data(), text);
  EXPECT_EQ(batch_.field(f)->value.as.string.ptr, text + 3);
}

TEST_F(NamedFieldTest, SetNewAppendsWithoutLooking) {
  uint32_t a = batch_.set(event_, status_, integer(1), LOGAGENT_SET_NEW);
  uint32_t b = batch_.set(event_, status_, integer(2), LOGAGENT_SET_NEW);  // the caller's promise broken: two fields
  EXPECT_NE(a, b);
  EXPECT_EQ(keys_of(batch_, event_), (std::vector<logagent_key>{status_, status_}));
  uint32_t c = batch_.set_named(event_, "x", integer(3), LOGAGENT_SET_NEW);
  EXPECT_EQ(batch_.find_named(event_, "x"), c);
}

TEST_F(NamedFieldTest, ChildrenOfAMapByKeyAndByName) {
  uint32_t map = batch_.set_named(event_, "http", of_type(LOGAGENT_VALUE_MAP), 0);
  uint32_t s = batch_.append_child_named(map, "status", integer(404), 0);
  uint32_t m = batch_.append_child_named(map, "method", str("GET"), 0);
  EXPECT_EQ(batch_.field(s)->key, status_);
  EXPECT_EQ(batch_.find_child(map, status_), s);
  EXPECT_EQ(batch_.find_child_named(map, "status"), s);
  EXPECT_EQ(batch_.find_child_named(map, "method"), m);
  EXPECT_EQ(batch_.find_child_named(map, "path"), 0u);
  EXPECT_EQ(batch_.find_child(s, status_), 0u);  // not a map
  uint32_t arr = batch_.set_named(event_, "tags", of_type(LOGAGENT_VALUE_ARRAY), 0);
  uint32_t item = batch_.append_child_named(arr, "ignored", str("a"), 0);
  EXPECT_EQ(batch_.field(item)->key, LOGAGENT_NO_KEY);
  EXPECT_EQ(batch_.find_child_named(arr, "ignored"), 0u);
}

TEST_F(NamedFieldTest, RemoveUnlinksFirstMiddleAndLast) {
  uint32_t a = batch_.set_named(event_, "a", integer(1), 0);
  uint32_t b = batch_.set_named(event_, "b", integer(2), 0);
  uint32_t c = batch_.set_named(event_, "c", integer(3), 0);
  uint32_t d = batch_.set_named(event_, "d", integer(4), 0);
  auto names = [&] {
    std::vector<std::string_view> out;
    for (uint32_t f = batch_.first_field(event_); f != 0; f = batch_.field(f)->next)
      out.push_back(batch_.name_of(batch_.field(f)->key));
    return out;
  };
  EXPECT_TRUE(batch_.remove(event_, b));
  EXPECT_EQ(names(), (std::vector<std::string_view>{"a", "c", "d"}));
  EXPECT_TRUE(batch_.remove(event_, a));
  EXPECT_TRUE(batch_.remove(event_, d));
  EXPECT_EQ(names(), (std::vector<std::string_view>{"c"}));
  EXPECT_FALSE(batch_.remove(event_, d));  // no longer the event's
  EXPECT_EQ(batch_.find_named(event_, "d"), 0u);
  // Appending after removing the last field links after the new last one.
  batch_.set_named(event_, "e", integer(5), 0);
  EXPECT_EQ(names(), (std::vector<std::string_view>{"c", "e"}));
  EXPECT_TRUE(batch_.remove(event_, c));
  EXPECT_EQ(names(), (std::vector<std::string_view>{"e"}));
  const uint32_t other = batch_.append(0);
  uint32_t f = batch_.set_named(other, "z", integer(0), 0);
  EXPECT_FALSE(batch_.remove(event_, f));  // a field of another event
}

TEST_F(NamedFieldTest, ALocalNameIsStoredOnceForEveryEventOfTheBatch) {
  std::vector<uint32_t> events{event_};
  for (int i = 0; i < 999; ++i) events.push_back(batch_.append(0));
  std::vector<logagent_key> seen;
  for (uint32_t e : events) {
    const std::string name = "level";  // a new string each time: the batch compares bytes
    seen.push_back(batch_.field(batch_.set_named(e, name, str("info"), 0))->key);
  }
  EXPECT_NE(seen[0] & LOGAGENT_KEY_LOCAL_BIT, 0u);
  EXPECT_TRUE(std::all_of(seen.begin(), seen.end(), [&](logagent_key k) { return k == seen[0]; }));
  // The same name under a map gets the same key too; a different one another.
  const uint32_t map = batch_.set_named(event_, "http", of_type(LOGAGENT_VALUE_MAP), 0);
  EXPECT_EQ(batch_.field(batch_.append_child_named(map, "level", integer(1), 0))->key, seen[0]);
  EXPECT_NE(batch_.field(batch_.append_child_named(map, "levels", integer(2), 0))->key, seen[0]);
  for (uint32_t e : events) EXPECT_EQ(text_of(batch_.field(batch_.find_named(e, "level"))), "info");
}

TEST_F(NamedFieldTest, ManyLocalNamesStayFindable) {
  // Past every growth of the batch's name table, each name still finds its own field.
  for (int i = 0; i < 5000; ++i) batch_.set_named(event_, "name" + std::to_string(i), integer(i), 0);
  for (int i = 0; i < 5000; ++i) {
    const uint32_t f = batch_.find_named(event_, "name" + std::to_string(i));
    ASSERT_NE(f, 0u) << i;
    EXPECT_EQ(batch_.field(f)->value.as.integer, i);
  }
  EXPECT_EQ(batch_.find_named(event_, "name5000"), 0u);
}

TEST_F(NamedFieldTest, ANameInternedAfterTheBatchStoredItStillFindsItsField) {
  const uint32_t f = batch_.set_named(event_, "late", integer(1), 0);
  const logagent_key local = batch_.field(f)->key;
  EXPECT_NE(local & LOGAGENT_KEY_LOCAL_BIT, 0u);
  const logagent_key interned = keys_.intern("late");
  EXPECT_EQ(batch_.find_named(event_, "late"), f);
  // Setting it by name replaces that field rather than adding a second "late".
  EXPECT_EQ(batch_.set_named(event_, "late", integer(2), 0), f);
  EXPECT_EQ(keys_of(batch_, event_).size(), 1u);
  // In another event it gets the interned key; in the next batch too.
  const uint32_t other = batch_.append(0);
  EXPECT_EQ(batch_.field(batch_.set_named(other, "late", integer(3), 0))->key, interned);
  batch_.reset("app", Batch::Limits{});
  const uint32_t e = batch_.append(0);
  EXPECT_EQ(batch_.field(batch_.set_named(e, "late", integer(4), 0))->key, interned);
}

TEST_F(NamedFieldTest, FindByKeyAfterRemovalAndReplacement) {
  // The event's key bits only ever say "maybe": a removed field is not found, a later one is.
  const uint32_t a = batch_.set(event_, status_, integer(1), 0);
  EXPECT_TRUE(batch_.remove(event_, a));
  EXPECT_EQ(batch_.find(event_, status_), 0u);
  const uint32_t b = batch_.set(event_, status_, integer(2), 0);
  EXPECT_NE(b, a);
  EXPECT_EQ(batch_.find(event_, status_), b);
  // 64 keys apart share a bit: each still finds its own field.
  std::vector<logagent_key> keys;
  for (int i = 0; i < 130; ++i) keys.push_back(keys_.intern("k" + std::to_string(i)));
  const uint32_t e = batch_.append(0);
  for (size_t i = 0; i < keys.size(); i += 2) batch_.set(e, keys[i], integer(static_cast<int64_t>(i)), 0);
  for (size_t i = 0; i < keys.size(); ++i) {
    const uint32_t f = batch_.find(e, keys[i]);
    if (i % 2 == 0) {
      ASSERT_NE(f, 0u) << i;
      EXPECT_EQ(batch_.field(f)->value.as.integer, static_cast<int64_t>(i));
    } else {
      EXPECT_EQ(f, 0u) << i;
    }
  }
}

// plugin.h promises LOGAGENT_BATCH_PADDING readable bytes after every string of a batch.
TEST(ArenaTest, EveryChunkIsFollowedByReadablePadding) {
  Arena arena(1024);
  for (size_t size : {size_t{1}, size_t{1023}, size_t{1024}, size_t{5000}}) {
    char* p = arena.allocate(size);
    volatile char sum = 0;
    for (size_t i = 0; i < size + LOGAGENT_BATCH_PADDING; ++i) sum = static_cast<char>(sum + p[i]);  // ASan checks
    (void)sum;
  }
}

}  // namespace
