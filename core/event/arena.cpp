// Slow paths of the batch arena: new chunks and recycling.
#include "event/arena.hpp"

#include <algorithm>
#include <functional>

namespace logagent::core {

char* Arena::allocate_slow(size_t size) {
  // Move to the next kept chunk that fits; otherwise add one (oversized for huge strings).
  while (current_ + 1 < chunks_.size()) {
    ++current_;
    offset_ = 0;
    if (chunks_[current_].size >= size) {
      offset_ = size;
      used_ += size;
      return chunks_[current_].data.get();
    }
  }
  size_t n = std::max(size, chunk_size_);
  chunks_.push_back(Chunk{std::unique_ptr<char[]>(new char[n]), n});
  current_ = chunks_.size() - 1;
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

void Arena::reset() noexcept {
  std::erase_if(chunks_, [this](const Chunk& c) { return c.size > chunk_size_; });
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
