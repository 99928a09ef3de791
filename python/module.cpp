// phylane._core: the workflows for Python (docs/python.md). Each function takes the options of the
// command of its name as keyword arguments, fills that command's Args as the command line does and
// builds the request with the same function (app/requests.hpp); each result's to_dict() is the
// command's --json document, written by the same io writer. Arrays are numpy views of the result's
// own vectors (read-only; the result stays alive while a view does). Bad input raises
// phylane.Error (a ValueError) with the command line's message; Ctrl-C raises KeyboardInterrupt.
#include <pybind11/complex.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "app/cmd_sweep.hpp"
#include "app/common.hpp"
#include "app/requests.hpp"
#include "io/claims_output.hpp"
#include "io/config.hpp"
#include "io/diagnostics.hpp"
#include "io/eye_output.hpp"
#include "io/fit_output.hpp"
#include "io/impedance_output.hpp"
#include "io/loss_output.hpp"
#include "io/rate_output.hpp"
#include "io/study.hpp"
#include "io/sweep.hpp"
#include "io/sweep_run.hpp"
#include "io/tdr_output.hpp"
#include "io/waveguide.hpp"
#include "io/throughput_output.hpp"
#include "io/touchstone.hpp"
#include "io/version.hpp"
#include "python/long_call.hpp"
#include "workflows/claims.hpp"
#include "workflows/eye.hpp"
#include "workflows/impedance.hpp"
#include "workflows/link_capacity.hpp"
#include "workflows/loss.hpp"
#include "workflows/rate.hpp"
#include "workflows/study.hpp"
#include "workflows/tdr.hpp"
#include "workflows/throughput.hpp"

namespace py = pybind11;

namespace phylane::python {

namespace {

using ConfigPtr = std::shared_ptr<const io::Config>;

/// A loaded link (a config, preset or Touchstone file): what every command reads first.
struct Link {
  ConfigPtr cfg;
  /// A Touchstone file loaded as the whole channel without a signal: maxrate gives it the nominal
  /// [signal] the command gives it (app::maxrate_link).
  std::string touchstone_file;
};

/// json.loads of what `write` puts on a stream: the command's --json document as a dict.
template <class Write>
py::object json_dict(Write&& write) {
  std::ostringstream os;
  write(os);
  return py::module_::import("json").attr("loads")(os.str());
}

/// A read-only numpy view of `n` values of type T, `stride` bytes apart, owned by `owner`.
template <class T>
py::array view(const py::handle& owner, const T* data, std::size_t n, std::size_t stride = sizeof(T)) {
  py::array a(py::dtype::of<T>(), {static_cast<py::ssize_t>(n)}, {static_cast<py::ssize_t>(stride)}, data, owner);
  py::detail::array_proxy(a.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
  return a;
}
template <class T>
py::array view(const py::handle& owner, const std::vector<T>& v) {
  return view(owner, v.data(), v.size());
}
/// One double field of every element of a vector of structs, as a strided view.
template <class S>
py::array field_view(const py::handle& owner, const std::vector<S>& v, double S::*field) {
  if (v.empty()) return py::array_t<double>(0);
  return view(owner, &(v.front().*field), v.size(), sizeof(S));
}

/// A value of a command's option as the command line would take it: text as typed ("16 GHz"), or
/// a number in SI units written with `unit` ("Hz", "b/s", "m") at full precision.
std::string option_text(const py::handle& value, const char* unit) {
  if (py::isinstance<py::str>(value)) return value.cast<std::string>();
  if (py::isinstance<py::int_>(value) || py::isinstance<py::float_>(value)) {
    std::ostringstream os;
    os.precision(17);
    os << value.cast<double>() << ' ' << unit;
    return os.str();
  }
  throw py::type_error("expected text with a unit (e.g. \"16 GHz\") or a number in " + std::string(unit) + ", got " +
                       std::string(py::str(py::type::handle_of(value).attr("__name__"))));
}
std::string optional_text(const py::object& value, const char* unit) {
  return value.is_none() ? std::string() : option_text(value, unit);
}

/// A file argument: None (the command's default), or a path (str or os.PathLike).
std::string path_text(const py::object& path) {
  if (path.is_none()) return {};
  return py::str(py::module_::import("os").attr("fspath")(path)).cast<std::string>();
}

/// A list option (--freq F repeated): one value, or a list of them (text, or a number in `unit`).
std::vector<std::string> list_text(const py::object& values, const char* unit) {
  std::vector<std::string> out;
  if (py::isinstance<py::str>(values) || py::isinstance<py::float_>(values) || py::isinstance<py::int_>(values))
    out.push_back(option_text(values, unit));
  else if (!values.is_none())
    for (const auto& v : values) out.push_back(option_text(v, unit));
  return out;
}

// ---------------------------------------------------------------- loss

struct LossResult {
  ConfigPtr cfg;
  std::optional<solvers::LossAnalysis> analysis;  // copper and composed channels (else the budget)
};

LossResult loss(const Link& link, const py::object& freq, const py::object& fmax, std::optional<int> points,
               const py::object& output, bool rlgc, const py::object& progress) {
  app::LossArgs args;
  args.freqs = list_text(freq, "Hz");
  args.fmax = optional_text(fmax, "Hz");
  args.points = points;
  args.output = path_text(output);
  workflows::LossRequest rq = app::loss_request(*link.cfg, args);
  rq.keep_line_points = rq.keep_line_points || rlgc;
  if (link.cfg->optical()) {
    if (!args.output.empty()) io::write_budget_hdf5(args.output, *link.cfg);
    return {link.cfg, std::nullopt};
  }
  Hooks hooks;
  hooks.stage("computing the loss");
  return hooks.run_short<LossResult>(progress, [&] {
    LossResult r{link.cfg, std::move(*workflows::loss(*link.cfg, rq).analysis)};
    if (!args.output.empty()) io::write_loss_hdf5(args.output, *r.cfg, *r.analysis);
    return r;
  });
}

// ---------------------------------------------------------------- eye

struct EyeResult {
  ConfigPtr cfg;
  workflows::EyeAnswer answer;
};

EyeResult eye(const Link& link, const py::object& output, const py::object& progress) {
  const std::string file = path_text(output);
  Hooks hooks;
  workflows::EyeRequest rq;
  rq.stop = hooks.stop();
  rq.progress = [&](const char* stage) { hooks.stage(stage); };
  EyeResult r{link.cfg, hooks.run<workflows::EyeAnswer>(progress, [&] { return workflows::eye(*link.cfg, rq); })};
  if (!file.empty()) {
    py::gil_scoped_release release;
    io::write_eye_hdf5(file, *r.cfg, r.answer.analysis, r.answer.optical ? &*r.answer.optical : nullptr);
  }
  return r;
}

// ---------------------------------------------------------------- maxrate, reach

struct MaxRateResult {
  ConfigPtr cfg;
  workflows::MaxRateAnswer answer;
};

void require_signal(const io::Config& cfg) {
  if (!cfg.signalling)
    throw io::InputError(cfg.source + ": needs a [signal] section (modulation, target BER); see docs/eye.md");
}

MaxRateResult maxrate(const Link& link, const std::string& modulation, const py::object& min, const py::object& max,
                      std::optional<double> margin, bool curve, const py::object& output, const py::object& progress) {
  app::MaxRateArgs args;
  args.modulations = modulation;
  args.min_rate = optional_text(min, "b/s");
  args.max_rate = optional_text(max, "b/s");
  args.margin_db = margin;
  args.full_curve = curve;
  workflows::MaxRateRequest rq = app::maxrate_request(args);
  ConfigPtr cfg = link.cfg;
  if (!link.touchstone_file.empty()) {
    args.input.config = link.touchstone_file;
    args.input.command = "maxrate";
    cfg = std::make_shared<io::Config>(app::maxrate_link(args, rq));
  }
  require_signal(*cfg);
  Hooks hooks;
  rq.stop = hooks.stop();
  rq.progress = [&] { hooks.tick(); };
  workflows::check_max_rate(*cfg, rq);
  const std::string file = path_text(output);
  hooks.stage("searching");
  MaxRateResult r{cfg, hooks.run<workflows::MaxRateAnswer>(progress, [&] { return workflows::max_rate(*cfg, rq); })};
  if (!file.empty()) {
    py::gil_scoped_release release;
    io::write_maxrate_hdf5(file, *r.cfg, r.answer);
  }
  return r;
}

struct ReachResult {
  ConfigPtr cfg;
  workflows::ReachAnswer answer;
};

ReachResult reach(const Link& link, const py::object& rate, const std::string& modulation, const std::string& element,
                  const py::object& min, const py::object& max, std::optional<double> margin, bool curve,
                  const py::object& output, const py::object& progress) {
  app::ReachArgs args;
  args.rate = optional_text(rate, "b/s");
  args.modulation = modulation;
  args.element = element;
  args.min_length = optional_text(min, "m");
  args.max_length = optional_text(max, "m");
  args.margin_db = margin;
  args.full_curve = curve;
  require_signal(*link.cfg);
  workflows::ReachRequest rq = app::reach_request(args);
  Hooks hooks;
  rq.stop = hooks.stop();
  rq.progress = [&] { hooks.tick(); };
  workflows::check_reach(*link.cfg, rq);
  const std::string file = path_text(output);
  hooks.stage("searching the length");
  ReachResult r{link.cfg, hooks.run<workflows::ReachAnswer>(progress, [&] { return workflows::reach(*link.cfg, rq); })};
  if (!file.empty()) {
    py::gil_scoped_release release;
    io::write_reach_hdf5(file, *r.cfg, r.answer);
  }
  return r;
}

// ---------------------------------------------------------------- com

struct ComResult {
  std::string thru;  // as given
  solvers::ComParameters sheet;
  workflows::ComAnswer answer;
};

/// The batch form, several thru files: one answer each.
struct ComBatchResult {
  std::vector<std::string> thrus;  // as given
  solvers::ComParameters sheet;
  std::vector<workflows::ComAnswer> answers;
};

/// A thru file, or a list of them (the batch form).
py::object com(const py::object& thru, const std::vector<std::string>& fext, const std::vector<std::string>& next,
               const std::string& sheet, const py::dict& set, int jobs, const py::object& output,
               const py::object& progress) {
  app::ComArgs args;
  if (py::isinstance<py::str>(thru) || py::hasattr(thru, "__fspath__"))
    args.thrus = {path_text(thru)};
  else
    for (const auto& t : thru) args.thrus.push_back(path_text(py::reinterpret_borrow<py::object>(t)));
  if (args.thrus.empty()) throw io::InputError("com: give a thru file (or a list of them)");
  args.fext = fext;
  args.next = next;
  args.sheet = sheet;
  args.jobs = jobs;
  args.output = path_text(output);
  for (const auto& [k, v] : set)
    args.set.push_back(py::str(k).cast<std::string>() + "=" + py::str(v).cast<std::string>());
  const solvers::ComParameters p = app::com_sheet(args);
  Hooks hooks;
  if (args.thrus.size() > 1) {
    const std::vector<workflows::ComChannel> thrus = app::com_batch_channels(args);
    solvers::ParallelOptions opt;
    opt.workers = args.jobs;
    opt.stop = hooks.stop();
    opt.progress = [&](std::size_t done, std::size_t) { hooks.count(done); };
    hooks.stage(std::to_string(thrus.size()) + " channels");
    return py::cast(ComBatchResult{args.thrus, p, hooks.run<std::vector<workflows::ComAnswer>>(progress, [&] {
                                     return workflows::com_batch(p, thrus, opt);
                                   })});
  }
  ComResult r{args.thrus.front(), p, {}};
  workflows::ComRequest rq = app::com_request(args);
  rq.stop = hooks.stop();
  rq.progress = [&](int c) { hooks.stage("package case " + std::to_string(c)); };
  r.answer = hooks.run<workflows::ComAnswer>(progress, [&] { return workflows::com(r.sheet, rq); });
  if (!args.output.empty()) {
    py::gil_scoped_release release;
    app::write_com_hdf5(args.output, r.thru, r.sheet, r.answer);
  }
  return py::cast(std::move(r));
}

// ---------------------------------------------------------------- capacity

struct CapacityResult {
  ConfigPtr cfg;
  workflows::CapacityAnswer answer;
};

CapacityResult capacity(const Link& link, const py::object& bandwidth, std::optional<int> points, bool no_rate,
                        const py::object& output, const py::object& progress) {
  app::CapacityArgs args;
  args.bandwidth = optional_text(bandwidth, "Hz");
  args.points = points;
  args.no_rate = no_rate;
  require_signal(*link.cfg);
  const workflows::LinkCapacityOptions co = app::capacity_options(args);
  Hooks hooks;
  std::optional<workflows::MaxRateRequest> rq;
  if (!no_rate) {
    rq.emplace();
    rq->progress = [&] { hooks.tick(); };
    rq->stop = hooks.stop();
  }
  const std::string file = path_text(output);
  hooks.stage(no_rate ? "water-filling" : "water-filling and the max-rate search");
  CapacityResult r{link.cfg, hooks.run<workflows::CapacityAnswer>(
                                 progress, [&] { return workflows::capacity(*link.cfg, co, rq); })};
  if (!file.empty()) {
    py::gil_scoped_release release;
    app::write_capacity_hdf5(file, *r.cfg, r.answer);
  }
  return r;
}

// ---------------------------------------------------------------- throughput, claims, study

struct ThroughputResult {
  io::System system;
  workflows::SystemResult result;
};

ThroughputResult throughput(const py::object& system, const std::string& preset, const py::object& output,
                            const py::object& progress) {
  app::ThroughputArgs args;
  args.system = path_text(system);
  args.embedded = preset;
  args.output = path_text(output);
  ThroughputResult r{app::throughput_system(args), {}};
  Hooks hooks;
  hooks.stage("evaluating the links");
  r.result = hooks.run<workflows::SystemResult>(progress,
                                                [&] { return workflows::evaluate_system(r.system, hooks.run_hooks()); });
  if (!args.output.empty()) {
    py::gil_scoped_release release;
    io::write_throughput_hdf5(args.output, r.system, r.result);
  }
  return r;
}

struct ClaimsResult {
  workflows::ClaimsReport report;
};

ClaimsResult claims(const py::object& file, const std::string& preset, const py::object& output,
                    const py::object& progress) {
  app::ClaimsArgs args;
  args.file = path_text(file);
  args.embedded = preset;
  args.output = path_text(output);
  const workflows::ClaimSet set = app::claim_set(args);
  Hooks hooks;
  hooks.stage("judging the claims");
  workflows::ClaimsRequest rq;
  rq.hooks = hooks.run_hooks();
  ClaimsResult r{hooks.run<workflows::ClaimsReport>(progress, [&] { return workflows::evaluate_claims(set, rq); })};
  if (!args.output.empty()) {
    py::gil_scoped_release release;
    io::write_claims_hdf5(args.output, r.report);
  }
  return r;
}

struct StudyResult {
  workflows::Study study;
  workflows::StudyResult result;
  std::optional<workflows::ClaimsReport> claims;
};

StudyResult study(const py::object& file, const std::string& preset, int points, bool no_claims,
                  const py::object& output, const py::object& progress) {
  app::StudyArgs args;
  args.study = path_text(file);
  args.preset = preset;
  args.points = points;
  args.no_claims = no_claims;
  args.output = path_text(output);
  StudyResult r{app::study_of(args), {}, {}};
  // The claim file is read (and checked) before anything is computed, as by the command.
  const std::optional<workflows::ClaimSet> claim_set = no_claims ? std::nullopt : io::load_study_claims(r.study);
  Hooks hooks;
  hooks.stage("computing");
  r.result = hooks.run<workflows::StudyResult>(progress, [&] {
    workflows::StudyRequest rq;
    rq.hooks = hooks.run_hooks();
    return workflows::run_study(r.study, rq);
  });
  if (claim_set) {
    Hooks judging;
    judging.stage("judging the claims");
    r.claims = judging.run<workflows::ClaimsReport>(progress, [&] {
      workflows::ClaimsRequest cq;
      cq.hooks = judging.run_hooks();
      return workflows::evaluate_claims(*claim_set, cq);
    });
  }
  if (!args.output.empty() && args.output != "-") {  // as the command writes it (its folder created)
    py::gil_scoped_release release;
    const std::filesystem::path out(args.output);
    if (out.has_parent_path()) std::filesystem::create_directories(out.parent_path());
    io::write_study_hdf5(out, r.study, r.result, r.claims ? &*r.claims : nullptr);
  }
  return r;
}

// ---------------------------------------------------------------- sweep

struct SweepResult {
  io::SweepReport report;
};

/// `sweep --case N`: one case of a sweep, its config (the command's output) and its link.
struct SweepCase {
  std::size_t number = 0;  // from 1
  std::string label;
  std::string text;        // what the command prints: a comment line, then the config
  std::string config_toml;
  ConfigPtr cfg;
};

py::object sweep(const py::object& file, const py::object& output, const py::object& resume, int jobs, bool check,
                 double flush_every, bool force, bool overwrite, std::optional<std::size_t> case_number,
                 const py::object& progress) {
  app::SweepArgs args;
  args.sweep = path_text(file);
  args.output = path_text(output);
  args.resume = path_text(resume);
  args.jobs = jobs;
  args.check = check;
  args.flush_every_s = flush_every;
  args.force = force;
  args.overwrite = overwrite;
  args.print_case = case_number;
  app::sweep_detail::Prepared p = app::sweep_detail::prepare(args);
  if (case_number) {
    const app::sweep_detail::CaseText c = app::sweep_detail::case_text(p, *case_number);
    ConfigPtr cfg = std::make_shared<io::Config>(io::case_config(p.sweep, *case_number - 1));
    return py::cast(SweepCase{*case_number, c.label, c.header + c.config_toml, c.config_toml, std::move(cfg)});
  }
  Hooks hooks;
  app::sweep_detail::RunCallbacks cb;
  cb.stage = [&](const std::string& stage, std::size_t before) {
    hooks.stage(stage);
    hooks.count(before);
  };
  cb.progress = [&](std::size_t done, std::size_t) { hooks.count(done); };
  cb.stop = hooks.stop();
  return py::cast(
      SweepResult{hooks.run<io::SweepReport>(progress, [&] { return app::sweep_detail::run(p, args, cb); })});
}

// ---------------------------------------------------------------- tdr, impedance

struct TdrResult {
  ConfigPtr cfg;
  workflows::TdrAnswer answer;
};

TdrResult tdr(const Link& link, const py::object& rise_time, const std::string& edge, const py::object& length,
              std::optional<double> eps_eff, const py::object& pulse, const py::object& output,
              const py::object& progress) {
  app::TdrArgs args;
  args.rise_time = optional_text(rise_time, "s");
  args.edge = edge;
  args.length = optional_text(length, "m");
  args.eps_eff = eps_eff;
  args.pulse = optional_text(pulse, "s");
  args.output = path_text(output);
  const workflows::TdrRequest rq = app::tdr_request(args);
  app::check_tdr_link(*link.cfg);
  Hooks hooks;
  hooks.stage("computing the TDR");
  return hooks.run_short<TdrResult>(progress, [&] {
    TdrResult r{link.cfg, workflows::tdr(*link.cfg, rq)};
    if (!args.output.empty()) io::write_tdr_hdf5(args.output, *r.cfg, r.answer);
    return r;
  });
}

struct ImpedanceResult {
  ConfigPtr cfg;
  std::size_t segment = 1;  // from 1, as written
  workflows::ImpedanceAnswer answer;
};

ImpedanceResult impedance(const Link& link, const py::object& target, const std::string& solve,
                          std::optional<int> segment, const py::object& freq, const py::object& progress) {
  app::ImpedanceArgs args;
  args.target = option_text(target, "ohm");
  args.solve = solve;
  args.segment = segment;
  args.freqs = list_text(freq, "Hz");
  workflows::ImpedanceRequest rq = app::impedance_request(args);
  app::default_impedance_freqs(*link.cfg, rq);
  Hooks hooks;
  rq.hooks = hooks.run_hooks();
  hooks.stage("solving the " + args.solve + " (lines built)");
  return {link.cfg, rq.segment + 1,
          hooks.run<workflows::ImpedanceAnswer>(progress, [&] { return workflows::solve_impedance(*link.cfg, rq); })};
}

// ---------------------------------------------------------------- waveguide

struct WaveguideResult {
  io::WaveguideConfig cfg;
  workflows::WaveguideResult result;
};

WaveguideResult waveguide(const py::object& file, const py::object& output, const py::object& progress) {
  WaveguideResult r{io::load_waveguide(path_text(file)), {}};
  const std::string out = path_text(output);
  Hooks hooks;
  hooks.stage("solving the modes and bends");
  r.result = hooks.run<workflows::WaveguideResult>(
      progress, [&] { return app::waveguide_result(r.cfg, hooks.run_hooks()); });
  if (!out.empty()) {
    py::gil_scoped_release release;
    io::write_waveguide_hdf5(out, r.cfg, r.result);
  }
  return r;
}

// ---------------------------------------------------------------- fit

struct FitResult {
  std::vector<std::string> files;
  app::FitAnswer answer;
};

/// --lengths: text ("4 in,10 in"), or a list of lengths (text, or m).
std::string lengths_text(const py::object& lengths) {
  if (py::isinstance<py::str>(lengths)) return lengths.cast<std::string>();
  std::string out;
  for (const auto& l : lengths) out += (out.empty() ? "" : ",") + option_text(l, "m");
  return out;
}

FitResult fit(const py::object& files, const py::object& lengths, const std::string& port_order,
              const py::object& cross_section, std::optional<int> segment, const py::object& reference,
              const py::object& fit_from, const py::object& fit_to, const std::string& roughness,
              const std::string& launch_loss, const py::object& output, const py::object& write_material,
              const py::object& write_config, const std::string& material_id, const std::string& weighting,
              const py::object& config_length, bool from_difference, const py::object& progress) {
  app::FitArgs args;
  if (py::isinstance<py::str>(files) || py::hasattr(files, "__fspath__"))
    args.files.push_back(path_text(files));
  else
    for (const auto& f : files) args.files.push_back(path_text(py::reinterpret_borrow<py::object>(f)));
  args.lengths = lengths_text(lengths);
  args.port_order = port_order;
  args.cross_section = path_text(cross_section);
  args.segment = segment;
  args.reference = option_text(reference, "Hz");
  args.fit_from = option_text(fit_from, "Hz");
  args.fit_to = optional_text(fit_to, "Hz");
  args.roughness = roughness;
  args.launch_loss = launch_loss;
  args.output = path_text(output);
  args.write_material = path_text(write_material);
  args.write_config = path_text(write_config);
  args.material_id = material_id;
  args.weighting = weighting;
  args.config_length = optional_text(config_length, "m");
  args.from_difference = from_difference;
  Hooks hooks;
  hooks.stage(args.cross_section.empty() ? "fitting the loss per length" : "fitting the material");
  return hooks.run_short<FitResult>(progress, [&] {
    FitResult r{args.files, app::fit_answer(args)};
    app::write_fit_files(args, r.answer);
    return r;
  });
}

// ---------------------------------------------------------------- sparams

struct SparamsResult {
  ConfigPtr cfg;
  app::SparamsArgs args;
  channels::Network network;
};

SparamsResult sparams(const Link& link, const py::object& output, const py::object& fmax, std::optional<int> points,
                      const std::string& port_order, bool dc, const py::object& progress) {
  SparamsResult r{link.cfg, {}, {}};
  r.args.output = path_text(output);
  r.args.fmax = optional_text(fmax, "Hz");
  r.args.points = points;
  r.args.port_order = port_order;
  r.args.from_dc = dc;
  Hooks hooks;
  hooks.stage("composing the network");
  r.network = hooks.run_short<channels::Network>(progress, [&] {
    channels::Network n = app::sparams_network(*link.cfg, r.args);
    app::write_sparams_file(r.args, n);
    return n;
  });
  return r;
}

// ---------------------------------------------------------------- check

struct CheckResult {
  app::CheckArgs args;
  std::optional<app::ConfigCheck> config;
  std::optional<app::TouchstoneCheck> touchstone;
};

CheckResult check(const py::object& file, const py::object& freq, const std::string& port_order,
                  const py::object& enforce_passivity, const py::object& progress) {
  CheckResult r;
  r.args.file = path_text(file);
  r.args.freqs = list_text(freq, "Hz");
  r.args.port_order = port_order;
  r.args.enforce_output = path_text(enforce_passivity);
  Hooks hooks;
  hooks.stage("checking " + r.args.file);
  return hooks.run_short<CheckResult>(progress, [&] {
    if (!io::is_touchstone_path(r.args.file)) {
      r.config = app::check_config_file(r.args);
    } else {
      r.touchstone = app::check_touchstone_file(r.args);
      if (!r.args.enforce_output.empty()) app::write_enforced_passivity(r.args, *r.touchstone);
    }
    return std::move(r);
  });
}

// ---------------------------------------------------------------- networks

/// A network from numpy: freq_hz (F), s (F x N x N, s[k, i, j] = S_ij at freq_hz[k]), z0_ohm
/// (one per port, or one for all).
channels::Network make_network(const py::array_t<double, py::array::c_style | py::array::forcecast>& freq_hz,
                               const py::array_t<std::complex<double>, py::array::forcecast>& s,
                               const std::vector<double>& z0_ohm, const std::string& name) {
  if (freq_hz.ndim() != 1) throw std::invalid_argument("Network: freq_hz must be one-dimensional");
  const auto f = static_cast<std::size_t>(freq_hz.shape(0));
  if (s.ndim() != 3 || static_cast<std::size_t>(s.shape(0)) != f || s.shape(1) != s.shape(2) || s.shape(1) < 1)
    throw std::invalid_argument("Network: s must have the shape (frequencies, ports, ports) = (" + std::to_string(f) +
                                ", N, N)");
  const int ports = static_cast<int>(s.shape(1));
  channels::Network net(std::vector<double>(freq_hz.data(), freq_hz.data() + f), ports, z0_ohm);
  const auto sv = s.unchecked<3>();
  for (std::size_t k = 0; k < f; ++k)
    for (int i = 0; i < ports; ++i)
      for (int j = 0; j < ports; ++j) net.s(k, i, j) = sv(static_cast<py::ssize_t>(k), i, j);
  net.name = name;
  return net;
}

/// The S-parameters as a numpy view F x N x N (each matrix is stored column-major).
py::array s_view(const py::object& owner, const channels::Network& n) {
  if (n.size() == 0) return py::array_t<std::complex<double>>(std::vector<py::ssize_t>{0, n.ports(), n.ports()});
  const auto e = static_cast<py::ssize_t>(sizeof(std::complex<double>));
  const py::ssize_t p = n.ports();
  py::array a(py::dtype::of<std::complex<double>>(), {static_cast<py::ssize_t>(n.size()), p, p}, {p * p * e, e, p * e},
              n.s(0).data(), owner);
  py::detail::array_proxy(a.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
  return a;
}

// ---------------------------------------------------------------- results as Python objects

py::dict eye_arrays(const py::handle& owner, const solvers::EyeAnalysis& a) {
  const auto& e = a.eye;
  py::dict d;
  d["phase_ui"] = view(owner, e.phase_ui);
  d["voltage_v"] = view(owner, e.voltage_v);
  py::array map(py::dtype::of<double>(),
                {static_cast<py::ssize_t>(e.phase_ui.size()), static_cast<py::ssize_t>(e.voltage_v.size())},
                {static_cast<py::ssize_t>(e.voltage_v.size() * sizeof(double)), static_cast<py::ssize_t>(sizeof(double))},
                e.log10_ber.data(), owner);
  py::detail::array_proxy(map.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
  d["log10_ber"] = map;
  d["vertical_bathtub_log10_ber"] = view(owner, e.vertical_bathtub_log10_ber);
  py::list horizontal;
  for (const auto& h : e.horizontal_bathtub_log10_ber) horizontal.append(view(owner, h));
  d["horizontal_bathtub_log10_ber"] = horizontal;
  const auto& up = a.unequalized.pulse;
  d["pulse_dt_s"] = up.dt_s();
  d["unequalized_pulse_v"] = view(owner, up.samples_v);
  d["equalized_pulse_v"] = view(owner, a.equalizer.pulse.pulse.samples_v);
  return d;
}

}  // namespace

}  // namespace phylane::python

PYBIND11_MODULE(_core, m) {
  using namespace phylane;
  using namespace phylane::python;
  m.doc() = "phylane: signal-integrity workflows (docs/python.md)";
  m.attr("__version__") = std::string(io::phylane_version());

  static py::exception<io::InputError> error(m, "Error", PyExc_ValueError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const solvers::SearchInterrupted&) {
      PyErr_SetNone(PyExc_KeyboardInterrupt);
    } catch (const io::InputError& e) {
      error(e.what());
    } catch (const std::invalid_argument& e) {
      error(e.what());
    }
  });

  py::class_<Link>(m, "Link", "A link: channel and signal, from a preset, a file or a dict (phylane.Link.from_dict)")
      .def_static(
          "preset", [](const std::string& name) { return Link{std::make_shared<io::Config>(io::load_preset(name)), {}}; },
          py::arg("name"), "An embedded link (phylane.presets()); like `--preset NAME`")
      .def_static(
          "default", [] { return Link{std::make_shared<io::Config>(io::load_preset(io::default_preset_name())), {}}; },
          "The link the commands use when given none")
      .def_static(
          "from_file",
          [](const std::string& path, const py::object& rate, const std::string& modulation) {
            app::LinkInput in;
            in.config = path;
            in.command = "eye";
            app::SignalFlags signal{optional_text(rate, "b/s"), modulation};
            const bool with_signal = !signal.rate.empty() || !signal.modulation.empty();
            Link link{std::make_shared<io::Config>(app::load_link(in, false, with_signal ? &signal : nullptr)), {}};
            if (app::touchstone_input(in) && !with_signal) link.touchstone_file = path;
            return link;
          },
          py::arg("path"), py::arg("rate") = py::none(), py::arg("modulation") = "",
          "A config file (TOML), or a Touchstone file as the whole channel; for a Touchstone file, rate= and "
          "modulation= give its [signal] (like `phylane eye FILE --rate R`)")
      .def_static(
          "_from_toml",
          [](const std::string& text, const std::string& name, const std::map<std::string, channels::Network>& networks) {
            return Link{std::make_shared<io::Config>(networks.empty() ? io::load_config_text(text, name)
                                                                      : io::load_config_text_with(text, name, networks)),
                        {}};
          },
          py::arg("text"), py::arg("name"), py::arg("networks") = std::map<std::string, channels::Network>{})
      .def_property_readonly("source", [](const Link& l) { return l.cfg->source; })
      .def_property_readonly("title", [](const Link& l) { return l.cfg->title; })
      .def_property_readonly("config_toml", [](const Link& l) { return l.cfg->stored_toml; },
                             "The config as given (re-running it reproduces the result)")
      .def_property_readonly("resolved_toml", [](const Link& l) { return l.cfg->resolved_toml; },
                             "The config with every default made explicit")
      .def(
          "network",
          [](const Link& l, const py::object& fmax, std::optional<int> points, const std::string& port_order, bool dc,
             const py::object& progress) {
            app::SparamsArgs args;
            args.fmax = optional_text(fmax, "Hz");
            args.points = points;
            args.port_order = port_order;
            args.from_dc = dc;
            Hooks hooks;
            hooks.stage("composing the network");
            return hooks.run_short<channels::Network>(progress, [&] { return app::sparams_network(*l.cfg, args); });
          },
          py::arg("fmax") = py::none(), py::arg("points") = py::none(), py::arg("port_order") = "12-34",
          py::arg("dc") = false, py::arg("progress") = py::none(),
          "The channel's S-parameters, as `phylane sparams` writes them; progress=callable(stage, done)")
      .def("__repr__", [](const Link& l) { return "<phylane.Link " + l.cfg->source + ">"; });

  m.def("presets", &io::preset_names, "Names of the embedded links");

  py::class_<channels::Network>(m, "Network", "S-parameters on a frequency grid with a real reference impedance per port")
      .def(py::init(&make_network), py::arg("freq_hz"), py::arg("s"), py::arg("z0_ohm") = std::vector<double>{50.0},
           py::arg("name") = "")
      .def_static(
          "read", [](const std::string& path) { return io::read_touchstone(path); }, py::arg("path"),
          "A Touchstone file (.sNp, 1.x or 2.0)")
      .def(
          "write",
          [](const channels::Network& n, const std::string& path) {
            io::TouchstoneWriteOptions o;
            o.program_version = std::string(io::phylane_version());
            io::write_touchstone(n, path, o);
          },
          py::arg("path"), "Writes a Touchstone 1.1 file (RI: bit-exact)")
      .def_property_readonly("freq_hz", [](const py::object& self) {
        const auto& n = self.cast<const channels::Network&>();
        return view(self, n.freq_hz());
      })
      .def_property_readonly("s", [](const py::object& self) { return s_view(self, self.cast<const channels::Network&>()); })
      .def_property_readonly("z0_ohm", [](const channels::Network& n) { return n.z0_ohm(); })
      .def_property_readonly("ports", &channels::Network::ports)
      .def_readwrite("name", &channels::Network::name)
      .def("__len__", &channels::Network::size)
      .def("__repr__", [](const channels::Network& n) {
        return "<phylane.Network " + std::to_string(n.ports()) + "-port, " + std::to_string(n.size()) + " frequencies>";
      });

  py::class_<LossResult>(m, "LossResult", "phylane loss")
      .def("to_dict",
           [](const LossResult& r) {
             return json_dict([&](std::ostream& os) {
               if (r.analysis)
                 io::write_loss_json(os, *r.cfg, *r.analysis);
               else
                 io::write_budget_json(os, *r.cfg);
             });
           })
      .def_property_readonly("freq_hz", [](const py::object& self) -> py::object {
        const auto& r = self.cast<const LossResult&>();
        if (!r.analysis) return py::none();
        return view(self, r.analysis->sweep.freq_hz);
      })
      .def_property_readonly("loss_db", [](const py::object& self) -> py::object {
        const auto& r = self.cast<const LossResult&>();
        if (!r.analysis) return py::none();
        return field_view(self, r.analysis->sweep.loss, &channels::LossBreakdown::total_db);
      })
      .def_property_readonly("breakdown_db", [](const py::object& self) -> py::object {
        const auto& r = self.cast<const LossResult&>();
        if (!r.analysis) return py::none();
        const auto& b = r.analysis->sweep.loss;
        py::dict d;
        d["conductor"] = field_view(self, b, &channels::LossBreakdown::conductor_db);
        d["roughness"] = field_view(self, b, &channels::LossBreakdown::roughness_db);
        d["dielectric"] = field_view(self, b, &channels::LossBreakdown::dielectric_db);
        d["blocks"] = field_view(self, b, &channels::LossBreakdown::blocks_db);
        d["mismatch"] = field_view(self, b, &channels::LossBreakdown::mismatch_db);
        return d;
      })
      .def_property_readonly("s21", [](const py::object& self) -> py::object {
        const auto& r = self.cast<const LossResult&>();
        if (!r.analysis) return py::none();
        return view(self, r.analysis->sweep.s21);
      })
      .def_property_readonly("report_freq_hz", [](const py::object& self) -> py::object {
        const auto& r = self.cast<const LossResult&>();
        if (!r.analysis) return py::none();
        return view(self, r.analysis->report_freqs_hz);
      })
      .def_property_readonly("segments", [](const py::object& self) -> py::object {
        const auto& r = self.cast<const LossResult&>();
        if (!r.analysis || r.analysis->line_points.empty()) return py::none();
        py::list out;
        using P = phy::LinePoint;
        for (std::size_t i = 0; i < r.analysis->line_points.size(); ++i) {
          const auto& pts = r.analysis->line_points[i];
          py::dict d;
          d["name"] = i < r.analysis->segments.size() ? r.analysis->segments[i].name : std::string();
          std::vector<double> l, c;
          for (const auto& p : pts) {
            l.push_back(p.l_h_per_m());
            c.push_back(p.c_f_per_m());
          }
          // R and G are the real parts of z_per_m and y_per_m (a std::complex is its real part then
          // its imaginary part): strided views; L and C are copies.
          auto real_view = [&](std::complex<double> P::*field) -> py::array {
            if (pts.empty()) return py::array_t<double>(0);
            return view(self, reinterpret_cast<const double*>(&(pts.front().*field)), pts.size(), sizeof(P));
          };
          d["r_ohm_per_m"] = real_view(&P::z_per_m);
          d["l_h_per_m"] = py::array_t<double>(static_cast<py::ssize_t>(l.size()), l.data());
          d["g_s_per_m"] = real_view(&P::y_per_m);
          d["c_f_per_m"] = py::array_t<double>(static_cast<py::ssize_t>(c.size()), c.data());
          d["z0_ohm"] = pts.empty() ? py::array_t<std::complex<double>>(0)
                                    : view(self, &pts.front().z0, pts.size(), sizeof(P));
          out.append(d);
        }
        return out;
      }, "with rlgc=True (or output=): per trace segment its name and, on freq_hz, r_ohm_per_m, l_h_per_m, g_s_per_m, "
         "c_f_per_m and z0_ohm (complex); else None");

  py::class_<EyeResult>(m, "EyeResult", "phylane eye")
      .def("to_dict",
           [](const EyeResult& r) {
             return json_dict([&](std::ostream& os) {
               io::write_eye_json(os, *r.cfg, r.answer.analysis, r.answer.optical ? &*r.answer.optical : nullptr);
             });
           })
      .def_property_readonly("open",
                             [](const EyeResult& r) { return r.answer.analysis.eye.status == solvers::EyeStatus::open; })
      .def_property_readonly("margin_db", [](const EyeResult& r) { return r.answer.analysis.eye.margin_db; })
      .def_property_readonly("height_v", [](const EyeResult& r) { return r.answer.analysis.eye.height_v; })
      .def_property_readonly("width_ui", [](const EyeResult& r) { return r.answer.analysis.eye.width_ui; })
      .def_property_readonly("ber", [](const EyeResult& r) { return r.answer.analysis.eye.ber; })
      .def_property_readonly("arrays",
                             [](const py::object& self) { return eye_arrays(self, self.cast<const EyeResult&>().answer.analysis); },
                             "phase_ui, voltage_v, log10_ber (phase x voltage), the bathtubs and the pulses");

  auto curve = [](const std::vector<solvers::RatePoint>& c) {
    py::dict d;
    std::vector<double> rate, margin, height, width;
    std::vector<bool> meets;
    for (const auto& p : c) {
      rate.push_back(p.rate_bps);
      margin.push_back(p.margin_db);
      height.push_back(p.eye_height_v);
      width.push_back(p.eye_width_ui);
      meets.push_back(p.meets);
    }
    d["rate_bps"] = py::array_t<double>(static_cast<py::ssize_t>(rate.size()), rate.data());
    d["margin_db"] = py::array_t<double>(static_cast<py::ssize_t>(margin.size()), margin.data());
    d["eye_height_v"] = py::array_t<double>(static_cast<py::ssize_t>(height.size()), height.data());
    d["eye_width_ui"] = py::array_t<double>(static_cast<py::ssize_t>(width.size()), width.data());
    d["meets"] = py::module_::import("numpy").attr("array")(py::cast(meets), py::arg("dtype") = "bool");
    return d;
  };
  py::class_<MaxRateResult>(m, "MaxRateResult", "phylane maxrate")
      .def("to_dict", [](const MaxRateResult& r) {
        return json_dict([&](std::ostream& os) { io::write_maxrate_json(os, *r.cfg, r.answer); });
      })
      .def_property_readonly("found", [](const MaxRateResult& r) { return r.answer.result.found; })
      .def_property_readonly("max_rate_bps", [](const MaxRateResult& r) { return r.answer.result.max_rate_bps; })
      .def_property_readonly("best_levels", [](const MaxRateResult& r) { return r.answer.result.best_levels; })
      .def_property_readonly("reason", [](const MaxRateResult& r) { return r.answer.result.reason; })
      .def_property_readonly(
          "per_modulation",
          [curve](const py::object& self) {
            py::list out;
            for (const auto& mr : self.cast<const MaxRateResult&>().answer.result.per_modulation) {
              py::dict d = curve(mr.curve);
              d["levels"] = mr.levels;
              d["found"] = mr.found;
              d["capped"] = mr.capped;
              d["max_rate_bps"] = mr.max_rate_bps;
              d["eye_at_max"] = eye_arrays(self, mr.at_max);
              out.append(d);
            }
            return out;
          },
          "Per modulation: levels, found, capped, max_rate_bps, the curve (rate_bps, margin_db, eye_height_v, "
          "eye_width_ui, meets) and the eye at the answer");

  py::class_<ReachResult>(m, "ReachResult", "phylane reach")
      .def("to_dict", [](const ReachResult& r) {
        return json_dict([&](std::ostream& os) { io::write_reach_json(os, *r.cfg, r.answer); });
      })
      .def_property_readonly("found", [](const ReachResult& r) { return r.answer.result.found; })
      .def_property_readonly("max_length_m", [](const ReachResult& r) { return r.answer.result.max_length_m; })
      .def_property_readonly("reason", [](const ReachResult& r) { return r.answer.result.reason; })
      .def_property_readonly("length_m", [](const py::object& self) {
        return field_view(self, self.cast<const ReachResult&>().answer.result.curve, &solvers::ReachPoint::length_m);
      })
      .def_property_readonly("margin_db", [](const py::object& self) {
        return field_view(self, self.cast<const ReachResult&>().answer.result.curve, &solvers::ReachPoint::margin_db);
      })
      .def_property_readonly("loss_db", [](const py::object& self) {
        return field_view(self, self.cast<const ReachResult&>().answer.result.curve, &solvers::ReachPoint::loss_db);
      })
      .def_property_readonly("eye_at_max",
                             [](const py::object& self) { return eye_arrays(self, self.cast<const ReachResult&>().answer.result.at_max); });

  py::class_<ComResult>(m, "ComResult", "phylane com")
      .def("to_dict", [](const ComResult& r) {
        return json_dict([&](std::ostream& os) { app::write_com_json(os, r.thru, r.sheet, r.answer); });
      })
      .def_property_readonly("com_db", [](const ComResult& r) { return r.answer.com_db; })
      .def_property_readonly("passed", [](const ComResult& r) { return r.answer.pass; });

  py::class_<ComBatchResult>(m, "ComBatchResult", "phylane com THRU THRU ...")
      .def("to_dict", [](const ComBatchResult& r) {
        return json_dict([&](std::ostream& os) { app::write_com_batch_json(os, r.thrus, r.sheet, r.answers); });
      })
      .def_property_readonly("thrus", [](const ComBatchResult& r) { return r.thrus; })
      .def_property_readonly("com_db", [](const ComBatchResult& r) {
        std::vector<double> v;
        for (const auto& a : r.answers) v.push_back(a.com_db);
        return py::array_t<double>(static_cast<py::ssize_t>(v.size()), v.data());
      }, "one per thru")
      .def_property_readonly("passed", [](const ComBatchResult& r) {
        return std::all_of(r.answers.begin(), r.answers.end(), [](const workflows::ComAnswer& a) { return a.pass; });
      }, "every thru passes (the command's exit 0, else 3)")
      .def_property_readonly("results", [](const ComBatchResult& r) {
        py::list out;
        for (std::size_t i = 0; i < r.answers.size(); ++i) out.append(ComResult{r.thrus[i], r.sheet, r.answers[i]});
        return out;
      }, "one ComResult per thru (its to_dict() is `phylane com THRU --json` of that file)");

  py::class_<CapacityResult>(m, "CapacityResult", "phylane capacity")
      .def("to_dict", [](const CapacityResult& r) {
        return json_dict([&](std::ostream& os) { app::write_capacity_json(os, *r.cfg, r.answer); });
      })
      .def_property_readonly("capacity_bps", [](const CapacityResult& r) { return r.answer.capacity.result.capacity_bps; })
      .def_property_readonly("fraction_of_capacity", [](const CapacityResult& r) { return r.answer.fraction(); })
      .def_property_readonly("max_rate_bps", [](const CapacityResult& r) -> py::object {
        if (!r.answer.rate || !r.answer.rate->result.found) return py::none();
        return py::float_(r.answer.rate->result.max_rate_bps);
      })
      .def_property_readonly("freq_hz", [](const py::object& self) {
        return view(self, self.cast<const CapacityResult&>().answer.capacity.result.freq_hz);
      })
      .def_property_readonly("gain2", [](const py::object& self) {
        return view(self, self.cast<const CapacityResult&>().answer.capacity.gain2);
      }, "|H(f)|^2 per cell")
      .def_property_readonly("noise_psd_v2_per_hz", [](const py::object& self) {
        return view(self, self.cast<const CapacityResult&>().answer.capacity.noise_psd);
      })
      .def_property_readonly("tx_psd_v2_per_hz", [](const py::object& self) {
        return view(self, self.cast<const CapacityResult&>().answer.capacity.result.tx_psd);
      }, "the water-filled transmit PSD")
      .def_property_readonly("snr", [](const py::object& self) {
        return view(self, self.cast<const CapacityResult&>().answer.capacity.result.snr);
      }, "S |H|^2 / N per cell (a ratio, not dB)");

  py::class_<ThroughputResult>(m, "ThroughputResult", "phylane throughput")
      .def("to_dict", [](const ThroughputResult& r) {
        return json_dict([&](std::ostream& os) { io::write_throughput_json(os, r.system, r.result); });
      })
      .def_property_readonly("devices", [](const ThroughputResult& r) { return r.result.workload.devices; })
      .def_property_readonly(
          "links",
          [](const py::object& self) {
            py::list out;
            for (const auto& l : self.cast<const ThroughputResult&>().result.links) {
              py::dict d;
              d["name"] = l.name;
              d["lane_rate_bps"] = l.lane_rate_bps;
              d["payload_bandwidth_bytes_per_s"] = l.payload_bandwidth_bytes_per_s;
              d["alpha_s"] = l.alpha_s;
              d["time_s"] = field_view(self, l.points, &workflows::CollectivePoint::time_s);
              d["bus_bandwidth_bytes_per_s"] =
                  field_view(self, l.points, &workflows::CollectivePoint::bus_bandwidth_bytes_per_s);
              d["algorithm_bandwidth_bytes_per_s"] =
                  field_view(self, l.points, &workflows::CollectivePoint::algorithm_bandwidth_bytes_per_s);
              out.append(d);
            }
            return out;
          },
          "Per link: name, lane_rate_bps, payload_bandwidth_bytes_per_s, alpha_s and, one per device count, "
          "time_s, bus_bandwidth_bytes_per_s, algorithm_bandwidth_bytes_per_s");

  py::class_<ClaimsResult>(m, "ClaimsResult", "phylane claims").def("to_dict", [](const ClaimsResult& r) {
    return json_dict([&](std::ostream& os) { io::write_claims_json(os, r.report); });
  });

  py::class_<StudyResult>(m, "StudyResult", "phylane study")
      .def("to_dict",
           [](const StudyResult& r) {
             return json_dict([&](std::ostream& os) {
               io::write_study_json(os, r.study, r.result, r.claims ? &*r.claims : nullptr);
             });
           })
      .def_property_readonly("devices", [](const StudyResult& r) { return r.study.workload.devices; })
      .def_property_readonly(
          "links",
          [](const py::object& self) {
            py::list out;
            for (const auto& l : self.cast<const StudyResult&>().result.links) {
              py::dict d;
              d["name"] = l.name;
              using P = workflows::StudyPoint;
              d["length_m"] = field_view(self, l.points, &P::length_m);
              d["loss_db"] = field_view(self, l.points, &P::loss_db);
              d["max_rate_nrz_bps"] = field_view(self, l.points, &P::max_rate_nrz_bps);
              d["max_rate_pam4_bps"] = field_view(self, l.points, &P::max_rate_pam4_bps);
              d["max_rate_bps"] = field_view(self, l.points, &P::max_rate_bps);
              d["capacity_bps"] = field_view(self, l.points, &P::capacity_bps);
              d["link_bandwidth_bytes_per_s"] = field_view(self, l.points, &P::link_bandwidth_bytes_per_s);
              d["latency_s"] = field_view(self, l.points, &P::latency_s);
              std::vector<double> sync;  // lengths x device counts, copied (one vector per point)
              const std::size_t nd = l.points.empty() ? 0 : l.points.front().sync_time_s.size();
              for (const auto& p : l.points) sync.insert(sync.end(), p.sync_time_s.begin(), p.sync_time_s.end());
              py::array_t<double> a({static_cast<py::ssize_t>(l.points.size()), static_cast<py::ssize_t>(nd)});
              std::copy(sync.begin(), sync.end(), a.mutable_data());
              d["sync_time_s"] = a;
              out.append(d);
            }
            return out;
          },
          "Per link: name and, one per length, length_m, loss_db, max_rate_nrz_bps, max_rate_pam4_bps, max_rate_bps, "
          "capacity_bps, link_bandwidth_bytes_per_s, latency_s; sync_time_s (length x device count)");

  py::class_<TdrResult>(m, "TdrResult", "phylane tdr")
      .def("to_dict", [](const TdrResult& r) {
        return json_dict([&](std::ostream& os) { io::write_tdr_json(os, *r.cfg, r.answer); });
      })
      .def_property_readonly("time_s", [](const py::object& self) { return view(self, self.cast<const TdrResult&>().answer.time_s); })
      .def_property_readonly("distance_m",
                             [](const py::object& self) { return view(self, self.cast<const TdrResult&>().answer.distance_m); })
      .def_property_readonly("impedance_ohm", [](const py::object& self) {
        return view(self, self.cast<const TdrResult&>().answer.profile.impedance_ohm);
      }, "Zdiff of a 4-port, Z of a 2-port")
      .def_property_readonly("rho", [](const py::object& self) { return view(self, self.cast<const TdrResult&>().answer.profile.rho); })
      .def_property_readonly("common_impedance_ohm", [](const py::object& self) -> py::object {
        const auto& c = self.cast<const TdrResult&>().answer.common;
        if (!c) return py::none();
        return view(self, c->impedance_ohm);
      }, "Zcm of a 4-port (None for a 2-port)")
      .def_property_readonly("tdt", [](const py::object& self) { return view(self, self.cast<const TdrResult&>().answer.tdt); })
      .def_property_readonly("mode", [](const TdrResult& r) { return r.answer.profile.mode; })
      .def_property_readonly("reference_ohm", [](const TdrResult& r) { return r.answer.profile.reference_ohm; })
      .def_property_readonly("rise_time_s", [](const TdrResult& r) { return r.answer.rise_time_s; })
      .def_property_readonly("thru_delay_s", [](const TdrResult& r) { return r.answer.thru_delay_s; });

  py::class_<ImpedanceResult>(m, "ImpedanceResult", "phylane impedance")
      .def("to_dict", [](const ImpedanceResult& r) {
        return json_dict([&](std::ostream& os) { io::write_impedance_json(os, *r.cfg, r.segment, r.answer); });
      })
      .def_property_readonly("solved_m", [](const ImpedanceResult& r) { return r.answer.solved_m; })
      .def_property_readonly("original_m", [](const ImpedanceResult& r) { return r.answer.original_m; })
      .def_property_readonly("impedance_ohm", [](const ImpedanceResult& r) { return r.answer.impedance_ohm; })
      .def_property_readonly("delay_s_per_m", [](const ImpedanceResult& r) { return r.answer.delay_s_per_m; })
      .def_property_readonly("freq_hz", [](const py::object& self) {
        return view(self, self.cast<const ImpedanceResult&>().answer.freqs_hz);
      })
      .def_property_readonly("loss_db_per_m", [](const py::object& self) {
        return view(self, self.cast<const ImpedanceResult&>().answer.loss_db_per_m);
      });

  py::class_<WaveguideResult>(m, "WaveguideResult", "phylane waveguide")
      .def("to_dict", [](const WaveguideResult& r) {
        return json_dict([&](std::ostream& os) { io::write_waveguide_json(os, r.cfg, r.result); });
      })
      .def_property_readonly(
          "modes",
          [](const py::object& self) {
            const auto& r = self.cast<const WaveguideResult&>();
            py::list out;
            for (const auto& mode : r.result.modes) {
              py::dict d;
              d["polarization"] = std::string(phy::to_string(mode.polarization));
              d["n_eff"] = mode.mode.n_eff;
              d["guided"] = mode.mode.guided;
              d["n_g"] = mode.n_g;
              d["effective_area_m2"] = mode.effective_area_m2;
              d["mode_field_diameter_m"] = mode.mode_field_diameter_m;
              d["confinement"] = mode.confinement;
              const auto& md = mode.mode;
              std::vector<double> x, y;
              for (int i = 0; i < md.nx; ++i) x.push_back(md.x(i));
              for (int j = 0; j < md.ny; ++j) y.push_back(md.y(j));
              d["x_m"] = py::array_t<double>(static_cast<py::ssize_t>(x.size()), x.data());
              d["y_m"] = py::array_t<double>(static_cast<py::ssize_t>(y.size()), y.data());
              auto grid = [&](const auto& v) {
                using T = typename std::decay_t<decltype(v)>::value_type;
                const auto nx = static_cast<py::ssize_t>(md.nx), ny = static_cast<py::ssize_t>(md.ny);
                const auto size = static_cast<py::ssize_t>(sizeof(T));
                py::array a(py::dtype::of<T>(), {ny, nx}, {nx * size, size}, v.data(), self);
                py::detail::array_proxy(a.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
                return a;
              };
              d["field"] = grid(md.field);
              d["eps"] = grid(md.eps);
              out.append(d);
            }
            return out;
          },
          "Per mode (quasi-TE, then quasi-TM): polarization, n_eff, guided, n_g, effective_area_m2, "
          "mode_field_diameter_m, confinement, and on the quarter window (mirror planes x = 0, y = 0): x_m, y_m "
          "(cell centres), field (the dominant transverse E, complex, rows y, columns x) and eps (n^2 per cell)")
      .def_property_readonly("bend_radius_m", [](const py::object& self) {
        return field_view(self, self.cast<const WaveguideResult&>().result.bends, &phy::BendLoss::radius_m);
      })
      .def_property_readonly("bend_loss_db_per_90deg", [](const py::object& self) {
        return field_view(self, self.cast<const WaveguideResult&>().result.bends, &phy::BendLoss::total_db_per_90deg);
      }, "radiation and the two junctions, per 90 degree bend (quasi-TE)")
      .def_property_readonly("bend_radiation_db_per_90deg", [](const py::object& self) {
        const auto& bends = self.cast<const WaveguideResult&>().result.bends;
        return field_view(self, bends, &phy::BendLoss::radiation_db_per_90deg);
      })
      .def_property_readonly("bend_transition_db", [](const py::object& self) {
        return field_view(self, self.cast<const WaveguideResult&>().result.bends, &phy::BendLoss::transition_db);
      }, "one straight-bend junction");

  py::class_<FitResult>(m, "FitResult", "phylane fit")
      .def("to_dict", [](const FitResult& r) {
        return json_dict([&](std::ostream& os) {
          io::write_fit_json(os, r.files, r.answer.lengths_m, r.answer.fit,
                             r.answer.material ? &*r.answer.material : nullptr);
        });
      })
      .def_property_readonly("quantity", [](const FitResult& r) { return r.answer.fit.quantity; }, "SDD21 or S21")
      .def_property_readonly("freq_hz", [](const py::object& self) { return view(self, self.cast<const FitResult&>().answer.fit.freq_hz); })
      .def_property_readonly("loss_db_per_m", [](const py::object& self) {
        return view(self, self.cast<const FitResult&>().answer.fit.loss_db_per_m);
      })
      .def_property_readonly("uncertainty_db_per_m", [](const py::object& self) {
        return view(self, self.cast<const FitResult&>().answer.fit.uncertainty_db_per_m);
      })
      .def_property_readonly("launch_db", [](const py::object& self) {
        return view(self, self.cast<const FitResult&>().answer.fit.launch_db);
      }, "the two launches' insertion loss (the intercept)")
      .def_property_readonly("delay_s_per_m", [](const FitResult& r) { return r.answer.fit.delay_s_per_m; })
      .def_property_readonly("eps_eff", [](const FitResult& r) { return r.answer.fit.eps_eff; })
      .def_property_readonly("dk", [](const FitResult& r) -> py::object {
        if (!r.answer.material) return py::none();
        return py::float_(r.answer.material->dk);
      }, "the fitted Dk at reference= (with cross_section=)")
      .def_property_readonly("df", [](const FitResult& r) -> py::object {
        if (!r.answer.material) return py::none();
        return py::float_(r.answer.material->df);
      })
      .def_property_readonly("material_toml", [](const FitResult& r) -> py::object {
        if (!r.answer.material) return py::none();
        return py::str(r.answer.material_toml);
      }, "the fitted tables as --write-material writes them (with cross_section=)");

  py::class_<SparamsResult>(m, "SparamsResult", "phylane sparams")
      .def("to_dict", [](const SparamsResult& r) {
        return json_dict([&](std::ostream& os) { app::write_sparams_json(os, *r.cfg, r.args, r.network); });
      })
      .def_property_readonly("network", [](const SparamsResult& r) { return r.network; }, "the network written");

  py::class_<CheckResult>(m, "CheckResult", "phylane check")
      .def("to_dict", [](const CheckResult& r) {
        return json_dict([&](std::ostream& os) {
          if (r.config)
            app::write_check_json(os, r.args, *r.config);
          else
            app::write_check_json(os, r.args, *r.touchstone);
        });
      })
      .def_property_readonly("passed", [](const CheckResult& r) { return r.config || r.touchstone->passes(); },
                             "passive, reciprocal and causal (a config: it loaded); the command's exit 0 (else 3)")
      .def_property_readonly("network", [](const CheckResult& r) -> py::object {
        if (!r.touchstone) return py::none();
        return py::cast(r.touchstone->network);
      }, "the file's network (None for a config)")
      .def_property_readonly("insertion_loss_db", [](const py::object& self) -> py::object {
        const auto& r = self.cast<const CheckResult&>();
        if (!r.touchstone) return py::none();
        return view(self, r.touchstone->insertion_loss_db);
      }, "at freq= (NaN outside the data): S21, or SDD21 of a 4-port");

  py::class_<SweepResult>(m, "SweepResult", "phylane sweep")
      .def("to_dict", [](const SweepResult& r) {
        return json_dict([&](std::ostream& os) { io::write_sweep_json(os, r.report); });
      })
      .def_property_readonly("output", [](const SweepResult& r) { return r.report.output; }, "the results file (HDF5)");

  py::class_<SweepCase>(m, "SweepCase", "phylane sweep --case N")
      .def_property_readonly("number", [](const SweepCase& c) { return c.number; }, "from 1")
      .def_property_readonly("label", [](const SweepCase& c) { return c.label; }, "the axis values")
      .def_property_readonly("text", [](const SweepCase& c) { return c.text; }, "what the command prints")
      .def_property_readonly("config_toml", [](const SweepCase& c) { return c.config_toml; }, "the case's config")
      .def_property_readonly("link", [](const SweepCase& c) { return Link{c.cfg, {}}; },
                             "the case's link, for any function (phylane.loss(case.link))")
      .def("__repr__", [](const SweepCase& c) {
        return "<phylane.SweepCase " + std::to_string(c.number) + ": " + c.label + ">";
      });

  const auto progress_help = "; progress=callable(stage, done), called from the calling thread every 50 ms while "
                             "either changed";
  m.def("loss", &loss, py::arg("link"), py::kw_only(), py::arg("freq") = py::none(), py::arg("fmax") = py::none(),
        py::arg("points") = py::none(), py::arg("output") = py::none(), py::arg("rlgc") = false,
        py::arg("progress") = py::none(),
        (std::string("phylane loss: freq= one or a list of report frequencies, fmax=, points= (text with units, or Hz), "
                     "output= (-o FILE.h5); rlgc=True keeps each trace segment's R, L, G, C and Z0 on the grid "
                     "(LossResult.segments, what -o writes)") + progress_help).c_str());
  m.def("tdr", &tdr, py::arg("link"), py::kw_only(), py::arg("rise_time") = py::none(), py::arg("edge") = "",
        py::arg("length") = py::none(), py::arg("eps_eff") = py::none(), py::arg("pulse") = py::none(),
        py::arg("output") = py::none(), py::arg("progress") = py::none(),
        (std::string("phylane tdr: rise_time= (text, or s), edge=\"gaussian\"|\"10-90\", length= (text, or m), "
                     "eps_eff=, pulse= (text, or s: the pulse TDR/TDT of that width too), output= (-o FILE.h5)") +
         progress_help).c_str());
  m.def("impedance", &impedance, py::arg("link"), py::kw_only(), py::arg("target"), py::arg("solve"),
        py::arg("segment") = py::none(), py::arg("freq") = py::none(), py::arg("progress") = py::none(),
        (std::string("phylane impedance: target= (text, or ohm), solve=\"width\"|\"spacing\"|\"height\", segment= "
                     "(from 1), freq= one or a list (text, or Hz)") + progress_help).c_str());
  m.def("waveguide", &waveguide, py::arg("file"), py::kw_only(), py::arg("output") = py::none(),
        py::arg("progress") = py::none(),
        (std::string("phylane waveguide: a waveguide file (TOML, [waveguide]); output= (-o FILE.h5)") + progress_help)
            .c_str());
  m.def("fit", &fit, py::arg("files"), py::kw_only(), py::arg("lengths"), py::arg("port_order") = "",
        py::arg("cross_section") = py::none(), py::arg("segment") = py::none(), py::arg("reference") = "10 GHz",
        py::arg("fit_from") = "1 GHz", py::arg("fit_to") = py::none(), py::arg("roughness") = "",
        py::arg("launch_loss") = "0 dB", py::arg("output") = py::none(), py::arg("write_material") = py::none(),
        py::arg("write_config") = py::none(), py::arg("material_id") = "fitted", py::arg("weighting") = "uniform",
        py::arg("config_length") = py::none(), py::arg("from_difference") = false, py::arg("progress") = py::none(),
        (std::string("phylane fit: Touchstone files (shortest first), lengths= (\"4 in,10 in\" or a list: text, or m); "
                     "with cross_section=CONFIG the material fit: segment=, reference=, fit_from=, fit_to=, roughness=, "
                     "launch_loss=, write_material=, write_config=, material_id=, weighting=\"uniform\"|\"octave\", "
                     "config_length= (text, or m), from_difference=; output= (HDF5)") + progress_help)
            .c_str());
  m.def("sparams", &sparams, py::arg("link"), py::kw_only(), py::arg("output"), py::arg("fmax") = py::none(),
        py::arg("points") = py::none(), py::arg("port_order") = "12-34", py::arg("dc") = false,
        py::arg("progress") = py::none(),
        (std::string("phylane sparams -o FILE: writes the Touchstone file the command writes (link.network() without a "
                     "file)") + progress_help).c_str());
  m.def("check", &check, py::arg("file"), py::kw_only(), py::arg("freq") = py::none(), py::arg("port_order") = "",
        py::arg("enforce_passivity") = py::none(), py::arg("progress") = py::none(),
        (std::string("phylane check: a Touchstone file (or a config); freq= one or a list, port_order=, "
                     "enforce_passivity=FILE") + progress_help).c_str());
  m.def("eye", &eye, py::arg("link"), py::kw_only(), py::arg("output") = py::none(), py::arg("progress") = py::none(),
        (std::string("phylane eye: output= (-o FILE.h5)") + progress_help).c_str());
  m.def("maxrate", &maxrate, py::arg("link"), py::kw_only(), py::arg("modulation") = "nrz,pam4",
        py::arg("min") = py::none(), py::arg("max") = py::none(), py::arg("margin") = py::none(),
        py::arg("curve") = false, py::arg("output") = py::none(), py::arg("progress") = py::none(),
        (std::string("phylane maxrate: modulation=\"nrz,pam4\", min=, max= (text, or b/s), margin= [dB], curve=, "
                     "output= (-o FILE.h5)") + progress_help).c_str());
  m.def("reach", &reach, py::arg("link"), py::kw_only(), py::arg("rate") = py::none(), py::arg("modulation") = "",
        py::arg("element") = "", py::arg("min") = py::none(), py::arg("max") = py::none(), py::arg("margin") = py::none(),
        py::arg("curve") = false, py::arg("output") = py::none(), py::arg("progress") = py::none(),
        (std::string("phylane reach: rate= (text, or b/s), modulation=, element=, min=, max= (text, or m), margin= "
                     "[dB], curve=, output= (-o FILE.h5)") + progress_help).c_str());
  m.def("com", &com, py::arg("thru"), py::kw_only(), py::arg("fext") = std::vector<std::string>{},
        py::arg("next") = std::vector<std::string>{}, py::arg("sheet") = "100gbase-kr4", py::arg("set") = py::dict(),
        py::arg("jobs") = 0, py::arg("output") = py::none(), py::arg("progress") = py::none(),
        (std::string("phylane com: a thru Touchstone file with its aggressors fext=[...], next=[...], sheet=, "
                     "set={NAME: VALUE}, output= (-o FILE.h5); a list of thru files: the batch form (a ComBatchResult; "
                     "jobs= threads, 0 all cores)") + progress_help).c_str());
  m.def("capacity", &capacity, py::arg("link"), py::kw_only(), py::arg("bandwidth") = py::none(),
        py::arg("points") = py::none(), py::arg("no_rate") = false, py::arg("output") = py::none(),
        py::arg("progress") = py::none(),
        (std::string("phylane capacity: bandwidth= (text, or Hz), points=, no_rate=, output= (-o FILE.h5)") + progress_help)
            .c_str());
  m.def("throughput", &throughput, py::arg("system") = py::none(), py::kw_only(), py::arg("preset") = "",
        py::arg("output") = py::none(), py::arg("progress") = py::none(),
        (std::string("phylane throughput: a system file, or preset=NAME (default: the embedded one); output= (-o "
                     "FILE.h5)") + progress_help).c_str());
  m.def("claims", &claims, py::arg("file") = py::none(), py::kw_only(), py::arg("preset") = "",
        py::arg("output") = py::none(), py::arg("progress") = py::none(),
        (std::string("phylane claims: a claim file, or preset=NAME (default: the embedded set); output= (-o FILE.h5)") +
         progress_help).c_str());
  m.def("study", &study, py::arg("study") = py::none(), py::kw_only(), py::arg("preset") = "", py::arg("points") = 0,
        py::arg("no_claims") = false, py::arg("output") = py::none(), py::arg("progress") = py::none(),
        (std::string("phylane study: a study file, or preset=NAME (default: the embedded study); points=, no_claims=, "
                     "output= (-o FILE.h5; the command's default results/study.h5 is not written)") + progress_help)
            .c_str());
  m.def("sweep", &sweep, py::arg("sweep") = py::none(), py::kw_only(), py::arg("output") = py::none(),
        py::arg("resume") = py::none(), py::arg("jobs") = 0, py::arg("check") = false, py::arg("flush_every") = 1.0,
        py::arg("force") = false, py::arg("overwrite") = false, py::arg("case") = py::none(),
        py::arg("progress") = py::none(),
        (std::string("phylane sweep: a sweep file and output= (or resume=), jobs=, check=, flush_every=, force=, "
                     "overwrite=; case=N (from 1): that case's config and link (a SweepCase), nothing computed") +
         progress_help).c_str());
}
