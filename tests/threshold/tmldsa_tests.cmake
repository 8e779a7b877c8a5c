# Shell tests of threshold ML-DSA (include from tests/threshold/CMakeLists.txt after the test
# programs are defined):
#   test_tmldsa_noble:   every threshold signature verified by @noble/post-quantum (Node)
#   test_tmldsa_msgwipe: link option only (free() wrapped to check that messages are wiped)
#   test_tmldsa_ctgrind (registered in CMakeLists.txt with the other CCTSA_CT_CHECKS tests): the
#                        mask sampler has no secret-dependent branch/address (valgrind; not in
#                        sanitizer builds, valgrind cannot run ASan binaries)
if(TARGET test_tmldsa_sign)
  add_test(NAME test_tmldsa_noble
           COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/tmldsa_noble.sh $<TARGET_FILE:test_tmldsa_sign>
                   ${CMAKE_SOURCE_DIR}/tests/interop)
  set_tests_properties(test_tmldsa_noble PROPERTIES TIMEOUT 600 LABELS interop)
endif()
# test_tmldsa_msgwipe observes the library's free() calls through the linker's --wrap.
if(TARGET test_tmldsa_msgwipe)
  target_link_options(test_tmldsa_msgwipe PRIVATE -Wl,--wrap=free)
endif()
