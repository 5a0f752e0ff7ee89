// Predict, then run: a loop that calls fork several times; every process prints one
// line, after waiting for its own children.
#include <cstdio>
#include <string>

#include <sys/wait.h>
#include <unistd.h>

#include "cli.hpp"

int main(int argc, char** argv) {
    int forks = 3;
    book::cli::Parser cli("forktree",
                          "Calls fork in a loop; every process then prints its path in "
                          "the tree of forks, after waiting for its children.");
    cli.option("forks", forks, 1, 6, "times the loop calls fork");
    cli.parse(argc, argv);
    // [tree]
    std::string path = "p";  // the original process
    int children = 0;
    for (int i = 0; i < forks; ++i) {
        const pid_t pid = fork();
        if (pid < 0) return 1;
        if (pid == 0) {
            path += "-" + std::to_string(i);  // the child of fork number i
            children = 0;                     // its parent's children are not its own
        } else {
            ++children;
        }
    }
    for (int c = 0; c < children; ++c) wait(nullptr);
    const std::string line = path + "\n";
    (void)!write(STDOUT_FILENO, line.data(), line.size());  // one write: one line
    // [/tree]
    return 0;
}
