#include "io/sweep_store.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <system_error>

#include "io/diagnostics.hpp"
#include "io/version.hpp"

namespace phylane::io {

namespace {

void check(herr_t e, const std::string& what) {
  if (e < 0) throw std::runtime_error("HDF5: " + what + " failed");
}
hid_t checked(hid_t id, const std::string& what) {
  if (id < 0) throw std::runtime_error("HDF5: " + what + " failed");
  return id;
}

// Owns an HDF5 identifier.
class Id {
 public:
  Id() = default;
  Id(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  Id(Id&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = -1; }
  Id& operator=(Id&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = o.id_;
      close_ = o.close_;
      o.id_ = -1;
    }
    return *this;
  }
  Id(const Id&) = delete;
  Id& operator=(const Id&) = delete;
  ~Id() { reset(); }
  void reset() {
    if (id_ >= 0 && close_) close_(id_);
    id_ = -1;
  }
  operator hid_t() const { return id_; }
  bool valid() const { return id_ >= 0; }

 private:
  hid_t id_ = -1;
  herr_t (*close_)(hid_t) = nullptr;
};

void string_attribute(hid_t obj, const std::string& name, const std::string& value) {
  Id type{checked(H5Tcopy(H5T_C_S1), "type copy"), H5Tclose};
  check(H5Tset_size(type, H5T_VARIABLE), "variable string");
  check(H5Tset_cset(type, H5T_CSET_UTF8), "charset");
  Id space{checked(H5Screate(H5S_SCALAR), "scalar space"), H5Sclose};
  if (H5Aexists(obj, name.c_str()) > 0) H5Adelete(obj, name.c_str());
  Id attr{checked(H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), "attribute " + name), H5Aclose};
  const char* p = value.c_str();
  check(H5Awrite(attr, type, &p), "attribute write " + name);
}

void int_attribute(hid_t obj, const std::string& name, std::int64_t value) {
  Id space{checked(H5Screate(H5S_SCALAR), "scalar space"), H5Sclose};
  if (H5Aexists(obj, name.c_str()) > 0) H5Adelete(obj, name.c_str());
  Id attr{checked(H5Acreate2(obj, name.c_str(), H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT), "attribute " + name), H5Aclose};
  check(H5Awrite(attr, H5T_NATIVE_INT64, &value), "attribute write " + name);
}

std::string read_string_attribute(hid_t obj, const std::string& name) {
  if (H5Aexists(obj, name.c_str()) <= 0) throw InputError("not a phylane sweep file: no attribute \"" + name + "\"");
  Id attr{checked(H5Aopen(obj, name.c_str(), H5P_DEFAULT), "attribute open " + name), H5Aclose};
  Id ftype{checked(H5Aget_type(attr), "attribute type"), H5Tclose};
  if (H5Tis_variable_str(ftype) > 0) {
    Id type{checked(H5Tcopy(H5T_C_S1), "type copy"), H5Tclose};
    check(H5Tset_size(type, H5T_VARIABLE), "variable string");
    check(H5Tset_cset(type, H5T_CSET_UTF8), "charset");
    char* p = nullptr;
    check(H5Aread(attr, type, &p), "attribute read " + name);
    std::string out = p ? p : "";
    Id space{checked(H5Aget_space(attr), "attribute space"), H5Sclose};
    H5Dvlen_reclaim(type, space, H5P_DEFAULT, &p);
    return out;
  }
  const std::size_t n = H5Tget_size(ftype);
  std::string out(n, '\0');
  check(H5Aread(attr, ftype, out.data()), "attribute read " + name);
  out.erase(std::find(out.begin(), out.end(), '\0'), out.end());
  return out;
}

Id vlen_string_type() {
  Id type{checked(H5Tcopy(H5T_C_S1), "type copy"), H5Tclose};
  check(H5Tset_size(type, H5T_VARIABLE), "variable string");
  check(H5Tset_cset(type, H5T_CSET_UTF8), "charset");
  return type;
}

Id make_group(hid_t file, const std::string& path) {
  return Id{checked(H5Gcreate2(file, path.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "group " + path), H5Gclose};
}

// Chunk dimensions of about `target` elements: halve the largest dimension until it fits.
std::vector<hsize_t> chunk_dims(std::vector<hsize_t> dims, hsize_t target) {
  for (auto& d : dims) d = std::max<hsize_t>(d, 1);
  auto product = [&] { return std::accumulate(dims.begin(), dims.end(), hsize_t{1}, std::multiplies<>()); };
  while (product() > target) {
    auto it = std::max_element(dims.begin(), dims.end());
    if (*it <= 1) break;
    *it = (*it + 1) / 2;
  }
  return dims;
}

// A fixed-size chunked dataset, allocated and filled at creation (see the header: writes after
// creation touch raw data only).
Id fixed_dataset(hid_t file, const std::string& path, hid_t type, const std::vector<hsize_t>& dims, const void* fill,
                 hid_t fill_type, hsize_t chunk_target) {
  Id space{checked(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), "dataspace"), H5Sclose};
  Id dcpl{checked(H5Pcreate(H5P_DATASET_CREATE), "dcpl"), H5Pclose};
  const auto chunk = chunk_dims(dims, chunk_target);
  check(H5Pset_chunk(dcpl, static_cast<int>(chunk.size()), chunk.data()), "chunk");
  check(H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_EARLY), "alloc time");
  check(H5Pset_fill_time(dcpl, H5D_FILL_TIME_ALLOC), "fill time");
  check(H5Pset_fill_value(dcpl, fill_type, fill), "fill value");
  check(H5Pset_obj_track_times(dcpl, false), "track times");
  return Id{checked(H5Dcreate2(file, path.c_str(), type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT), "dataset " + path), H5Dclose};
}

// A 1-D extendable dataset (the failure list).
Id list_dataset(hid_t file, const std::string& path, hid_t type) {
  const hsize_t zero = 0, unlimited = H5S_UNLIMITED, chunk = 256;
  Id space{checked(H5Screate_simple(1, &zero, &unlimited), "dataspace"), H5Sclose};
  Id dcpl{checked(H5Pcreate(H5P_DATASET_CREATE), "dcpl"), H5Pclose};
  check(H5Pset_chunk(dcpl, 1, &chunk), "chunk");
  check(H5Pset_obj_track_times(dcpl, false), "track times");
  return Id{checked(H5Dcreate2(file, path.c_str(), type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT), "dataset " + path), H5Dclose};
}

void write_1d(hid_t file, const std::string& path, const std::vector<double>& v, const std::string& units) {
  const hsize_t n = v.size();
  Id space{checked(H5Screate_simple(1, &n, nullptr), "dataspace"), H5Sclose};
  Id ds{checked(H5Dcreate2(file, path.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "dataset " + path),
        H5Dclose};
  if (n) check(H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), "write " + path);
  string_attribute(ds, "units", units);
}

Id write_strings(hid_t file, const std::string& path, const std::vector<std::string>& v) {
  const hsize_t n = v.size();
  Id type = vlen_string_type();
  Id space{checked(H5Screate_simple(1, &n, nullptr), "dataspace"), H5Sclose};
  Id ds{checked(H5Dcreate2(file, path.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "dataset " + path), H5Dclose};
  std::vector<const char*> ptrs;
  for (const auto& s : v) ptrs.push_back(s.c_str());
  if (n) check(H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), "write " + path);
  string_attribute(ds, "units", "1");
  return ds;
}

std::vector<hsize_t> to_hsize(const std::vector<std::size_t>& v) { return std::vector<hsize_t>(v.begin(), v.end()); }

Id open_file(const std::filesystem::path& file, bool write) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  Id fapl{checked(H5Pcreate(H5P_FILE_ACCESS), "fapl"), H5Pclose};
  // No advisory lock: a notebook may read a sweep file while it is written (it sees the last
  // flushed batch), and a killed writer's lock must not block the resume.
  H5Pset_file_locking(fapl, false, true);
  const hid_t f = H5Fopen(file.c_str(), write ? H5F_ACC_RDWR : H5F_ACC_RDONLY, fapl);
  if (f < 0) throw InputError(file.string() + ": cannot open as an HDF5 file");
  return Id{f, H5Fclose};
}

}  // namespace

std::string sweep_dataset_name(const std::string& label) {
  std::string n = label;
  std::replace(n.begin(), n.end(), '/', '_');
  if (n == "." || n.empty()) n = "_" + n;
  return n;
}

struct SweepStore::Impl {
  const Sweep* sweep = nullptr;
  Id file;
  std::vector<Id> scalars, curves;
  Id status, fail_case, fail_reason;
  std::vector<std::int8_t> status_cache;  // 1 byte per case: which are missing (resume)
  hsize_t failures = 0;
  int rank = 1;                           // of the case datasets

  void open_datasets() {
    scalars.clear();
    curves.clear();
    for (const auto& r : sweep->scalars) {
      const std::string p = "/outputs/" + sweep_dataset_name(r.label);
      const hid_t d = H5Dopen2(file, p.c_str(), H5P_DEFAULT);
      if (d < 0) throw InputError("the results file has no dataset " + p + ": it is not from this sweep");
      scalars.emplace_back(d, H5Dclose);
    }
    for (const auto& r : sweep->curves) {
      const std::string p = "/curves/" + sweep_dataset_name(r.label);
      const hid_t d = H5Dopen2(file, p.c_str(), H5P_DEFAULT);
      if (d < 0) throw InputError("the results file has no dataset " + p + ": it is not from this sweep");
      curves.emplace_back(d, H5Dclose);
    }
    status = Id{checked(H5Dopen2(file, "/status", H5P_DEFAULT), "open /status"), H5Dclose};
    fail_case = Id{checked(H5Dopen2(file, "/failures/case", H5P_DEFAULT), "open /failures/case"), H5Dclose};
    fail_reason = Id{checked(H5Dopen2(file, "/failures/reason", H5P_DEFAULT), "open /failures/reason"), H5Dclose};
    Id space{checked(H5Dget_space(fail_case), "space"), H5Sclose};
    H5Sget_simple_extent_dims(space, &failures, nullptr);
  }

  void flush() { check(H5Fflush(file, H5F_SCOPE_LOCAL), "flush"); }
};

SweepStore::SweepStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SweepStore::~SweepStore() = default;

std::unique_ptr<SweepStore> SweepStore::create(const std::filesystem::path& final_path, const Sweep& s) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  auto tmp = final_path;
  tmp += ".tmp";
  auto impl = std::make_unique<Impl>();
  impl->sweep = &s;
  {
    Id fapl{checked(H5Pcreate(H5P_FILE_ACCESS), "fapl"), H5Pclose};
    H5Pset_file_locking(fapl, false, true);
    const hid_t f = H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    if (f < 0) throw std::runtime_error(final_path.string() + ": cannot create the HDF5 file");
    impl->file = Id{f, H5Fclose};
  }
  try {
    const hid_t file = impl->file;
    const auto shape = to_hsize(s.shape());
    impl->rank = static_cast<int>(shape.size());
    Id root{checked(H5Gopen2(file, "/", H5P_DEFAULT), "root"), H5Gclose};
    string_attribute(root, "phylane_version", std::string(phylane_version()));
    string_attribute(root, "command", "sweep");
    string_attribute(root, "mode", std::string(to_string(s.mode)));
    int_attribute(root, "cases", static_cast<std::int64_t>(s.case_count()));
    if (s.mode == SweepMode::lhs) int_attribute(root, "seed", static_cast<std::int64_t>(s.seed));
    string_attribute(root, "sweep", s.text);
    string_attribute(root, "sweep_source", s.source);
    string_attribute(root, "sweep_dir", std::filesystem::absolute(s.dir).lexically_normal().string());
    string_attribute(root, "base", s.base);
    string_attribute(root, "base_source", s.base_name);
    string_attribute(root, "base_config", s.base_text);
    int_attribute(root, "complete", 0);

    make_group(file, "/axes");
    std::vector<std::string> keys;
    for (std::size_t i = 0; i < s.axes.size(); ++i) {
      const SweepAxis& a = s.axes[i];
      keys.push_back(a.key);
      const std::string p = "/axes/" + sweep_dataset_name(a.key);
      const std::size_t n = a.size();
      hid_t ds = -1;
      Id keep;
      if (a.kind == SweepAxis::Kind::quantity || a.kind == SweepAxis::Kind::number) {
        std::vector<double> v(n);
        for (std::size_t k = 0; k < n; ++k) v[k] = a.value(k).numeric;
        write_1d(file, p, v, a.units);
        keep = Id{checked(H5Dopen2(file, p.c_str(), H5P_DEFAULT), "open " + p), H5Dclose};
      } else {
        std::vector<std::string> v(n);
        for (std::size_t k = 0; k < n; ++k) {
          const AxisValue x = a.value(k);
          v[k] = x.kind == AxisValue::Kind::text ? x.text : x.toml();
        }
        keep = write_strings(file, p, v);
      }
      ds = keep;
      int_attribute(ds, "index", static_cast<std::int64_t>(i));
      string_attribute(ds, "key", a.key);
      string_attribute(ds, "kind", a.kind == SweepAxis::Kind::quantity ? "quantity"
                                   : a.kind == SweepAxis::Kind::number ? "number"
                                   : a.kind == SweepAxis::Kind::text   ? "text"
                                                                       : "boolean");
      string_attribute(ds, "spacing", a.range ? (a.log ? "log" : "linear") : "list");
    }
    {
      Id ds = write_strings(file, "/axis_keys", keys);
      string_attribute(ds, "description",
                       s.mode == SweepMode::grid ? "axis keys in the order of the output dimensions"
                                                 : "axis keys; every output has one dimension, the case");
    }

    const double nan = std::numeric_limits<double>::quiet_NaN();
    // About 256 kB per chunk: large enough for sequential throughput, small enough to cache.
    constexpr hsize_t kChunk = 32768;
    if (!s.scalars.empty()) make_group(file, "/outputs");
    for (const auto& r : s.scalars) {
      Id ds = fixed_dataset(file, "/outputs/" + sweep_dataset_name(r.label), H5T_IEEE_F64LE, shape, &nan, H5T_NATIVE_DOUBLE,
                            kChunk);
      string_attribute(ds, "units", r.units);
      string_attribute(ds, "description", r.description);
      string_attribute(ds, "label", r.label);
      string_attribute(ds, "command", r.command);
      string_attribute(ds, "quantity", r.quantity);
      if (!r.at_nyquist && r.at_hz > 0.0) {
        Id space{checked(H5Screate(H5S_SCALAR), "scalar space"), H5Sclose};
        Id attr{checked(H5Acreate2(ds, "freq_hz", H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT), "attr"), H5Aclose};
        check(H5Awrite(attr, H5T_NATIVE_DOUBLE, &r.at_hz), "attribute write");
      }
      if (r.at_nyquist) string_attribute(ds, "at", "nyquist");
      impl->scalars.push_back(std::move(ds));
    }
    if (!s.curves.empty()) {
      make_group(file, "/curves");
      write_1d(file, "/curves/freq_hz", s.curve_freqs_hz, "Hz");
      auto cshape = shape;
      cshape.push_back(s.curve_freqs_hz.size());
      for (const auto& r : s.curves) {
        Id ds = fixed_dataset(file, "/curves/" + sweep_dataset_name(r.label), H5T_IEEE_F64LE, cshape, &nan, H5T_NATIVE_DOUBLE,
                              kChunk * 4);
        string_attribute(ds, "units", r.units);
        string_attribute(ds, "description", r.description + " (last dimension: /curves/freq_hz)");
        string_attribute(ds, "label", r.label);
        string_attribute(ds, "command", r.command);
        string_attribute(ds, "quantity", r.quantity);
        impl->curves.push_back(std::move(ds));
      }
    }
    const std::int8_t zero = 0;
    impl->status = fixed_dataset(file, "/status", H5T_STD_I8LE, shape, &zero, H5T_NATIVE_INT8, kChunk * 8);
    string_attribute(impl->status, "units", "1");
    string_attribute(impl->status, "description", "per case: 0 missing, 1 done, 2 failed (reason in /failures)");
    make_group(file, "/failures");
    impl->fail_case = list_dataset(file, "/failures/case", H5T_STD_I64LE);
    string_attribute(impl->fail_case, "units", "1");
    string_attribute(impl->fail_case, "description", "flat case index (row-major over the axes)");
    {
      Id type = vlen_string_type();
      impl->fail_reason = list_dataset(file, "/failures/reason", type);
      string_attribute(impl->fail_reason, "units", "1");
    }
    impl->status_cache.assign(s.case_count(), 0);
    impl->flush();
  } catch (...) {
    impl.reset();
    std::error_code ec;
    std::filesystem::remove(tmp, ec);
    throw;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, final_path, ec);
  if (ec) {
    impl.reset();
    std::filesystem::remove(tmp, ec);
    throw std::runtime_error(final_path.string() + ": cannot move the result file into place: " + ec.message());
  }
  return std::unique_ptr<SweepStore>(new SweepStore(std::move(impl)));
}

std::unique_ptr<SweepStore> SweepStore::open(const std::filesystem::path& path, const Sweep& s) {
  auto impl = std::make_unique<Impl>();
  impl->sweep = &s;
  impl->file = open_file(path, true);
  impl->rank = static_cast<int>(s.shape().size());
  impl->open_datasets();
  Id space{checked(H5Dget_space(impl->status), "space"), H5Sclose};
  std::vector<hsize_t> dims(static_cast<std::size_t>(H5Sget_simple_extent_ndims(space)));
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  if (dims != to_hsize(s.shape())) throw InputError(path.string() + ": the status dataset's shape does not match the sweep");
  impl->status_cache.resize(s.case_count());
  check(H5Dread(impl->status, H5T_NATIVE_INT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, impl->status_cache.data()), "read /status");
  auto store = std::unique_ptr<SweepStore>(new SweepStore(std::move(impl)));
  for (auto v : store->impl_->status_cache) {
    if (v == 1) ++store->done_;
    if (v == 2) ++store->failed_;
  }
  return store;
}

std::vector<std::uint64_t> SweepStore::missing_cases() const {
  std::vector<std::uint64_t> out;
  const auto& st = impl_->status_cache;
  for (std::size_t i = 0; i < st.size(); ++i)
    if (st[i] == 0) out.push_back(i);
  return out;
}

void SweepStore::write(std::span<const CaseResult> results) {
  if (results.empty()) return;
  Impl& m = *impl_;
  const Sweep& s = *m.sweep;
  const std::size_t n = results.size();
  const auto rank = static_cast<std::size_t>(m.rank);
  // Coordinates of each case in the output datasets.
  std::vector<hsize_t> coords(n * rank);
  for (std::size_t i = 0; i < n; ++i) {
    if (s.mode == SweepMode::grid) {
      const auto pos = s.positions(results[i].index);
      for (std::size_t d = 0; d < rank; ++d) coords[i * rank + d] = pos[d];
    } else {
      coords[i] = results[i].index;
    }
  }
  auto write_points = [](hid_t ds, const std::vector<hsize_t>& c, std::size_t count, hid_t mem_type, const void* data) {
    Id fspace{checked(H5Dget_space(ds), "space"), H5Sclose};
    check(H5Sselect_elements(fspace, H5S_SELECT_SET, count, c.data()), "select points");
    const hsize_t mdim = count;
    Id mspace{checked(H5Screate_simple(1, &mdim, nullptr), "memspace"), H5Sclose};
    check(H5Dwrite(ds, mem_type, mspace, fspace, H5P_DEFAULT, data), "write points");
  };
  std::vector<double> buf(n);
  for (std::size_t j = 0; j < m.scalars.size(); ++j) {
    for (std::size_t i = 0; i < n; ++i) buf[i] = results[i].scalars.at(j);
    write_points(m.scalars[j], coords, n, H5T_NATIVE_DOUBLE, buf.data());
  }
  if (!m.curves.empty()) {
    const std::size_t nf = s.curve_freqs_hz.size();
    std::vector<hsize_t> cc(n * nf * (rank + 1));
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t k = 0; k < nf; ++k) {
        hsize_t* c = &cc[(i * nf + k) * (rank + 1)];
        std::copy_n(&coords[i * rank], rank, c);
        c[rank] = k;
      }
    std::vector<double> cb(n * nf);
    for (std::size_t j = 0; j < m.curves.size(); ++j) {
      for (std::size_t i = 0; i < n; ++i)
        std::copy_n(results[i].curves.begin() + static_cast<std::ptrdiff_t>(j * nf), nf, cb.begin() + static_cast<std::ptrdiff_t>(i * nf));
      write_points(m.curves[j], cc, n * nf, H5T_NATIVE_DOUBLE, cb.data());
    }
  }
  // Failures: appended to the list (the only structural change, hence before the status).
  std::vector<std::int64_t> fcase;
  std::vector<const char*> freason;
  for (const auto& r : results)
    if (!r.ok) {
      fcase.push_back(static_cast<std::int64_t>(r.index));
      freason.push_back(r.reason.c_str());
    }
  if (!fcase.empty()) {
    const hsize_t start = m.failures, count = fcase.size(), total = m.failures + count;
    Id type = vlen_string_type();
    for (auto [ds, mt, data] : {std::tuple<hid_t, hid_t, const void*>{m.fail_case, H5T_NATIVE_INT64, fcase.data()},
                                std::tuple<hid_t, hid_t, const void*>{m.fail_reason, type, freason.data()}}) {
      check(H5Dset_extent(ds, &total), "extend failures");
      Id fspace{checked(H5Dget_space(ds), "space"), H5Sclose};
      check(H5Sselect_hyperslab(fspace, H5S_SELECT_SET, &start, nullptr, &count, nullptr), "select");
      Id mspace{checked(H5Screate_simple(1, &count, nullptr), "memspace"), H5Sclose};
      check(H5Dwrite(ds, mt, mspace, fspace, H5P_DEFAULT, data), "write failures");
    }
    m.failures = total;
  }
  m.flush();
  std::vector<std::int8_t> st(n);
  for (std::size_t i = 0; i < n; ++i) {
    st[i] = results[i].ok ? 1 : 2;
    auto& cached = m.status_cache.at(results[i].index);
    if (cached == 0) (results[i].ok ? done_ : failed_) += 1;
    cached = st[i];
  }
  write_points(m.status, coords, n, H5T_NATIVE_INT8, st.data());
  m.flush();
}

void SweepStore::close() {
  Impl& m = *impl_;
  if (!m.file.valid()) return;
  // The failure list in case order, so that a resumed sweep's file equals an uninterrupted one.
  if (m.failures > 1) {
    const hsize_t n = m.failures;
    std::vector<std::int64_t> cases(n);
    std::vector<char*> reasons(n);
    Id type = vlen_string_type();
    check(H5Dread(m.fail_case, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, cases.data()), "read failures");
    check(H5Dread(m.fail_reason, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, reasons.data()), "read failures");
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return cases[a] < cases[b]; });
    if (!std::is_sorted(cases.begin(), cases.end())) {
      std::vector<std::int64_t> c2(n);
      std::vector<char*> r2(n);
      for (std::size_t i = 0; i < n; ++i) {
        c2[i] = cases[order[i]];
        r2[i] = reasons[order[i]];
      }
      check(H5Dwrite(m.fail_case, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, c2.data()), "write failures");
      check(H5Dwrite(m.fail_reason, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, r2.data()), "write failures");
    }
    Id space{checked(H5Dget_space(m.fail_reason), "space"), H5Sclose};
    H5Dvlen_reclaim(type, space, H5P_DEFAULT, reasons.data());
  }
  const bool complete = std::none_of(m.status_cache.begin(), m.status_cache.end(), [](std::int8_t v) { return v == 0; });
  Id root{checked(H5Gopen2(m.file, "/", H5P_DEFAULT), "root"), H5Gclose};
  int_attribute(root, "complete", complete ? 1 : 0);
  root.reset();
  m.scalars.clear();
  m.curves.clear();
  m.status.reset();
  m.fail_case.reset();
  m.fail_reason.reset();
  m.flush();
  m.file.reset();
}

StoredSweep read_stored_sweep(const std::filesystem::path& file) {
  if (!std::filesystem::exists(file)) throw InputError(file.string() + ": no such file to resume");
  Id f = open_file(file, false);
  Id root{checked(H5Gopen2(f, "/", H5P_DEFAULT), "root"), H5Gclose};
  StoredSweep s;
  if (read_string_attribute(root, "command") != "sweep") throw InputError(file.string() + ": not a phylane sweep file");
  s.sweep_text = read_string_attribute(root, "sweep");
  s.sweep_source = read_string_attribute(root, "sweep_source");
  s.sweep_dir = read_string_attribute(root, "sweep_dir");
  s.base_text = read_string_attribute(root, "base_config");
  s.phylane_version = read_string_attribute(root, "phylane_version");
  if (H5Aexists(root, "complete") > 0) {
    Id attr{checked(H5Aopen(root, "complete", H5P_DEFAULT), "attribute open complete"), H5Aclose};
    std::int64_t v = 0;
    check(H5Aread(attr, H5T_NATIVE_INT64, &v), "attribute read complete");
    s.complete = v != 0;
  }
  return s;
}

}  // namespace phylane::io
