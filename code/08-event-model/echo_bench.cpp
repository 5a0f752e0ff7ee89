// Drives several echo servers, each a child process, with one load client at several
// connection counts, interleaved, and prints throughput, latency and the server's CPU
// time per message.
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli.hpp"
#include "costs.hpp"
#include "echo_server.hpp"
#include "measure.hpp"
#include "sanitizers.hpp"

extern char** environ;

namespace {

using clock_type = std::chrono::steady_clock;

std::vector<std::string> split(const std::string& s) {
    std::vector<std::string> out;
    std::stringstream in(s);
    for (std::string item; std::getline(in, item, ',');)
        if (!item.empty()) out.push_back(item);
    return out;
}

// A server under test: a child process whose stdin we hold open until the end.
struct server_process {
    std::string name;
    pid_t pid = -1;
    int stdin_fd = -1;
    std::uint16_t port = 0;
};

bool pin_to(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return sched_setaffinity(0, sizeof set, &set) == 0;
}

// [spawn]
// Starts argv as a child on CPU server_cpu (when >= 0) and reads "port N" from it.
server_process start_server(const std::string& name, std::vector<std::string> argv,
                            int server_cpu, int client_cpu) {
    int in[2], out[2];
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0)
        throw std::runtime_error("pipe");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    // The child inherits our CPU affinity: take the server's CPU just for the spawn.
    if (server_cpu >= 0) pin_to(server_cpu);
    pid_t pid;
    const int rc = posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ);
    if (client_cpu >= 0) pin_to(client_cpu);
    posix_spawn_file_actions_destroy(&fa);
    ::close(in[0]);
    ::close(out[1]);
    if (rc != 0) throw std::runtime_error("cannot start " + argv[0]);
    std::string line;
    char ch;
    while (::read(out[0], &ch, 1) == 1 && ch != '\n') line += ch;
    ::close(out[0]);
    server_process p{name, pid, in[1], 0};
    if (line.rfind("port ", 0) == 0) {
        p.port = static_cast<std::uint16_t>(std::stoi(line.substr(5)));
    } else {  // e.g. "unavailable: io_uring_setup refused: ..."
        ::close(p.stdin_fd);
        ::waitpid(pid, nullptr, 0);
        throw std::runtime_error(line.empty() ? "no port line" : line);
    }
    return p;
}
// [/spawn]

void stop_server(server_process& p) {
    ::close(p.stdin_fd);  // the server's signal to end
    int status = 0;
    ::waitpid(p.pid, &status, 0);
}

// [cpu]
// CPU time the process has used, in ns: the sum of its threads' schedstat run times.
double cpu_ns(pid_t pid) {
    const std::string dir = "/proc/" + std::to_string(pid) + "/task";
    double total = 0;
    if (DIR* d = ::opendir(dir.c_str())) {
        while (dirent* e = ::readdir(d)) {
            if (e->d_name[0] == '.') continue;
            std::ifstream f(dir + "/" + e->d_name + "/schedstat");
            double ns = 0;
            if (f >> ns) total += ns;
        }
        ::closedir(d);
    }
    return total;
}
// [/cpu]

// Resident memory (KiB) and thread count, from /proc/PID/status.
std::pair<long, long> rss_threads(pid_t pid) {
    std::ifstream f("/proc/" + std::to_string(pid) + "/status");
    long rss = 0, threads = 0;
    for (std::string line; std::getline(f, line);) {
        if (line.rfind("VmRSS:", 0) == 0) rss = std::stol(line.substr(6));
        if (line.rfind("Threads:", 0) == 0) threads = std::stol(line.substr(8));
    }
    return {rss, threads};
}

// [client]
// One load client: `conns` connections, each sending a message and waiting for its
// echo before sending the next (one message in flight per connection).
struct load_client {
    struct conn {
        int fd;
        std::size_t got = 0;
        clock_type::time_point sent_at;
    };
    int ep;
    std::vector<conn> conns;
    std::string msg;
    std::vector<double> latencies_us;
    std::uint64_t completed = 0;
    bool recording = false, sending = true;
    std::size_t in_flight = 0;

    load_client(std::uint16_t port, int n, std::size_t bytes) : msg(bytes, 'x') {
        ep = ::epoll_create1(EPOLL_CLOEXEC);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        for (int i = 0; i < n; ++i) {  // every connection made before timing starts
            const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr))
                throw std::runtime_error(std::string("connect: ") + std::strerror(errno));
            const int one = 1;
            ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            ::fcntl(fd, F_SETFL, O_NONBLOCK);
            epoll_event ev{};
            ev.events = EPOLLIN;
            ev.data.u32 = static_cast<std::uint32_t>(i);
            ::epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
            conns.push_back({fd, 0, clock_type::now()});
        }
    }
    ~load_client() {
        for (auto& c : conns) ::close(c.fd);
        ::close(ep);
    }
    void send(conn& c) {
        c.got = 0;
        c.sent_at = clock_type::now();
        if (::send(c.fd, msg.data(), msg.size(), MSG_NOSIGNAL) !=
            static_cast<ssize_t>(msg.size()))
            throw std::runtime_error("send failed");
        ++in_flight;
    }
    // Runs until `until`; then, with sending off, until every echo is back.
    void run(clock_type::time_point until) {
        sending = true;
        for (auto& c : conns)
            if (c.got == 0 && in_flight < conns.size()) send(c);
        epoll_event evs[256];
        char buf[64 * 1024];
        for (;;) {
            if (sending && clock_type::now() >= until) sending = false;
            if (!sending && in_flight == 0) return;
            const int n = ::epoll_wait(ep, evs, 256, 1000);
            if (n == 0) throw std::runtime_error("server stopped answering");
            for (int i = 0; i < n; ++i) {
                conn& c = conns[evs[i].data.u32];
                const ssize_t r = ::read(c.fd, buf, sizeof buf);
                if (r <= 0) {
                    if (r < 0 && errno == EAGAIN) continue;
                    throw std::runtime_error("connection closed by the server");
                }
                c.got += static_cast<std::size_t>(r);
                if (c.got < msg.size()) continue;
                --in_flight;
                if (recording) {
                    latencies_us.push_back(std::chrono::duration<double, std::micro>(
                                               clock_type::now() - c.sent_at)
                                               .count());
                    ++completed;
                }
                if (sending)
                    send(c);
                else
                    c.got = 0;
            }
        }
    }
};
// [/client]

struct sample {
    double msgs_per_s, cpu_ns_per_msg, p50_us, p99_us;
    long rss_kib, threads;
};

double percentile(std::vector<double>& v, double p) {
    if (v.empty()) return 0;
    const std::size_t k = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
    std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
    return v[k];
}

// [window]
sample measure(const server_process& s, load_client& client, int warmup_ms,
               int measure_ms) {
    client.recording = false;
    client.completed = 0;
    client.latencies_us.clear();
    client.run(clock_type::now() + std::chrono::milliseconds(warmup_ms));
    // Every echo is back: the server is idle. Read its CPU time, then time the window.
    const double cpu0 = cpu_ns(s.pid);
    client.recording = true;
    const auto t0 = clock_type::now();
    client.run(t0 + std::chrono::milliseconds(measure_ms));
    const double seconds = std::chrono::duration<double>(clock_type::now() - t0).count();
    const double cpu1 = cpu_ns(s.pid);
    const auto [rss, threads] = rss_threads(s.pid);
    const double n = static_cast<double>(client.completed);
    return {n / seconds,
            (cpu1 - cpu0) / n,
            percentile(client.latencies_us, 0.5),
            percentile(client.latencies_us, 0.99),
            rss,
            threads};
}
// [/window]

}  // namespace

int main(int argc, char** argv) {
    std::string servers_arg = "loop,uv,asio,threads,node,uring", conns_arg = "1,100,1000";
    std::string bindir = ".", node = "node", script = "echo.js", csv, costs_path;
    int reps = 5, warmup_ms = 50, measure_ms = 200, bytes = 64;
    book::cli::Parser cli("echo_bench",
                          "Compares echo servers under one load client, interleaved.");
    cli.option("servers", servers_arg, "comma list of loop,uv,asio,threads,node,uring")
        .option("conns", conns_arg, "comma list of connection counts (1..4000)")
        .option("reps", reps, 1, 100, "measured windows per server and count")
        .option("warmup-ms", warmup_ms, 0, 10000, "unmeasured traffic before each window")
        .option("measure-ms", measure_ms, 10, 60000, "length of one measured window")
        .option("bytes", bytes, 1, 65536, "message size")
        .option("bindir", bindir, "folder of the server programs")
        .option("node", node, "path of node")
        .option("script", script, "path of echo.js")
        .option("csv", csv, "write every window to this CSV file")
        .option("costs", costs_path, "write the headline costs to this file");
    cli.parse(argc, argv);
    std::vector<int> counts;
    for (const auto& c : split(conns_arg)) {
        int v = 0;
        try {
            v = std::stoi(c);
        } catch (...) {
        }
        if (v < 1 || v > 4000 || std::to_string(v) != c) {
            std::fprintf(stderr, "echo_bench: bad --conns '%s'\n%s", c.c_str(),
                         cli.usage().c_str());
            return 2;
        }
        counts.push_back(v);
    }
    const std::map<std::string, std::string> labels{
        {"loop", "book loop"},  {"uv", "libuv"},     {"asio", "Boost.Asio"},
        {"threads", "threads"}, {"node", "Node.js"}, {"uring", "io_uring"}};
    std::vector<std::string> wanted = split(servers_arg);
    for (const auto& w : wanted)
        if (!labels.count(w)) {
            std::fprintf(stderr, "echo_bench: unknown server '%s'\n%s", w.c_str(),
                         cli.usage().c_str());
            return 2;
        }
    ::signal(SIGPIPE, SIG_IGN);

    const auto [soft, hard] = book::loop::raise_fd_limit();
    std::printf("open-file limit: soft %llu, hard %llu\n",
                static_cast<unsigned long long>(soft),
                static_cast<unsigned long long>(hard));
    const long cpus = ::sysconf(_SC_NPROCESSORS_ONLN);
    cpu_set_t allowed;
    sched_getaffinity(0, sizeof allowed, &allowed);
    const bool pin =
        CPU_COUNT(&allowed) >= 2 && CPU_ISSET(0, &allowed) && CPU_ISSET(1, &allowed);
    const int client_cpu = pin ? 0 : -1, server_cpu = pin ? 1 : -1;
    if (pin) pin_to(client_cpu);
    std::printf("CPUs: %ld; %s\n", cpus,
                pin ? "client pinned to CPU 0, servers to CPU 1"
                    : "fewer than two CPUs allowed: nothing pinned");
    int max_conns = *std::max_element(counts.begin(), counts.end());
    if (static_cast<rlim_t>(max_conns) + 64 > soft)
        std::printf("warning: %d connections need more descriptors than the soft limit\n",
                    max_conns);

    // Start every server once; each stays up for all its windows.
    std::vector<server_process> servers;
    for (const auto& w : wanted) {
        if (w == "node" && book::sanitizers::exempt(
                               std::string(book::sanitizers::active()), "Node.js server",
                               "node is not built with sanitizers; "
                               "running it checks none of the book's code"))
            continue;
        if (w == "uv" && book::sanitizers::exempt(std::string(book::sanitizers::active()),
                                                  "libuv server",
                                                  "Debian's libuv is not instrumented; "
                                                  "the run would check only its glue"))
            continue;
        if (w == "asio" && book::sanitizers::exempt("thread", "Boost.Asio server",
                                                    "its fenced blocks use "
                                                    "atomic_thread_fence, which g++ 12's "
                                                    "ThreadSanitizer does not support"))
            continue;
        std::vector<std::string> args;
        if (w == "node")
            args = {node, script};
        else
            args = {bindir + "/echo_" + w};
        args.push_back("--backlog");
        args.push_back("1024");
        try {
            servers.push_back(start_server(w, args, server_cpu, client_cpu));
        } catch (const std::exception& e) {
            std::printf("%s: skipped (%s)\n", labels.at(w).c_str(), e.what());
        }
    }

    // [rounds]
    // samples[server][count]: one sample per window; rounds interleave the servers.
    std::map<std::string, std::map<int, std::vector<sample>>> samples;
    std::ofstream out;
    if (!csv.empty()) {
        out.open(csv);
        out << "server,conns,rep,msgs_per_s,cpu_ns_per_msg,p50_us,p99_us,rss_kib,"
               "threads\n";
    }
    for (int n : counts) {
        // Every server's connections are made before any window is timed.
        std::vector<std::unique_ptr<load_client>> clients;
        for (auto& s : servers)
            clients.push_back(std::make_unique<load_client>(
                s.port, n, static_cast<std::size_t>(bytes)));
        for (int rep = 0; rep < reps; ++rep)
            for (std::size_t i = 0; i < servers.size(); ++i) {
                const server_process& s = servers[i];
                const sample x = measure(s, *clients[i], warmup_ms, measure_ms);
                samples[s.name][n].push_back(x);
                if (out.is_open())
                    out << s.name << ',' << n << ',' << rep << ',' << x.msgs_per_s << ','
                        << x.cpu_ns_per_msg << ',' << x.p50_us << ',' << x.p99_us << ','
                        << x.rss_kib << ',' << x.threads << '\n';
            }
    }
    // [/rounds]
    for (auto& s : servers) stop_server(s);

    std::printf(
        "\n%d windows of %d ms per server and count, %d-byte messages, "
        "median (min-max)\n",
        reps, measure_ms, bytes);
    std::printf("%-5s %-10s %22s %20s %8s %8s %8s %7s\n", "conns", "server", "msgs/s",
                "CPU us/msg", "p50 us", "p99 us", "RSS MiB", "threads");
    book::measure::CostFile costs("08-event-model", "echo_bench");
    auto pick = [](const std::vector<sample>& v, auto field) {
        std::vector<double> xs;
        for (const auto& s : v) xs.push_back(static_cast<double>(field(s)));
        return book::measure::summarize(xs);
    };
    for (int n : counts) {
        for (auto& s : servers) {
            const auto& v = samples[s.name][n];
            const auto tput = pick(v, [](const sample& x) { return x.msgs_per_s; });
            const auto cpu =
                pick(v, [](const sample& x) { return x.cpu_ns_per_msg / 1e3; });
            const auto p50 = pick(v, [](const sample& x) { return x.p50_us; });
            const auto p99 = pick(v, [](const sample& x) { return x.p99_us; });
            const auto rss = pick(v, [](const sample& x) { return x.rss_kib / 1024.0; });
            const auto thr = pick(v, [](const sample& x) { return x.threads; });
            std::printf(
                "%-5d %-10s %8.0f (%5.0f-%5.0f) %6.2f (%5.2f-%5.2f) %8.1f %8.1f "
                "%8.1f %7.0f\n",
                n, labels.at(s.name).c_str(), tput.median, tput.min, tput.max, cpu.median,
                cpu.min, cpu.max, p50.median, p99.median, rss.median, thr.median);
            const std::string k = "echo." + s.name + ".c" + std::to_string(n);
            const std::string who =
                labels.at(s.name) + ", " + std::to_string(n) + " conn";
            costs.add({k + ".cpu_per_msg", "server CPU per message (" + who + ")",
                       "server CPU time (all threads) per echoed message, steady state",
                       "us", cpu});
            costs.add({k + ".throughput", "throughput (" + who + ")",
                       "echoed messages per second, one client", "msg/s", tput});
            costs.add({k + ".p50", "median latency (" + who + ")",
                       "round trip of one message, client to client", "us", p50});
            costs.add({k + ".p99", "99th-percentile latency (" + who + ")",
                       "round trip of one message, client to client", "us", p99});
        }
    }
    // [ratios]
    if (samples.count("uv"))
        std::printf(
            "\nserver CPU per message, ratio to libuv (same run; below 1 is cheaper)\n");
    for (int n : counts) {
        if (!samples.count("uv")) break;
        std::printf("%5d conns:", n);
        for (auto& s : servers) {
            if (s.name == "uv") continue;
            const std::string k =
                "echo." + s.name + ".c" + std::to_string(n) + ".cpu_per_msg";
            const std::string base = "echo.uv.c" + std::to_string(n) + ".cpu_per_msg";
            if (s.name == "loop")
                costs.compare(k, base, 1.1, "within 1.1x libuv's CPU time per message");
            else
                costs.compare(k, base);
            const double r =
                pick(samples[s.name][n], [](const sample& x) { return x.cpu_ns_per_msg; })
                    .median /
                pick(samples["uv"][n], [](const sample& x) {
                    return x.cpu_ns_per_msg;
                }).median;
            std::printf("  %s %.2fx", labels.at(s.name).c_str(), r);
        }
        std::printf("\n");
    }
    // [/ratios]
    if (!costs_path.empty()) costs.write(costs_path);
    return 0;
}
