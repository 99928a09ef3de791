#include "workflows/loss.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <span>
#include <stdexcept>

#include "phy/units.hpp"

namespace phylane::workflows {

LossAnswer loss(const channels::Link& link, const LossRequest& request) {
  LossAnswer out;
  if (const auto* o = link.optical()) {
    OpticalLossFigures f;
    f.path_loss_db = o->path_loss_db();
    f.launch_average_power_w = o->launch_average_power_w();
    f.received_average_power_w = o->received_average_power_w();
    f.received_oma_w = o->received_oma_w();
    f.electrical_power_w = o->electrical_power_w();
    out.optical = f;
    return out;
  }
  if (!link.copper() && !link.composed())
    throw std::invalid_argument(link.source + ": the loss report needs a copper or optical channel");
  solvers::LossAnalysisOptions opt;
  opt.report_freqs_hz = request.report_freqs_hz;
  opt.fmax_hz = request.fmax_hz;
  opt.points = request.points;
  opt.keep_line_points = request.keep_line_points;
  out.analysis = link.copper() ? solvers::analyze_loss(*link.copper(), opt) : solvers::analyze_loss(*link.composed(), opt);
  // NEXT/FEXT when the link has aggressors: each path as the eye sees it (a path relative to the
  // victim is multiplied by the victim's transfer function, as solvers/eye_analysis does).
  if (link.signalling && !link.signalling->spec.crosstalk.empty()) {
    // One frequency at a time: the report frequencies come in the user's order, and a composed
    // channel is evaluated on increasing grids only.
    auto at = [](const channels::TransferFunction& h, double f) {
      std::complex<double> v;
      h(std::span<const double>(&f, 1), std::span<std::complex<double>>(&v, 1));
      return v;
    };
    const channels::TransferFunction victim = channels::transfer_function(link);
    for (const auto& x : link.signalling->spec.crosstalk) {
      solvers::LossAnalysis::Crosstalk c;
      c.name = x.name;
      for (double f : request.report_freqs_hz) {
        const std::complex<double> h = x.times_victim ? at(x.path, f) * at(victim, f) : at(x.path, f);
        c.db.push_back(phy::units::amplitude_ratio_to_db(std::max(std::abs(h), 1e-300)));
      }
      out.analysis->crosstalk.push_back(std::move(c));
    }
  }
  return out;
}

}  // namespace phylane::workflows
