#include "io/hdf5_writer.hpp"

#include <hdf5.h>

#include <stdexcept>
#include <system_error>

namespace phylane::io {

namespace {

void check(herr_t e, std::string_view what) {
  if (e < 0) throw std::runtime_error("HDF5: " + std::string(what) + " failed");
}

hid_t checked(hid_t id, std::string_view what) {
  if (id < 0) throw std::runtime_error("HDF5: " + std::string(what) + " failed");
  return id;
}

// RAII for HDF5 identifiers.
struct Id {
  hid_t id;
  herr_t (*close)(hid_t);
  ~Id() {
    if (id >= 0) close(id);
  }
  operator hid_t() const { return id; }
};

void string_attribute(hid_t obj, std::string_view name, std::string_view value) {
  Id type{checked(H5Tcopy(H5T_C_S1), "type copy"), H5Tclose};
  check(H5Tset_size(type, value.empty() ? 1 : value.size()), "set string size");
  check(H5Tset_cset(type, H5T_CSET_UTF8), "set charset");
  check(H5Tset_strpad(type, H5T_STR_NULLPAD), "set padding");
  Id space{checked(H5Screate(H5S_SCALAR), "scalar space"), H5Sclose};
  const std::string n(name);
  if (H5Aexists(obj, n.c_str()) > 0) H5Adelete(obj, n.c_str());
  Id attr{checked(H5Acreate2(obj, n.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), "attribute create"),
          H5Aclose};
  const std::string v = value.empty() ? std::string(1, '\0') : std::string(value);
  check(H5Awrite(attr, type, v.data()), "attribute write");
}

// Creates the dataset `path` of `file_type` over `space`, writes `data` (in memory as `mem_type`)
// unless it has no elements, and labels the dataset with its units and description.
void write_dataset(hid_t file, std::string_view path, hid_t file_type, hid_t mem_type, hid_t space,
                   const void* data, bool empty, std::string_view units, std::string_view description) {
  const std::string p(path);
  Id ds{checked(H5Dcreate2(file, p.c_str(), file_type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                "dataset create " + p),
        H5Dclose};
  if (!empty) check(H5Dwrite(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "write");
  string_attribute(ds, "units", units);
  if (!description.empty()) string_attribute(ds, "description", description);
}

std::atomic<const std::atomic<bool>*> g_abandon{nullptr};

}  // namespace

void Hdf5Writer::abandon_commits_when(const std::atomic<bool>* flag) { g_abandon.store(flag); }

Hdf5Writer::Hdf5Writer(std::filesystem::path final_path) : final_(std::move(final_path)) {
  tmp_ = final_;
  tmp_ += ".tmp";
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors are reported by exceptions, not stderr
  file_ = H5Fcreate(tmp_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (file_ < 0) throw std::runtime_error(final_.string() + ": cannot create the HDF5 file");
}

Hdf5Writer::~Hdf5Writer() {
  if (file_ >= 0) H5Fclose(file_);
  if (!committed_) {
    std::error_code ec;
    std::filesystem::remove(tmp_, ec);
  }
}

void Hdf5Writer::ensure_groups(std::string_view path) {
  // Create every intermediate group of "/a/b/name".
  std::size_t pos = 1;
  while (true) {
    const std::size_t slash = path.find('/', pos);
    if (slash == std::string_view::npos) break;
    const std::string g(path.substr(0, slash));
    if (H5Lexists(file_, g.c_str(), H5P_DEFAULT) <= 0) {
      Id gid{checked(H5Gcreate2(file_, g.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "group create"),
             H5Gclose};
    }
    pos = slash + 1;
  }
}

void Hdf5Writer::dataset(std::string_view path, std::span<const double> data, std::string_view units,
                         std::string_view description) {
  dataset_2d(path, data, data.size(), 0, units, description);
}

void Hdf5Writer::dataset_2d(std::string_view path, std::span<const double> data, std::size_t rows,
                            std::size_t cols, std::string_view units, std::string_view description) {
  ensure_groups(path);
  const hsize_t dims[2] = {rows, cols};
  Id space{checked(H5Screate_simple(cols == 0 ? 1 : 2, dims, nullptr), "dataspace"), H5Sclose};
  write_dataset(file_, path, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, space, data.data(), data.empty(), units, description);
}

void Hdf5Writer::dataset_complex(std::string_view path, std::span<const std::complex<double>> data,
                                 std::string_view units, std::string_view description) {
  ensure_groups(path);
  Id type{checked(H5Tcreate(H5T_COMPOUND, sizeof(double) * 2), "compound type"), H5Tclose};
  check(H5Tinsert(type, "r", 0, H5T_NATIVE_DOUBLE), "compound r");
  check(H5Tinsert(type, "i", sizeof(double), H5T_NATIVE_DOUBLE), "compound i");
  const hsize_t dims[1] = {data.size()};
  Id space{checked(H5Screate_simple(1, dims, nullptr), "dataspace"), H5Sclose};
  write_dataset(file_, path, type, type, space, data.data(), data.empty(), units, description);
}

void Hdf5Writer::strings(std::string_view path, const std::vector<std::string>& values,
                         std::string_view description) {
  ensure_groups(path);
  Id type{checked(H5Tcopy(H5T_C_S1), "type copy"), H5Tclose};
  check(H5Tset_size(type, H5T_VARIABLE), "variable string");
  check(H5Tset_cset(type, H5T_CSET_UTF8), "charset");
  const hsize_t dims[1] = {values.size()};
  Id space{checked(H5Screate_simple(1, dims, nullptr), "dataspace"), H5Sclose};
  std::vector<const char*> ptrs;
  for (const auto& s : values) ptrs.push_back(s.c_str());
  write_dataset(file_, path, type, type, space, ptrs.data(), ptrs.empty(), "1", description);
}

void Hdf5Writer::attribute(std::string_view object_path, std::string_view name, std::string_view value) {
  const std::string p(object_path);
  Id obj{checked(H5Oopen(file_, p.c_str(), H5P_DEFAULT), "open " + p), H5Oclose};
  string_attribute(obj, name, value);
}

void Hdf5Writer::attribute(std::string_view object_path, std::string_view name, double value) {
  const std::string p(object_path), n(name);
  Id obj{checked(H5Oopen(file_, p.c_str(), H5P_DEFAULT), "open " + p), H5Oclose};
  Id space{checked(H5Screate(H5S_SCALAR), "scalar space"), H5Sclose};
  Id attr{checked(H5Acreate2(obj, n.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT), "attr"), H5Aclose};
  check(H5Awrite(attr, H5T_NATIVE_DOUBLE, &value), "attribute write");
}

void Hdf5Writer::attribute(std::string_view object_path, std::string_view name, std::int64_t value) {
  const std::string p(object_path), n(name);
  Id obj{checked(H5Oopen(file_, p.c_str(), H5P_DEFAULT), "open " + p), H5Oclose};
  Id space{checked(H5Screate(H5S_SCALAR), "scalar space"), H5Sclose};
  Id attr{checked(H5Acreate2(obj, n.c_str(), H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT), "attr"), H5Aclose};
  check(H5Awrite(attr, H5T_NATIVE_INT64, &value), "attribute write");
}

void Hdf5Writer::commit() {
  if (file_ >= 0) {
    check(H5Fclose(file_), "file close");
    file_ = -1;
  }
  // An interrupt handler only sets the flag, so it never cuts the rename short: an interrupt
  // that came before this check leaves no file, one after it the whole file.
  if (const std::atomic<bool>* stop = g_abandon.load(); stop && stop->load())
    throw std::runtime_error(final_.string() + ": interrupted before the result was moved into place; not written");
  std::error_code ec;
  std::filesystem::rename(tmp_, final_, ec);
  if (ec) throw std::runtime_error(final_.string() + ": cannot move the result into place: " + ec.message());
  committed_ = true;
}

}  // namespace phylane::io
