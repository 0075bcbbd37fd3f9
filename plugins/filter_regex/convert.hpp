// The regex filter's capture types: what `types` accepts and how a capture's text converts.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace logagent::plugins::regex_filter {

enum class CaptureType : uint8_t { string, integer, real, boolean };

// "int", "float", "bool" or "string"; nullopt for anything else.
std::optional<CaptureType> parse_capture_type(std::string_view name) noexcept;
// The word a user writes for `type` ("int" for integer), for messages.
std::string_view capture_type_name(CaptureType type) noexcept;

// Each returns false, leaving `out` alone, unless the whole text is one value of the type:
// int: an optional sign and decimal digits that fit 64 bits ("-12"; not "1.0", " 1", "0x1f").
// float: a finite decimal number ("1.5", "-2e3", "7"; not "inf", "nan", "1,5").
// bool: "true" or "false" in any case.
bool to_int(std::string_view text, int64_t& out) noexcept;
bool to_float(std::string_view text, double& out) noexcept;
bool to_bool(std::string_view text, bool& out) noexcept;

}  // namespace logagent::plugins::regex_filter
