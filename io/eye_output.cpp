#include "io/eye_output.hpp"

#include <cmath>
#include <vector>

#include "io/detail/command_output.hpp"
#include "io/hdf5_writer.hpp"
#include "io/json_writer.hpp"

namespace phylane::io {

namespace {

std::vector<double> ffe_taps(const solvers::TxFfe& f) { return f.taps.empty() ? std::vector<double>{1.0} : f.taps; }

}  // namespace

void write_eye_json(std::ostream& os, const Config& cfg, const solvers::EyeAnalysis& a,
                    const solvers::OpticalAnalysis* optical) {
  const auto& es = *cfg.signalling;
  const auto& eye = a.eye;
  const auto& eq = a.equalizer;
  JsonWriter j(os);
  detail::begin_config_json(j, "eye", cfg);
  j.field("channel_kind", cfg.optical() ? "optical" : cfg.sampled() ? (cfg.sampled()->impulse ? "impulse" : "pulse") : "copper");
  j.field("modulation", std::string(channels::to_string(es.modulation)));
  j.field("levels", es.spec.levels);
  j.field("symbol_rate_baud", es.spec.symbol_rate_baud);
  j.field("data_rate_bps", es.data_rate_bps);
  j.field("target_ber", es.spec.target_ber);
  j.field("fec", es.fec_for(es.spec.levels).name);
  j.field("status", solvers::to_string(eye.status));
  j.field("reason", eye.reason);
  j.field("eye_height_v", eye.height_v);
  j.field("eye_width_ui", eye.width_ui);
  j.field("margin_db", eye.margin_db);
  j.field("ber", eye.ber);
  j.field("ser", eye.ser);
  j.field("best_phase_ui", eye.best_phase_ui);
  j.field("main_cursor_v", eye.main_cursor_v);
  j.field("noise_sigma_v", a.noise_sigma_v);
  j.field("limiting_term", solvers::to_string(eye.closure.limiting));
  j.field("channel_dc_gain", a.channel_dc_gain);
  j.key("eyes").begin_array();
  for (const auto& e : eye.eyes)
    j.begin_object()
        .field("threshold_v", e.threshold_v)
        .field("height_v", e.height_v)
        .field("width_ui", e.width_ui)
        .field("log10_ber", e.log10_ber)
        .field("margin_db", e.margin_db)
        .end_object();
  j.end_array();
  j.key("equalizer").begin_object();
  j.field("ctle", eq.ctle.label());
  j.field("ctle_peaking_db", eq.ctle.peaking_db());
  j.array("tx_ffe_taps", ffe_taps(eq.ffe));
  j.field("tx_ffe_pre_taps", eq.ffe.n_pre);
  j.array("dfe_taps_v", eye.dfe_taps_v);
  j.field("com_snr_db", eq.snr.snr_db);
  j.field("candidates", eq.candidates.size());
  j.end_object();
  j.key("closure_v").begin_object();
  j.field("all", eye.closure.a_ni_v);
  j.field("without_isi", eye.closure.a_ni_without_isi_v);
  j.field("without_noise", eye.closure.a_ni_without_noise_v);
  j.field("without_jitter", eye.closure.a_ni_without_jitter_v);
  if (!a.crosstalk.empty()) j.field("without_crosstalk", eye.closure.a_ni_without_crosstalk_v);
  j.end_object();
  if (a.com.sampling_index >= 0) {
    // [rx] sampling / pdf = "com" (docs/eye.md, "Sampling rule and COM's PDFs"): only then.
    j.key("com").begin_object();
    j.field("sampling", channels::to_string(es.spec.sampling));
    j.field("pdf", channels::to_string(es.spec.pdf));
    j.field("sampling_ui", a.com.sampling_ui);
    if (a.com.pdf) {
      j.field("a_s_v", a.com.a_s_v);
      j.field("a_ni_v", a.com.a_ni_v);
      j.field("margin_db", a.com.margin_db);
      j.field("statistical_margin_db", a.com.statistical_margin_db);
      j.field("pdf_step_v", a.com.step_v);
    }
    j.end_object();
  }
  if (!a.crosstalk.empty()) {
    j.field("crosstalk_sigma_v", eye.crosstalk_sigma_v);
    j.key("crosstalk").begin_array();
    for (const auto& x : a.crosstalk)
      j.begin_object().field("name", x.name).field("phase_ui", x.phase_ui).field("sigma_v", x.sigma_v).field("peak_v", x.peak_v).end_object();
    j.end_array();
  }
  if (optical) {
    const auto& o = *optical;
    j.key("optical").begin_object();
    j.field("reachable", o.reachable);
    j.field("received_oma_dbm", o.received_oma_dbm);
    j.field("received_average_dbm", o.received_average_dbm);
    if (o.reachable) {
      j.field("sensitivity_oma_dbm", o.sensitivity_oma_dbm);
      j.field("sensitivity_average_dbm", o.sensitivity_average_dbm);
      j.field("link_margin_db", o.link_margin_db);
      j.field("max_channel_loss_db", o.max_channel_loss_db);
    }
    j.field("penalty_extinction_ratio_db", o.penalties.extinction_ratio_db);
    j.field("penalty_isi_db", o.penalties.isi_db);
    j.field("penalty_rin_db", o.penalties.rin_db);
    j.field("penalty_dispersion_db", o.penalties.dispersion_db);
    j.field("penalty_crosstalk_db", o.penalties.crosstalk_db);
    j.field("wavelengths", o.wavelengths);
    j.field("lane_rate_bps", o.lane_rate_bps);
    j.field("aggregate_rate_bps", o.aggregate_rate_bps);
    j.field("energy_per_bit_j", o.energy_per_bit_j);
    j.array("noise_per_level_v", o.noise_per_level_v);
    j.field("noise_bandwidth_hz", o.noise_bandwidth_hz);
    detail::optical_receiver_json(j, o.receiver);
    j.array("q_per_eye", o.q_per_eye);
    j.field("q_factor", o.q_factor);
    j.field("sensitivity_criterion", o.criterion);
    j.end_object();
  }
  j.end_object();
  j.done();
}

void write_eye_groups(Hdf5Writer& h, const std::string& prefix, const solvers::EyeAnalysis& a) {
  const auto& eye = a.eye;
  const auto& eq = a.equalizer;
  // Pulse responses on their own time axes (relative to the main cursor).
  auto write_pulse = [&](const std::string& grp, const solvers::PulseResponse& p, double start) {
    std::vector<double> t(p.samples_v.size());
    for (std::size_t i = 0; i < t.size(); ++i) t[i] = start + static_cast<double>(i) * p.dt_s();
    h.dataset(grp + "/time_s", t, "s", "time from the start of the record");
    h.dataset(grp + "/v", p.samples_v, "V", "pulse response at the decision point");
    h.attribute(grp + "/v", "main_index", static_cast<std::int64_t>(p.main_index));
    h.attribute(grp + "/v", "samples_per_ui", static_cast<std::int64_t>(p.samples_per_ui));
  };
  write_pulse(prefix + "/pulse/unequalized", a.unequalized.pulse, a.unequalized.start_time_s);
  write_pulse(prefix + "/pulse/equalized", eq.pulse.pulse, eq.pulse.start_time_s);
  h.dataset(prefix + "/eye/phase_ui", eye.phase_ui, "UI", "sampling phase relative to the main cursor");
  h.dataset(prefix + "/eye/voltage_v", eye.voltage_v, "V", "decision threshold voltage");
  h.dataset_2d(prefix + "/eye/log10_ber", eye.log10_ber, eye.phase_ui.size(), eye.voltage_v.size(), "log10(1)",
               "log10 of the error probability at (phase, threshold)");
  h.dataset(prefix + "/eye/bathtub_vertical_log10_ber", eye.vertical_bathtub_log10_ber, "log10(1)",
            "the map at the optimal phase over voltage");
  std::vector<double> hb;
  for (const auto& row : eye.horizontal_bathtub_log10_ber) hb.insert(hb.end(), row.begin(), row.end());
  h.dataset_2d(prefix + "/eye/bathtub_horizontal_log10_ber", hb, eye.horizontal_bathtub_log10_ber.size(), eye.phase_ui.size(),
               "log10(1)", "per eye, the map at its threshold over phase");
  using Eye = solvers::EyeOpening;
  h.columns<Eye>(prefix + "/eye", eye.eyes,
                 {{"heights_v", "V", "eye heights at the target BER, lowest eye first", [](const Eye& e) { return e.height_v; }},
                  {"widths_ui", "UI", "", [](const Eye& e) { return e.width_ui; }},
                  {"thresholds_v", "V", "", [](const Eye& e) { return e.threshold_v; }},
                  {"margins_db", "dB", "", [](const Eye& e) { return e.margin_db; }}});
  h.dataset(prefix + "/eye/worst_eye_height_v", eye.worst_eye_height_v, "V", "smallest eye height per phase");

  using Candidate = solvers::EqualizerCandidate;
  h.columns<Candidate>(
      prefix + "/equalizer", eq.candidates,
      {{"candidate_snr_db", "dB", "fast COM-style SNR of every candidate", [](const Candidate& c) { return c.snr_db; }},
       {"candidate_objective", "dB", "", [](const Candidate& c) { return c.objective; }},
       {"candidate_ctle_index", "1", "", [](const Candidate& c) { return static_cast<double>(c.ctle_index); }}});
  h.dataset(prefix + "/equalizer/tx_ffe_taps", ffe_taps(eq.ffe), "1", "chosen Tx FFE, pre-cursors first");
  h.dataset(prefix + "/equalizer/dfe_taps_v", eye.dfe_taps_v, "V");
  h.attribute(prefix + "/equalizer", "ctle", eq.ctle.label());
  h.attribute(prefix + "/equalizer", "ctle_peaking_db", eq.ctle.peaking_db());
  h.attribute(prefix + "/equalizer", "com_snr_db", eq.snr.snr_db);

  h.attribute(prefix + "/eye", "status", solvers::to_string(eye.status));
  h.attribute(prefix + "/eye", "eye_height_v", eye.height_v);
  h.attribute(prefix + "/eye", "eye_width_ui", eye.width_ui);
  h.attribute(prefix + "/eye", "margin_db", eye.margin_db);
  h.attribute(prefix + "/eye", "ber", eye.ber);
  h.attribute(prefix + "/eye", "symbol_rate_baud", a.unequalized.pulse.symbol_rate_baud);
  h.attribute(prefix + "/eye", "limiting_term", solvers::to_string(eye.closure.limiting));
  // [rx] sampling / pdf = "com" (docs/eye.md, "Sampling rule and COM's PDFs"): COM's figures as
  // the JSON's `com` object has them, only then.
  if (a.com.sampling_index >= 0) {
    h.attribute(prefix + "/eye", "com_sampling_ui", a.com.sampling_ui);
    h.attribute(prefix + "/eye", "com_sampling_index", static_cast<std::int64_t>(a.com.sampling_index));
    if (a.com.pdf) {
      h.attribute(prefix + "/eye", "com_a_s_v", a.com.a_s_v);
      h.attribute(prefix + "/eye", "com_a_ni_v", a.com.a_ni_v);
      h.attribute(prefix + "/eye", "com_margin_db", a.com.margin_db);
      h.attribute(prefix + "/eye", "statistical_margin_db", a.com.statistical_margin_db);
      h.attribute(prefix + "/eye", "com_pdf_step_v", a.com.step_v);
    }
  }
}

void write_eye_hdf5(const std::filesystem::path& file, const Config& cfg, const solvers::EyeAnalysis& a,
                    const solvers::OpticalAnalysis* optical) {
  const auto& es = *cfg.signalling;
  const auto& eye = a.eye;
  Hdf5Writer h(file);
  write_eye_groups(h, "", a);

  detail::config_attributes(h, "eye", cfg);
  h.attribute("/", "modulation", std::string(channels::to_string(es.modulation)));
  h.attribute("/", "symbol_rate_baud", es.spec.symbol_rate_baud);
  h.attribute("/", "data_rate_bps", es.data_rate_bps);
  h.attribute("/", "target_ber", es.spec.target_ber);
  h.attribute("/", "fec", es.fec_for(es.spec.levels).name);
  h.attribute("/", "status", solvers::to_string(eye.status));
  h.attribute("/", "eye_height_v", eye.height_v);
  h.attribute("/", "eye_width_ui", eye.width_ui);
  h.attribute("/", "margin_db", eye.margin_db);
  h.attribute("/", "ber", eye.ber);
  h.attribute("/", "limiting_term", solvers::to_string(eye.closure.limiting));
  if (a.com.sampling_index >= 0) {
    h.attribute("/", "sampling", std::string(channels::to_string(es.spec.sampling)));
    h.attribute("/", "pdf", std::string(channels::to_string(es.spec.pdf)));
  }
  if (optical) {
    const auto& o = *optical;
    std::vector<double> pen = {o.penalties.extinction_ratio_db, o.penalties.isi_db, o.penalties.rin_db,
                               o.penalties.dispersion_db, o.penalties.crosstalk_db};
    h.dataset("/optical/penalties_db", pen, "dB", "extinction ratio, ISI, RIN, dispersion, WDM crosstalk");
    h.attribute("/optical/penalties_db", "order", "extinction_ratio, isi, rin, dispersion, crosstalk");
    h.attribute("/optical/penalties_db", "received_oma_dbm", o.received_oma_dbm);
    if (o.reachable) {
      h.attribute("/optical/penalties_db", "sensitivity_oma_dbm", o.sensitivity_oma_dbm);
      h.attribute("/optical/penalties_db", "link_margin_db", o.link_margin_db);
      h.attribute("/optical/penalties_db", "max_channel_loss_db", o.max_channel_loss_db);
    }
    h.attribute("/optical/penalties_db", "energy_per_bit_j", o.energy_per_bit_j);
    h.attribute("/optical/penalties_db", "aggregate_rate_bps", o.aggregate_rate_bps);
    h.dataset("/optical/noise_per_level_v", o.noise_per_level_v, "V", "receiver noise rms at the decision point, lowest level first");
    h.attribute("/optical/noise_per_level_v", "noise_bandwidth_hz", o.noise_bandwidth_hz);
    detail::optical_receiver_hdf5(h, "/optical", o.receiver);
    h.dataset("/optical/q_per_eye", o.q_per_eye, "1", "Personick Q of each eye, (level spacing)/(sigma_k + sigma_k+1)");
    h.attribute("/optical/q_per_eye", "q_factor", o.q_factor);
    h.attribute("/optical/penalties_db", "sensitivity_criterion", o.criterion);
  }
  h.commit();
}

}  // namespace phylane::io
