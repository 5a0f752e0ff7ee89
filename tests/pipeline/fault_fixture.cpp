// fault_fixture.cpp: a program that misbehaves on request, to prove that the capture step
// catches it.
#include <csignal>
#include <cstdio>
#include <cstring>
#include <thread>

int main(int argc, char** argv) {
    const char* mode = argc > 1 ? argv[1] : "";
    if (std::strcmp(mode, "ok") == 0) {
        std::puts("all is well");
        return 0;
    }
    if (std::strcmp(mode, "crash") == 0) {
        std::puts("about to crash");
        std::fflush(stdout);
        std::raise(SIGSEGV);
    }
    if (std::strcmp(mode, "hang") == 0) {
        std::puts("about to hang");
        std::fflush(stdout);
        for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
    }
    if (std::strcmp(mode, "exit3") == 0) {
        std::puts("leaving with status 3");
        return 3;
    }
    if (std::strcmp(mode, "silent") == 0) return 0;
    std::fputs("usage: fault_fixture ok|crash|hang|exit3|silent\n", stderr);
    return 2;
}
