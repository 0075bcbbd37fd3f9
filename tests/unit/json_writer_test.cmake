# Unit tests of the SDK's header-only JSON writer (sdk/include/logagent/json_writer.hpp),
# compiled against sdk/ alone, as a plugin would be: no plugin or core source. include() from
# tests/unit/CMakeLists.txt, after find_package(GTest) and include(GoogleTest).
add_executable(json_writer_test ${CMAKE_CURRENT_LIST_DIR}/json_writer_test.cpp)
target_compile_features(json_writer_test PRIVATE cxx_std_20)
target_link_libraries(json_writer_test PRIVATE logagent::sdk GTest::gtest_main)
gtest_discover_tests(json_writer_test TEST_PREFIX json_writer. DISCOVERY_TIMEOUT 60 PROPERTIES LABELS unit)
