// Durations ("250ms", "5s") and sizes ("64KiB", "1MiB") as users write them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace logagent::core {

// ns, us, ms, s, m, h; a fraction is allowed ("1.5s"); a bare number is seconds.
std::optional<int64_t> parse_duration_ns(std::string_view text);
// B, K/KB/KiB, M/MB/MiB, G/GB/GiB (all powers of 1024, case-insensitive); bare = bytes.
std::optional<int64_t> parse_size_bytes(std::string_view text);

// The other way, for messages: the largest unit that writes the value exactly, so that
// parsing the text gives the value back ("1500ms", "2m", "7ns"; "1KiB", "1536B").
std::string format_duration(int64_t ns);
std::string format_size(int64_t bytes);

}  // namespace logagent::core
