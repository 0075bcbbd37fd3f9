// Turns acknowledgements that arrive in any order into a safe position (checkpoint) per stream.
//
// Header-only, compiled into each input that keeps positions (file tail, ...). The input
// records, for every batch it emits, one (stream, end position) pair per stream the batch
// carries lines of (a tail batch may hold lines of several files); cookies increase in
// emit order. Acknowledgements then come in any order. A stream's checkpoint is the end
// position of its newest batch that is finished together with every earlier batch of that
// stream: reading again from there skips nothing unfinished, and repeats only batches
// emitted after it (some of which may have been acknowledged out of order).
//
// OK and ERROR both finish a batch. An ERROR batch failed permanently in some output and
// will never be delivered (the host does not retry it), so waiting for it would hold the
// position back forever: the checkpoint moves past it, as the agent's at-least-once
// contract allows for permanent failures (they are counted and logged by the host).
//
// Not thread-safe: acknowledgements run on the host's ack thread while the input records
// on its own, so the input guards the tracker with its own mutex (the one its emit path
// takes; plugin.h says input_ack never runs inside emit, so that cannot deadlock).
//
// Cost: nothing per event. Per batch, one entry in a deque per stream it carries and one in
// the batch deque (amortised: a deque allocates a block per few dozen entries, a map lookup
// per stream); a stream costs one map node.
//
//   logagent::AckTracker tracker;                        // guarded by the input's mutex
//   tracker.record(cookie, file_id, end_offset);         // before emit(batch, cookie)
//   for (auto [file, offset] : tracker.ack(cookie)) save(file, offset);   // in ack()
#pragma once

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

namespace logagent {

class AckTracker {
 public:
  using StreamId = uint64_t;  // the input's name for a stream: a file's id, a connection's
  using Position = uint64_t;  // a byte offset, a sequence number: anything that grows

  struct Checkpoint {
    StreamId stream;
    Position position;
  };

  // The stream resumes at `position` (read from saved state): checkpoint(stream) reports it
  // until an acknowledgement moves it. Optional; without it a stream has no checkpoint
  // before its first batch is finished. Ignored for a stream with batches in flight.
  inline void start(StreamId stream, Position position);

  // Batch `cookie` carries the stream's data up to `end` (exclusive). Call before emitting
  // the batch (its ack may come before emit returns), once per stream the batch carries;
  // a second call for the same batch and stream keeps the larger end. Cookies must not
  // decrease from one call to the next (the order of emits).
  inline void record(uint64_t cookie, StreamId stream, Position end);

  // Batch `cookie` is finished (OK or ERROR: both move the position, see above). Returns
  // the streams whose checkpoint changed (or became known), with their new checkpoint, each
  // once, in the order the batch's streams were recorded; the view is valid until the next
  // ack(). A cookie never recorded (a batch carrying no position), or acknowledged before,
  // changes nothing.
  inline std::span<const Checkpoint> ack(uint64_t cookie);

  // The stream's checkpoint, or nothing when it has none yet (see start).
  inline std::optional<Position> checkpoint(StreamId stream) const;

  // Drops the stream (a file that is gone): its checkpoint and its batches in flight. Their
  // later acknowledgements report nothing for it. Recording the id again starts afresh.
  inline void forget(StreamId stream);

  // A batch with a recorded position is not finished yet (for all streams / for one).
  bool pending() const noexcept { return !batches_.empty(); }
  inline bool pending(StreamId stream) const;

  // Calls fn(StreamId, Position) for every stream that has a checkpoint, in no set order
  // (to write every position into one state blob).
  template <typename Fn>
  void for_each_checkpoint(Fn&& fn) const {
    for (const auto& [id, stream] : streams_) {
      if (stream.has_checkpoint) fn(id, stream.checkpoint);
    }
  }

 private:
  struct InFlight {  // one batch in one stream
    uint64_t cookie;
    Position end;
    bool finished;
  };
  struct Stream {
    std::deque<InFlight> in_flight;  // in cookie order
    Position checkpoint = 0;
    bool has_checkpoint = false;
  };
  struct BatchRecord {
    uint64_t cookie;
    uint64_t first_part;  // absolute index into parts_ of its first stream
    uint32_t part_count;
    bool finished;
  };

  // The entry with `cookie` in a deque sorted by cookie, or end(). Acks come mostly in
  // order, so the front is tried first.
  template <typename Deque>
  static auto find_cookie(Deque& entries, uint64_t cookie) {
    if (!entries.empty() && entries.front().cookie == cookie) return entries.begin();
    auto it = std::lower_bound(entries.begin(), entries.end(), cookie,
                               [](const auto& entry, uint64_t c) { return entry.cookie < c; });
    return it != entries.end() && it->cookie == cookie ? it : entries.end();
  }

  std::unordered_map<StreamId, Stream> streams_;
  std::deque<BatchRecord> batches_;   // in cookie order; finished ones leave from the front
  std::deque<StreamId> parts_;        // the streams of each batch in batches_, in order
  uint64_t parts_base_ = 0;           // absolute index of parts_.front()
  std::vector<Checkpoint> advanced_;  // what the last ack returned
};

// ---- Implementation ------------------------------------------------------------------------

inline void AckTracker::start(StreamId stream, Position position) {
  Stream& s = streams_[stream];
  if (!s.in_flight.empty()) return;
  s.checkpoint = position;
  s.has_checkpoint = true;
}

inline void AckTracker::record(uint64_t cookie, StreamId stream, Position end) {
  assert(batches_.empty() || batches_.back().cookie <= cookie);
  Stream& s = streams_[stream];
  if (!s.in_flight.empty() && s.in_flight.back().cookie == cookie) {
    s.in_flight.back().end = std::max(s.in_flight.back().end, end);
    return;
  }
  s.in_flight.push_back(InFlight{cookie, end, false});
  if (batches_.empty() || batches_.back().cookie != cookie) {
    batches_.push_back(BatchRecord{cookie, parts_base_ + parts_.size(), 0, false});
  }
  parts_.push_back(stream);
  ++batches_.back().part_count;
}

inline std::span<const AckTracker::Checkpoint> AckTracker::ack(uint64_t cookie) {
  advanced_.clear();
  const auto batch = find_cookie(batches_, cookie);
  if (batch == batches_.end() || batch->finished) return {};
  batch->finished = true;
  for (uint32_t k = 0; k < batch->part_count; ++k) {
    const StreamId id = parts_[batch->first_part - parts_base_ + k];
    const auto found = streams_.find(id);
    if (found == streams_.end()) continue;  // forgotten
    Stream& s = found->second;
    const auto entry = find_cookie(s.in_flight, cookie);
    if (entry == s.in_flight.end()) continue;  // forgotten, then recorded again afresh
    entry->finished = true;
    if (entry != s.in_flight.begin()) continue;  // an earlier batch of the stream is in flight
    const bool had_checkpoint = s.has_checkpoint;
    const Position before = s.checkpoint;
    while (!s.in_flight.empty() && s.in_flight.front().finished) {
      s.checkpoint = s.in_flight.front().end;
      s.in_flight.pop_front();
    }
    s.has_checkpoint = true;
    // A batch that ends where the stream already was (it held no complete line) moves nothing.
    if (!had_checkpoint || s.checkpoint != before) advanced_.push_back(Checkpoint{id, s.checkpoint});
  }
  // Batches finished out of order wait at their place until every earlier one is finished.
  while (!batches_.empty() && batches_.front().finished) {
    for (uint32_t k = 0; k < batches_.front().part_count; ++k) parts_.pop_front();
    parts_base_ += batches_.front().part_count;
    batches_.pop_front();
  }
  return advanced_;
}

inline std::optional<AckTracker::Position> AckTracker::checkpoint(StreamId stream) const {
  const auto found = streams_.find(stream);
  if (found == streams_.end() || !found->second.has_checkpoint) return std::nullopt;
  return found->second.checkpoint;
}

inline void AckTracker::forget(StreamId stream) { streams_.erase(stream); }

inline bool AckTracker::pending(StreamId stream) const {
  const auto found = streams_.find(stream);
  return found != streams_.end() && !found->second.in_flight.empty();
}

}  // namespace logagent
