#!/usr/bin/env bash
# The README's first command: install the Debian packages the book needs (if any are missing), then
# configure, compile every chapter program, run and capture each one, and render the HTML book.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")"

# Everything the build and the tests use, from Debian 12's archive.
packages=(
  cmake ninja-build g++ clang libclang-rt-14-dev gdb     # compilers, sanitizer runtimes, debugger captures
  doctest-dev                                           # unit tests
  python3 python3-sphinx python3-breathe python3-myst-parser furo python3-sphinx-copybutton
  python3-matplotlib doxygen graphviz                   # rendering
  chromium                                              # the rendered book tested in a browser
  libboost-dev libboost-context-dev                     # Boost.Context and Boost.Asio beside the book's own
  libuv1-dev liburing-dev                               # the event loop chapter: libuv, io_uring
  libtbb-dev libomp-14-dev libopenmpi-dev openmpi-bin   # parallelism in practice: TBB, OpenMP, MPI
  golang-go                                             # goroutines: Debian's Go
  rustc cargo librust-rayon-dev librust-tokio-dev librust-crossbeam-channel-dev  # Rust, offline crates
  g++-aarch64-linux-gnu qemu-user                       # the AArch64 build, run under emulation
  libuv1-dev:arm64 liburing-dev:arm64 libtbb-dev:arm64  # ... with arm64 builds of the libraries (multiarch;
  libboost-dev:arm64 libboost-context-dev:arm64         #   Open MPI's cannot be installed beside amd64's)
  libgomp1:arm64 libasan8:arm64 libubsan1:arm64         #   and the runtimes qemu-aarch64 loads
  strace libbenchmark-dev clang-format                  # system-call captures, bench/, the code style
  procps                                                # ps, for the process-state capture of chapter 1
  epubcheck poppler-utils                               # EPUB and PDF editions, checked
)
# The browser test runs on Node.js (playwright-core from npm drives the chromium above): Debian's nodejs and
# npm only where there is no node at all (a newer Node.js already on the machine is kept).
command -v node >/dev/null 2>&1 || packages+=(nodejs npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "Installing missing Debian packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  # The arm64 packages come from Debian's archive through multiarch: arm64 is added once.
  if [[ " ${missing[*]}" == *":arm64"* ]] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
    $sudo dpkg --add-architecture arm64
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The browser test's npm packages (playwright-core and axe-core, pinned in tests/browser/package-lock.json).
if [ ! -d tests/browser/node_modules ] || [ tests/browser/package-lock.json -nt tests/browser/node_modules ]; then
  echo "Installing the browser test's npm packages (tests/browser)"
  (cd tests/browser && npm ci --no-audit --no-fund)
fi

cmake --preset default
cmake --build --preset default
echo
echo "Open the book: $(pwd)/build/html/index.html"
