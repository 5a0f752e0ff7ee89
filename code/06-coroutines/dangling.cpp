// Shows a coroutine parameter that refers to a temporary: the temporary dies before the
// body reads it, and AddressSanitizer reports the use after free.
#include "generator.hpp"

#include "cli.hpp"

#include <cstdio>
#include <string>
#include <string_view>

using book::coro::generator;

// [dangling]
// The parameter is a view: the frame stores the view (pointer and length), not the
// characters.
generator<char> vowels(std::string_view text) {
    for (char c : text)
        if (std::string_view("aeiou").find(c) != std::string_view::npos) co_yield c;
}

std::string make_sentence(int repeat) {
    std::string s;
    for (int i = 0; i < repeat; ++i)
        s += "coroutines keep their parameters in the frame; ";
    return s;  // long enough to live on the heap, not in the string's small buffer
}

void dangling(int repeat) {
    // The temporary std::string lives until the end of this full-expression. The body
    // has not run yet (lazy start), so when the loop below resumes it, the view points
    // at freed memory.
    generator<char> g = vowels(make_sentence(repeat));
    int count = 0;
    for (char c : g) count += c != 0;
    std::printf("vowels counted: %d\n", count);
}
// [/dangling]

// [fixed]
// The fix: take the parameter by value, so the frame owns a copy that lives as long as
// the coroutine.
generator<char> vowels_owned(std::string text) {
    for (char c : text)
        if (std::string_view("aeiou").find(c) != std::string_view::npos) co_yield c;
}
// [/fixed]

int main(int argc, char** argv) {
    int repeat = 2;
    bool fixed = false;
    book::cli::Parser cli(
        "dangling",
        "Reads a temporary through a coroutine parameter after it died (run "
        "under AddressSanitizer).");
    cli.option("repeat", repeat, 1, 1000, "how many times the sentence is repeated")
        .flag("fixed", fixed,
              "run the corrected version, which copies the text into the frame");
    cli.parse(argc, argv);

    if (fixed) {
        int count = 0;
        for (char c : vowels_owned(make_sentence(repeat))) count += c != 0;
        std::printf("fixed version: vowels counted: %d\n", count);
        return 0;
    }
    std::printf(
        "reading a temporary string through a coroutine's std::string_view "
        "parameter...\n");
    std::fflush(stdout);
    dangling(repeat);
}
