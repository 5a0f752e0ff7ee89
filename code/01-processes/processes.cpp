// Shows what a process is by making some: fork, exec, wait, posix_spawn, separate address
// spaces, copy-on-write, a pipe, and what creating a process costs next to creating a
// thread.
#include <array>
#include <charconv>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <latch>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <stdexcept>
#include <thread>
#include <vector>

#include <climits>
#include <csignal>
#include <system_error>

#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.hpp"
#include "costs.hpp"
#include "measure.hpp"
#include "process_tools.hpp"

namespace bp = book::processes;
using book::measure::Clock;

namespace {

struct Options {
    int reps = 15;
    int warmup = 2;
    int batch = 20;
    int size_batch = 5;
    int mib = 256;
    int syscalls = 20000;
    int fault_pages = 1024;
    std::string exec_path = "/bin/true";
    std::string csv;
    std::string size_csv;
    std::string costs;
    bool child_report = false;
    int report_fd = -1;
};

// Writes text straight to standard output with write(2): safe in a child of a
// multi-threaded process.
void say(std::string_view text) { bp::write_all(STDOUT_FILENO, text); }

// Builds a line of text in a fixed buffer, without allocating memory (so that a
// child of a multi-threaded process may use it: it is async-signal-safe).
struct Line {
    std::array<char, 256> buf{};
    std::size_t len = 0;
    Line& operator<<(std::string_view s) {
        for (char c : s)
            if (len < buf.size()) buf[len++] = c;
        return *this;
    }
    Line& operator<<(long long v) {
        char digits[24];
        auto [end, ec] = std::to_chars(digits, digits + sizeof digits, v);
        (void)ec;
        return *this << std::string_view(digits, static_cast<std::size_t>(end - digits));
    }
    std::string_view view() const { return {buf.data(), len}; }
};

// [identity]
void show_identity() {
    std::printf("== identity\n");
    std::printf("parent: pid %d, its parent %d\n", getpid(), getppid());
    // empty the buffer so the child does not inherit (and repeat) it
    std::fflush(stdout);
    const pid_t parent = getpid();
    pid_t child = bp::fork_child([parent] {
        std::printf("child:  pid %d, its parent %d (%s)\n", getpid(), getppid(),
                    getppid() == parent ? "the process above" : "NOT the process above");
        std::fflush(stdout);  // _exit does not flush stdio
        return 0;
    });
    bp::ChildReport r = bp::wait_for(child);
    std::printf("parent: fork returned %d; the child %s\n", child,
                r.status.describe().c_str());
}
// [/identity]

// [address-spaces]
// a global: it lives at a fixed virtual address in the program's data segment
int counter = 1;

void show_separate_address_spaces() {
    std::printf("\n== separate address spaces\n");
    std::printf("before fork: counter = %d at %p\n", counter,
                static_cast<void*>(&counter));
    std::fflush(stdout);
    pid_t child = bp::fork_child([] {
        counter = 2;
        std::printf("child:  counter = %d at %p (after the child's write)\n", counter,
                    static_cast<void*>(&counter));
        std::fflush(stdout);
        return 0;
    });
    bp::wait_for(child);  // the child has finished its write and exited
    std::printf("parent: counter = %d at %p (after the child has exited)\n", counter,
                static_cast<void*>(&counter));
}
// [/address-spaces]

// [exec]
// What the program does when exec starts it again: report who it is, on a
// descriptor it inherited.
int child_report(int fd) {
    Line line;
    line << "new program image: pid " << static_cast<long long>(getpid())
         << ", its parent " << static_cast<long long>(getppid())
         << ", writing on inherited descriptor " << static_cast<long long>(fd) << "\n";
    bp::write_all(fd, line.view());
    return 0;
}

void show_exec() {
    std::printf("\n== exec\n");
    std::fflush(stdout);
    auto pipe = bp::Pipe::create();  // both ends close-on-exec
    pid_t child = bp::fork_child([&] {
        int fd = pipe.write_end.get();
        // clear close-on-exec on this one descriptor: the new program keeps it
        ::fcntl(fd, F_SETFD, 0);
        std::printf("child before exec: pid %d\n", getpid());
        std::fflush(stdout);
        std::string fd_text = std::to_string(fd);
        char* args[] = {const_cast<char*>("processes"),
                        const_cast<char*>("--child-report"),
                        const_cast<char*>("--report-fd"), fd_text.data(), nullptr};
        ::execv("/proc/self/exe", args);  // returns only on failure
        return 127;
    });
    // the parent's copy; end of file comes when the child's copy closes too
    pipe.write_end.close();
    std::string report = bp::read_all(pipe.read_end.get());
    bp::ChildReport r = bp::wait_for(child);
    std::printf("%s", report.c_str());
    std::printf("parent: child %d %s\n", child, r.status.describe().c_str());
}
// [/exec]

// [cow]
void show_copy_on_write(int mib) {
    std::printf("\n== copy-on-write\n");
    bp::PageBuffer buffer(static_cast<std::size_t>(mib) << 20);
    const std::size_t pages = buffer.pages();
    buffer.write_pages(pages);  // every page is now resident in the parent
    std::printf(
        "parent buffer: %d MiB = %zu pages of %zu bytes, all written before the forks\n",
        mib, pages, bp::page_size());
    struct Job {
        const char* what;
        std::size_t read, written;
    };
    const Job jobs[] = {{"exit at once", 0, 0},
                        {"read every page", pages, 0},
                        {"write 1/4 of the pages", 0, pages / 4},
                        {"write 1/2 of the pages", 0, pages / 2},
                        {"write every page", 0, pages}};
    std::printf("%-24s %9s %9s %14s\n", "child's work", "read", "written",
                "minor faults");
    std::fflush(stdout);
    for (const Job& job : jobs) {
        // before every fork: otherwise the child inherits the unwritten rows
        std::fflush(stdout);
        pid_t child = bp::fork_child([&] {
            volatile std::uint64_t sink = buffer.read_pages(job.read);
            (void)sink;
            buffer.write_pages(job.written, 2);
            return 0;
        });
        bp::ChildReport r = bp::wait_for(child);
        std::printf("%-24s %9zu %9zu %14ld\n", job.what, job.read, job.written,
                    r.minor_faults);
    }
    std::printf("parent still reads its own values: %s\n",
                buffer.read_pages(pages) == pages ? "yes (every page holds 1)" : "NO");
}
// [/cow]

// [pipe]
void show_pipe() {
    std::printf("\n== pipe\n");
    std::fflush(stdout);
    auto pipe = bp::Pipe::create();
    pid_t child = bp::fork_child([&] {
        pipe.read_end.close();  // the child only writes
        long long sum = 0;
        for (long long i = 1; i <= 1'000'000; ++i) sum += i;
        Line line;
        line << "sum of 1..1000000 = " << sum << ", computed by pid "
             << static_cast<long long>(getpid());
        bp::write_all(pipe.write_end.get(), line.view());
        return 0;  // _exit closes the child's write end
    });
    // the parent only reads: without this, read_all would wait forever
    pipe.write_end.close();
    std::string message = bp::read_all(pipe.read_end.get());
    bp::wait_for(child);
    std::printf("parent read %zu bytes from child %d: \"%s\"\n", message.size(), child,
                message.c_str());
}
// [/pipe]

// [pipe-writers]
// Writes into a pipe whose only read end is closed, with SIGPIPE at its default
// action or ignored; reports how the writing child ended.
void write_to_pipe_without_reader(bool ignore_sigpipe) {
    std::fflush(stdout);
    auto pipe = bp::Pipe::create();
    pipe.read_end.close();  // no process holds a read end any more
    pid_t child = bp::fork_child([&] {
        if (ignore_sigpipe) ::signal(SIGPIPE, SIG_IGN);
        try {
            bp::write_all(pipe.write_end.get(), "nobody will read this");
            say("write_all returned\n");
        } catch (const std::system_error& e) {
            Line line;
            line << "  write_all threw std::system_error: " << e.what()
                 << (e.code().value() == EPIPE ? " (EPIPE)\n" : "\n");
            say(line.view());
        }
        return 0;
    });
    const auto status = bp::wait_for(child).status;
    std::printf("  writer %s%s\n", status.describe().c_str(),
                !status.exited && status.signal == SIGPIPE ? " = SIGPIPE" : "");
}

// Several children write records of `size` bytes, one write(2) each, into one pipe;
// returns how many of the records the parent read back whole, at their place.
std::size_t records_intact(int writers, int records, std::size_t size) {
    std::fflush(stdout);
    auto pipe = bp::Pipe::create();
    std::vector<pid_t> children;
    for (int w = 0; w < writers; ++w)
        children.push_back(bp::fork_child([&, w] {
            pipe.read_end.close();
            const std::string record(size, static_cast<char>('a' + w));
            for (int r = 0; r < records; ++r) bp::write_all(pipe.write_end.get(), record);
            return 0;
        }));
    pipe.write_end.close();
    const std::string all = bp::read_all(pipe.read_end.get());
    for (pid_t c : children) bp::wait_for(c);
    std::size_t intact = 0;  // a record is intact when its size bytes are one letter
    for (std::size_t at = 0; at + size <= all.size(); at += size)
        intact += all.find_first_not_of(all[at], at) >= at + size;
    return intact;
}

void show_pipe_writers() {
    std::printf("\n== writers: a pipe without a reader, and several writers at once\n");
    std::printf("a pipe whose read end is closed, SIGPIPE at its default action:\n");
    write_to_pipe_without_reader(false);
    std::printf("the same, SIGPIPE ignored in the writer:\n");
    write_to_pipe_without_reader(true);
    const int writers = 4, small_records = 2000, big_records = 20;
    const std::size_t small = 512, big = 100 * 1024;
    std::printf("PIPE_BUF = %d bytes\n", PIPE_BUF);
    std::printf("%d writers x %d records of %zu bytes: %zu of %d records intact\n",
                writers, small_records, small,
                records_intact(writers, small_records, small), writers * small_records);
    std::printf("%d writers x %d records of %zu bytes: %zu of %d records intact\n",
                writers, big_records, big, records_intact(writers, big_records, big),
                writers * big_records);
}
// [/pipe-writers]

// [cost-contenders]
// Each function creates `batch` threads or processes one after another, waits for
// each, and returns the mean time of one creation, including its join or wait,
// in nanoseconds.
double thread_create_join(int batch) {
    auto start = Clock::now();
    for (int i = 0; i < batch; ++i) std::thread([] {}).join();
    return book::measure::seconds_since(start) * 1e9 / batch;
}

double fork_wait(int batch) {
    auto start = Clock::now();
    for (int i = 0; i < batch; ++i) bp::wait_for(bp::fork_child([] { return 0; }));
    return book::measure::seconds_since(start) * 1e9 / batch;
}

double fork_exec_wait(int batch, const std::string& path) {
    auto start = Clock::now();
    for (int i = 0; i < batch; ++i) {
        pid_t pid = bp::fork_child([&] {
            char* args[] = {const_cast<char*>(path.c_str()), nullptr};
            ::execv(path.c_str(), args);
            return 127;  // exec failed
        });
        if (!bp::wait_for(pid).status.success())
            throw std::runtime_error("fork+exec of " + path + " failed");
    }
    return book::measure::seconds_since(start) * 1e9 / batch;
}

double spawn_wait(int batch, const std::string& path) {
    auto start = Clock::now();
    for (int i = 0; i < batch; ++i)
        if (!bp::wait_for(bp::spawn({path})).status.success())
            throw std::runtime_error("posix_spawn of " + path + " failed");
    return book::measure::seconds_since(start) * 1e9 / batch;
}
// [/cost-contenders]

// One measured row: its label in the table and the CSV file, and its summary.
struct Row {
    std::string csv_prefix, name;
    book::measure::Summary s;
};

// Writes the rows to `path` as CSV (times in nanoseconds), unless path is empty.
void write_csv(const std::string& path, const std::string& header,
               const std::vector<Row>& rows) {
    if (path.empty()) return;
    std::FILE* f = std::fopen(path.c_str(), "w");
    if (f == nullptr) throw std::runtime_error("cannot write " + path);
    std::fprintf(f, "%s\n", header.c_str());
    for (const Row& r : rows)
        std::fprintf(f, "%s%s,%.0f,%.0f,%.0f,%zu\n", r.csv_prefix.c_str(), r.name.c_str(),
                     r.s.median, r.s.min, r.s.max, r.s.n);
    std::fclose(f);
}

// Adds the creation costs to the book's cost file (code/common/costs.hpp): the keys
// other chapters look them up by, in microseconds.
void add_creation_costs(book::measure::CostFile& costs,
                        const std::vector<book::measure::Summary>& results, int batch) {
    const char* keys[] = {"thread.create_join", "process.fork_wait",
                          "process.fork_exec_wait", "process.posix_spawn_wait"};
    const char* labels[] = {"std::thread create+join", "fork+wait",
                            "fork+exec+wait /bin/true", "posix_spawn+wait /bin/true"};
    const char* includes[] = {"create a thread that returns at once and join it",
                              "fork a child that exits at once and wait for it",
                              "fork, exec a tiny program in the child, and wait for it",
                              "posix_spawn a tiny program and wait for it"};
    for (std::size_t i = 0; i < 4 && i < results.size(); ++i) {
        book::measure::Summary s = results[i];
        s.median /= 1e3, s.min /= 1e3, s.max /= 1e3;  // ns -> us
        costs.add({keys[i], labels[i],
                   std::string(includes[i]) + "; mean of " + std::to_string(batch) +
                       " per sample",
                   "us", s});
    }
    for (std::size_t i = 1; i < 4 && i < results.size(); ++i)
        costs.compare(keys[i], keys[0]);
}

void print_method(int batch, const Options& o) {
    std::printf(
        "each sample: the mean time of %d creations, each including its wait\n"
        "or join; %d samples after %d warm-up rounds, interleaved\n",
        batch, o.reps, o.warmup);
}

// [cost]
void show_creation_cost(const Options& o, book::measure::CostFile& costs) {
    std::printf("\n== creation cost\n");
    print_method(o.batch, o);
    std::fflush(stdout);
    const std::string& exe = o.exec_path;
    const std::vector<book::measure::Contender> contenders = {
        {"std::thread create+join", [&] { return thread_create_join(o.batch); }},
        {"fork+wait", [&] { return fork_wait(o.batch); }},
        {"fork+exec+wait " + exe, [&] { return fork_exec_wait(o.batch, exe); }},
        {"posix_spawn+wait " + exe, [&] { return spawn_wait(o.batch, exe); }},
    };
    auto results = book::measure::interleaved(contenders, o.warmup, o.reps);

    std::printf("%-28s %10s %10s %10s %9s\n", "what (times in us)", "median", "min",
                "max", "x thread");
    std::vector<Row> rows;
    for (std::size_t i = 0; i < contenders.size(); ++i) {
        const auto& s = results[i];
        std::printf("%-28s %10.1f %10.1f %10.1f %8.1fx\n", contenders[i].name.c_str(),
                    s.median / 1e3, s.min / 1e3, s.max / 1e3,
                    s.median / results[0].median);
        rows.push_back({"", contenders[i].name, s});
    }
    write_csv(o.csv, "what,median_ns,min_ns,max_ns,samples", rows);
    add_creation_costs(costs, results, o.batch);
}
// [/cost]

// [sized-parent]
// Gives the parent `mib` MiB of touched memory on top of its own (at 0, no extra
// mapping at all), so that fork can be timed at several sizes.
class SizedParent {
public:
    void resize_to(int mib) {
        if (mib == mib_) return;
        buffer_.reset();  // unmap the old region: "0 MiB" means no region at all
        if (mib > 0) {
            const auto bytes = static_cast<std::size_t>(mib) << 20;
            buffer_ = std::make_unique<bp::PageBuffer>(bytes);
            buffer_->write_pages(buffer_->pages());
        }
        mib_ = mib;
    }

private:
    std::unique_ptr<bp::PageBuffer> buffer_;
    int mib_ = 0;
};
// [/sized-parent]

// [fork-size]
void show_fork_cost_by_size(const Options& o) {
    std::printf("\n== fork cost against the parent's memory\n");
    print_method(o.size_batch, o);
    std::printf("the parent's memory is resized between samples, outside the timing\n");
    std::fflush(stdout);
    SizedParent parent;
    const int sizes[] = {0, o.mib / 4, o.mib};
    std::vector<book::measure::Contender> contenders;
    for (int mib : sizes) {
        contenders.push_back({"fork+wait", [&parent, &o, mib] {
                                  parent.resize_to(mib);
                                  return fork_wait(o.size_batch);
                              }});
        contenders.push_back({"posix_spawn+wait", [&parent, &o, mib] {
                                  parent.resize_to(mib);
                                  return spawn_wait(o.size_batch, o.exec_path);
                              }});
    }
    auto results = book::measure::interleaved(contenders, o.warmup, o.reps);

    std::printf("%-14s %-18s %10s %10s %10s\n", "parent touched", "what (times in ms)",
                "median", "min", "max");
    std::vector<Row> rows;
    for (std::size_t i = 0; i < contenders.size(); ++i) {
        const int mib = sizes[i / 2];
        const auto& s = results[i];
        std::printf("%10d MiB %-18s %10.2f %10.2f %10.2f\n", mib,
                    contenders[i].name.c_str(), s.median / 1e6, s.min / 1e6, s.max / 1e6);
        rows.push_back({std::to_string(mib) + ",", contenders[i].name, s});
    }
    write_csv(o.size_csv, "mib,what,median_ns,min_ns,max_ns,samples", rows);
    std::printf(
        "median at %d MiB / median at 0 MiB: fork+wait %.1fx, "
        "posix_spawn+wait %.1fx\n",
        o.mib, results[4].median / results[0].median,
        results[5].median / results[1].median);
    // The least disturbed samples: what the operation costs when nothing competes.
    std::printf(
        "min at %d MiB / min at 0 MiB:       fork+wait %.1fx, posix_spawn+wait %.1fx\n",
        o.mib, results[4].min / results[0].min, results[5].min / results[1].min);
}
// [/fork-size]

// [kernel-events]
// One raw system call per iteration: syscall(2) with SYS_getppid enters the kernel, which
// reads one field of the process and returns; no C library cache can answer instead.
// Returns the mean time of one call in nanoseconds.
double getppid_calls(int calls) {
    auto start = Clock::now();
    for (int i = 0; i < calls; ++i) (void)::syscall(SYS_getppid);
    return book::measure::seconds_since(start) * 1e9 / calls;
}

// Minor page faults this thread has taken so far (getrusage(2), RUSAGE_THREAD).
long minor_faults() {
    rusage usage{};
    ::getrusage(RUSAGE_THREAD, &usage);
    return usage.ru_minflt;
}

// Maps `pages` fresh pages of anonymous memory and times the first write to each: every
// write faults, and the kernel finds a free page, zeroes it, maps it and resumes the
// write. Returns the mean time per page in nanoseconds; adds the faults it counted to
// `faults`.
double first_writes(int pages, long& faults) {
    bp::PageBuffer fresh(static_cast<std::size_t>(pages) * bp::page_size());
    const long before = minor_faults();
    auto start = Clock::now();
    fresh.write_pages(fresh.pages());
    const double ns = book::measure::seconds_since(start) * 1e9 / pages;
    faults += minor_faults() - before;
    return ns;  // ~PageBuffer unmaps the pages, outside the timing
}
// [/kernel-events]

void show_kernel_events(const Options& o, book::measure::CostFile& costs) {
    std::printf("\n== kernel events: a system call and a minor page fault\n");
    std::printf(
        "each sample: the mean of %d getppid system calls, or of the first writes "
        "to\n%d fresh pages of %zu bytes; %d samples after %d warm-up rounds, "
        "interleaved\n",
        o.syscalls, o.fault_pages, bp::page_size(), o.reps, o.warmup);
    std::fflush(stdout);
    long faults = 0, pages = 0;
    const std::vector<book::measure::Contender> contenders = {
        {"syscall(SYS_getppid)", [&] { return getppid_calls(o.syscalls); }},
        {"first write to a fresh page",
         [&] {
             pages += o.fault_pages;
             return first_writes(o.fault_pages, faults);
         }},
    };
    auto results = book::measure::interleaved(contenders, o.warmup, o.reps);
    std::printf("%-28s %10s %10s %10s\n", "what (times in ns)", "median", "min", "max");
    for (std::size_t i = 0; i < contenders.size(); ++i)
        std::printf("%-28s %10.1f %10.1f %10.1f\n", contenders[i].name.c_str(),
                    results[i].median, results[i].min, results[i].max);
    std::printf(
        "minor faults counted during the first writes: %ld for %ld pages "
        "(%.2f per page)\n",
        faults, pages, static_cast<double>(faults) / static_cast<double>(pages));
    std::printf("a minor fault costs %.1fx a system call (medians)\n",
                results[1].median / results[0].median);

    const std::string page = std::to_string(bp::page_size() / 1024) + " KiB";
    costs.add({"syscall.getppid", "system call (getppid)",
               "one raw system call, syscall(SYS_getppid), entering the kernel and "
               "returning; mean of " +
                   std::to_string(o.syscalls) + " calls per sample",
               "ns", results[0]});
    costs.add(
        {"memory.minor_fault", "minor page fault (first write to a fresh page)",
         "first write to one " + page +
             " page of fresh anonymous mmap memory, "
             "i.e. one minor page fault (the kernel zeroes and maps the page); mean of " +
             std::to_string(o.fault_pages) + " pages per sample",
         "ns", results[1]});
}

char process_state(pid_t pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)),
                     std::istreambuf_iterator<char>());
    // the command name may itself contain spaces or parentheses
    auto close_paren = text.rfind(')');
    return close_paren == std::string::npos || close_paren + 2 >= text.size()
               ? '?'
               : text[close_paren + 2];
}

// [zombie]
void show_zombie() {
    std::printf("\n== pitfall: a child nobody waits for\n");
    std::fflush(stdout);
    pid_t child = bp::fork_child([] { return 0; });
    siginfo_t info{};
    // wait until it has exited, but do not reap it
    ::waitid(P_PID, static_cast<id_t>(child), &info, WEXITED | WNOWAIT);
    std::printf("child %d has exited, not yet waited for: state %c\n", child,
                process_state(child));
    bp::wait_for(child);  // reap it: now the kernel can forget it
    std::printf("after waiting for it: /proc/%d %s\n", child,
                ::access(("/proc/" + std::to_string(child)).c_str(), F_OK) == 0
                    ? "still exists"
                    : "is gone");
}
// [/zombie]

// [stdio-dup]
// Writes one line into a fully buffered stream, forks, and counts how many copies
// of the line arrive.
int copies_after_fork(bool flush_before_fork) {
    auto pipe = bp::Pipe::create();
    std::FILE* out = ::fdopen(pipe.write_end.release(), "w");
    if (out == nullptr) throw std::runtime_error("fdopen failed");
    // what stdout is when it goes to a file or a pipe
    std::setvbuf(out, nullptr, _IOFBF, 4096);
    std::fprintf(out, "a line written once, before fork\n");
    if (flush_before_fork) std::fflush(out);
    pid_t child = bp::fork_child([&] {
        // What exit() would do to every open stream: flush the inherited buffer.
        std::fclose(out);
        return 0;
    });
    std::fclose(out);  // the parent flushes its own copy of the same buffer
    std::string received = bp::read_all(pipe.read_end.get());
    bp::wait_for(child);
    int lines = 0;
    for (char c : received) lines += c == '\n';
    return lines;
}

void show_stdio_duplicated() {
    std::printf("\n== pitfall: a stdio buffer copied by fork\n");
    std::fflush(stdout);
    const int without_flush = copies_after_fork(false);
    const int with_flush = copies_after_fork(true);
    std::printf("without fflush before fork: the line arrived %d times\n", without_flush);
    std::printf("with fflush before fork:    the line arrived %d time\n", with_flush);
}
// [/stdio-dup]

// The number of threads of the calling process, from /proc/self/stat, read without
// allocating memory.
long thread_count() {
    char buf[1024];
    int fd = ::open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = ::read(fd, buf, sizeof buf - 1);
    ::close(fd);
    if (n <= 0) return -1;
    std::string_view text(buf, static_cast<std::size_t>(n));
    auto pos = text.rfind(')');
    if (pos == std::string_view::npos) return -1;
    // After ") " come fields 3, 4, ...; num_threads is field 20 (proc(5)).
    text.remove_prefix(pos + 2);
    for (int field = 3; field < 20; ++field) {
        auto space = text.find(' ');
        if (space == std::string_view::npos) return -1;
        text.remove_prefix(space + 1);
    }
    long value = -1;
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
}

// [pipe-end]
// True when a read from `fd` would return end of file now; false when it would block.
bool read_would_see_eof(int fd) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, 0) == 1 && (p.revents & POLLHUP) != 0;  // 0 ms: do not wait
}

void show_pipe_end_left_open() {
    std::printf("\n== pitfall: a pipe end left open\n");
    std::fflush(stdout);
    auto pipe = bp::Pipe::create();
    pid_t child = bp::fork_child([&] {
        bp::write_all(pipe.write_end.get(), "last words");
        return 0;
    });
    bp::wait_for(child);  // the child has exited, so its copy of the write end is closed
    char buf[64];
    const ssize_t n = ::read(pipe.read_end.get(), buf, sizeof buf);
    std::printf("read %zd bytes from a child that has exited\n", n);
    std::printf("next read: %s\n",
                read_would_see_eof(pipe.read_end.get())
                    ? "end of file"
                    : "would wait, since this process holds a write end");
    pipe.write_end.close();
    std::printf("after the parent closes its write end, next read: %s\n",
                read_would_see_eof(pipe.read_end.get()) ? "end of file" : "would wait");
}
// [/pipe-end]

// [fork-threads]
void show_fork_with_threads() {
    std::printf("\n== pitfall: fork in a multi-threaded program\n");
    std::mutex m;
    std::latch locked(1), may_unlock(1);
    std::thread helper([&] {
        std::lock_guard<std::mutex> hold(m);
        locked.count_down();
        may_unlock.wait();  // keep the mutex locked while the main thread forks
    });
    locked.wait();
    std::printf("parent: %ld threads; a helper thread holds a mutex\n", thread_count());
    std::fflush(stdout);
    pid_t child = bp::fork_child([&] {
        // Only the thread that called fork exists here: use async-signal-safe
        // calls only. lock() would wait forever, since the owner was not copied;
        // try_lock is not on POSIX's list either, but it never blocks.
        const bool got_it = m.try_lock();
        if (got_it) m.unlock();
        Line line;
        line << "child:  " << static_cast<long long>(thread_count())
             << " thread; the mutex is "
             << (got_it ? "free"
                        : "locked, by a thread that does not exist in this process")
             << "\n";
        say(line.view());
        return 0;
    });
    bp::wait_for(child);
    may_unlock.count_down();
    helper.join();
}
// [/fork-threads]

}  // namespace

// [main]
int main(int argc, char** argv) {
    Options o;
    book::cli::Parser cli("processes",
                          "Creates processes with fork, exec and posix_spawn, and "
                          "shows what they share and what they cost.");
    cli.option("reps", o.reps, 1, 200, "measured samples per contender")
        .option("warmup", o.warmup, 0, 20, "unrecorded warm-up rounds")
        .option("batch", o.batch, 1, 1000,
                "creations per sample in the creation-cost table")
        .option("size-batch", o.size_batch, 1, 100,
                "creations per sample in the fork-against-size table")
        .option("syscalls", o.syscalls, 1, 10000000,
                "system calls per sample in the kernel-events table")
        .option("fault-pages", o.fault_pages, 1, 65536,
                "fresh pages written per sample in the kernel-events table")
        .option("mib", o.mib, 4, 1024,
                "MiB of memory in the copy-on-write demo and the largest parent size")
        .option("exec", o.exec_path,
                "program that exec and posix_spawn start (default /bin/true)")
        .option("csv", o.csv, "write the creation-cost table to this CSV file")
        .option("size-csv", o.size_csv,
                "write the fork-against-size table to this CSV file")
        .option("costs", o.costs, "write the headline costs to this cost file (JSON)")
        .flag("child-report", o.child_report,
              "internal: the program was re-executed by its own exec demo")
        .option("report-fd", o.report_fd, 0, 1023,
                "internal: descriptor on which --child-report writes");
    cli.parse(argc, argv);
    if (o.child_report) {
        if (o.report_fd < 0) {
            std::fprintf(stderr, "processes: --child-report needs --report-fd\n%s",
                         cli.usage().c_str());
            return 2;
        }
        return child_report(o.report_fd);
    }

    if (::access(o.exec_path.c_str(), X_OK) != 0) {
        std::fprintf(stderr, "processes: --exec '%s' is not an executable file\n%s",
                     o.exec_path.c_str(), cli.usage().c_str());
        return 2;
    }
    try {
        book::measure::CostFile costs("01-processes", "processes");
        // [sections]
        show_identity();
        show_separate_address_spaces();
        show_copy_on_write(o.mib);
        show_exec();
        show_pipe();
        show_pipe_writers();
        show_creation_cost(o, costs);
        show_fork_cost_by_size(o);
        show_kernel_events(o, costs);
        show_zombie();
        show_stdio_duplicated();
        show_pipe_end_left_open();
        show_fork_with_threads();
        // [/sections]
        if (!o.costs.empty()) costs.write(o.costs);
    } catch (const std::exception& e) {
        std::fflush(stdout);
        std::fprintf(stderr, "processes: %s\n", e.what());
        return 1;
    }
    return 0;
}
// [/main]
