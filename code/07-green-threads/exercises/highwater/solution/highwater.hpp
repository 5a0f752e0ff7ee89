// highwater.hpp (solution): how much of a stack a green thread used, found by poisoning.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace book::green::exercises {

/// The byte written over an unused stack.
inline constexpr unsigned char poison_byte = 0xA5;

/// Reads one byte of a stack without AddressSanitizer's checks: a stack holds redzones
/// of frames that never returned (provided; use it to read the stack).
__attribute__((no_sanitize("address"))) inline unsigned char peek(const void* p) {
    return *static_cast<const volatile unsigned char*>(p);
}

/// Fills the stack [@p low, @p low + @p size) with poison_byte, before it is used.
inline void poison(void* low, std::size_t size) { std::memset(low, poison_byte, size); }

/// After use: the number of bytes at the top of the stack that were written, that is
/// size minus the length of the untouched (still poisoned) run at the low end.
inline std::size_t high_water(const void* low, std::size_t size) {
    const auto* p = static_cast<const unsigned char*>(low);
    std::size_t untouched = 0;
    while (untouched < size && peek(p + untouched) == poison_byte) ++untouched;
    return size - untouched;
}

}  // namespace book::green::exercises
