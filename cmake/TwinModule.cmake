# twin_add_module(<name> [PUBLIC_DEPS ...] [PRIVATE_DEPS ...] [EXTRA_SOURCES ...])
# One static library per engine module (sources: src/*.cpp), aliased twin::<name>. Its include
# directory holds only its own public headers, so a module can include another module's headers
# only when it declares that module as a dependency: a forbidden include fails to compile. That
# does not hold for libraries whose headers sit on the default include path (OSG, PROJ, SQLite,
# mosquitto): scripts/check-includes.sh, run by ctest and .ci/run, checks those against DESIGN.md.
function(twin_add_module name)
  cmake_parse_arguments(ARG "" "" "PUBLIC_DEPS;PRIVATE_DEPS;EXTRA_SOURCES" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/src/*.cpp)
  if(NOT sources AND NOT ARG_EXTRA_SOURCES)
    # A module with headers only: an interface library with the same dependencies.
    add_library(twin_${name} INTERFACE)
    add_library(twin::${name} ALIAS twin_${name})
    target_include_directories(twin_${name} INTERFACE ${CMAKE_CURRENT_SOURCE_DIR}/include)
    target_link_libraries(twin_${name} INTERFACE ${ARG_PUBLIC_DEPS})
    return()
  endif()
  add_library(twin_${name} STATIC ${sources} ${ARG_EXTRA_SOURCES})
  add_library(twin::${name} ALIAS twin_${name})
  target_include_directories(twin_${name}
    PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include
    PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
  target_link_libraries(twin_${name} PUBLIC ${ARG_PUBLIC_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  set_target_properties(twin_${name} PROPERTIES LINKER_LANGUAGE CXX)
endfunction()
