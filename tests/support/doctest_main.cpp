// doctest_main.cpp: the main function of every test binary, with a watchdog that turns a
// hang into a failure.
//
// The watchdog waits on a condition variable for the whole run; if the run has not
// finished after BOOK_WATCHDOG_SECONDS (default 60, multiplied by BOOK_TIMEOUT_SCALE,
// which the TSan preset sets to 10), it prints which test case was running and ends the
// process with status 124.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>

namespace {

std::mutex current_mutex;
std::string current_test = "(before the first test case)";

// Remembers the running test case so that the watchdog can name it.
struct CurrentTestListener : doctest::IReporter {
    explicit CurrentTestListener(const doctest::ContextOptions&) {}
    void report_query(const doctest::QueryData&) override {}
    void test_run_start() override {}
    void test_run_end(const doctest::TestRunStats&) override {}
    void test_case_start(const doctest::TestCaseData& tc) override {
        std::lock_guard lock(current_mutex);
        current_test = tc.m_name;
    }
    void test_case_reenter(const doctest::TestCaseData&) override {}
    void test_case_end(const doctest::CurrentTestCaseStats&) override {}
    void test_case_exception(const doctest::TestCaseException&) override {}
    void subcase_start(const doctest::SubcaseSignature&) override {}
    void subcase_end() override {}
    void log_assert(const doctest::AssertData&) override {}
    void log_message(const doctest::MessageData&) override {}
    void test_case_skipped(const doctest::TestCaseData&) override {}
};

double env_number(const char* name, double fallback) {
    const char* text = std::getenv(name);
    if (text == nullptr || *text == '\0') return fallback;
    char* end = nullptr;
    double value = std::strtod(text, &end);
    return (end != text && value > 0) ? value : fallback;
}

}  // namespace

REGISTER_LISTENER("book-current-test", 1, CurrentTestListener);

int main(int argc, char** argv) {
    const double limit =
        env_number("BOOK_WATCHDOG_SECONDS", 60) * env_number("BOOK_TIMEOUT_SCALE", 1);
    std::mutex m;
    std::condition_variable cv;
    bool finished = false;
    std::thread watchdog([&] {
        std::unique_lock lock(m);
        if (!cv.wait_for(lock, std::chrono::duration<double>(limit),
                         [&] { return finished; })) {
            std::lock_guard name_lock(current_mutex);
            std::fprintf(stderr,
                         "WATCHDOG: the tests did not finish within %.0f s; test case "
                         "running: \"%s\"\n",
                         limit, current_test.c_str());
            std::fflush(stderr);
            std::_Exit(124);
        }
    });

    doctest::Context context(argc, argv);
    const int result = context.run();
    {
        std::lock_guard lock(m);
        finished = true;
    }
    cv.notify_one();
    watchdog.join();
    return result;
}
