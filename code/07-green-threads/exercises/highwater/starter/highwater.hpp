// highwater.hpp (starter): how much of a stack a green thread used, found by poisoning.
#pragma once

#include <cstddef>
#include <cstdint>

namespace book::green::exercises {

/// The byte written over an unused stack.
inline constexpr unsigned char poison_byte = 0xA5;

/// Reads one byte of a stack without AddressSanitizer's checks: a stack holds redzones
/// of frames that never returned (provided; use it to read the stack).
__attribute__((no_sanitize("address"))) inline unsigned char peek(const void* p) {
    return *static_cast<const volatile unsigned char*>(p);
}

/// Fills the stack [@p low, @p low + @p size) with poison_byte, before it is used.
inline void poison(void* low, std::size_t size) {
    // TODO: write poison_byte over every byte of the stack.
    (void)low, (void)size;
}

/// After use: the number of bytes at the top of the stack that were written, that is
/// size minus the length of the untouched (still poisoned) run at the low end.
inline std::size_t high_water(const void* low, std::size_t size) {
    // TODO: stacks grow down from low + size. Scan up from low while the bytes still
    // hold poison_byte (read them with peek()); the rest was used.
    (void)low, (void)size;
    return 0;
}

}  // namespace book::green::exercises
