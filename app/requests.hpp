#pragma once
// A command's options (its Args, as typed on the command line) turned into the workflow's request,
// and com's sheet, channels and JSON: written once for the command line and the Python module
// (python/), so both answer the same inputs with the same values and messages. Progress and the
// stop flag are the caller's (each sets its own).
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "app/cmd_claims.hpp"
#include "app/cmd_study.hpp"
#include "app/cmd_throughput.hpp"
#include "app/commands.hpp"
#include "channels/network_checks.hpp"
#include "channels/port_figures.hpp"
#include "io/claims.hpp"
#include "io/config.hpp"
#include "io/touchstone.hpp"
#include "io/touchstone_ports.hpp"
#include "io/system.hpp"
#include "io/waveguide.hpp"
#include "workflows/com.hpp"
#include "workflows/impedance.hpp"
#include "workflows/length_fit.hpp"
#include "workflows/link_capacity.hpp"
#include "workflows/loss.hpp"
#include "workflows/material_fit.hpp"
#include "workflows/rate.hpp"
#include "workflows/study.hpp"
#include "workflows/tdr.hpp"
#include "workflows/waveguide.hpp"

namespace phylane::app {

/// `phylane loss` on `cfg`: the grid and report frequencies of the config with --freq, --fmax and
/// --points applied. Throws io::InputError for those flags on an optical link (whose answer is its
/// power budget: the request is then unused) and for a channel that is neither copper nor optical.
workflows::LossRequest loss_request(const io::Config& cfg, const LossArgs& args);

/// `phylane maxrate`: --modulation, --min, --max, --margin and --curve.
workflows::MaxRateRequest maxrate_request(const MaxRateArgs& args);

/// The link of `phylane maxrate` (load_link with a [signal]); a Touchstone file as the link gets a
/// [signal] of the request's first modulation at the top of the search (--max, else the search's
/// default): the search sets the rate of every eye it evaluates, so that rate is only nominal.
io::Config maxrate_link(const MaxRateArgs& args, const workflows::MaxRateRequest& rq);

/// `phylane reach`: --modulation (one), --rate, --element, --min, --max, --margin and --curve.
workflows::ReachRequest reach_request(const ReachArgs& args);

/// `phylane capacity`: --bandwidth and --points (16 ... 1000000).
workflows::LinkCapacityOptions capacity_options(const CapacityArgs& args);
/// The JSON of `phylane capacity` (the rate fields when a rate was searched).
void write_capacity_json(std::ostream& os, const io::Config& cfg, const workflows::CapacityAnswer& answer);
/// The HDF5 file of `phylane capacity -o FILE`.
void write_capacity_hdf5(const std::string& file, const io::Config& cfg, const workflows::CapacityAnswer& answer);

/// `phylane throughput`: the system file, else --preset NAME, else the embedded default.
io::System throughput_system(const ThroughputArgs& args);

/// `phylane claims`: the claim file, else --preset NAME, else the embedded default set.
io::ClaimSet claim_set(const ClaimsArgs& args);

/// `phylane study`: the study file, else --preset NAME, else the embedded default, with --points
/// (2 ... 200; 0: the study's own).
workflows::Study study_of(const StudyArgs& args);

/// `phylane tdr`: --rise-time (> 0, at most 1 us), --edge, --length and --eps-eff (>= 1; not with
/// --length), --pulse (a width > 0, at most 1 us).
workflows::TdrRequest tdr_request(const TdrArgs& args);
/// Throws io::InputError unless `cfg` has a channel the TDR reads (copper, Touchstone or element blocks).
void check_tdr_link(const io::Config& cfg);

/// `phylane impedance`: --target (> 0, at most 10000 ohm), --solve, --segment (from 1) and --freq
/// (checked before the link is read, as on the command line).
workflows::ImpedanceRequest impedance_request(const ImpedanceArgs& args);
/// The report frequencies of `cfg` (else 10 GHz) for a request without --freq.
void default_impedance_freqs(const io::Config& cfg, workflows::ImpedanceRequest& rq);

/// `phylane waveguide`: the analysis of a waveguide file; a geometry its checks cannot see before
/// solving (a bend inside its own mode) is an io::InputError naming the file. `hooks`: progress
/// and the stop flag (workflows::WaveguideRequest::hooks).
workflows::WaveguideResult waveguide_result(const io::WaveguideConfig& cfg, const workflows::RunHooks& hooks = {});

/// What `phylane fit` computes: the per-length fit of the files and, with --cross-section, the
/// material fitted to it with its tables as TOML (and the config with them, with --write-config).
struct FitAnswer {
  std::vector<double> lengths_m;  ///< --lengths, one per file
  workflows::LengthFit fit;
  std::optional<workflows::MaterialFit> material;
  double launch_db = 0.0;         ///< --launch-loss (one file)
  std::string material_toml;      ///< the fitted tables (--write-material's text)
  std::string config_toml;        ///< the cross-section config using them (--write-config's text)
};
/// `phylane fit`: every flag checked before a file is read; then the files, the fit and, with
/// --cross-section, the material fit (std::runtime_error when it does not converge: nothing written).
FitAnswer fit_answer(const FitArgs& args);
/// The files `phylane fit` writes: -o (HDF5), --write-material and --write-config.
void write_fit_files(const FitArgs& args, const FitAnswer& a);

/// `phylane check CONFIG`: what the config describes (it loaded, every key checked).
struct ConfigCheck {
  std::string title;
  std::string channel;  ///< "optical", "pulse response", "copper, composed of blocks", "copper, modelled traces"
  std::size_t segments = 0, touchstone_blocks = 0;
  bool signal = false;  ///< has a [signal]
};
/// `phylane check FILE.sNp`: passivity, reciprocity, causality, coverage, port order and, at --freq,
/// the insertion loss (NaN outside the data), return loss and mode conversion.
struct TouchstoneCheck {
  channels::Network network;
  io::TouchstoneInfo info;
  std::optional<io::ThruPairing> pairing;  ///< a 4-port's
  channels::PortOrder order = channels::PortOrder::pairs_12_34;
  std::string order_from = "default";      ///< "default", "option" or "data"
  channels::PassivityReport passivity;
  channels::ReciprocityReport reciprocity;
  channels::CausalityReport causality;     ///< of S21, or line A's thru of a 4-port
  bool uniform_grid = false;
  std::vector<double> freqs_hz, insertion_loss_db;
  std::vector<channels::PortFigures> ports;
  /// "SDD21", "S21" or "" (another port count).
  const char* quantity() const { return network.ports() == 4 ? "SDD21" : network.ports() == 2 ? "S21" : ""; }
  bool passes() const { return passivity.passive() && reciprocity.reciprocal() && causality.causal(); }
};
/// A config (refusing --freq, --port-order and --enforce-passivity for it) ...
ConfigCheck check_config_file(const CheckArgs& args);
/// ... or a Touchstone file (--port-order checked against the thrus the data show).
TouchstoneCheck check_touchstone_file(const CheckArgs& args);
void write_check_json(std::ostream& os, const CheckArgs& args, const ConfigCheck& c);
void write_check_json(std::ostream& os, const CheckArgs& args, const TouchstoneCheck& c);
/// --enforce-passivity FILE: the network with its singular values clipped to 1, written as Touchstone.
channels::PassivityEnforcement write_enforced_passivity(const CheckArgs& args, const TouchstoneCheck& c);

/// `phylane sparams`: the composed (or copper) channel's network on the grid fmax/points ... fmax
/// (--fmax, --points; the config's report grid by default), from DC with --dc; a pair as a 4-port
/// in --port-order (12-34: line A 1->2, B 3->4; 13-24: 1->3, 2->4), a single line as a 2-port.
/// Named by the config's title (else its source). Throws io::InputError for another channel.
channels::Network sparams_network(const io::Config& cfg, const SparamsArgs& args);

/// `phylane sparams -o FILE`: `net` as Touchstone 1.1 with the command's comments; throws
/// io::InputError for an extension other than the network's (.s2p, .s4p), before writing.
void write_sparams_file(const SparamsArgs& args, const channels::Network& net);
/// The JSON of `phylane sparams` (what was written).
void write_sparams_json(std::ostream& os, const io::Config& cfg, const SparamsArgs& args, const channels::Network& net);

/// `phylane com`: the sheet (--sheet, an embedded name or a TOML file, with --set overrides).
solvers::ComParameters com_sheet(const ComArgs& args);
/// A Touchstone file as a COM channel, named by its file name.
workflows::ComChannel com_channel(const std::string& file);
/// The thru files of the batch form (several thrus: no --fext, --next or -o), as COM channels.
std::vector<workflows::ComChannel> com_batch_channels(const ComArgs& args);
/// The request of one thru file with its --fext and --next aggressors.
workflows::ComRequest com_request(const ComArgs& args);
/// The JSON of `phylane com` for one thru (`thru` as given on the command line) ...
void write_com_json(std::ostream& os, const std::string& thru, const solvers::ComParameters& p,
                    const workflows::ComAnswer& r);
/// ... and for several (the batch form: one object per file under "channels").
void write_com_batch_json(std::ostream& os, const std::vector<std::string>& thrus, const solvers::ComParameters& p,
                          const std::vector<workflows::ComAnswer>& rs);
/// The HDF5 file of `phylane com THRU -o FILE` (one thru).
void write_com_hdf5(const std::string& file, const std::string& thru, const solvers::ComParameters& p,
                    const workflows::ComAnswer& r);

}  // namespace phylane::app
