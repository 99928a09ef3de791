#pragma once
/// A study: several links (copper, optical) compared over reach — loss, maximum per-lane rate
/// (NRZ and PAM4) with the Shannon capacity, the resulting link bandwidth, and the time and energy
/// of a data-parallel training step's collective (a gradient all-reduce). Plain values: io/study.hpp
/// reads them from study files (docs/study.md) and writes the results; run_study() computes them.
/// Convention: 1 GB = 1e9 bytes; rates and bandwidths are per direction.
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "channels/link.hpp"
#include "solvers/eye_analysis.hpp"
#include "solvers/throughput.hpp"
#include "workflows/run_hooks.hpp"
#include "workflows/system.hpp"

namespace phylane::workflows {

/// One link of the study and how it is counted in the system.
struct StudyLink {
  std::string name;
  /// The link at its configured lengths; needs signalling ([signal]: rate, Tx, Rx).
  std::shared_ptr<const channels::Link> link;
  /// The link's config as given (io: Config::stored_toml) and with every default explicit
  /// (Config::resolved_toml), for result files; not used by the computation.
  std::string config_toml;
  std::string config_resolved_toml;
  std::string element;           ///< what reach stretches ("" = longest trace / the fiber); see stretchable()
  int lanes = 1;                 ///< lanes per link (x16) or wavelengths per fibre, >= 1
  std::string lanes_label;       ///< "x16", "per fibre", ...
  /// Line code / FEC payload fraction: for every modulation, unless given per modulation (levels
  /// -> encoding), e.g. PCIe NRZ 128b130b and PAM4 FLIT mode. io fills the per-modulation entries
  /// from the link's [signal] fec when the study gives no encoding.
  solvers::Encoding encoding;
  std::map<int, solvers::Encoding> encoding_by_levels;
  const solvers::Encoding& encoding_for(int levels) const;
  /// Top of the rate search [b/s], > 0; 0: the solver's default (224 Gb/s).
  double max_rate_bps = 0.0;
  /// The highest symbol rate the option's transceiver runs [Bd], > 0; 0: none. A hardware limit of
  /// the option's class (the SerDes or DSP whose DAC/ADC and clocking set its baud class), from
  /// its cited source: each modulation's search stops at baud x log2(levels).
  double max_symbol_rate_baud = 0.0;
  std::string symbol_rate_source;
  /// Modulations the rate search compares (levels: 2 NRZ, 4 PAM4, ...); empty: NRZ and PAM4.
  std::vector<int> modulation_levels;
  double alpha_s = 0.0;          ///< per-hop latency of the protocol stack [s], >= 0; flight time added per length
  /// Energy per line bit: the parts with a published figure [J per bit], >= 0, by name ("serdes",
  /// "dsp_fec", "module", "link"), in the order given; and, for optical links with
  /// energy_optics_model, the link's own electrical power per bit in three parts, "laser",
  /// "modulator" and "receiver" (optical_energy_per_bit at the lane's max rate). Retimers add theirs.
  std::vector<std::pair<std::string, double>> energy_parts_j;
  bool energy_optics_model = false;
  int lanes_per_laser = 1;       ///< lanes one laser feeds (its wall-plug power is shared), >= 1
  std::string energy_source;     ///< where the energy figures come from
  /// Reach beyond which the option does not exist (a cable longer than sold, a board route longer
  /// than a board): those points are "not reachable", nothing is computed for them.
  double max_length_m = std::numeric_limits<double>::infinity();
  /// Retimers: a route whose loss at the loss frequency exceeds budget_db is split into equal hops
  /// (the stretched element divided, every other element in each hop) with up to max_count
  /// retimers; each adds latency_s and energy_per_bit_j (per crossing of one bit). max_count 0: none.
  struct Retimers {
    int max_count = 0;
    double budget_db = 0.0;
    double latency_s = 0.0;
    double energy_per_bit_j = 0.0;
    std::string source;
  } retimers;
  double serdes_latency_s = 0.0; ///< end-to-end transmitter + receiver latency of the PHY (SerDes or DSP) [s], >= 0
  std::string latency_source;
  /// Lanes (per direction) per mm of die edge, > 0; 0 = not given (no density). Density = this x
  /// the lane's max rate.
  double lanes_per_mm = 0.0;
  std::string density_source;
  /// The names of the energy parts a point reports, in order: energy_parts_j's, then "laser",
  /// "modulator", "receiver" (energy_optics_model) and "retimers" (retimers.max_count > 0).
  std::vector<std::string> energy_part_names() const;
};

/// The electrical power of one lane of an optical link per bit at a rate [J per bit], in the parts
/// the link models: the laser's wall-plug power P_laser / eta_wall-plug shared by the lanes_per_laser
/// lanes one laser feeds (the laser power is what the link's budget needs at the laser, so the
/// couplers and splitters in front of the modulator are in it), the modulator's driver with its
/// tuning, and the receiver (photodiode + TIA). The one function the study's energy column and the
/// claims' optical energy measure both call. Throws std::invalid_argument for rate <= 0 or
/// lanes_per_laser < 1.
struct OpticalEnergy {
  double laser_j = 0.0, modulator_j = 0.0, receiver_j = 0.0;
  double total_j() const { return laser_j + modulator_j + receiver_j; }
};
OpticalEnergy optical_energy_per_bit(const channels::OpticalLink& link, double rate_bps, int lanes_per_laser = 1);

struct Study {
  std::string name;
  std::string source;            ///< where it came from: a file path or "embedded:studies/default.toml"
  std::string text;              ///< the study file as read (for result files)
  std::vector<double> reach_m;   ///< lengths evaluated [m] (ascending, > 0)
  std::vector<StudyLink> links;
  /// The training step: the collective of parameters x bytes per parameter on each device count,
  /// with the compute per step and its overlap when given (step_time_s).
  Workload workload;
  std::string claims;            ///< claim file the io layer evaluates ("" = none); not used here
};

struct StudyPoint {
  double length_m = 0.0;
  double loss_db = 0.0;            ///< copper: insertion loss at the configured Nyquist; optical: path loss
  double max_rate_nrz_bps = 0.0;   ///< 0 where no rate meets the target
  double max_rate_pam4_bps = 0.0;
  double max_rate_bps = 0.0;       ///< the better of the two
  int best_levels = 0;
  double capacity_bps = 0.0;
  double propagation_s = 0.0;      ///< flight time of the link at this length
  double link_bandwidth_bytes_per_s = 0.0;     ///< lanes x rate x efficiency / 8, per direction
  std::string encoding;            ///< the best modulation's encoding ("" without a rate)
  double efficiency = 0.0;         ///< its payload fraction
  std::string fec;                 ///< the best modulation's FEC (channels/fec.hpp; "none")
  double target_ber = 0.0;         ///< the BER the best modulation met (pre-FEC with a FEC)
  /// Latency the FEC adds on this link: its codeword over lanes x rate, plus its decoder [s].
  double fec_latency_s = 0.0;
  double latency_s = 0.0;          ///< one hop: propagation + FEC (+ alpha, the protocol stack)
  std::vector<double> sync_time_s;             ///< collective time per step, per workload.devices (inf: no rate)
  std::vector<double> energy_per_step_j;       ///< per workload.devices, all links of the ring (NaN: no rate)
  /// per workload.devices: compute + the collective's exposed part (workload.compute_time_s and
  /// overlap, as `phylane throughput`); NaN without compute_time, inf where no rate.
  std::vector<double> step_time_s;
  double energy_per_bit_j = 0.0;   ///< the sum of energy_part_j (NaN where not reachable or no rate)
  std::vector<double> energy_part_j;  ///< per StudyLink::energy_part_names() [J per line bit]
  /// false beyond the option's max_length_m: nothing computed, rates 0, the rest NaN / inf.
  bool reachable = true;
  int retimers = 0;                ///< retimers used (hops - 1)
  double hop_length_m = 0.0;       ///< the stretched element's length in each hop
  /// Physical-layer latency, end to end: SerDes + FEC + retimers + flight time [s] (NaN: no rate).
  double phy_latency_s = 0.0;
  double retimer_latency_s = 0.0;  ///< the retimers' part of it
  double serdes_latency_s = 0.0;   ///< the SerDes part of it
  /// Die-edge bandwidth density: lanes per mm x max rate [b/s per mm] (NaN: not given or no rate).
  double density_bps_per_mm = 0.0;
  bool search_capped_by_capacity = false;  ///< the rate search stopped at the capacity bound
  /// The best modulation still met the target at the option's symbol-rate limit: the rate is the
  /// transceiver's ceiling (max_symbol_rate x log2 levels), not the channel's.
  bool symbol_rate_limited = false;
  bool failed = false;             ///< the rate search failed numerically (note says why)
  std::string note;                ///< why no rate was found, when none was
};

struct StudyLinkResult {
  std::string name;
  std::vector<StudyPoint> points;  ///< one per Study::reach_m, same order
  double config_length_m = 0.0;    ///< the stretched element's length in the config
  std::string element_label;
  std::string loss_label;          ///< what loss_db is
  solvers::EyeAnalysis eye_at_config;  ///< the eye at the configured length and rate
  double config_rate_bps = 0.0;
};

/// Which link wins each axis at each reach point: an index into StudyResult::links, -1 where no
/// link has a value. Highest max rate and density; lowest energy per bit, PHY latency and step time
/// (the step with compute when the workload gives compute_time, else the collective's time). Only
/// reachable points with a rate take part; the first link wins a tie.
struct StudyWinners {
  std::vector<int> max_rate, density, energy, latency;  ///< per reach point
  std::vector<std::vector<int>> step_time;              ///< [device count][reach point]
};
/// Computes the winners from the points (also stored in StudyResult::winners by run_study).
StudyWinners study_winners(const std::vector<StudyLinkResult>& links, std::size_t devices);

struct StudyResult {
  std::vector<StudyLinkResult> links;  ///< one per Study::links, same order
  StudyWinners winners;
  double seconds = 0.0;
  int threads = 1;
};

/// How run_study runs.
struct StudyRequest {
  int threads = 0;  ///< workers of the parallel executor, >= 0 (0: all cores)
  /// Progress after each (link, length) case; Ctrl-C: no case starts once the flag is set, the
  /// running rate searches stop, and run_study throws solvers::SearchInterrupted.
  RunHooks hooks;
};

/// Runs the study's (link, length) cases on the parallel executor with request.threads workers.
/// Per point within the link's max_length: the retimer hops (StudyLink::Retimers), loss, the
/// capacity (link_capacity), the max rate over the link's modulations below the capacity bound
/// (find_max_rate with the link's criterion), the payload bandwidth, the density, the energy parts,
/// the PHY latency, and per device count the collective's time and energy from collective_point()
/// (workflows/throughput.hpp), the same accounting as `phylane throughput`; beyond max_length the
/// point is not reachable (nothing computed). Links with the same config, element, modulations and
/// search ceiling share the channel case of the same hop length and hop count. Then the winners
/// (study_winners). A numerical failure of one case is recorded in its point (failed, note).
/// Throws std::invalid_argument before anything is computed for a link without [signal] or whose
/// `element` cannot be stretched (naming the study's source, the link and the allowed elements),
/// or for a workload without device counts or parameters; solvers::SearchInterrupted once
/// request.hooks.stop is set.
/// Tested by: tests/io/study_test.cpp (from a study file), tests/workflows/study_test.cpp.
StudyResult run_study(const Study& study, const StudyRequest& request);
/// The same with `threads` workers, `progress(done, total)` called after each case, and no stop flag.
StudyResult run_study(const Study& study, const std::function<void(int, int)>& progress = {}, int threads = 0);

}  // namespace phylane::workflows
