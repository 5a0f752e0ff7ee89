# Book.cmake: the functions a chapter's CMakeLists.txt calls (book_program, book_capture, book_figure,
# book_exercise, book_headers), and book_finalize(), which ties captures, figures, archives, Doxygen,
# Sphinx and the tests together once every chapter is registered.
#
# Protocol of one build (default preset, BOOK_RENDER=ON):
#   1. compile every program, unit test and exercise (ordinary targets, in parallel);
#   2. capture: run each program once or several times (book/tools/capture.py), one at a time in the
#      job pool "quiet", and only after every compiled target is built (order-only dependencies, added
#      by book_finalize), so that measurements see a quiet machine;
#   3. figures (book/figures/NN-slug.py) from captured data, and Doxygen XML from the documented
#      headers, in the same pool;
#   4. Sphinx renders build/html from chapters/ and book/, reading captures, figures and XML from the
#      build tree through the manifest build/book/manifest.json.
# Every step is a file-to-file rule, so a rebuild reruns only what an edit changed.

set(BOOK_ROOT "${PROJECT_SOURCE_DIR}")
set(BOOK_TOOLS "${BOOK_ROOT}/book/tools")
set(BOOK_COMMON_DIR "${BOOK_ROOT}/code/common")
set(BOOK_CAPTURE_DIR "${PROJECT_BINARY_DIR}/captures")
set(BOOK_FIGURE_DIR "${PROJECT_BINARY_DIR}/figures")
set(BOOK_DOWNLOAD_DIR "${PROJECT_BINARY_DIR}/downloads")
set(BOOK_META_DIR "${PROJECT_BINARY_DIR}/book")
set(BOOK_COSTS_DIR "${PROJECT_BINARY_DIR}/costs")
set_property(GLOBAL PROPERTY JOB_POOLS quiet=1)

# Captures on a busy machine (book/measuring.md): a measurement capture waits for quiet, bounded by a
# budget for the whole build; a failed expectation reruns it, then shows a notice on the page.
option(BOOK_STRICT "A capture whose expectations fail after its reruns fails the build (published builds; never CI)" OFF)
set(BOOK_QUIET_BUDGET 120 CACHE STRING "Seconds one build may wait in total for a quiet machine before measurement captures (0: never wait)")
set(BOOK_QUIET_MAX_WAIT 30 CACHE STRING "Longest wait for quiet before one capture attempt (seconds)")
set(BOOK_CAPTURE_RERUNS 2 CACHE STRING "Reruns of a capture whose expectations fail")
set(BOOK_QUIET_BELOW 0.25 CACHE STRING "Other programs' CPUs below which the machine counts as quiet")
set(BOOK_QUIET_LEDGER "${BOOK_META_DIR}/quiet-wait.txt")

# Compiler flags shared by every target of the book; a declared sanitizer demonstration passes its own.
function(book_apply_flags target sanitize)
  target_compile_options(${target} PRIVATE -Wall -Wextra)
  if(BOOK_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  if(sanitize STREQUAL "")
    set(sanitize "${BOOK_SANITIZER}")
  endif()
  if(sanitize STREQUAL "address")
    set(flags -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  elseif(sanitize STREQUAL "thread")
    set(flags -fsanitize=thread -fno-omit-frame-pointer)
  elseif(sanitize STREQUAL "" OR sanitize STREQUAL "none")
    set(flags "")
  else()
    message(FATAL_ERROR "book: unknown sanitizer '${sanitize}' for ${target} (address, thread or none)")
  endif()
  if(flags)
    target_compile_options(${target} PRIVATE ${flags})
    target_link_options(${target} PRIVATE ${flags})
  endif()
  set_property(GLOBAL APPEND PROPERTY BOOK_COMPILED_TARGETS ${target})
endfunction()

# The chapter whose CMakeLists.txt is being read: NN-slug, and the target prefix chNN.
macro(book_chapter_context)
  if(NOT BOOK_CHAPTER)
    message(FATAL_ERROR "book: chapter functions are called from code/NN-slug/CMakeLists.txt only")
  endif()
  string(SUBSTRING "${BOOK_CHAPTER}" 0 2 _book_nn)
  set(_book_prefix "ch${_book_nn}")
  # The chapter's own target (captures, figures, archive) is made at the end of its directory, where
  # the custom commands it depends on live.
  get_property(_book_deferred GLOBAL PROPERTY BOOK_FINISH_DEFERRED_${BOOK_CHAPTER})
  if(NOT _book_deferred)
    # The chapter's folder: code/NN-slug, or a folder of BOOK_EXTRA_CHAPTER_DIRS (the pipeline's tests).
    set_property(GLOBAL PROPERTY BOOK_CHAPTER_DIR_${BOOK_CHAPTER} "${CMAKE_CURRENT_SOURCE_DIR}")
    set_property(GLOBAL PROPERTY BOOK_FINISH_DEFERRED_${BOOK_CHAPTER} ON)
    cmake_language(DEFER CALL book_chapter_finish "${BOOK_CHAPTER}")
  endif()
endmacro()

# JSON helpers for the manifest: a list of strings as a JSON array.
function(book_json_array out)
  set(items "")
  foreach(item IN LISTS ARGN)
    string(REPLACE "\\" "\\\\" item "${item}")
    string(REPLACE "\"" "\\\"" item "${item}")
    list(APPEND items "\"${item}\"")
  endforeach()
  list(JOIN items ", " joined)
  set(${out} "[${joined}]" PARENT_SCOPE)
endfunction()

function(book_json_string out value)
  string(REPLACE "\\" "\\\\" value "${value}")
  string(REPLACE "\"" "\\\"" value "${value}")
  string(REPLACE "\n" "\\n" value "${value}")
  set(${out} "\"${value}\"" PARENT_SCOPE)
endfunction()

# book_capture(NAME COMMAND <target-or-path> <args...> [DEPENDS ...] [RUNS n] [TIMEOUT s]
#              [EXPECT_EXIT n] [EXPECT_TEXT regex] [DATA files...] [REQUIRES tool] [SMALL_ARGS ...]
#              [COMPILER "clang 14.0.6" FLAGS -O2 ...]   # the stamp's toolchain, for a non-target command
#              [CHECK name]                               # use tests/NN-slug/check_<name>.py (default: NAME)
#              [COSTS file]                               # the run writes a cost file (book-costs/1)
#              [RUNTIMES node go ...]                     # external runtimes whose versions the stamp names
#              [EXEMPT address|thread|clang "reason" ...]) # not run under that preset, and says why
function(book_capture name)
  book_chapter_context()
  cmake_parse_arguments(C "" "RUNS;TIMEOUT;EXPECT_EXIT;EXPECT_TEXT;REQUIRES;COMPILER;CHECK;COSTS"
                        "COMMAND;DEPENDS;DATA;SMALL_ARGS;FLAGS;EXEMPT;RUNTIMES" ${ARGN})
  if(C_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "book_capture(${name}): unknown arguments ${C_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT C_COMMAND)
    message(FATAL_ERROR "book_capture(${name}): COMMAND is required")
  endif()
  if(C_COSTS)
    list(APPEND C_DATA "${C_COSTS}")
  endif()
  # A declared exemption: a production library that cannot run clean under this preset's
  # sanitizer (or compiler). The preset prints the exemption and its reason instead of the run.
  set(exempt_reason "")
  list(LENGTH C_EXEMPT n_exempt)
  math(EXPR odd "${n_exempt} % 2")
  if(odd)
    message(FATAL_ERROR "book_capture(${name}): EXEMPT takes pairs: address|thread|clang \"reason\"")
  endif()
  set(this_preset "${BOOK_SANITIZER}")
  if(this_preset STREQUAL "" AND CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    set(this_preset "clang")
  endif()
  while(C_EXEMPT)
    list(POP_FRONT C_EXEMPT which why)
    if(NOT which MATCHES "^(address|thread|clang)$")
      message(FATAL_ERROR "book_capture(${name}): EXEMPT ${which}: address, thread or clang")
    endif()
    if(which STREQUAL this_preset AND NOT BOOK_RENDER)
      set(exempt_reason "${why}")
    endif()
  endwhile()
  if(NOT C_RUNS)
    set(C_RUNS 1)
  endif()
  if(NOT C_TIMEOUT)
    set(C_TIMEOUT 60)
  endif()
  if(NOT DEFINED C_EXPECT_EXIT)
    set(C_EXPECT_EXIT 0)
  endif()
  list(POP_FRONT C_COMMAND exe)
  set(deps ${C_DEPENDS})
  if(TARGET ${exe})
    list(APPEND deps ${exe})
    set(exe_path "$<TARGET_FILE:${exe}>")
    get_target_property(flags ${exe} COMPILE_OPTIONS)
    set(flags_text "${CMAKE_CXX_FLAGS} ${CMAKE_CXX_FLAGS_${BOOK_CONFIG_UPPER}} ${flags}")
    set(compiler_text "${CMAKE_CXX_COMPILER_ID} ${CMAKE_CXX_COMPILER_VERSION}")
  else()
    set(exe_path "${exe}")
    set(flags_text "")
    set(compiler_text "")
  endif()
  if(C_COMPILER)
    set(compiler_text "${C_COMPILER}")  # a program built outside CMake's compiler, e.g. by a second compiler
    set(flags_text "${C_FLAGS}")
  endif()
  string(REPLACE ";" " " flags_text "${flags_text}")
  string(STRIP "${flags_text}" flags_text)

  set(skip_reason "")
  if(C_REQUIRES)
    find_program(BOOK_TOOL_${C_REQUIRES} ${C_REQUIRES})
    if(NOT BOOK_TOOL_${C_REQUIRES})
      set(skip_reason "${C_REQUIRES} is not installed on the machine that built this page")
    endif()
  endif()

  set(dir "${BOOK_CAPTURE_DIR}/${BOOK_CHAPTER}/${name}")
  set(json "${dir}/capture.json")
  # The output check: tests/NN-slug/check_<name>.py, or check_<CHECK>.py when several captures share one.
  if(NOT C_CHECK)
    set(C_CHECK "${name}")
  endif()
  # (A chapter outside code/, such as the pipeline's own test chapters, sets BOOK_CHECK_DIR.)
  set(check_dir "${BOOK_ROOT}/tests/${BOOK_CHAPTER}")
  if(BOOK_CHECK_DIR)
    set(check_dir "${BOOK_CHECK_DIR}")
  endif()
  set(check "${check_dir}/check_${C_CHECK}.py")
  set(data_outputs "")
  foreach(d IN LISTS C_DATA)
    list(APPEND data_outputs "${dir}/${d}")
  endforeach()

  set(text_args "")
  if(C_EXPECT_TEXT)
    set(text_args --expect-text "${C_EXPECT_TEXT}")
  endif()

  if(BOOK_RENDER AND skip_reason STREQUAL "")
    set(extra_args "")
    set(extra_outputs "")
    set(extra_deps "")
    if(EXISTS "${check}")
      list(APPEND extra_args --check "${check}")
      list(APPEND extra_deps "${check}")
    endif()
    if(C_COSTS)
      set(gathered "${BOOK_COSTS_DIR}/${BOOK_CHAPTER}/${name}.json")
      list(APPEND extra_args --costs "${C_COSTS}" --costs-out "${gathered}")
      list(APPEND extra_outputs "${gathered}")
      set_property(GLOBAL APPEND PROPERTY BOOK_COST_FILES "${gathered}")
    endif()
    if(BOOK_STRICT)
      list(APPEND extra_args --strict)
    endif()
    add_custom_command(
      OUTPUT "${json}" ${data_outputs} ${extra_outputs}
      COMMAND "${BOOK_PYTHON}" "${BOOK_TOOLS}/capture.py"
              --chapter "${BOOK_CHAPTER}" --name "${name}" --workdir "${dir}" --out "${json}"
              --runs ${C_RUNS} --timeout ${C_TIMEOUT} --expect-exit ${C_EXPECT_EXIT} ${text_args}
              --data "${C_DATA}" --compiler "${compiler_text}" --flags "${flags_text}"
              --runtimes "${C_RUNTIMES}" --runtimes-cache "${BOOK_META_DIR}/runtime-versions.json"
              --wait-budget ${BOOK_QUIET_BUDGET} --budget-ledger "${BOOK_QUIET_LEDGER}"
              --max-wait ${BOOK_QUIET_MAX_WAIT} --reruns ${BOOK_CAPTURE_RERUNS}
              --quiet-below ${BOOK_QUIET_BELOW} ${extra_args}
              -- "${exe_path}" ${C_COMMAND}
      DEPENDS ${deps} ${extra_deps} "${BOOK_TOOLS}/capture.py" "${BOOK_TOOLS}/stamp.py" "${BOOK_TOOLS}/scrub.py"
              "${BOOK_TOOLS}/contention.py" "${BOOK_TOOLS}/costs.py"
      JOB_POOL quiet
      COMMENT "Capturing ${BOOK_CHAPTER}/${name}"
      VERBATIM)
    set_property(GLOBAL APPEND PROPERTY BOOK_CHAPTER_OUTPUTS_${BOOK_CHAPTER} "${json}" ${data_outputs}
                 ${extra_outputs})
    set_property(GLOBAL APPEND PROPERTY BOOK_CAPTURE_JSONS "${json}")
    if(EXISTS "${check}")
      add_test(NAME "output:${BOOK_CHAPTER}/${name}"
        COMMAND "${BOOK_PYTHON}" "${BOOK_TOOLS}/outcheck.py" --chapter "${BOOK_CHAPTER}" --name "${name}"
                --check "${check}" --capture "${json}")
      set_tests_properties("output:${BOOK_CHAPTER}/${name}" PROPERTIES LABELS "${BOOK_CHAPTER};output")
    endif()
  elseif(NOT BOOK_RENDER AND NOT exempt_reason STREQUAL "")
    add_test(NAME "run:${BOOK_CHAPTER}/${name}"
      COMMAND "${CMAKE_COMMAND}" -E echo
              "BOOK EXEMPTION (${this_preset}): ${BOOK_CHAPTER}/${name} is not run: ${exempt_reason}")
    set_tests_properties("run:${BOOK_CHAPTER}/${name}" PROPERTIES LABELS "${BOOK_CHAPTER};run;exemption")
    set_property(GLOBAL APPEND PROPERTY BOOK_EXEMPTIONS
      "${this_preset}|${BOOK_CHAPTER}/${name}|the whole program is not run: ${exempt_reason}")
  elseif(NOT BOOK_RENDER AND skip_reason STREQUAL "")
    # Sanitizer and clang presets: run with small arguments as a test, with a longer limit.
    math(EXPR limit "${C_TIMEOUT} * ${BOOK_TIMEOUT_SCALE}")
    set(check_args "")
    if(EXISTS "${check}")
      set(check_args --check "${check}")
    endif()
    set(args ${C_SMALL_ARGS})
    if(NOT C_SMALL_ARGS)
      set(args ${C_COMMAND})
    endif()
    add_test(NAME "run:${BOOK_CHAPTER}/${name}"
      COMMAND "${BOOK_PYTHON}" "${BOOK_TOOLS}/outcheck.py" --chapter "${BOOK_CHAPTER}" --name "${name}"
              --timeout ${limit} --expect-exit ${C_EXPECT_EXIT} ${text_args} ${check_args}
              --exemptions-out "${PROJECT_BINARY_DIR}/exemptions/${BOOK_CHAPTER}/${name}.txt"
              --workdir "${PROJECT_BINARY_DIR}/runs/${BOOK_CHAPTER}/${name}" -- "${exe_path}" ${args})
    set_tests_properties("run:${BOOK_CHAPTER}/${name}" PROPERTIES TIMEOUT ${limit} LABELS "${BOOK_CHAPTER};run")
    set_property(GLOBAL APPEND PROPERTY BOOK_RUN_TESTS "run:${BOOK_CHAPTER}/${name}")
  endif()

  book_json_string(j_name "${name}")
  book_json_string(j_json "${json}")
  book_json_string(j_skip "${skip_reason}")
  book_json_string(j_dir "${dir}")
  book_json_string(j_costs "${C_COSTS}")
  book_json_array(j_runtimes ${C_RUNTIMES})
  set_property(GLOBAL APPEND PROPERTY BOOK_MANIFEST_CAPTURES_${BOOK_CHAPTER}
    "{\"name\": ${j_name}, \"json\": ${j_json}, \"dir\": ${j_dir}, \"runs\": ${C_RUNS}, \"skipped\": ${j_skip}, \"costs\": ${j_costs}, \"runtimes\": ${j_runtimes}}")
endfunction()

# book_program(NAME SOURCES ... [CAPTURE_ARGS ...] [SMALL_ARGS ...] [RUNS n] [TIMEOUT s] [DATA ...]
#              [EXPECT_EXIT n] [EXPECT_TEXT re] [SANITIZE address|thread] [LIBS ...] [USES NN-slug ...]
#              [CHECK name] [COSTS file] [EXEMPT address|thread|clang "reason" ...]
#              [RUNTIMES name ...])
function(book_program name)
  book_chapter_context()
  cmake_parse_arguments(P "NO_CAPTURE" "RUNS;TIMEOUT;EXPECT_EXIT;EXPECT_TEXT;SANITIZE;CHECK;COSTS"
                        "SOURCES;CAPTURE_ARGS;SMALL_ARGS;DATA;LIBS;USES;EXEMPT;RUNTIMES" ${ARGN})
  if(P_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "book_program(${name}): unknown arguments ${P_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT P_SOURCES)
    message(FATAL_ERROR "book_program(${name}): SOURCES is required")
  endif()
  set(target ${_book_prefix}_${name})
  add_executable(${target} ${P_SOURCES})
  set_target_properties(${target} PROPERTIES OUTPUT_NAME ${name})
  target_include_directories(${target} PRIVATE "${CMAKE_CURRENT_SOURCE_DIR}" "${BOOK_COMMON_DIR}")
  set(extra_dirs "")
  foreach(other IN LISTS P_USES)
    target_include_directories(${target} PRIVATE "${BOOK_ROOT}/code/${other}")
    list(APPEND extra_dirs "${BOOK_ROOT}/code/${other}")
  endforeach()
  target_link_libraries(${target} PRIVATE Threads::Threads ${P_LIBS})
  book_apply_flags(${target} "${P_SANITIZE}")

  # The one-line command a reader types in the unpacked archive.
  set(one_line "g++ -std=c++20 -O2 -pthread")
  if(P_SANITIZE STREQUAL "address")
    string(APPEND one_line " -g -fsanitize=address,undefined")
  elseif(P_SANITIZE STREQUAL "thread")
    string(APPEND one_line " -g -fsanitize=thread")
  endif()
  foreach(src IN LISTS P_SOURCES)
    get_filename_component(base "${src}" NAME)
    string(APPEND one_line " ${base}")
  endforeach()
  string(APPEND one_line " -o ${name}")
  foreach(lib IN LISTS P_LIBS)
    if(lib STREQUAL "TBB::tbb")
      string(APPEND one_line " -ltbb")
    elseif(lib MATCHES "^Boost::(.*)$")
      string(APPEND one_line " -lboost_${CMAKE_MATCH_1}")
    elseif(lib MATCHES "^MPI::")
      string(REPLACE "g++ -std=c++20" "mpicxx -std=c++20" one_line "${one_line}")  # Open MPI's wrapper
    elseif(lib STREQUAL "OpenMP::OpenMP_CXX")
      string(REPLACE "g++ -std=c++20" "g++ -std=c++20 -fopenmp" one_line "${one_line}")
    elseif(lib MATCHES "^-l")
      string(APPEND one_line " ${lib}")
    elseif(lib MATCHES "^[a-z0-9_]+$")
      string(APPEND one_line " -l${lib}")
    endif()
  endforeach()

  set(srcs "")
  foreach(src IN LISTS P_SOURCES)
    get_filename_component(abs "${src}" ABSOLUTE)
    list(APPEND srcs "${abs}")
  endforeach()
  book_json_string(j_name "${name}")
  book_json_string(j_target "${target}")
  book_json_array(j_sources ${srcs})
  book_json_array(j_uses ${extra_dirs})
  book_json_string(j_line "${one_line}")
  book_json_string(j_exe "${CMAKE_CURRENT_BINARY_DIR}/${name}")
  set_property(GLOBAL APPEND PROPERTY BOOK_MANIFEST_PROGRAMS_${BOOK_CHAPTER}
    "{\"name\": ${j_name}, \"target\": ${j_target}, \"sources\": ${j_sources}, \"uses\": ${j_uses}, \"one_line\": ${j_line}, \"exe\": ${j_exe}}")

  if(NOT P_NO_CAPTURE)
    set(pass "")
    foreach(key RUNS TIMEOUT EXPECT_EXIT EXPECT_TEXT CHECK COSTS)
      if(DEFINED P_${key})
        list(APPEND pass ${key} "${P_${key}}")
      endif()
    endforeach()
    foreach(key EXEMPT RUNTIMES)
      if(P_${key})
        list(APPEND pass ${key} ${P_${key}})
      endif()
    endforeach()
    book_capture(${name} COMMAND ${target} ${P_CAPTURE_ARGS} DATA ${P_DATA} SMALL_ARGS ${P_SMALL_ARGS} ${pass})
  endif()

endfunction()

# book_figure(NAME DATA program:file ...): build/figures/NN-slug/NAME-{light,dark}.svg from captured data.
function(book_figure name)
  book_chapter_context()
  cmake_parse_arguments(F "" "" "DATA" ${ARGN})
  set(script "${BOOK_ROOT}/book/figures/${BOOK_CHAPTER}.py")
  set(stem "${BOOK_FIGURE_DIR}/${BOOK_CHAPTER}/${name}")
  set(args "")
  set(deps "")
  foreach(item IN LISTS F_DATA)
    string(REPLACE ":" ";" parts "${item}")
    list(GET parts 0 prog)
    list(GET parts 1 file)
    set(path "${BOOK_CAPTURE_DIR}/${BOOK_CHAPTER}/${prog}/${file}")
    list(APPEND args "${item}=${path}")
    list(APPEND deps "${path}")
  endforeach()
  if(BOOK_RENDER)
    add_custom_command(
      OUTPUT "${stem}-light.svg" "${stem}-dark.svg"
      COMMAND ${CMAKE_COMMAND} -E make_directory "${BOOK_FIGURE_DIR}/${BOOK_CHAPTER}"
      COMMAND ${CMAKE_COMMAND} -E env "PYTHONPATH=${BOOK_ROOT}/book/figures" MPLCONFIGDIR=${PROJECT_BINARY_DIR}/mplconfig
              "${BOOK_PYTHON}" "${script}" "${name}" "${stem}" ${args}
      DEPENDS "${script}" "${BOOK_ROOT}/book/figures/bookplot.py" ${deps}
      JOB_POOL quiet
      COMMENT "Drawing figure ${BOOK_CHAPTER}/${name}"
      VERBATIM)
    set_property(GLOBAL APPEND PROPERTY BOOK_CHAPTER_OUTPUTS_${BOOK_CHAPTER} "${stem}-light.svg" "${stem}-dark.svg")
  endif()
  book_json_string(j_name "${name}")
  book_json_string(j_stem "${stem}")
  set_property(GLOBAL APPEND PROPERTY BOOK_MANIFEST_FIGURES_${BOOK_CHAPTER} "{\"name\": ${j_name}, \"stem\": ${j_stem}}")
endfunction()

# book_headers(files...): headers documented with Doxygen and rendered through Breathe.
function(book_headers)
  book_chapter_context()
  foreach(h IN LISTS ARGN)
    get_filename_component(abs "${h}" ABSOLUTE)
    set_property(GLOBAL APPEND PROPERTY BOOK_DOC_HEADERS "${abs}")
    book_json_string(j_header "${abs}")
    set_property(GLOBAL APPEND PROPERTY BOOK_MANIFEST_HEADERS_${BOOK_CHAPTER} ${j_header})
  endforeach()
endfunction()

# Compiles one doctest test file into a binary linked with the book's main (watchdog included).
function(book_doctest target source)
  cmake_parse_arguments(T "" "" "INCLUDES" ${ARGN})
  add_executable(${target} "${source}")
  target_include_directories(${target} PRIVATE ${T_INCLUDES} "${BOOK_COMMON_DIR}")
  target_link_libraries(${target} PRIVATE book_doctest_main doctest::doctest Threads::Threads)
  book_apply_flags(${target} "")
endfunction()

# book_exercise(NAME): code/NN-slug/exercises/NAME/{starter,solution}/ and test.cpp.
# Two binaries: the tests against the solution (must pass) and against the starter (must fail).
function(book_exercise name)
  book_chapter_context()
  set(dir "${CMAKE_CURRENT_SOURCE_DIR}/exercises/${name}")
  foreach(part starter test.cpp)
    if(NOT EXISTS "${dir}/${part}")
      message(FATAL_ERROR "book_exercise(${name}): ${dir}/${part} is missing")
    endif()
  endforeach()
  set(id "${BOOK_CHAPTER}/${name}")
  string(MAKE_C_IDENTIFIER "${_book_prefix}_ex_${name}" base)
  set(inc ${CMAKE_CURRENT_SOURCE_DIR} ${BOOK_EXTRA_EXERCISE_INCLUDES})

  book_doctest(${base}_starter "${dir}/test.cpp" INCLUDES "${dir}/starter" ${inc})
  set(has_solution OFF)
  if(EXISTS "${dir}/solution")
    set(has_solution ON)
    book_doctest(${base}_solution "${dir}/test.cpp" INCLUDES "${dir}/solution" ${inc})
  endif()

  if(BOOK_STUDENT OR NOT has_solution)
    # The student's view: the tests run against the starter code and fail until it is completed.
    add_test(NAME "exercise:${id}" COMMAND ${base}_starter)
  else()
    add_test(NAME "exercise:${id}" COMMAND ${base}_solution)
    add_test(NAME "exercise:${id}:starter-fails"
      COMMAND "${BOOK_PYTHON}" "${BOOK_TOOLS}/expect_test_failure.py" $<TARGET_FILE:${base}_starter>)
    set_tests_properties("exercise:${id}:starter-fails" PROPERTIES LABELS "${BOOK_CHAPTER};exercise")
  endif()
  set_tests_properties("exercise:${id}" PROPERTIES LABELS "${BOOK_CHAPTER};exercise")

  file(GLOB starter_files "${dir}/starter/*")
  book_json_string(j_name "${name}")
  book_json_string(j_dir "${dir}")
  book_json_array(j_starter ${starter_files})
  set_property(GLOBAL APPEND PROPERTY BOOK_MANIFEST_EXERCISES_${BOOK_CHAPTER}
    "{\"name\": ${j_name}, \"dir\": ${j_dir}, \"starter\": ${j_starter}}")
endfunction()

# Unit tests of tests/NN-slug/test_*.cpp: one binary each.
function(book_chapter_tests chapter)
  string(SUBSTRING "${chapter}" 0 2 nn)
  file(GLOB tests CONFIGURE_DEPENDS "${BOOK_ROOT}/tests/${chapter}/test_*.cpp")
  foreach(t IN LISTS tests)
    get_filename_component(stem "${t}" NAME_WE)
    set(target ch${nn}_${stem})
    book_doctest(${target} "${t}" INCLUDES "${BOOK_ROOT}/code/${chapter}" ${BOOK_EXTRA_TEST_INCLUDES_${chapter}})
    add_test(NAME "unit:${chapter}/${stem}" COMMAND ${target})
    set_tests_properties("unit:${chapter}/${stem}" PROPERTIES LABELS "${chapter};unit")
  endforeach()
endfunction()

# Writes the chapter's manifest entry and its archive rule.
function(book_chapter_finish chapter)
  foreach(kind PROGRAMS CAPTURES FIGURES EXERCISES HEADERS)
    get_property(items GLOBAL PROPERTY BOOK_MANIFEST_${kind}_${chapter})
    list(JOIN items ",\n      " joined)
    set(${kind} "[${joined}]")
  endforeach()
  set(archive "${BOOK_DOWNLOAD_DIR}/${chapter}.tar.gz")
  get_property(code_dir GLOBAL PROPERTY BOOK_CHAPTER_DIR_${chapter})
  if(NOT code_dir)
    set(code_dir "${BOOK_ROOT}/code/${chapter}")
  endif()
  file(GLOB_RECURSE code_files CONFIGURE_DEPENDS "${code_dir}/*" "${BOOK_COMMON_DIR}/*")
  if(BOOK_RENDER)
    add_custom_command(
      OUTPUT "${archive}"
      COMMAND "${BOOK_PYTHON}" "${BOOK_TOOLS}/archive.py" chapter --manifest "${BOOK_META_DIR}/manifest.json"
              --chapter "${chapter}" --out "${archive}"
      DEPENDS ${code_files} "${BOOK_TOOLS}/archive.py" "${BOOK_META_DIR}/manifest.json"
      COMMENT "Packing ${chapter}.tar.gz"
      VERBATIM)
    get_property(outputs GLOBAL PROPERTY BOOK_CHAPTER_OUTPUTS_${chapter})
    string(SUBSTRING "${chapter}" 0 2 nn)
    add_custom_target(ch${nn}_book ALL DEPENDS ${outputs} "${archive}")
    set_property(GLOBAL APPEND PROPERTY BOOK_CHAPTER_TARGETS ch${nn}_book)
    set_property(GLOBAL APPEND PROPERTY BOOK_ALL_OUTPUTS ${outputs} "${archive}")
  endif()
  book_json_string(j_chapter "${chapter}")
  book_json_string(j_archive "${archive}")
  book_json_string(j_code "${code_dir}")
  set_property(GLOBAL APPEND PROPERTY BOOK_MANIFEST_CHAPTERS
    "\"${chapter}\": {\n    \"code_dir\": ${j_code}, \"archive\": ${j_archive},\n    \"programs\": ${PROGRAMS},\n    \"captures\": ${CAPTURES},\n    \"figures\": ${FIGURES},\n    \"exercises\": ${EXERCISES},\n    \"headers\": ${HEADERS}}")
endfunction()
