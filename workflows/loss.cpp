#include "workflows/loss.hpp"

#include <stdexcept>

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
  return out;
}

}  // namespace phylane::workflows
