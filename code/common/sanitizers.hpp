// sanitizers.hpp: which sanitizer a program was built with, and a declared exemption for
// a production library that cannot run clean under it.
#pragma once

#include <cstdio>
#include <string_view>

namespace book::sanitizers {

/// The sanitizer this translation unit is compiled with: "address", "thread" or ""
/// (none).
constexpr std::string_view active() {
#if defined(__SANITIZE_THREAD__)
    return "thread";
#elif defined(__SANITIZE_ADDRESS__)
    return "address";
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
    return "thread";
#elif __has_feature(address_sanitizer)
    return "address";
#else
    return "";
#endif
#else
    return "";
#endif
}

/**
 * @brief Declares that a production contender is left out under the active sanitizer.
 *
 * Returns true (and prints one line "BOOK EXEMPTION (sanitizer): what: why", which the
 * test output shows) when the program runs under @p sanitizer; the caller then skips the
 * contender. The book's own code is never exempt.
 *
 * @code
 * if (!book::sanitizers::exempt("thread", "oneTBB", "inlined templates give false
 * reports")) contenders.push_back({"oneTBB", run_tbb});
 * @endcode
 */
inline bool exempt(std::string_view sanitizer, std::string_view what,
                   std::string_view why) {
    if (active().empty() || active() != sanitizer) return false;
    std::printf("BOOK EXEMPTION (%.*s): %.*s: %.*s\n", static_cast<int>(sanitizer.size()),
                sanitizer.data(), static_cast<int>(what.size()), what.data(),
                static_cast<int>(why.size()), why.data());
    std::fflush(stdout);
    return true;
}

}  // namespace book::sanitizers
