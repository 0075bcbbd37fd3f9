// Unit tests of the SDK's AckTracker: checkpoints per stream under acknowledgements in any order.
#include <logagent/ack_tracker.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <vector>

namespace {

using logagent::AckTracker;
using Checkpoints = std::vector<std::pair<uint64_t, uint64_t>>;

Checkpoints sorted(std::span<const AckTracker::Checkpoint> advanced) {
  Checkpoints out;
  for (const auto& c : advanced) out.emplace_back(c.stream, c.position);
  std::sort(out.begin(), out.end());
  return out;
}

TEST(AckTracker, NothingRecordedMeansNoCheckpointAndNothingPending) {
  AckTracker tracker;
  EXPECT_FALSE(tracker.pending());
  EXPECT_FALSE(tracker.pending(1));
  EXPECT_EQ(tracker.checkpoint(1), std::nullopt);
  EXPECT_TRUE(tracker.ack(7).empty());
}

TEST(AckTracker, InOrderAcksMoveTheCheckpointEachTime) {
  AckTracker tracker;
  tracker.record(1, 10, 100);
  tracker.record(2, 10, 250);
  EXPECT_TRUE(tracker.pending());
  EXPECT_TRUE(tracker.pending(10));
  EXPECT_EQ(sorted(tracker.ack(1)), (Checkpoints{{10, 100}}));
  EXPECT_EQ(tracker.checkpoint(10), 100u);
  EXPECT_EQ(sorted(tracker.ack(2)), (Checkpoints{{10, 250}}));
  EXPECT_EQ(tracker.checkpoint(10), 250u);
  EXPECT_FALSE(tracker.pending());
  EXPECT_FALSE(tracker.pending(10));
}

TEST(AckTracker, ALaterAckWaitsForTheEarlierBatch) {
  AckTracker tracker;
  tracker.record(1, 10, 100);
  tracker.record(2, 10, 200);
  tracker.record(3, 10, 300);
  EXPECT_TRUE(tracker.ack(3).empty());
  EXPECT_TRUE(tracker.ack(2).empty());
  EXPECT_EQ(tracker.checkpoint(10), std::nullopt);
  EXPECT_EQ(sorted(tracker.ack(1)), (Checkpoints{{10, 300}}));
  EXPECT_FALSE(tracker.pending());
}

TEST(AckTracker, OneBatchSpanningSeveralStreams) {
  AckTracker tracker;
  tracker.record(1, 10, 100);
  tracker.record(1, 20, 40);
  tracker.record(2, 20, 90);
  tracker.record(3, 10, 150);
  tracker.record(3, 30, 5);
  // Batch 2 is stream 20's second: done, but waits for batch 1.
  EXPECT_TRUE(tracker.ack(2).empty());
  EXPECT_EQ(sorted(tracker.ack(3)), (Checkpoints{{30, 5}}));
  EXPECT_EQ(sorted(tracker.ack(1)), (Checkpoints{{10, 150}, {20, 90}}));
  EXPECT_FALSE(tracker.pending());
}

TEST(AckTracker, TheSameStreamTwiceInABatchKeepsTheLargerEnd) {
  AckTracker tracker;
  tracker.record(1, 10, 100);
  tracker.record(1, 10, 180);
  tracker.record(1, 10, 120);
  EXPECT_EQ(sorted(tracker.ack(1)), (Checkpoints{{10, 180}}));
}

TEST(AckTracker, ABatchEndingWhereTheStreamWasMovesNothing) {
  AckTracker tracker;
  tracker.record(1, 10, 100);
  tracker.record(2, 10, 100);  // only pieces of a long line: no complete line
  EXPECT_EQ(sorted(tracker.ack(1)), (Checkpoints{{10, 100}}));
  EXPECT_TRUE(tracker.ack(2).empty());
  EXPECT_EQ(tracker.checkpoint(10), 100u);
  EXPECT_FALSE(tracker.pending());
}

TEST(AckTracker, StartGivesTheCheckpointBeforeAnyAck) {
  AckTracker tracker;
  tracker.start(10, 5000);
  EXPECT_EQ(tracker.checkpoint(10), 5000u);
  tracker.record(1, 10, 5100);
  tracker.record(2, 10, 5200);
  EXPECT_TRUE(tracker.ack(2).empty());
  EXPECT_EQ(tracker.checkpoint(10), 5000u);
  EXPECT_EQ(sorted(tracker.ack(1)), (Checkpoints{{10, 5200}}));
}

TEST(AckTracker, UnknownAndRepeatedCookiesChangeNothing) {
  AckTracker tracker;
  tracker.record(5, 10, 100);
  tracker.record(9, 10, 200);
  EXPECT_TRUE(tracker.ack(4).empty());
  EXPECT_TRUE(tracker.ack(7).empty());
  EXPECT_TRUE(tracker.ack(9).empty());
  EXPECT_TRUE(tracker.ack(9).empty());
  EXPECT_EQ(sorted(tracker.ack(5)), (Checkpoints{{10, 200}}));
  EXPECT_TRUE(tracker.ack(5).empty());
  EXPECT_FALSE(tracker.pending());
}

TEST(AckTracker, ForgetDropsTheStreamAndItsBatchesInFlight) {
  AckTracker tracker;
  tracker.record(1, 10, 100);
  tracker.record(1, 20, 50);
  tracker.record(2, 10, 200);
  tracker.forget(10);
  EXPECT_FALSE(tracker.pending(10));
  EXPECT_EQ(tracker.checkpoint(10), std::nullopt);
  EXPECT_TRUE(tracker.pending());  // batch 1 still carries stream 20
  EXPECT_EQ(sorted(tracker.ack(1)), (Checkpoints{{20, 50}}));
  EXPECT_TRUE(tracker.pending());  // batch 2 is still in flight, though it moves nothing now
  // The same id recorded again is a new stream: the old batch's ack does not move it.
  tracker.record(3, 10, 30);
  EXPECT_TRUE(tracker.ack(2).empty());
  EXPECT_EQ(tracker.checkpoint(10), std::nullopt);
  EXPECT_EQ(sorted(tracker.ack(3)), (Checkpoints{{10, 30}}));
  EXPECT_FALSE(tracker.pending());
}

TEST(AckTracker, ForEachCheckpointListsEveryKnownStream) {
  AckTracker tracker;
  tracker.start(1, 7);
  tracker.record(1, 2, 70);
  tracker.record(2, 3, 80);
  tracker.ack(1);
  std::map<uint64_t, uint64_t> seen;
  tracker.for_each_checkpoint([&](uint64_t stream, uint64_t position) { seen[stream] = position; });
  EXPECT_EQ(seen, (std::map<uint64_t, uint64_t>{{1, 7}, {2, 70}}));
}

// ---- random orders against a brute-force model ---------------------------------------------

// Keeps every (batch, stream, end) ever recorded and computes each checkpoint from scratch:
// the end of the last batch of the longest finished prefix of the stream's batches.
class Model {
 public:
  void start(uint64_t stream, uint64_t position) { start_[stream] = position; }
  void record(uint64_t cookie, uint64_t stream, uint64_t end) {
    if (!batches_.empty() && batches_.back().cookie == cookie) {
      for (Part& p : batches_.back().parts) {
        if (p.stream == stream && p.live) {
          p.end = std::max(p.end, end);
          return;
        }
      }
      batches_.back().parts.push_back(Part{stream, end, true});
      return;
    }
    batches_.push_back(Batch{cookie, {Part{stream, end, true}}, false});
  }
  void ack(uint64_t cookie) {
    for (Batch& b : batches_) {
      if (b.cookie == cookie) b.finished = true;
    }
  }
  void forget(uint64_t stream) {
    start_.erase(stream);
    for (Batch& b : batches_) {
      for (Part& p : b.parts) {
        if (p.stream == stream) p.live = false;
      }
    }
  }
  std::optional<uint64_t> checkpoint(uint64_t stream) const {
    std::optional<uint64_t> result;
    if (auto it = start_.find(stream); it != start_.end()) result = it->second;
    for (const Batch& b : batches_) {
      for (const Part& p : b.parts) {
        if (p.stream != stream || !p.live) continue;
        if (!b.finished) return result;
        result = p.end;
      }
    }
    return result;
  }
  bool pending() const {
    return std::any_of(batches_.begin(), batches_.end(), [](const Batch& b) { return !b.finished; });
  }
  bool pending(uint64_t stream) const {
    for (const Batch& b : batches_) {
      for (const Part& p : b.parts) {
        if (p.stream == stream && p.live && !b.finished) return true;
      }
    }
    return false;
  }
  std::vector<uint64_t> unfinished() const {
    std::vector<uint64_t> out;
    for (const Batch& b : batches_) {
      if (!b.finished) out.push_back(b.cookie);
    }
    return out;
  }

 private:
  struct Part {
    uint64_t stream;
    uint64_t end;
    bool live;  // not forgotten since it was recorded
  };
  struct Batch {
    uint64_t cookie;
    std::vector<Part> parts;
    bool finished;
  };
  std::vector<Batch> batches_;
  std::map<uint64_t, uint64_t> start_;
};

void run_random(uint32_t seed) {
  std::mt19937 rng(seed);
  auto below = [&](uint32_t n) { return static_cast<uint32_t>(rng() % n); };
  const uint32_t streams = 1 + below(6);
  const uint32_t batches = 1 + below(200);
  const bool with_forget = below(3) == 0;

  AckTracker tracker;
  Model model;
  std::vector<uint64_t> position(streams, 0);
  for (uint64_t s = 0; s < streams; ++s) {
    if (below(3) == 0) {
      position[s] = below(1000);
      tracker.start(s, position[s]);
      model.start(s, position[s]);
    }
  }

  auto check = [&](const char* after, uint64_t cookie) {
    SCOPED_TRACE(testing::Message() << "seed " << seed << ", after " << after << " " << cookie);
    ASSERT_EQ(tracker.pending(), model.pending());
    for (uint64_t s = 0; s < streams; ++s) {
      ASSERT_EQ(tracker.checkpoint(s), model.checkpoint(s)) << "stream " << s;
      ASSERT_EQ(tracker.pending(s), model.pending(s)) << "stream " << s;
    }
  };
  auto ack = [&](uint64_t cookie) {
    std::map<uint64_t, std::optional<uint64_t>> before;
    for (uint64_t s = 0; s < streams; ++s) before[s] = model.checkpoint(s);
    model.ack(cookie);
    Checkpoints expected;
    for (uint64_t s = 0; s < streams; ++s) {
      const std::optional<uint64_t> now = model.checkpoint(s);
      if (now != before[s]) expected.emplace_back(s, *now);
    }
    const Checkpoints got = sorted(tracker.ack(cookie));
    ASSERT_EQ(got, expected) << "seed " << seed << ", ack " << cookie;
    check("ack", cookie);
  };

  uint64_t cookie = 0;
  uint32_t emitted = 0;
  while (emitted < batches || !model.unfinished().empty()) {
    const std::vector<uint64_t> open = model.unfinished();
    const uint32_t choice = below(10);
    if (emitted < batches && (open.empty() || choice < 5)) {
      cookie += 1 + below(3);  // cookies grow in emit order, not always by one
      const uint32_t parts = 1 + below(std::min<uint32_t>(streams, 3));
      for (uint32_t k = 0; k < parts; ++k) {
        const uint64_t s = below(streams);
        position[s] += below(4) == 0 ? 0 : below(500);  // sometimes no complete line
        tracker.record(cookie, s, position[s]);
        model.record(cookie, s, position[s]);
      }
      ++emitted;
      check("record", cookie);
    } else if (choice == 5 && with_forget) {
      const uint64_t s = below(streams);
      tracker.forget(s);
      model.forget(s);
      position[s] = 0;
      check("forget", s);
    } else if (choice == 6) {
      ack(below(static_cast<uint32_t>(cookie + 2)));  // maybe unknown, maybe acknowledged before
    } else if (!open.empty()) {
      ack(open[below(static_cast<uint32_t>(open.size()))]);
    }
    if (testing::Test::HasFatalFailure()) return;
  }
  ASSERT_FALSE(tracker.pending());
}

TEST(AckTracker, RandomAckOrdersMatchTheModel) {
  for (uint32_t seed = 1; seed <= 1000; ++seed) {
    run_random(seed);
    if (HasFatalFailure()) return;
  }
}

}  // namespace
