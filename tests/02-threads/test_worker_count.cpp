// Tests of worker_count.hpp: parsing cgroup v1 and v2 quota files, finding the quota in
// a made-up hierarchy (the smallest along the path wins), and the worker-count rule.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "worker_count.hpp"

namespace fs = std::filesystem;
using book::threads::cgroup_cpu_quota;
using book::threads::parse_cfs_quota;
using book::threads::parse_cpu_max;
using book::threads::worker_count;

namespace {
// A temporary directory that holds a made-up cgroup hierarchy; removed at the end.
struct FakeRoot {
    fs::path dir;
    FakeRoot() {
        std::string name = (fs::temp_directory_path() / "cgroup-test-XXXXXX").string();
        REQUIRE(::mkdtemp(name.data()) != nullptr);
        dir = name;
    }
    ~FakeRoot() { fs::remove_all(dir); }
    void write(const std::string& relative, const std::string& text) const {
        fs::create_directories((dir / relative).parent_path());
        std::ofstream(dir / relative) << text;
    }
    std::string root() const { return dir.string(); }
};
}  // namespace

TEST_CASE("cgroup v2 cpu.max: a quota, no quota, and nonsense") {
    CHECK(parse_cpu_max("200000 100000\n").value() == doctest::Approx(2.0));
    CHECK(parse_cpu_max("150000 100000").value() == doctest::Approx(1.5));
    CHECK_FALSE(parse_cpu_max("max 100000\n"));
    CHECK_FALSE(parse_cpu_max(""));
    CHECK_FALSE(parse_cpu_max("12x 100000"));
    CHECK_FALSE(parse_cpu_max("100000 0"));
}

TEST_CASE("cgroup v1 cfs quota and period: a quota, none (-1), and nonsense") {
    CHECK(parse_cfs_quota("50000\n", "100000\n").value() == doctest::Approx(0.5));
    CHECK_FALSE(parse_cfs_quota("-1\n", "100000\n"));
    CHECK_FALSE(parse_cfs_quota("", "100000"));
    CHECK_FALSE(parse_cfs_quota("50000", "0"));
}

TEST_CASE("cgroup v2: the smallest quota on the path from the process's cgroup up wins") {
    FakeRoot fake;
    fake.write("cgroup.controllers", "cpu memory\n");
    fake.write("cpu.max", "max 100000\n");
    fake.write("kubepods/cpu.max", "400000 100000\n");
    fake.write("kubepods/pod1/cpu.max", "max 100000\n");
    fake.write("kubepods/pod1/app/cpu.max", "max 100000\n");
    const auto quota = cgroup_cpu_quota(fake.root(), "0::/kubepods/pod1/app\n");
    REQUIRE(quota);
    CHECK(quota->cpus == doctest::Approx(4.0));
    CHECK(quota->file == fake.root() + "/kubepods/cpu.max");

    fake.write("kubepods/pod1/app/cpu.max", "150000 100000\n");
    CHECK(cgroup_cpu_quota(fake.root(), "0::/kubepods/pod1/app\n")->cpus ==
          doctest::Approx(1.5));
}

TEST_CASE("cgroup v2 without any quota, and a container that sees its cgroup as root") {
    FakeRoot fake;
    fake.write("cgroup.controllers", "cpu\n");
    fake.write("cpu.max", "max 100000\n");
    CHECK_FALSE(cgroup_cpu_quota(fake.root(), "0::/\n"));
    fake.write("cpu.max", "250000 100000\n");
    // the path named in /proc/self/cgroup does not exist in this (container's) view
    const auto quota = cgroup_cpu_quota(fake.root(), "0::/docker/abc\n");
    REQUIRE(quota);
    CHECK(quota->cpus == doctest::Approx(2.5));
}

TEST_CASE("cgroup v1: the quota of the cpu controller's hierarchy") {
    FakeRoot fake;  // no cgroup.controllers at the root: v1
    fake.write("cpu,cpuacct/cpu.cfs_quota_us", "-1\n");
    fake.write("cpu,cpuacct/cpu.cfs_period_us", "100000\n");
    fake.write("cpu,cpuacct/docker/abc/cpu.cfs_quota_us", "300000\n");
    fake.write("cpu,cpuacct/docker/abc/cpu.cfs_period_us", "100000\n");
    const char* self = "12:memory:/docker/abc\n4:cpu,cpuacct:/docker/abc\n0::/\n";
    const auto quota = cgroup_cpu_quota(fake.root(), self);
    REQUIRE(quota);
    CHECK(quota->cpus == doctest::Approx(3.0));
    // no quota anywhere on the path
    fake.write("cpu,cpuacct/docker/abc/cpu.cfs_quota_us", "-1\n");
    CHECK_FALSE(cgroup_cpu_quota(fake.root(), self));
}

TEST_CASE("the worker count is the affinity count capped by the quota rounded up") {
    CHECK(worker_count(64, 2.0) == 2);
    CHECK(worker_count(64, 1.5) == 2);
    CHECK(worker_count(64, 0.2) == 1);
    CHECK(worker_count(2, 8.0) == 2);
    CHECK(worker_count(2, std::nullopt) == 2);
    CHECK(worker_count(0, std::nullopt) == 1);
}

TEST_CASE("on this machine the worker count is between 1 and the affinity count") {
    const unsigned n = book::threads::this_process_worker_count();
    CHECK(n >= 1);
    CHECK(n <= book::threads::allowed_cpu_count());
}
