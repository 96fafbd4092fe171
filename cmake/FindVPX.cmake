# Finds libvpx as a static archive (Debian: libvpx-dev ships a position-independent libvpx.a).
#
# Input:  VPX_ROOT (optional prefix), VPX_PREFER_STATIC (default ON)
# Output: VPX_FOUND, VPX_INCLUDE_DIR, VPX_LIBRARY, VPX_VERSION, imported target lk::vpx
include_guard(GLOBAL)
include(FindPackageHandleStandardArgs)

if(NOT DEFINED VPX_PREFER_STATIC)
  set(VPX_PREFER_STATIC ON)
endif()

find_path(VPX_INCLUDE_DIR vpx/vpx_encoder.h HINTS ${VPX_ROOT} PATH_SUFFIXES include)
if(VPX_PREFER_STATIC)
  find_library(VPX_LIBRARY NAMES libvpx.a vpx HINTS ${VPX_ROOT} PATH_SUFFIXES lib lib64)
else()
  find_library(VPX_LIBRARY NAMES vpx HINTS ${VPX_ROOT} PATH_SUFFIXES lib lib64)
endif()

if(VPX_INCLUDE_DIR AND EXISTS "${VPX_INCLUDE_DIR}/vpx/vpx_codec.h")
  # The version is only in the .pc file or the library; read the ABI macro as a sanity check.
  file(STRINGS "${VPX_INCLUDE_DIR}/vpx/vpx_codec.h" _vpx_abi REGEX "#define VPX_CODEC_ABI_VERSION")
endif()
if(VPX_LIBRARY)
  get_filename_component(_vpx_libdir "${VPX_LIBRARY}" DIRECTORY)
  if(EXISTS "${_vpx_libdir}/pkgconfig/vpx.pc")
    file(STRINGS "${_vpx_libdir}/pkgconfig/vpx.pc" _vpx_ver REGEX "^Version:")
    string(REGEX REPLACE "^Version: *" "" VPX_VERSION "${_vpx_ver}")
  endif()
endif()

find_package_handle_standard_args(VPX
  REQUIRED_VARS VPX_LIBRARY VPX_INCLUDE_DIR
  VERSION_VAR VPX_VERSION
  FAIL_MESSAGE "libvpx not found: install Debian's libvpx-dev (static libvpx.a), pass -DVPX_ROOT=<prefix>, or build it from source with -DLK_VPX_FROM_SOURCE=ON")

if(VPX_FOUND AND NOT TARGET lk::vpx)
  add_library(lk::vpx STATIC IMPORTED GLOBAL)
  set_target_properties(lk::vpx PROPERTIES
    IMPORTED_LOCATION "${VPX_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${VPX_INCLUDE_DIR}")
  find_package(Threads REQUIRED)
  target_link_libraries(lk::vpx INTERFACE Threads::Threads)
  if(UNIX)
    target_link_libraries(lk::vpx INTERFACE m)
  endif()
endif()
mark_as_advanced(VPX_INCLUDE_DIR VPX_LIBRARY)
