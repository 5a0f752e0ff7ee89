# Cross-compiling the whole book for AArch64 with Debian's aarch64-linux-gnu toolchain; programs
# and tests run under qemu-aarch64 (user-mode emulation) through CMAKE_CROSSCOMPILING_EMULATOR.
#
# Where the AArch64 pieces come from (all Debian 12 packages, installed by build-book.sh):
#   - the compiler, its libstdc++ and glibc to link against: g++-aarch64-linux-gnu, whose
#     arm64-cross packages live under /usr/aarch64-linux-gnu;
#   - the production libraries of chapters 7, 8, 10 and 11 (Boost.Context and Asio, libuv,
#     liburing, oneTBB): their arm64 builds through multiarch (dpkg --add-architecture arm64;
#     libuv1-dev:arm64 ...), under /usr/lib/aarch64-linux-gnu, which the cross compiler searches;
#     their headers are shared with the amd64 ones in /usr/include;
#   - at run time, Debian's arm64 glibc (libc6:arm64, pulled in by those packages) with its
#     loader /lib/ld-linux-aarch64.so.1. qemu-aarch64 runs against the root "/" then, so that
#     the loader, libc.so.6 and every library come from one glibc build: with "-L
#     /usr/aarch64-linux-gnu" the cross loader would load the multiarch libc.so.6 from
#     /lib/aarch64-linux-gnu (qemu falls back to the host path): a loader and a libc of two
#     builds, and a dynamically linked program then hangs at start (seen here; chapter 7's
#     statically linked captures are not affected).
# Open MPI has no co-installable arm64 build (libmunge2, which its libpmix2 needs, is not
# Multi-Arch: same): chapter 11 skips its MPI program and exercise here, and says so.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)

if(EXISTS /lib/ld-linux-aarch64.so.1)
  set(BOOK_AARCH64_RUNTIME_ROOT /)
else()
  # No multiarch arm64 glibc (build-book.sh not run): chapters without production libraries
  # still run against the cross toolchain's own glibc.
  set(BOOK_AARCH64_RUNTIME_ROOT /usr/aarch64-linux-gnu)
endif()
set(CMAKE_CROSSCOMPILING_EMULATOR "qemu-aarch64;-L;${BOOK_AARCH64_RUNTIME_ROOT}")

# Libraries: the cross toolchain's, then the multiarch ones (/usr/lib/aarch64-linux-gnu, found
# under the root "/" through CMAKE_LIBRARY_ARCHITECTURE); never the host's x86-64 ones.
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu /)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
# Header-only packages (doctest) and the multiarch packages' CMake files (Boost, TBB) are found
# in /usr/include, /usr/lib/cmake and /usr/lib/aarch64-linux-gnu/cmake.
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
# pkg-config, if a chapter asks it, answers for arm64.
set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig")
