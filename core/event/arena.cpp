// Slow paths of the batch arena: new chunks and recycling.
#include "event/arena.hpp"

#include <algorithm>
#include <functional>

namespace logagent::core {

std::unique_ptr<char[]> Arena::new_chunk(size_t size) {
  std::unique_ptr<char[]> data(new char[size + kPadding]);
  std::memset(data.get() + size, 0, kPadding);  // defined bytes, so memory checkers stay quiet
  return data;
}

char* Arena::allocate_slow(size_t size) {
  if (size > chunk_size_) {
    // A chunk of its own, placed before the current one: the kept chunks after the current
    // one stay next in line, instead of being skipped and joined by new ones every time.
    chunks_.insert(chunks_.begin() + static_cast<std::ptrdiff_t>(current_), Chunk{new_chunk(size), size});
    ++current_;
    used_ += size;
    return chunks_[current_ - 1].data.get();
  }
  // Move to the next kept chunk (every kept one is standard-sized, so it fits); else add one.
  if (current_ + 1 < chunks_.size()) {
    ++current_;
  } else {
    chunks_.push_back(Chunk{new_chunk(chunk_size_), chunk_size_});
    current_ = chunks_.size() - 1;
  }
  offset_ = size;
  used_ += size;
  return chunks_[current_].data.get();
}

bool Arena::owns(const char* p, size_t size) const noexcept {
  std::less_equal<const char*> le;
  for (const Chunk& c : chunks_) {
    const char* begin = c.data.get();
    if (le(begin, p) && le(p + size, begin + c.size)) return true;
  }
  return false;
}

void Arena::reset(size_t keep_bytes) noexcept {
  std::erase_if(chunks_, [this](const Chunk& c) { return c.size > chunk_size_; });
  const size_t keep = keep_bytes / chunk_size_ + 1;
  if (chunks_.size() > keep) chunks_.resize(keep);
  current_ = 0;
  offset_ = 0;
  used_ = 0;
}

size_t Arena::reserved() const noexcept {
  size_t n = 0;
  for (const Chunk& c : chunks_) n += c.size;
  return n;
}

}  // namespace logagent::core
