// Tests of the annotate exercise. The compile-time tests need clang++ (Clang's
// thread-safety analysis): without it they fail and say so. Install: apt install clang.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include "account.hpp"

namespace {

namespace fs = std::filesystem;

// Compiles `body` (after including account.hpp) with clang++ -Werror=thread-safety;
// returns clang's exit status. The chapter folder holds thread_safety.hpp.
int clang_status(const std::string& body) {
    const fs::path chapter = fs::path(__FILE__).parent_path().parent_path().parent_path();
    const fs::path dir =
        fs::temp_directory_path() / ("book-annotate-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const fs::path file = dir / "use.cpp";
    std::ofstream(file) << "#include \"" << book::safe::account_header << "\"\n"
                        << "using book::safe::Account;\nusing book::safe::LockGuard;\n"
                        << body << "\n";
    const std::string cmd =
        "clang++ -std=c++20 -fsyntax-only -Wthread-safety "
        "-Werror=thread-safety -I'" +
        chapter.string() + "' '" + file.string() + "' 2>'" +
        (dir / "clang.txt").string() + "'";
    const int status = std::system(cmd.c_str());
    fs::remove_all(dir);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool have_clang() { return std::system("command -v clang++ >/dev/null 2>&1") == 0; }

}  // namespace

TEST_CASE("deposits and withdrawals from several threads keep the balance exact") {
    book::safe::Account account;
    {
        std::vector<std::jthread> team;
        for (int t = 0; t < 4; ++t)
            team.emplace_back([&] {
                for (int i = 0; i < 1000; ++i) account.deposit(2);
                for (int i = 0; i < 1000; ++i) CHECK(account.withdraw(1));
            });
    }
    CHECK(account.balance() == 4000);
    CHECK_FALSE(account.withdraw(4001));
}

TEST_CASE("clang accepts correct uses of the annotated account") {
    if (!have_clang()) FAIL("this exercise's tests need clang++ (apt install clang)");
    CHECK(clang_status("long f(Account& a) { a.deposit(1); return a.balance(); }") == 0);
    CHECK(clang_status("void f(Account& a) { LockGuard g(a.mutex); a.add_locked(1); }") ==
          0);
}

TEST_CASE("clang rejects calling a *_locked function without the lock") {
    if (!have_clang()) FAIL("this exercise's tests need clang++ (apt install clang)");
    CHECK(clang_status("void f(Account& a) { a.add_locked(1); }") != 0);
    CHECK(clang_status("long f(Account& a) { return a.balance_locked(); }") != 0);
}

TEST_CASE("clang rejects calling a locking function while holding the lock") {
    if (!have_clang()) FAIL("this exercise's tests need clang++ (apt install clang)");
    CHECK(clang_status("void f(Account& a) { LockGuard g(a.mutex); a.deposit(1); }") !=
          0);
}
