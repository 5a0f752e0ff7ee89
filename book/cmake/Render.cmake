# Render.cmake: the manifest that tells Sphinx where every capture, figure and archive is, the quiet
# ordering of captures after all compiles, Doxygen XML, the two editions of the HTML, and the student pack.

# --- Manifest ---------------------------------------------------------------------------------------
get_property(chapters GLOBAL PROPERTY BOOK_MANIFEST_CHAPTERS)
list(JOIN chapters ",\n  " chapters_json)
book_json_string(j_compiler "${CMAKE_CXX_COMPILER_ID} ${CMAKE_CXX_COMPILER_VERSION}")
book_json_string(j_root "${BOOK_ROOT}")
file(CONFIGURE OUTPUT "${BOOK_META_DIR}/manifest.json" CONTENT
"{\n  \"root\": ${j_root},\n  \"compiler\": ${j_compiler},\n  \"chapters\": {\n  ${chapters_json}\n  }\n}\n" @ONLY)

# --- Captures and figures run only after every other build product is made ---------------------------
# A capture must never share the machine with the book's own build: besides the targets registered in
# BOOK_COMPILED_TARGETS (every program, test and exercise, and what a chapter's helpers append there: Cargo
# and Go builds, cross-compiles), every other target of the project is collected here (custom targets such
# as chapter 6's clang builds, the student pack), so a chapter's own custom build step needs no
# registration to be ordered first. The wait for quiet (capture.py) then never waits on the book itself.
function(book_all_targets dir out)
  get_property(here DIRECTORY "${dir}" PROPERTY BUILDSYSTEM_TARGETS)
  get_property(subdirs DIRECTORY "${dir}" PROPERTY SUBDIRECTORIES)
  foreach(sub IN LISTS subdirs)
    book_all_targets("${sub}" more)
    list(APPEND here ${more})
  endforeach()
  set(${out} ${here} PARENT_SCOPE)
endfunction()
get_property(compiled GLOBAL PROPERTY BOOK_COMPILED_TARGETS)
get_property(chapter_targets GLOBAL PROPERTY BOOK_CHAPTER_TARGETS)
book_all_targets("${PROJECT_SOURCE_DIR}" every_target)
set(before_captures ${compiled})
foreach(t IN LISTS every_target)
  get_target_property(type ${t} TYPE)
  if(t IN_LIST chapter_targets OR type STREQUAL "INTERFACE_LIBRARY")
    continue()
  endif()
  list(APPEND before_captures ${t})
endforeach()
if(BOOK_RENDER)
  list(APPEND before_captures student-pack)
  # The build's budget for waiting for quiet starts afresh in every build (book/measuring.md).
  add_custom_target(book_quiet_reset
    COMMAND "${CMAKE_COMMAND}" -E rm -f "${BOOK_QUIET_LEDGER}" "${BOOK_META_DIR}/runtime-versions.json"
    COMMENT "Captures may wait up to ${BOOK_QUIET_BUDGET} s in total for a quiet machine"
    VERBATIM)
  list(APPEND before_captures book_quiet_reset)
endif()
list(REMOVE_DUPLICATES before_captures)
foreach(t IN LISTS chapter_targets)
  if(before_captures)
    add_dependencies(${t} ${before_captures})
  endif()
endforeach()
set_property(GLOBAL PROPERTY BOOK_BEFORE_CAPTURES ${before_captures})

# --- Sanitizer exemptions: every declared exemption of this preset, with its reason ------------------------
# Whole programs (EXEMPT in book_program/book_capture) are known here; a contender left out inside a program
# (book::sanitizers::exempt) is known once its run test has run, which writes it to exemptions/.
get_property(exemptions GLOBAL PROPERTY BOOK_EXEMPTIONS)
get_property(run_tests GLOBAL PROPERTY BOOK_RUN_TESTS)
if(NOT BOOK_RENDER)
  set(this_preset "${BOOK_SANITIZER}")
  if(this_preset STREQUAL "")
    set(this_preset "none")
  endif()
  add_test(NAME "sanitizers:exemptions"
    COMMAND "${BOOK_PYTHON}" "${BOOK_TOOLS}/exemptions.py" --preset "${this_preset}"
            --dir "${PROJECT_BINARY_DIR}/exemptions" --declared "${exemptions}")
  set_tests_properties("sanitizers:exemptions" PROPERTIES LABELS "exemption")
  if(run_tests)
    set_tests_properties("sanitizers:exemptions" PROPERTIES DEPENDS "${run_tests}")
  endif()
endif()

if(NOT BOOK_RENDER)
  return()
endif()

# --- Doxygen: XML only, warnings are errors, rerun only when a documented header changes -------------
find_program(BOOK_DOXYGEN doxygen REQUIRED)
find_program(BOOK_SPHINX_BUILD sphinx-build PATHS /usr/bin NO_DEFAULT_PATH)
if(NOT BOOK_SPHINX_BUILD)
  find_program(BOOK_SPHINX_BUILD sphinx-build REQUIRED)
endif()
get_property(doc_headers GLOBAL PROPERTY BOOK_DOC_HEADERS)
list(PREPEND doc_headers "${BOOK_COMMON_DIR}/cli.hpp" "${BOOK_COMMON_DIR}/measure.hpp"
  "${BOOK_COMMON_DIR}/costs.hpp")
list(JOIN doc_headers " \\\n    " BOOK_DOXYGEN_INPUT)
set(BOOK_DOXYGEN_DIR "${PROJECT_BINARY_DIR}/doxygen")
configure_file("${BOOK_ROOT}/book/Doxyfile.in" "${BOOK_DOXYGEN_DIR}/Doxyfile" @ONLY)
add_custom_command(
  OUTPUT "${BOOK_DOXYGEN_DIR}/xml/index.xml"
  COMMAND "${BOOK_DOXYGEN}" "${BOOK_DOXYGEN_DIR}/Doxyfile"
  DEPENDS ${doc_headers} "${BOOK_DOXYGEN_DIR}/Doxyfile"
  WORKING_DIRECTORY "${BOOK_DOXYGEN_DIR}"
  JOB_POOL quiet
  COMMENT "Doxygen: XML of the documented headers"
  VERBATIM)

# --- Sphinx --------------------------------------------------------------------------------------------
file(GLOB_RECURSE book_sources CONFIGURE_DEPENDS
  "${BOOK_ROOT}/chapters/*.md" "${BOOK_ROOT}/book/*.md" "${BOOK_ROOT}/book/_ext/*.py"
  "${BOOK_ROOT}/book/_templates/*" "${BOOK_ROOT}/book/_static/*")
get_property(all_outputs GLOBAL PROPERTY BOOK_ALL_OUTPUTS)

# book_edition(NAME OUTPUT_DIR): one Sphinx run; the student edition never reads book/instructor/.
function(book_edition edition html_dir)
  set(stamp "${html_dir}/.book-stamp")
  add_custom_command(
    OUTPUT "${stamp}"
    COMMAND ${CMAKE_COMMAND} -E env
            "BOOK_BUILD_DIR=${PROJECT_BINARY_DIR}" "BOOK_EDITION=${edition}" "BOOK_CHAPTERS=${BOOK_CHAPTER_LIST}"
            "BOOK_DOXYGEN_XML=${BOOK_DOXYGEN_DIR}/xml" "MPLCONFIGDIR=${PROJECT_BINARY_DIR}/mplconfig"
            "${BOOK_SPHINX_BUILD}" -b html -W -n --keep-going -q -j 1
            -d "${PROJECT_BINARY_DIR}/doctrees-${edition}" "${BOOK_ROOT}" "${html_dir}"
    COMMAND ${CMAKE_COMMAND} -E touch "${stamp}"
    DEPENDS ${book_sources} "${BOOK_ROOT}/conf.py" "${BOOK_META_DIR}/manifest.json"
            "${BOOK_DOXYGEN_DIR}/xml/index.xml" ${all_outputs}
    JOB_POOL quiet
    COMMENT "Sphinx: rendering the ${edition} edition into ${html_dir}"
    VERBATIM)
  set(${edition}_stamp "${stamp}" PARENT_SCOPE)
endfunction()

# --- Cost files: every chapter's, gathered in costs/, and one index for chapter 12 and the appendix ------
get_property(cost_files GLOBAL PROPERTY BOOK_COST_FILES)
add_custom_command(
  OUTPUT "${BOOK_COSTS_DIR}/index.json"
  COMMAND "${BOOK_PYTHON}" "${BOOK_TOOLS}/costs.py" index --out "${BOOK_COSTS_DIR}/index.json" ${cost_files}
  DEPENDS ${cost_files} "${BOOK_TOOLS}/costs.py"
  COMMENT "Gathering the cost files into costs/index.json"
  VERBATIM)
# The index is its own target, made after every chapter that writes cost files. A chapter that reads it
# (chapter 12's ladder) appends its chapter target to BOOK_COSTS_READERS: it is then ordered after the
# index instead of before it, and may write no cost file itself (the index would depend on its reader).
add_custom_target(book_costs_index DEPENDS "${BOOK_COSTS_DIR}/index.json")
get_property(cost_readers GLOBAL PROPERTY BOOK_COSTS_READERS)
foreach(t IN LISTS chapter_targets)
  if(t IN_LIST cost_readers)
    add_dependencies(${t} book_costs_index)
  else()
    add_dependencies(book_costs_index ${t})
  endif()
endforeach()
# What the captures of this build met: reruns, notices, time waited for quiet (printed, and a JSON file).
get_property(capture_jsons GLOBAL PROPERTY BOOK_CAPTURE_JSONS)
add_custom_command(
  OUTPUT "${BOOK_META_DIR}/captures-summary.json"
  COMMAND "${BOOK_PYTHON}" "${BOOK_TOOLS}/capture_summary.py" --out "${BOOK_META_DIR}/captures-summary.json"
          --ledger "${BOOK_QUIET_LEDGER}" --budget ${BOOK_QUIET_BUDGET} ${capture_jsons}
  DEPENDS ${capture_jsons} "${BOOK_TOOLS}/capture_summary.py"
  COMMENT "Summary of the captures: reruns, notices, time waited for quiet"
  VERBATIM)
list(APPEND all_outputs "${BOOK_META_DIR}/captures-summary.json")

book_edition(student "${PROJECT_BINARY_DIR}/html")
book_edition(instructor "${PROJECT_BINARY_DIR}/html-instructor")
add_custom_target(book ALL DEPENDS "${student_stamp}")
add_custom_target(book-instructor DEPENDS "${instructor_stamp}")
add_dependencies(book book_costs_index)
add_dependencies(book-instructor book_costs_index)
if(chapter_targets)
  add_dependencies(book ${chapter_targets})
  add_dependencies(book-instructor ${chapter_targets})
endif()

# --- Student pack: the code with starter files and no solution -----------------------------------------
file(GLOB_RECURSE pack_inputs CONFIGURE_DEPENDS "${BOOK_ROOT}/code/*" "${BOOK_ROOT}/tests/*" "${BOOK_ROOT}/book/cmake/*"
  "${BOOK_ROOT}/book/tools/*")
list(APPEND pack_inputs "${BOOK_ROOT}/CMakeLists.txt" "${BOOK_ROOT}/CMakePresets.json" "${BOOK_ROOT}/LICENSE" "${BOOK_ROOT}/README.md")
add_custom_command(
  OUTPUT "${PROJECT_BINARY_DIR}/student-pack.tar.gz"
  COMMAND "${BOOK_PYTHON}" "${BOOK_TOOLS}/archive.py" pack --root "${BOOK_ROOT}" --out "${PROJECT_BINARY_DIR}/student-pack.tar.gz"
  DEPENDS ${pack_inputs} "${BOOK_TOOLS}/archive.py"
  COMMENT "Packing the student pack (starter code, no solutions)"
  VERBATIM)
add_custom_target(student-pack DEPENDS "${PROJECT_BINARY_DIR}/student-pack.tar.gz")

# --- EPUB and PDF: the student edition for reading offline and on paper ---------------------------------
# book-epub: Sphinx's epub builder (EPUB 3, no script; figures in their light version; downloads become
# plain text links). book-pdf: Sphinx's singlehtml builder renders the whole book as one page, which
# headless Chromium prints (book/tools/print_pdf.mjs, through playwright-core) with page numbers, a page
# break before each chapter, light figures and wrapped code.
function(book_offline_edition builder out_dir)
  set(stamp "${out_dir}.stamp")  # outside: the EPUB packs every file of its folder
  add_custom_command(
    OUTPUT "${stamp}"
    COMMAND ${CMAKE_COMMAND} -E env
            "BOOK_BUILD_DIR=${PROJECT_BINARY_DIR}" "BOOK_EDITION=student" "BOOK_CHAPTERS=${BOOK_CHAPTER_LIST}"
            "BOOK_DOXYGEN_XML=${BOOK_DOXYGEN_DIR}/xml" "MPLCONFIGDIR=${PROJECT_BINARY_DIR}/mplconfig"
            "${BOOK_SPHINX_BUILD}" -b ${builder} -W -n --keep-going -q -j 1
            -d "${PROJECT_BINARY_DIR}/doctrees-${builder}" "${BOOK_ROOT}" "${out_dir}"
    COMMAND ${CMAKE_COMMAND} -E touch "${stamp}"
    DEPENDS ${book_sources} "${BOOK_ROOT}/conf.py" "${BOOK_META_DIR}/manifest.json"
            "${BOOK_DOXYGEN_DIR}/xml/index.xml" ${all_outputs}
    JOB_POOL quiet
    COMMENT "Sphinx: rendering the student edition with the ${builder} builder into ${out_dir}"
    VERBATIM)
  set(${builder}_stamp "${stamp}" PARENT_SCOPE)
endfunction()

book_offline_edition(epub "${PROJECT_BINARY_DIR}/epub")
add_custom_target(book-epub DEPENDS "${epub_stamp}")
book_offline_edition(singlehtml "${PROJECT_BINARY_DIR}/singlehtml")
find_program(BOOK_NODE_PDF NAMES node nodejs)
set(BOOK_PDF "${PROJECT_BINARY_DIR}/book.pdf")
add_custom_command(
  OUTPUT "${BOOK_PDF}"
  COMMAND "${BOOK_NODE_PDF}" "${BOOK_ROOT}/book/tools/print_pdf.mjs"
          --html "${PROJECT_BINARY_DIR}/singlehtml/book/index.html" --out "${BOOK_PDF}"
  DEPENDS "${singlehtml_stamp}" "${BOOK_ROOT}/book/tools/print_pdf.mjs"
  JOB_POOL quiet
  COMMENT "Chromium: printing the book to ${BOOK_PDF}"
  VERBATIM)
add_custom_target(book-pdf DEPENDS "${BOOK_PDF}")
if(chapter_targets)
  add_dependencies(book-epub ${chapter_targets})
  add_dependencies(book-pdf ${chapter_targets})
endif()
