#include "workflows/eye.hpp"

#include <cmath>
#include <stdexcept>

namespace phylane::workflows {

namespace {
void stage(const EyeRequest& rq, const char* name) {
  if (rq.stop && rq.stop->load()) throw solvers::SearchInterrupted();
  if (rq.progress) rq.progress(name);
}
}  // namespace

EyeAnswer eye(const channels::Link& link, const EyeRequest& request) {
  if (!link.signalling)
    throw std::invalid_argument(link.source + ": the eye needs a [signal] section (rate, modulation); see docs/eye.md");
  const channels::LinkSignalling& sig = *link.signalling;
  EyeAnswer out;
  stage(request, "equalizer search and statistical eye");
  if (const auto* sampled = link.sampled(); sampled && !sampled->impulse) {
    solvers::PulseResponse pr;
    pr.symbol_rate_baud = sig.spec.symbol_rate_baud;
    pr.samples_per_ui = sampled->samples_per_ui;
    pr.samples_v = sampled->values_v;
    std::size_t peak = 0;
    for (std::size_t i = 1; i < pr.samples_v.size(); ++i)
      if (std::abs(pr.samples_v[i]) > std::abs(pr.samples_v[peak])) peak = i;
    pr.main_index = peak;
    out.analysis = solvers::analyze_eye_pulse(pr, sig.spec, sig.spec.noise_rms_v);
    stage(request, "done");
    return out;
  }
  if (const auto* optical = link.optical()) {
    if (request.optical_figures) {
      out.optical = solvers::analyze_optical(*optical, sig.spec, link.optical_info.wdm_channels, sig.data_rate_bps);
      out.analysis = out.optical->eye;
    } else {
      // The eye part of analyze_optical: the spec with the link's levels.
      channels::EyeLinkSpec s = sig.spec;
      solvers::set_optical_levels(*optical, s);
      out.analysis = solvers::analyze_eye(channels::optical_transfer_function(*optical), s);
    }
    stage(request, "done");
    return out;
  }
  channels::EyeLinkSpec spec = sig.spec;
  spec.passive_channel = link.passive_transfer();
  spec.zero_above_hz = link.zero_above_hz();
  out.analysis = solvers::analyze_eye(channels::transfer_function(link), spec);
  stage(request, "done");
  return out;
}

}  // namespace phylane::workflows
