#pragma once
/// Reading back the HDF5 files phylane writes, for the io and app tests (the tests HDF5 belongs
/// to, scripts/check_layering.py; hence here and not in tests/support). Header-only.
#include <catch2/catch.hpp>

#include <hdf5.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

namespace phylane::test {

/// The string attribute `name` of an HDF5 object (fixed or variable length, trailing NULs
/// dropped); "" when the object has no such attribute.
inline std::string read_string_attribute(hid_t obj, const char* name) {
  hid_t attr = H5Aopen(obj, name, H5P_DEFAULT);
  if (attr < 0) return "";
  hid_t type = H5Aget_type(attr);
  std::string s;
  if (H5Tis_variable_str(type) > 0) {
    char* p = nullptr;
    H5Aread(attr, type, &p);
    if (p) s = p;
    H5free_memory(p);
  } else {
    s.assign(H5Tget_size(type), '\0');
    H5Aread(attr, type, s.data());
    while (!s.empty() && s.back() == '\0') s.pop_back();
  }
  H5Tclose(type);
  H5Aclose(attr);
  return s;
}

/// The 1-D dataset at `path` as doubles; REQUIREs that it exists.
inline std::vector<double> read_doubles(hid_t file, const char* path) {
  hid_t d = H5Dopen2(file, path, H5P_DEFAULT);
  REQUIRE(d >= 0);
  hid_t space = H5Dget_space(d);
  hsize_t n = 0;
  H5Sget_simple_extent_dims(space, &n, nullptr);
  std::vector<double> v(n);
  H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
  H5Sclose(space);
  H5Dclose(d);
  return v;
}

/// Checks that each of the datasets exists and has a `units` attribute.
inline void check_units_attribute(hid_t file, std::initializer_list<const char*> datasets) {
  for (const char* ds : datasets) {
    INFO(ds);
    hid_t d = H5Dopen2(file, ds, H5P_DEFAULT);
    REQUIRE(d >= 0);
    CHECK(H5Aexists(d, "units") > 0);
    H5Dclose(d);
  }
}

/// One dataset of a file: its path relative to the root and its `units` attribute (nullopt when
/// it has none).
struct DatasetUnits {
  std::string path;
  std::optional<std::string> units;
};

/// Every dataset in the file, in increasing name order.
inline std::vector<DatasetUnits> list_datasets(hid_t file) {
  std::vector<DatasetUnits> found;
  auto visit = [](hid_t group, const char* name, const H5L_info_t*, void* data) -> herr_t {
    hid_t obj = H5Oopen(group, name, H5P_DEFAULT);
    if (obj < 0) return 0;
    if (H5Iget_type(obj) == H5I_DATASET) {
      auto* out = static_cast<std::vector<DatasetUnits>*>(data);
      out->push_back({name, std::nullopt});
      if (H5Aexists(obj, "units") > 0) out->back().units = read_string_attribute(obj, "units");
    }
    H5Oclose(obj);
    return 0;
  };
  H5Lvisit(file, H5_INDEX_NAME, H5_ITER_INC, visit, &found);
  return found;
}

}  // namespace phylane::test
