#pragma once
/// A link: the channel (one of four kinds) with its transmitter, receiver and signalling, the
/// one value every question (loss, eye, max rate, reach, capacity, throughput, study, sweep) is
/// asked of. io/ builds it from a config; the workflows take it. Its transfer function has one
/// implementation per kind of channel (channels/transfer_function.hpp), reached through
/// transfer_function(link).
/// Tested by: tests/channels/link_test.cpp "[channels][link]".
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "channels/composed_channel.hpp"
#include "channels/copper_channel.hpp"
#include "channels/fec.hpp"
#include "channels/modulation.hpp"
#include "channels/optical_link.hpp"
#include "channels/transceiver.hpp"
#include "channels/transfer_function.hpp"

namespace phylane::channels {

/// A response given as samples ([channel] type = "pulse"): a pulse response at the decision
/// point, or an impulse response that the receiver's filters and CTLE still act on.
struct SampledResponse {
  bool impulse = false;          ///< true: impulse response h(t); false: pulse response to one UI
  std::vector<double> values_v;  ///< samples [V] (pulse: for a 1-V symbol; impulse: h(t) [1/s], see docs/eye.md)
  int samples_per_ui = 0;        ///< pulse: samples per UI of the data
  double dt_s = 0.0;             ///< impulse: sample interval [s]
  std::string origin;            ///< "inline" or the file it came from
};

/// The channel: modelled copper traces; traces mixed with Touchstone and element blocks (or a
/// whole Touchstone channel); an optical path; or a sampled response. monostate: none yet.
using LinkChannel = std::variant<std::monostate, CopperChannel, ComposedChannel, OpticalLink, SampledResponse>;

/// Descriptive facts about a trace segment, for reports (the physics is in the channel itself).
struct SegmentInfo {
  std::string name;
  std::string geometry;
  std::string material;       ///< library id or "inline"
  std::string material_name;  ///< display name
  std::string foil;           ///< foil id or "inline"
  std::string roughness_model;
  std::string field_solver;   ///< "closed-form" or "bem" (the one used)
};

/// Descriptive facts about an optical channel beyond the path itself.
struct OpticalInfo {
  int wdm_channels = 1;         ///< wavelengths sharing the path
  double wdm_spacing_hz = 0.0;  ///< channel spacing (0: single wavelength)
};

/// Signalling, transmitter and receiver: what the eye needs besides the channel, at the link's
/// own rate (spec) and as a recipe to rebuild it at any other rate (at()).
struct LinkSignalling {
  EyeLinkSpec spec;                  ///< at the configured rate; optical levels filled from the link
  Modulation modulation = Modulation::nrz;
  LineRate rate;                     ///< as given ("64 GT/s", "32 GBd", "106.25 Gb/s")
  double data_rate_bps = 0.0;        ///< line bit rate = symbol rate x log2(M)
  bool ffe_search = false;           ///< true when any FFE tap is a range to optimise
  bool ctle_search = false;          ///< true when more than one CTLE setting is given
  /// What meeting the target requires ([signal] required_margin, min_eye_height, min_eye_width):
  /// the searches' criterion; the eye is reported against it.
  double required_margin_db = 0.0;
  double min_eye_height_v = 0.0;                   ///< every modulation, unless given per modulation
  double min_eye_width_ui = 0.0;
  std::map<int, double> min_eye_height_by_levels;  ///< levels -> height [V]
  std::map<int, double> min_eye_width_by_levels;   ///< levels -> width [UI]
  double min_eye_height_for(int levels) const;
  double min_eye_width_for(int levels) const;
  /// The lane's FEC ([signal] fec = "rs544", or per modulation { nrz = "none", pam4 = "pcie6-flit" }
  /// as PCIe 5.0 NRZ / 6.0 PAM4 run): find_fec names (channels/fec.hpp).
  std::string fec = "none";                        ///< every modulation, unless given per modulation
  std::map<int, std::string> fec_by_levels;        ///< levels -> FEC name
  /// [signal] target_ber (default 1e-12): the target of modulations without FEC, and of every
  /// modulation when given (target_ber_given).
  double target_ber = 1e-12;
  bool target_ber_given = false;
  /// Throws std::invalid_argument for a name find_fec does not know.
  const Fec& fec_for(int levels) const;
  /// The BER the eye must meet at `levels`: target_ber when given or when that modulation has no
  /// FEC, else the FEC's requirement at its input (Fec::pre_fec_ber).
  double target_ber_for(int levels) const;

  /// What follows the symbol rate when the rate changes (rate and reach searches): the Rx
  /// filter given as a ratio of the rate, COM CTLE corners left at their rate-relative defaults,
  /// jitter given in UI. Values the config gives in absolute units stay as given.
  struct Recipe {
    RxFilterType rx_type = RxFilterType::none;
    int rx_order = 4;
    double rx_bandwidth_hz = 0.0;     ///< absolute, or 0
    double rx_bandwidth_ratio = 0.0;  ///< x symbol rate, or 0
    CtleType ctle = CtleType::none;   ///< com and com_ck follow the rate; generic is as given
    std::vector<double> ctle_gdc_db;
    std::vector<double> ctle_gdc2_db;  ///< com-ck: the low-frequency gains g_DC2
    /// 0: the rate-relative defaults, com: baud/4, baud/4, baud; com-ck: baud/2.5, baud/2.5, baud
    double ctle_fz_hz = 0.0, ctle_fp1_hz = 0.0, ctle_fp2_hz = 0.0;
    double ctle_flf_hz = 0.0;         ///< com-ck; 0: baud/80
    double rj_s = -1.0, dj_s = -1.0;  ///< when given as times (else the spec's UI values hold)
  } recipe;

  /// The specification at another symbol rate and modulation (levels >= 2), with that
  /// modulation's target BER (target_ber_for). Throws
  /// std::invalid_argument for a rate <= 0 or levels < 2.
  EyeLinkSpec at(double symbol_rate_baud, int levels) const;
};

struct Link {
  std::string source;  ///< where it came from: a file path, or "preset:NAME"
  std::string title;
  std::string description;
  LinkChannel channel;
  std::vector<SegmentInfo> segments;  ///< one per trace segment or block (copper, composed)
  OpticalInfo optical_info;
  std::optional<LinkSignalling> signalling;  ///< present when the link has a [signal] section
  /// A copper channel's chain as composed blocks too (its traces with the common-mode lines of
  /// differential pairs): for the S-parameter export and crosstalk paths, which work on blocks.
  /// Empty for other channels (and for single-mode common-mode copper chains).
  std::optional<ComposedChannel> composed_equivalent;

  /// The channel when it is of that kind, else nullptr.
  const CopperChannel* copper() const { return std::get_if<CopperChannel>(&channel); }
  /// The composed channel, or a copper channel's composed equivalent; nullptr for other kinds.
  const ComposedChannel* composed() const {
    if (const auto* c = std::get_if<ComposedChannel>(&channel)) return c;
    return composed_equivalent ? &*composed_equivalent : nullptr;
  }
  const OpticalLink* optical() const { return std::get_if<OpticalLink>(&channel); }
  const SampledResponse* sampled() const { return std::get_if<SampledResponse>(&channel); }
  /// True for a channel with a frequency response (all but a sampled pulse response).
  bool has_transfer_function() const;
  /// True when |H(f)| <= 1 everywhere: a copper or composed channel's S21/SDD21 between its
  /// terminations (a passive network). False for optical links and sampled responses.
  bool passive_transfer() const { return copper() != nullptr || std::holds_alternative<ComposedChannel>(channel); }
  /// transfer_function(*this) is exactly 0 above this frequency [Hz]: a composed channel's
  /// ComposedChannel::zero_above_hz (its Touchstone blocks' band and taper); infinity otherwise.
  double zero_above_hz() const {
    if (const auto* c = std::get_if<ComposedChannel>(&channel)) return c->zero_above_hz();
    return std::numeric_limits<double>::infinity();
  }
};

/// The link's H(f): copper, composed, optical (electrical equivalent) or a sampled impulse
/// response. Throws std::invalid_argument for a sampled pulse response or no channel, naming
/// the link's source.
TransferFunction transfer_function(const Link& link);

/// The SegmentInfo of the modelled trace segments only (the order of the loss breakdown).
std::vector<SegmentInfo> trace_infos(const Link& link);

}  // namespace phylane::channels
