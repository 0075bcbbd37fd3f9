# logagent_add_plugin(<target> SOURCES <files...> [OUTPUT_NAME <name>])
#
# Builds a plugin the one way every plugin is built, in-tree or third-party: a MODULE
# library named <target>.so (no "lib" prefix), hidden visibility so that only
# logagent_plugin_entry is exported, and --no-undefined so the plugin needs no symbol from
# the agent binary (host services arrive through the table passed to create). A version
# script keeps inline standard-library symbols (some GNU-unique, which would pin the
# library in memory) from being exported too.
function(logagent_add_plugin target)
  cmake_parse_arguments(ARG "" "OUTPUT_NAME" "SOURCES" ${ARGN})
  add_library(${target} MODULE ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE logagent::sdk)
  # The C++ wrapper needs C++20; a plugin in C (a project without the CXX language) needs
  # nothing but a C99 compiler, so it is not asked for a C++ standard.
  get_property(languages GLOBAL PROPERTY ENABLED_LANGUAGES)
  if("CXX" IN_LIST languages)
    target_compile_features(${target} PRIVATE cxx_std_20)
  endif()
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(ARG_OUTPUT_NAME)
    set_target_properties(${target} PROPERTIES OUTPUT_NAME ${ARG_OUTPUT_NAME})
  endif()
  if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
    target_link_options(${target} PRIVATE "LINKER:--no-undefined"
      "LINKER:--version-script=${CMAKE_CURRENT_FUNCTION_LIST_DIR}/logagent_plugin.map")
  endif()
endfunction()
