// The registry of what a sweep can record per case: each command's scalars and curves, computed
// by the command's own workflow with the same options, so a sweep's value equals the command's
// run on that case's config.
#include "workflows/sweep_outputs.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <memory>
#include <stdexcept>

#include "phy/units.hpp"
#include "solvers/eye_analysis.hpp"
#include "solvers/loss_analysis.hpp"
#include "solvers/max_rate.hpp"
#include "solvers/optical_analysis.hpp"
#include "workflows/eye.hpp"
#include "workflows/link_capacity.hpp"
#include "workflows/link_search.hpp"
#include "workflows/loss.hpp"
#include "workflows/rate.hpp"

namespace phylane::workflows {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

template <class Result>
using Getter = std::function<double(const Result&)>;

// A scalar with the function that reads it from the command's result.
template <class Result>
struct Scalar {
  ScalarOutput out;
  Getter<Result> get;
};

template <class Result>
std::vector<ScalarOutput> outputs_of(const std::vector<Scalar<Result>>& v) {
  std::vector<ScalarOutput> out;
  for (const auto& s : v) out.push_back(s.out);
  return out;
}

template <class Result>
const Scalar<Result>& scalar_named(const std::vector<Scalar<Result>>& v, const std::string& name) {
  for (const auto& s : v)
    if (s.out.name == name) return s;
  throw std::logic_error("sweep outputs: no scalar " + name);  // requests are checked at load
}

// Each requested scalar read from the command's result, in the order of the requests.
template <class Result>
void fill_scalars(const std::vector<Scalar<Result>>& v, const Result& result, std::span<const OutputRequest> scalars,
                  std::span<double> values) {
  for (std::size_t i = 0; i < scalars.size(); ++i) values[i] = scalar_named(v, scalars[i].quantity).get(result);
}

// A command whose scalars are all read from one result (`applies` and `evaluate` are the caller's).
template <class Result>
CommandOutputs command_of(std::string name, std::string summary, const std::vector<Scalar<Result>>& v) {
  CommandOutputs c;
  c.command = std::move(name);
  c.summary = std::move(summary);
  c.scalars = outputs_of(v);
  return c;
}

// "" when `check` accepts the command's options for the case, else why not, naming the section.
template <class Check>
std::string options_refused(const std::string& command, Check check) {
  try {
    check();
  } catch (const std::exception& e) {
    return "[outputs." + command + "]: " + std::string(e.what());
  }
  return "";
}

bool has_frequency_response(const channels::Link& cfg) { return cfg.copper() || cfg.composed() || cfg.optical() || (cfg.sampled() && cfg.sampled()->impulse); }

// ---------------------------------------------------------------------------------------------
// loss: copper and composed channels (insertion loss and its breakdown), optical power budget.

struct LossResult {
  std::optional<OpticalLossFigures> optical;       // optical links
  std::vector<double> freqs;                       // report frequencies of `at`
  std::vector<channels::LossBreakdown> at;         // at those frequencies
  double total_length_m = kNaN, total_delay_s = kNaN, dc_resistance_ohm = kNaN;
  const channels::LossBreakdown& at_freq(double f) const {
    for (std::size_t i = 0; i < freqs.size(); ++i)
      if (freqs[i] == f) return at[i];
    throw std::logic_error("sweep outputs: loss frequency not computed");
  }
};

// Per-frequency scalars read with the frequency stored in `freq` by the caller.
struct LossAt {
  const LossResult* r;
  double freq;
};

// One term of the loss breakdown at the requested frequency.
Getter<LossAt> at_freq(double channels::LossBreakdown::*term) {
  return [term](const LossAt& x) { return x.r->at_freq(x.freq).*term; };
}

const std::vector<Scalar<LossAt>>& loss_frequency_scalars() {
  using B = channels::LossBreakdown;
  static const std::vector<Scalar<LossAt>> v = {
      {{"insertion_loss_db", "dB", "insertion loss -20 log10|S21| (SDD21 for differential)", true}, at_freq(&B::total_db)},
      {{"conductor_db", "dB", "smooth-conductor attenuation summed over segments", true}, at_freq(&B::conductor_db)},
      {{"roughness_db", "dB", "excess attenuation from surface roughness", true}, at_freq(&B::roughness_db)},
      {{"dielectric_db", "dB", "dielectric attenuation", true}, at_freq(&B::dielectric_db)},
      {{"blocks_db", "dB", "matched insertion loss of Touchstone and element blocks", true}, at_freq(&B::blocks_db)},
      {{"mismatch_db", "dB", "insertion loss minus matched attenuation (reflections)", true}, at_freq(&B::mismatch_db)},
  };
  return v;
}

const std::vector<Scalar<LossResult>>& loss_copper_scalars() {
  static const std::vector<Scalar<LossResult>> v = {
      {{"total_length_m", "m", "total trace length"}, [](const LossResult& r) { return r.total_length_m; }},
      {{"total_delay_s", "s", "sum of segment phase delays at the config's highest [report] frequency"},
       [](const LossResult& r) { return r.total_delay_s; }},
      {{"dc_resistance_ohm", "ohm", "series DC resistance of the route"}, [](const LossResult& r) { return r.dc_resistance_ohm; }},
  };
  return v;
}

const std::vector<Scalar<LossResult>>& loss_optical_scalars() {
  using phy::units::watts_to_dbm;
  static const std::vector<Scalar<LossResult>> v = {
      {{"path_loss_db", "dB", "optical: passive path loss"}, [](const LossResult& r) { return r.optical->path_loss_db; }},
      {{"launch_average_power_dbm", "dBm", "optical: average power launched into the path"},
       [](const LossResult& r) { return watts_to_dbm(r.optical->launch_average_power_w); }},
      {{"received_average_power_dbm", "dBm", "optical: average power at the photodiode"},
       [](const LossResult& r) { return watts_to_dbm(r.optical->received_average_power_w); }},
      {{"received_oma_dbm", "dBm", "optical: optical modulation amplitude at the photodiode"},
       [](const LossResult& r) { return watts_to_dbm(r.optical->received_oma_w); }},
      {{"electrical_power_w", "W", "optical: electrical power per wavelength"},
       [](const LossResult& r) { return r.optical->electrical_power_w; }},
  };
  return v;
}

bool is_optical_loss_scalar(const std::string& q) {
  for (const auto& s : loss_optical_scalars())
    if (s.out.name == q) return true;
  return false;
}

CommandOutputs loss_command() {
  CommandOutputs c;
  c.command = "loss";
  c.summary = "insertion loss and its breakdown (copper), power budget (optical), as `phylane loss`";
  for (const auto& s : loss_frequency_scalars()) c.scalars.push_back(s.out);
  for (const auto& s : outputs_of(loss_copper_scalars())) c.scalars.push_back(s);
  for (const auto& s : outputs_of(loss_optical_scalars())) c.scalars.push_back(s);
  for (const auto& s : loss_frequency_scalars()) c.curves.push_back({s.out.name, s.out.units, s.out.description});
  c.applies = [](const channels::Link& cfg, const CommandOptions&, std::span<const OutputRequest> scalars,
                 std::span<const OutputRequest> curves) -> std::string {
    const bool copper = cfg.copper() || cfg.composed();
    for (const auto& r : scalars) {
      if (is_optical_loss_scalar(r.quantity)) {
        if (!cfg.optical()) return r.label + " applies to optical links";
      } else if (!copper) {
        return r.label + " applies to copper channels (traces, Touchstone and element blocks)";
      }
      if (r.at_nyquist && !cfg.signalling) return r.label + ": @nyquist needs a [signal] section (its rate)";
    }
    if (!curves.empty() && !copper) return "loss curves apply to copper channels (traces, Touchstone and element blocks)";
    return "";
  };
  c.evaluate = [](const SweepCase& sc, const CommandOptions&, std::span<const OutputRequest> scalars, std::span<double> values,
                  std::span<const OutputRequest> curves, std::span<const double> curve_freqs, std::span<double> curve_values) {
    const channels::Link& cfg = sc.link;
    LossResult r;
    // The loss analysis `phylane loss` runs (workflows::loss), on the grid these outputs need.
    auto analyze = [&cfg](const LossRequest& o) { return std::move(*loss(cfg, o).analysis); };
    bool whole = false;  // total length, delay and DC resistance
    bool optical = false;  // the power budget
    std::vector<double> freqs;
    for (const auto& q : scalars) {
      const auto& fs = loss_frequency_scalars();
      const bool per_f = std::any_of(fs.begin(), fs.end(), [&](const auto& s) { return s.out.name == q.quantity; });
      if (per_f) {
        const double f = request_frequency_hz(q, cfg);
        if (std::find(freqs.begin(), freqs.end(), f) == freqs.end()) freqs.push_back(f);
      } else if (!is_optical_loss_scalar(q.quantity)) {
        whole = true;
      } else {
        optical = true;
      }
    }
    if (optical) r.optical = loss(cfg, LossRequest{}).optical;
    if (whole) {
      // As `phylane loss` reports them: the phase delay at the highest [report] frequency. The
      // grid does not enter these figures; two points keep it cheap.
      if (sc.report_freqs_hz.empty())
        throw std::invalid_argument("loss.total_length_m, total_delay_s, dc_resistance_ohm: the case has no report frequencies");
      LossRequest o;
      o.report_freqs_hz = sc.report_freqs_hz;
      o.fmax_hz = *std::max_element(o.report_freqs_hz.begin(), o.report_freqs_hz.end());
      o.points = 2;
      o.keep_line_points = false;
      const auto a = analyze(o);
      r.total_length_m = a.total_length_m;
      r.total_delay_s = a.total_delay_s;
      r.dc_resistance_ohm = a.dc_resistance_ohm;
    }
    if (!freqs.empty() || !curves.empty()) {
      LossRequest o;
      o.report_freqs_hz = freqs.empty() ? sc.report_freqs_hz : freqs;
      if (o.report_freqs_hz.empty()) throw std::invalid_argument("loss curves: the case has no report frequencies");
      o.keep_line_points = false;
      if (!curves.empty()) {
        o.fmax_hz = curve_freqs.back();
        o.points = static_cast<int>(curve_freqs.size());
      } else {
        o.fmax_hz = *std::max_element(o.report_freqs_hz.begin(), o.report_freqs_hz.end());
        o.points = 2;
      }
      const auto a = analyze(o);
      r.freqs = a.report_freqs_hz;
      r.at = a.at_report;
      const std::size_t n = curve_freqs.size();
      for (std::size_t i = 0; i < curves.size(); ++i) {
        const auto& get = scalar_named(loss_frequency_scalars(), curves[i].quantity).get;
        for (std::size_t k = 0; k < n; ++k) {
          LossResult one;
          one.freqs = {a.sweep.freq_hz[k]};
          one.at = {a.sweep.loss[k]};
          curve_values[i * n + k] = get(LossAt{&one, a.sweep.freq_hz[k]});
        }
      }
    }
    for (std::size_t i = 0; i < scalars.size(); ++i) {
      const auto& q = scalars[i];
      const auto& fs = loss_frequency_scalars();
      const auto it = std::find_if(fs.begin(), fs.end(), [&](const auto& s) { return s.out.name == q.quantity; });
      if (it != fs.end()) values[i] = it->get(LossAt{&r, request_frequency_hz(q, cfg)});
      else if (is_optical_loss_scalar(q.quantity)) values[i] = scalar_named(loss_optical_scalars(), q.quantity).get(r);
      else values[i] = scalar_named(loss_copper_scalars(), q.quantity).get(r);
    }
  };
  return c;
}

// ---------------------------------------------------------------------------------------------
// eye: the equalized statistical eye, as `phylane eye` (optical links add their figures).

struct EyeResult {
  const channels::Link* cfg = nullptr;
  solvers::EyeAnalysis eye;
  std::optional<solvers::OpticalAnalysis> optical;
};

double limiting_code(solvers::Impairment i) {
  switch (i) {
    case solvers::Impairment::isi: return 0.0;
    case solvers::Impairment::noise: return 1.0;
    case solvers::Impairment::jitter: return 2.0;
    case solvers::Impairment::crosstalk: return 3.0;
  }
  return kNaN;
}

const std::vector<Scalar<EyeResult>>& eye_scalars() {
  static const std::vector<Scalar<EyeResult>> v = {
      {{"margin_db", "dB", "smallest eye margin at the target BER"}, [](const EyeResult& r) { return r.eye.eye.margin_db; }},
      {{"eye_height_v", "V", "smallest eye height at the target BER"}, [](const EyeResult& r) { return r.eye.eye.height_v; }},
      {{"eye_width_ui", "UI", "smallest eye width at the target BER"}, [](const EyeResult& r) { return r.eye.eye.width_ui; }},
      {{"ber", "1", "BER at the optimal phase and thresholds"}, [](const EyeResult& r) { return r.eye.eye.ber; }},
      {{"log10_ber", "log10(1)", "log10 of the BER"},
       [](const EyeResult& r) { return std::log10(std::max(r.eye.eye.ber, std::numeric_limits<double>::min())); }},
      {{"ser", "1", "symbol error ratio"}, [](const EyeResult& r) { return r.eye.eye.ser; }},
      {{"open", "1", "1 when the eye is open at the target BER, else 0"},
       [](const EyeResult& r) { return r.eye.eye.status == solvers::EyeStatus::open ? 1.0 : 0.0; }},
      {{"best_phase_ui", "UI", "optimal sampling phase"}, [](const EyeResult& r) { return r.eye.eye.best_phase_ui; }},
      {{"main_cursor_v", "V", "main cursor at the optimal phase"}, [](const EyeResult& r) { return r.eye.eye.main_cursor_v; }},
      {{"noise_sigma_v", "V", "rms noise at the sampler"}, [](const EyeResult& r) { return r.eye.noise_sigma_v; }},
      {{"com_snr_db", "dB", "COM-style SNR of the chosen equalization"}, [](const EyeResult& r) { return r.eye.equalizer.snr.snr_db; }},
      {{"ctle_peaking_db", "dB", "peaking of the chosen CTLE"}, [](const EyeResult& r) { return r.eye.equalizer.ctle.peaking_db(); }},
      {{"channel_dc_gain", "1", "channel gain at DC"}, [](const EyeResult& r) { return r.eye.channel_dc_gain; }},
      {{"limiting", "1", "the impairment closing the eye most: 0 ISI, 1 noise, 2 jitter, 3 crosstalk"},
       [](const EyeResult& r) { return limiting_code(r.eye.eye.closure.limiting); }},
      {{"symbol_rate_baud", "Bd", "symbol rate of the case"}, [](const EyeResult& r) { return r.cfg->signalling->spec.symbol_rate_baud; }},
      {{"data_rate_bps", "b/s", "line bit rate of the case"}, [](const EyeResult& r) { return r.cfg->signalling->data_rate_bps; }},
      // Optical links: the figures `phylane eye` adds (analyze_optical).
      {{"reachable", "1", "optical: 1 when some received power meets the target"},
       [](const EyeResult& r) { return r.optical->reachable ? 1.0 : 0.0; }},
      {{"sensitivity_oma_dbm", "dBm", "optical: OMA at which the eye just meets the target (NaN: not reachable)"},
       [](const EyeResult& r) { return r.optical->reachable ? r.optical->sensitivity_oma_dbm : kNaN; }},
      {{"link_margin_db", "dB", "optical: received OMA minus sensitivity and crosstalk penalty (NaN: not reachable)"},
       [](const EyeResult& r) { return r.optical->reachable ? r.optical->link_margin_db : kNaN; }},
      {{"max_channel_loss_db", "dB", "optical: path loss that would use up the margin (NaN: not reachable)"},
       [](const EyeResult& r) { return r.optical->reachable ? r.optical->max_channel_loss_db : kNaN; }},
      {{"received_oma_dbm", "dBm", "optical: received OMA"}, [](const EyeResult& r) { return r.optical->received_oma_dbm; }},
      {{"energy_per_bit_j", "J", "optical: electrical power per lane rate"}, [](const EyeResult& r) { return r.optical->energy_per_bit_j; }},
      {{"aggregate_rate_bps", "b/s", "optical: wavelengths x lane rate"}, [](const EyeResult& r) { return r.optical->aggregate_rate_bps; }},
  };
  return v;
}

bool is_optical_eye_scalar(const std::string& q) {
  static const std::vector<std::string> names = {"reachable", "sensitivity_oma_dbm", "link_margin_db", "max_channel_loss_db",
                                                 "received_oma_dbm", "energy_per_bit_j", "aggregate_rate_bps"};
  return std::find(names.begin(), names.end(), q) != names.end();
}

// The analysis `phylane eye` runs for this link (workflows::eye).
EyeResult run_eye(const channels::Link& cfg, bool optical_figures) {
  EyeResult r;
  r.cfg = &cfg;
  EyeAnswer a = eye(cfg, EyeRequest{optical_figures});
  r.eye = std::move(a.analysis);
  r.optical = std::move(a.optical);
  return r;
}

CommandOutputs eye_command() {
  CommandOutputs c = command_of("eye", "equalized statistical eye and BER, as `phylane eye`", eye_scalars());
  c.applies = [](const channels::Link& cfg, const CommandOptions&, std::span<const OutputRequest> scalars,
                 std::span<const OutputRequest>) -> std::string {
    if (!cfg.signalling) return "eye outputs need a [signal] section (rate, modulation); see docs/eye.md";
    if (!cfg.copper() && !cfg.composed() && !cfg.optical() && !cfg.sampled()) return "eye outputs need a channel";
    for (const auto& r : scalars)
      if (is_optical_eye_scalar(r.quantity) && !cfg.optical()) return r.label + " applies to optical links";
    return "";
  };
  c.evaluate = [](const SweepCase& sc, const CommandOptions&, std::span<const OutputRequest> scalars, std::span<double> values,
                  std::span<const OutputRequest>, std::span<const double>, std::span<double>) {
    const channels::Link& cfg = sc.link;
    const bool optical_figures =
        std::any_of(scalars.begin(), scalars.end(), [](const OutputRequest& r) { return is_optical_eye_scalar(r.quantity); });
    fill_scalars(eye_scalars(), run_eye(cfg, optical_figures), scalars, values);
  };
  return c;
}

// ---------------------------------------------------------------------------------------------
// maxrate and reach: as `phylane maxrate` and `phylane reach` (workflows::max_rate, reach).

std::string level_name(int levels) { return channels::modulation_name(levels); }

MaxRateRequest maxrate_request(const CommandOptions& o) {
  MaxRateRequest rq;
  if (auto lv = o.level_list("modulation")) rq.levels = *lv;  // default "nrz,pam4", as `phylane maxrate`
  rq.min_rate = o.rate("min");
  rq.max_rate = o.rate("max");
  rq.margin_db = o.value("margin");
  rq.threads = 1;  // cases run in parallel already; each search is the same run sequentially
  return rq;
}

struct MaxRateOut {
  solvers::MaxRateResult r;
};

const solvers::ModulationMaxRate* modulation(const MaxRateOut& m, int levels) {
  for (const auto& x : m.r.per_modulation)
    if (x.levels == levels) return &x;
  return nullptr;
}

std::vector<Scalar<MaxRateOut>> maxrate_scalars_make() {
  std::vector<Scalar<MaxRateOut>> v = {
      {{"max_rate_bps", "b/s", "highest data rate meeting the target over the modulations (0: none)"},
       [](const MaxRateOut& m) { return m.r.max_rate_bps; }},
      {{"found", "1", "1 when some rate meets the target"}, [](const MaxRateOut& m) { return m.r.found ? 1.0 : 0.0; }},
      {{"best_levels", "1", "levels of the best modulation (2 NRZ, 4 PAM4, 8 PAM8; 0: none)"},
       [](const MaxRateOut& m) { return m.r.found ? static_cast<double>(m.r.best_levels) : 0.0; }},
  };
  for (int lv : {2, 4, 8}) {
    const std::string n = level_name(lv);
    v.push_back({{n + "_max_rate_bps", "b/s", n + ": highest meeting data rate (0: none)"},
                 [lv](const MaxRateOut& m) { return modulation(m, lv)->max_rate_bps; }});
    v.push_back({{n + "_found", "1", n + ": 1 when some rate meets the target"},
                 [lv](const MaxRateOut& m) { return modulation(m, lv)->found ? 1.0 : 0.0; }});
    v.push_back({{n + "_capped", "1", n + ": 1 when the top of the searched range still meets it"},
                 [lv](const MaxRateOut& m) { return modulation(m, lv)->capped ? 1.0 : 0.0; }});
    v.push_back({{n + "_margin_db", "dB", n + ": eye margin at the maximum rate (NaN: none found)"},
                 [lv](const MaxRateOut& m) {
                   const auto* x = modulation(m, lv);
                   return x->found ? x->at_max.eye.margin_db : kNaN;
                 }});
  }
  return v;
}

const std::vector<Scalar<MaxRateOut>>& maxrate_scalars() {
  static const auto v = maxrate_scalars_make();
  return v;
}

// The levels a per-modulation maxrate scalar needs ("pam4_max_rate_bps" -> 4), or 0.
int scalar_levels(const std::string& q) {
  for (int lv : {2, 4, 8})
    if (q.rfind(level_name(lv) + "_", 0) == 0) return lv;
  return 0;
}

std::string rate_applies(const channels::Link& cfg) {
  if (!cfg.signalling) return "needs a [signal] section (modulation, target BER); see docs/eye.md";
  if (!has_frequency_response(cfg)) return "needs a channel with a frequency response (not a pulse response)";
  return "";
}

CommandOutputs maxrate_command() {
  CommandOutputs c =
      command_of("maxrate", "highest per-lane data rate meeting the target, NRZ vs PAM4, as `phylane maxrate`", maxrate_scalars());
  c.options = {{"modulation", OptionKind::modulations, "comma list of nrz, pam4, pam8 (default \"nrz,pam4\")"},
               {"min", OptionKind::rate, "lowest rate searched (default 1 Gb/s)"},
               {"max", OptionKind::rate, "highest rate searched (default 224 Gb/s)"},
               {"margin", OptionKind::decibel, "eye margin required (default: [signal] required_margin)"}};
  c.applies = [](const channels::Link& cfg, const CommandOptions& o, std::span<const OutputRequest> scalars,
                 std::span<const OutputRequest>) -> std::string {
    if (auto why = rate_applies(cfg); !why.empty()) return "maxrate outputs " + why;
    MaxRateRequest rq;
    if (auto why = options_refused("maxrate", [&] {
          rq = maxrate_request(o);
          check_max_rate(cfg, rq);
        });
        !why.empty())
      return why;
    for (const auto& r : scalars)
      if (const int lv = scalar_levels(r.quantity); lv && std::find(rq.levels.begin(), rq.levels.end(), lv) == rq.levels.end())
        return r.label + " needs " + level_name(lv) + " in [outputs.maxrate] modulation";
    return "";
  };
  c.evaluate = [](const SweepCase& sc, const CommandOptions& o, std::span<const OutputRequest> scalars, std::span<double> values,
                  std::span<const OutputRequest>, std::span<const double>, std::span<double>) {
    fill_scalars(maxrate_scalars(), MaxRateOut{max_rate(sc.link, maxrate_request(o)).result}, scalars, values);
  };
  return c;
}

struct ReachOut {
  solvers::ReachResult r;
  double rate_bps = 0.0;
};

const std::vector<Scalar<ReachOut>>& reach_scalars() {
  static const std::vector<Scalar<ReachOut>> v = {
      {{"max_length_m", "m", "longest length of the stretched element meeting the target (0: none)"},
       [](const ReachOut& x) { return x.r.max_length_m; }},
      {{"found", "1", "1 when the shortest length meets the target"}, [](const ReachOut& x) { return x.r.found ? 1.0 : 0.0; }},
      {{"capped", "1", "1 when the longest length searched still meets it"}, [](const ReachOut& x) { return x.r.capped ? 1.0 : 0.0; }},
      {{"margin_db", "dB", "eye margin at the maximum reach (NaN: none)"},
       [](const ReachOut& x) { return x.r.found ? x.r.at_max.eye.margin_db : kNaN; }},
      {{"eye_height_v", "V", "eye height at the maximum reach (NaN: none)"},
       [](const ReachOut& x) { return x.r.found ? x.r.at_max.eye.height_v : kNaN; }},
      {{"eye_width_ui", "UI", "eye width at the maximum reach (NaN: none)"},
       [](const ReachOut& x) { return x.r.found ? x.r.at_max.eye.width_ui : kNaN; }},
      {{"rate_bps", "b/s", "the data rate held fixed"}, [](const ReachOut& x) { return x.rate_bps; }},
  };
  return v;
}

// What `phylane reach` is asked ([outputs.reach] options).
ReachRequest reach_request(const CommandOptions& o) {
  ReachRequest rq;
  if (const auto lv = o.level_list("modulation")) {
    if (lv->size() != 1)
      throw std::invalid_argument("[outputs.reach] modulation = \"" + o.text("modulation").value_or("") + "\": give one modulation");
    rq.modulation = channels::modulation_with_levels(lv->front());
  }
  rq.rate = o.rate("rate");
  rq.element = o.text("element").value_or("");
  rq.min_length_m = o.value("min");
  rq.max_length_m = o.value("max");
  rq.margin_db = o.value("margin");
  rq.curve_loss = false;
  rq.threads = 1;  // cases run in parallel already; the lengths tried are the same on one thread
  return rq;
}

CommandOutputs reach_command() {
  CommandOutputs c =
      command_of("reach", "longest length of one element meeting the target at a rate, as `phylane reach`", reach_scalars());
  c.options = {{"rate", OptionKind::rate, "data rate (default: the case's [signal] rate)"},
               {"modulation", OptionKind::modulations, "nrz, pam4 or pam8 (default: the case's)"},
               {"element", OptionKind::text, "segment or path element to stretch: 1-based index or name (default: the longest trace / the fiber)"},
               {"min", OptionKind::length, "shortest length (default: config length / 100)"},
               {"max", OptionKind::length, "longest length (default: config length x 100)"},
               {"margin", OptionKind::decibel, "eye margin required (default: [signal] required_margin)"}};
  c.applies = [](const channels::Link& cfg, const CommandOptions& o, std::span<const OutputRequest>,
                 std::span<const OutputRequest>) -> std::string {
    if (auto why = rate_applies(cfg); !why.empty()) return "reach outputs " + why;
    return options_refused("reach", [&] { check_reach(cfg, reach_request(o)); });
  };
  c.evaluate = [](const SweepCase& sc, const CommandOptions& o, std::span<const OutputRequest> scalars, std::span<double> values,
                  std::span<const OutputRequest>, std::span<const double>, std::span<double>) {
    const ReachAnswer a = reach(sc.link, reach_request(o));
    fill_scalars(reach_scalars(), ReachOut{a.result, a.rate_bps}, scalars, values);
  };
  return c;
}

// ---------------------------------------------------------------------------------------------
// capacity: the water-filling Shannon bound, as `phylane capacity` (workflows::capacity), and the
// achieved rate as its fraction (the same max-rate search as that command).

struct CapacityOut {
  LinkCapacity c;
  std::optional<solvers::MaxRateResult> mr;
  double rate_bps() const { return mr && mr->found ? mr->max_rate_bps : 0.0; }
};

const std::vector<Scalar<CapacityOut>>& capacity_scalars() {
  static const std::vector<Scalar<CapacityOut>> v = {
      {{"capacity_bps", "b/s", "Shannon capacity with the transmit power water-filled"},
       [](const CapacityOut& x) { return x.c.result.capacity_bps; }},
      {{"used_bandwidth_hz", "Hz", "width of the band where water-filling puts power"},
       [](const CapacityOut& x) { return x.c.result.used_bandwidth_hz; }},
      {{"bandwidth_hz", "Hz", "top of the integration band"}, [](const CapacityOut& x) { return x.c.bandwidth_hz; }},
      {{"water_level_v2_per_hz", "V^2/Hz", "water level mu"}, [](const CapacityOut& x) { return x.c.result.water_level; }},
      {{"tx_power_v2", "V^2", "transmit power constraint"}, [](const CapacityOut& x) { return x.c.tx_power_v2; }},
      {{"pam_power_v2", "V^2", "average power of the configured PAM-M"}, [](const CapacityOut& x) { return x.c.pam_power_v2; }},
      {{"max_rate_bps", "b/s", "highest data rate meeting the target, NRZ or PAM4 (0: none)"},
       [](const CapacityOut& x) { return x.rate_bps(); }},
      {{"fraction_of_capacity", "1", "max_rate_bps / capacity_bps"},
       [](const CapacityOut& x) { return x.c.result.capacity_bps > 0.0 ? x.rate_bps() / x.c.result.capacity_bps : 0.0; }},
  };
  return v;
}

bool needs_rate(const std::string& q) { return q == "max_rate_bps" || q == "fraction_of_capacity"; }

LinkCapacityOptions capacity_options(const CommandOptions& o) {
  LinkCapacityOptions co;
  if (auto v = o.value("bandwidth")) co.bandwidth_hz = *v;
  if (auto v = o.value("points")) co.points = static_cast<int>(*v);
  return co;
}

CommandOutputs capacity_command() {
  CommandOutputs c = command_of("capacity", "Shannon capacity (water-filling) and the max rate as its fraction, as `phylane capacity`",
                                capacity_scalars());
  c.options = {{"bandwidth", OptionKind::frequency, "top of the band (default: copper 100 GHz, optical 3 x the Rx noise bandwidth)"},
               {"points", OptionKind::number, "cells of the integration grid, 16 to 1000000 (default 4000)"}};
  c.applies = [](const channels::Link& cfg, const CommandOptions& o, std::span<const OutputRequest>,
                 std::span<const OutputRequest>) -> std::string {
    if (auto why = rate_applies(cfg); !why.empty()) return "capacity outputs " + why;
    const auto co = capacity_options(o);
    if (auto p = o.value("points"); p && (*p < 16 || *p > 1e6 || *p != std::floor(*p)))
      return "[outputs.capacity] points must be a whole number from 16 to 1000000";
    if (co.bandwidth_hz < 0.0) return "[outputs.capacity] bandwidth must be > 0";
    if (!cfg.optical() && !(cfg.signalling->spec.noise_psd_v2_per_hz > 0.0) && !(cfg.signalling->spec.noise_rms_v > 0.0))
      return "capacity outputs need receiver noise ([rx] noise_psd or noise_rms); without it the bound is infinite";
    return "";
  };
  c.evaluate = [](const SweepCase& sc, const CommandOptions& o, std::span<const OutputRequest> scalars, std::span<double> values,
                  std::span<const OutputRequest>, std::span<const double>, std::span<double>) {
    const channels::Link& cfg = sc.link;
    // As `phylane capacity`: default modulations and range, the config's criterion.
    std::optional<MaxRateRequest> rate;
    if (std::any_of(scalars.begin(), scalars.end(), [](const OutputRequest& r) { return needs_rate(r.quantity); })) {
      rate.emplace();
      rate->threads = 1;  // cases run in parallel already
    }
    CapacityAnswer a = capacity(cfg, capacity_options(o), rate);
    CapacityOut out{std::move(a.capacity), std::nullopt};
    if (a.rate) out.mr = std::move(a.rate->result);
    fill_scalars(capacity_scalars(), out, scalars, values);
  };
  return c;
}

}  // namespace

double request_frequency_hz(const OutputRequest& r, const channels::Link& link) {
  if (!r.at_nyquist) return r.at_hz;
  if (!link.signalling) throw std::invalid_argument(r.label + ": @nyquist needs a [signal] section");
  return 0.5 * link.signalling->spec.symbol_rate_baud;
}

std::string_view to_string(OptionKind k) {
  switch (k) {
    case OptionKind::text: return "text";
    case OptionKind::number: return "number";
    case OptionKind::modulations: return "modulations";
    case OptionKind::frequency: return "frequency";
    case OptionKind::length: return "length";
    case OptionKind::decibel: return "decibel";
    case OptionKind::rate: return "rate";
  }
  return "";
}

namespace {
template <class Map>
std::optional<typename Map::mapped_type> find_in(const Map& m, const std::string& key) {
  const auto it = m.find(key);
  return it == m.end() ? std::nullopt : std::optional<typename Map::mapped_type>(it->second);
}
}  // namespace

std::optional<double> CommandOptions::value(const std::string& key) const { return find_in(values, key); }
std::optional<std::string> CommandOptions::text(const std::string& key) const { return find_in(texts, key); }
std::optional<std::vector<int>> CommandOptions::level_list(const std::string& key) const { return find_in(levels, key); }
std::optional<channels::LineRate> CommandOptions::rate(const std::string& key) const { return find_in(rates, key); }

const std::vector<CommandOutputs>& sweep_commands() {
  static const std::vector<CommandOutputs> all = {loss_command(), eye_command(), maxrate_command(), reach_command(),
                                                    capacity_command()};
  return all;
}

const CommandOutputs* find_sweep_command(const std::string& command) {
  for (const auto& c : sweep_commands())
    if (c.command == command) return &c;
  return nullptr;
}

}  // namespace phylane::workflows
