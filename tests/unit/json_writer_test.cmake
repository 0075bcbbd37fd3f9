# Unit tests of the stdout output's JSON writer, compiled straight from the plugin's source
# (json_writer.cpp depends on the standard library only). include() from tests/CMakeLists.txt,
# after find_package(GTest) and include(GoogleTest).
add_executable(json_writer_test
  ${CMAKE_CURRENT_LIST_DIR}/json_writer_test.cpp
  ${PROJECT_SOURCE_DIR}/plugins/out_stdout/json_writer.cpp)
target_include_directories(json_writer_test PRIVATE ${PROJECT_SOURCE_DIR}/plugins/out_stdout)
target_compile_features(json_writer_test PRIVATE cxx_std_20)
target_link_libraries(json_writer_test PRIVATE GTest::gtest_main)
gtest_discover_tests(json_writer_test)
