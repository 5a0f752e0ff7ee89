// watchdog_fixture.cpp: a test that never finishes, to prove that the watchdog ends it
// with a message.
#include <doctest/doctest.h>

#include <condition_variable>
#include <mutex>

TEST_CASE("a test that waits for a notification that never comes") {
    std::mutex m;
    std::condition_variable cv;
    std::unique_lock lock(m);
    cv.wait(lock, [] { return false; });
}
