// Byte arena of a batch: strings of its events live here and are referenced, not copied.
#pragma once

#include <logagent/plugin.h>

#include <cstddef>
#include <cstring>
#include <memory>
#include <vector>

namespace logagent::core {

// Bump allocator over chunks. Every chunk is followed by LOGAGENT_BATCH_PADDING readable
// bytes (plugin.h promises them), so a parser that reads ahead, such as simdjson, can parse a
// string of the batch in place: nothing is copied to pad it.
// reset() keeps standard-size chunks, as many as the batch's
// byte limit needs, for the batch's next use (batches are recycled, so steady state
// allocates nothing) and frees oversized ones made for a huge line, so one 64 MiB line
// does not pin 64 MiB forever.
class Arena {
 public:
  explicit Arena(size_t chunk_size = 64 * 1024) : chunk_size_(chunk_size) {}
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  char* allocate(size_t size) {
    if (current_ < chunks_.size() && chunks_[current_].size - offset_ >= size) {
      char* p = chunks_[current_].data.get() + offset_;
      offset_ += size;
      used_ += size;
      return p;
    }
    return allocate_slow(size);
  }

  char* copy(const char* data, size_t size) {
    char* p = allocate(size);
    if (size != 0) std::memcpy(p, data, size);
    return p;
  }

  // Whether [p, p+size) lies in this arena; guards borrowed strings in debug builds.
  bool owns(const char* p, size_t size) const noexcept;

  // Forgets every allocation. Keeps standard chunks covering up to `keep_bytes` (the
  // batch's byte limit) for reuse, and frees the rest and every oversized chunk.
  void reset(size_t keep_bytes) noexcept;
  size_t used() const noexcept { return used_; }
  size_t reserved() const noexcept;

 private:
  static constexpr size_t kPadding = LOGAGENT_BATCH_PADDING;
  static std::unique_ptr<char[]> new_chunk(size_t size);

  struct Chunk {
    std::unique_ptr<char[]> data;
    size_t size;
  };
  char* allocate_slow(size_t size);

  size_t chunk_size_;
  std::vector<Chunk> chunks_;
  size_t current_ = 0;  // chunk being filled
  size_t offset_ = 0;   // bytes used in it
  size_t used_ = 0;     // bytes handed out since reset
};

}  // namespace logagent::core
