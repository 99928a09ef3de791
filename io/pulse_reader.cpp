// Reading a user-supplied pulse or impulse response: [channel] type = "pulse", with the samples
// inline (values = [...]) or from a CSV file (one value per line, or "time, value" columns) or an
// HDF5 file (a 1-D dataset of doubles). Format in docs/eye.md.
#include <hdf5.h>

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

#include "io/detail/pulse_reader.hpp"

namespace phylane::io::detail {

namespace {

// "t, v" or "v" per line; '#' starts a comment; returns values and, with two columns, the step.
bool read_csv(const std::filesystem::path& path, std::vector<double>& values, double& dt, std::string& err) {
  std::ifstream in(path);
  if (!in) {
    err = "cannot open the file";
    return false;
  }
  std::string line;
  int lineno = 0;
  std::vector<double> times;
  while (std::getline(in, line)) {
    ++lineno;
    if (auto h = line.find('#'); h != std::string::npos) line.resize(h);
    for (char& c : line)
      if (c == ',' || c == ';' || c == '\t') c = ' ';
    std::istringstream ss(line);
    std::vector<double> nums;
    std::string tok;
    while (ss >> tok) {
      double v = 0;
      const auto r = std::from_chars(tok.data(), tok.data() + tok.size(), v);
      if (r.ec != std::errc() || r.ptr != tok.data() + tok.size() || !std::isfinite(v)) {
        if (values.empty() && times.empty() && nums.empty()) {  // a header line
          nums.clear();
          break;
        }
        err = "line " + std::to_string(lineno) + ": \"" + tok + "\" is not a number";
        return false;
      }
      nums.push_back(v);
    }
    if (nums.empty()) continue;
    if (nums.size() > 2) {
      err = "line " + std::to_string(lineno) + ": expected one value or two columns (time, value)";
      return false;
    }
    if (nums.size() == 2) times.push_back(nums[0]);
    values.push_back(nums.back());
  }
  if (!times.empty()) {
    if (times.size() != values.size()) {
      err = "mixes one- and two-column lines";
      return false;
    }
    if (times.size() > 1) {
      dt = (times.back() - times.front()) / static_cast<double>(times.size() - 1);
      for (std::size_t i = 1; i < times.size(); ++i)
        if (std::abs((times[i] - times[i - 1]) - dt) > 1e-6 * std::abs(dt)) {
          err = "times are not uniformly spaced (line " + std::to_string(i + 1) + ")";
          return false;
        }
    }
  }
  return true;
}

bool read_h5(const std::filesystem::path& path, const std::string& dataset, std::vector<double>& values,
             std::string& err) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) {
    err = "cannot open the HDF5 file";
    return false;
  }
  bool ok = false;
  const hid_t d = H5Dopen2(f, dataset.c_str(), H5P_DEFAULT);
  if (d < 0) {
    err = "has no dataset \"" + dataset + "\"";
  } else {
    const hid_t sp = H5Dget_space(d);
    const int rank = H5Sget_simple_extent_ndims(sp);
    hsize_t dims[2] = {0, 0};
    H5Sget_simple_extent_dims(sp, dims, nullptr);
    if (rank != 1 || dims[0] < 2 || dims[0] > (hsize_t{1} << 26)) {
      err = "dataset \"" + dataset + "\" must be 1-D with 2 ... 2^26 values";
    } else {
      values.resize(static_cast<std::size_t>(dims[0]));
      ok = H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) >= 0;
      if (!ok) err = "cannot read dataset \"" + dataset + "\" as numbers";
    }
    H5Sclose(sp);
    H5Dclose(d);
  }
  H5Fclose(f);
  return ok;
}

}  // namespace

void read_pulse_channel(TableReader& ch, std::optional<channels::SampledResponse>& out) {
  Context& ctx = ch.context();
  for (auto k : {"temperature", "mode", "driver", "receiver", "segments", "port_order"})
    ch.reject(k, std::string("'") + k + "' does not apply to a pulse channel");
  channels::SampledResponse p;
  const auto resp = ch.choice<std::string>(
      "response",
      [](std::string_view s) -> std::optional<std::string> {
        if (s == "pulse" || s == "impulse") return std::string(s);
        return std::nullopt;
      },
      "pulse, impulse", "pulse");
  if (!resp) return;
  p.impulse = *resp == "impulse";
  std::optional<std::int64_t> spu;
  std::optional<double> dt;
  if (p.impulse) {
    ch.reject("samples_per_ui", "an impulse response gives its sample_interval instead");
    dt = ch.quantity("sample_interval", Dimension::time, Rule::positive(), false);
  } else {
    ch.reject("sample_interval", "a pulse response gives samples_per_ui (the UI comes from [signal] rate)");
    spu = ch.integer_or("samples_per_ui", Rule::between(1, 1024), 32);
  }
  const bool inline_values = ch.has("values");
  if (inline_values == ch.has("file")) {
    ctx.error(&ch.input(), ch.key_path("values"), "", "give the samples either inline (values = [...]) or as file = \"...\"");
    ch.accept("values");
    ch.accept("file");
    ch.accept("dataset");
    ch.finish();
    return;
  }
  if (inline_values) {
    ch.accept("values");
    ch.reject("dataset", "applies to file = \"*.h5\"");
    const toml::node* n = ch.input().get("values");
    const toml::array* a = n->as_array();
    if (!a || a->size() < 4) {
      ctx.error(n, ch.key_path("values"), node_text(*n), "must be a list of at least 4 numbers (volts)");
    } else {
      for (std::size_t i = 0; i < a->size(); ++i) {
        const auto v = (*a)[i].value<double>();
        if (!v || !(*a)[i].is_number() || !std::isfinite(*v)) {
          ctx.error(&(*a)[i], ch.key_path("values") + "[" + std::to_string(i + 1) + "]", node_text((*a)[i]), "must be a number");
          continue;
        }
        p.values_v.push_back(*v);
      }
      n->visit([&](auto&& x) { ch.output().insert_or_assign("values", x); });
    }
    p.origin = "inline";
  } else {
    const auto file = ch.text("file", true);
    const auto dataset = ch.text_or("dataset", "/pulse");
    if (file && dataset) {
      std::filesystem::path path(*file);
      if (path.is_relative()) path = ctx.base_dir / path;
      std::string err;
      double file_dt = 0.0;
      const std::string ext = path.extension().string();
      const bool ok = (ext == ".h5" || ext == ".hdf5") ? read_h5(path, *dataset, p.values_v, err)
                                                       : read_csv(path, p.values_v, file_dt, err);
      if (!ok) ctx.error(ch.input().get("file"), ch.key_path("file"), "\"" + *file + "\"", err);
      else if (p.values_v.size() < 4) ctx.error(ch.input().get("file"), ch.key_path("file"), "\"" + *file + "\"", "needs at least 4 samples");
      if (p.impulse && !dt && file_dt > 0.0) dt = file_dt;
      p.origin = path.string();
    }
  }
  if (p.impulse && !dt)
    ctx.error(&ch.input(), ch.key_path("sample_interval"), "",
              "missing: an impulse response needs its sample interval (or a time column in its CSV file)");
  ch.finish();
  if (!ctx.ok()) return;
  p.samples_per_ui = static_cast<int>(spu.value_or(0));
  p.dt_s = dt.value_or(0.0);
  out = p;
}

}  // namespace phylane::io::detail
