#include "workflows/material_fit.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <Eigen/Dense>
#include <fmt/format.h>

#include "channels/network_ops.hpp"
#include "channels/resample.hpp"
#include "phy/constants.hpp"
#include "phy/units.hpp"
#include "workflows/impedance.hpp"

namespace phylane::workflows {

LengthFit single_length_loss(const MeasuredLength& m, double launch_db) {
  if (!(m.length_m > 0.0) || !std::isfinite(m.length_m))
    throw std::invalid_argument(fmt::format("--lengths: {} m for {} must be a positive length", m.length_m, m.name));
  if (!(launch_db >= 0.0) || !std::isfinite(launch_db))
    throw std::invalid_argument(fmt::format("--launch-loss: {:g} dB must be a loss >= 0 dB", launch_db));
  if (m.network.ports() != 2 && m.network.ports() != 4)
    throw std::invalid_argument(fmt::format("{}: {} ports; fit takes 2-ports (S21) or 4-ports (SDD21)", m.name, m.network.ports()));
  const auto t = m.network.ports() == 4 ? channels::sdd21(m.network, m.order) : m.network.trace(1, 0);
  LengthFit out;
  out.quantity = m.network.ports() == 4 ? "SDD21" : "S21";
  out.freq_hz = m.network.freq_hz();
  const std::size_t nf = out.freq_hz.size();
  out.loss_db_per_m.resize(nf);
  out.uncertainty_db_per_m.assign(nf, 0.0);
  out.launch_db.assign(nf, launch_db);
  for (std::size_t k = 0; k < nf; ++k)
    out.loss_db_per_m[k] = (-phy::units::amplitude_ratio_to_db(std::max(std::abs(t[k]), 1e-300)) - launch_db) / m.length_m;
  channels::Network one(out.freq_hz, 2, {50.0});
  for (std::size_t k = 0; k < nf; ++k) one.s(k, 1, 0) = t[k];
  out.delay_s.push_back(channels::term_delay_s(one, 1, 0));
  out.delay_s_per_m = out.delay_s.front() / m.length_m;
  out.eps_eff = std::pow(phy::c0 * out.delay_s_per_m, 2);
  if (!(out.eps_eff >= 1.0))
    throw std::invalid_argument(fmt::format("{}: a thru delay of {:.4g} s over {:g} m is faster than light in vacuum "
                                            "(eps_eff {:.3g} < 1): the length or the port order is wrong",
                                            m.name, out.delay_s.front(), m.length_m, out.eps_eff));
  return out;
}

namespace {

// Which parameters are fitted: Dk, ln Df, then the roughness model's (log) parameters.
struct Parameterisation {
  phy::RoughnessModel model = phy::RoughnessModel::none;
  double flat_ratio = 1.0;
  int size() const {
    return model == phy::RoughnessModel::huray ? 4 : model == phy::RoughnessModel::none ? 2 : 3;
  }
  phy::Roughness roughness(const Eigen::VectorXd& x) const {
    phy::Roughness r;
    r.model = model;
    if (model == phy::RoughnessModel::hammerstad || model == phy::RoughnessModel::groisse) r.rms_m = std::exp(x[2]);
    if (model == phy::RoughnessModel::huray) {
      r.nodule_radius_m = std::exp(x[2]);
      r.surface_ratio = std::exp(x[3]);
      r.flat_ratio = flat_ratio;
    }
    return r;
  }
};

// The model evaluated at every frequency of the data (loss in the band, delay over the grid).
struct Evaluation {
  bool ok = false;
  std::vector<double> loss_db_per_m;  // at the band's frequencies
  double delay_s_per_m = 0.0;
};

}  // namespace

MaterialFit fit_material(const LengthFit& measured, const std::vector<double>& lengths_m, const channels::Link& link,
                         std::size_t segment, const MaterialFitOptions& o) {
  const auto traces = trace_segments(link);
  if (traces.empty())
    throw std::invalid_argument(fmt::format("--cross-section {}: has no trace segment (a copper channel with at least one "
                                            "[[channel.segments]] entry gives the geometry to fit)", link.source));
  if (segment >= traces.size())
    throw std::invalid_argument(fmt::format("--segment {}: {} has {} trace segment{} (1 ... {})", segment + 1, link.source,
                                            traces.size(), traces.size() == 1 ? "" : "s", traces.size()));
  const channels::TraceSegment& seg = *traces[segment];
  const phy::TransmissionLine& line0 = seg.line;
  const phy::Dielectric& d0 = line0.dielectric();
  const bool ds = d0.model() == phy::DielectricModel::djordjevic_sarkar;
  if (ds && !(o.reference_hz > d0.f_low_hz() && o.reference_hz < d0.f_high_hz()))
    throw std::invalid_argument(fmt::format("--reference {:g} Hz: must lie between the Djordjevic-Sarkar corners {:g} and "
                                            "{:g} Hz", o.reference_hz, d0.f_low_hz(), d0.f_high_hz()));
  if (!(o.reference_hz > 0.0)) throw std::invalid_argument(fmt::format("--reference {:g} Hz: must be > 0", o.reference_hz));
  if (lengths_m.empty() || measured.delay_s.size() != lengths_m.size())
    throw std::invalid_argument("fit_material: one length per measured delay is needed");
  const double top = o.fit_to_hz > 0.0 ? o.fit_to_hz : measured.freq_hz.back();
  // What is fitted: the line-line attenuation (launch reflections cancelled) when there is one.
  const bool line_line = !o.from_difference && measured.line_loss_db_per_m.size() == measured.freq_hz.size() &&
                         measured.line_conditioning.size() == measured.freq_hz.size();
  const std::vector<double>& target = line_line ? measured.line_loss_db_per_m : measured.loss_db_per_m;

  Parameterisation par;
  par.model = o.roughness.value_or(line0.conductor().strip_roughness.model);
  if (line0.conductor().strip_roughness.model == phy::RoughnessModel::huray)
    par.flat_ratio = line0.conductor().strip_roughness.flat_ratio;
  const int p = par.size();

  // The fit band: the frequencies in [fit_from, top]; on the line-line basis without those where
  // the pair is ill-conditioned, |sinh(gamma dL)| < sin(20 deg) (length_fit.hpp).
  std::vector<std::size_t> band;
  std::size_t ill_conditioned = 0;
  const double min_conditioning = std::sin(20.0 * phy::pi / 180.0);
  for (std::size_t k = 0; k < measured.freq_hz.size(); ++k)
    if (measured.freq_hz[k] >= o.fit_from_hz && measured.freq_hz[k] <= top) {
      if (line_line && measured.line_conditioning[k] < min_conditioning) ++ill_conditioned;
      else band.push_back(k);
    }
  if (band.size() < static_cast<std::size_t>(2 * p))
    throw std::invalid_argument(fmt::format("fit band {:g} ... {:g} GHz: {} frequencies for {} parameters; "
                                            "widen the band (--fit-from) or check the data", o.fit_from_hz / 1e9, top / 1e9,
                                            band.size(), p));
  const std::size_t m = band.size() + 1;

  // The model's delay per length is measured as the data's: phase-slope delay of exp(-gamma L_i),
  // least-squares slope over the lengths (tau / L for one length).
  const auto& grid = measured.freq_hz;
  auto model_delay = [&](const std::vector<std::complex<double>>& gamma) {
    std::vector<double> tau;
    for (double len : lengths_m) {
      channels::Network one(grid, 2, {50.0});
      for (std::size_t k = 0; k < grid.size(); ++k) one.s(k, 1, 0) = std::exp(-gamma[k] * len);
      tau.push_back(channels::term_delay_s(one, 1, 0));
    }
    if (tau.size() == 1) return tau.front() / lengths_m.front();
    double ml = 0.0, mt = 0.0;
    for (std::size_t i = 0; i < tau.size(); ++i) {
      ml += lengths_m[i] / static_cast<double>(tau.size());
      mt += tau[i] / static_cast<double>(tau.size());
    }
    double sxy = 0.0, sxx = 0.0;
    for (std::size_t i = 0; i < tau.size(); ++i) {
      sxy += (lengths_m[i] - ml) * (tau[i] - mt);
      sxx += (lengths_m[i] - ml) * (lengths_m[i] - ml);
    }
    return sxy / sxx;
  };
  auto build_line = [&](const Eigen::VectorXd& x) {
    const double dk = x[0], df = std::exp(x[1]);
    phy::Dielectric d = ds ? phy::Dielectric::djordjevic_sarkar(dk, df, o.reference_hz, d0.f_low_hz(), d0.f_high_hz())
                           : phy::Dielectric::constant(dk, df);
    phy::LineConductor c = line0.conductor();
    c.strip_roughness = c.plane_roughness = par.roughness(x);
    return phy::TransmissionLine(line0.shared_geometry(), d, c);
  };
  auto evaluate = [&](const Eigen::VectorXd& x) {
    Evaluation e;
    if (!(x[0] >= 1.0 && x[0] <= 100.0) || !(std::exp(x[1]) < 0.5) || !x.allFinite()) return e;
    try {
      const auto line = build_line(x);
      std::vector<std::complex<double>> gamma(grid.size());
      for (std::size_t k = 0; k < grid.size(); ++k) gamma[k] = line.at(grid[k], false).gamma;
      for (std::size_t k : band) e.loss_db_per_m.push_back(phy::units::nepers_to_db(gamma[k].real()));
      e.delay_s_per_m = model_delay(gamma);
      e.ok = std::isfinite(e.delay_s_per_m);
    } catch (const std::invalid_argument&) {
      e.ok = false;  // parameters outside a model's domain: the step is refused
    }
    return e;
  };
  const double n_weight = std::sqrt(static_cast<double>(band.size()));
  // Relative residuals, relative to a smooth scale of the data rather than to each measured point
  // (a point near zero, at a resonance or in the noise at the top of a sweep, would dominate):
  // the least-squares c1 sqrt(f) + c2 f through a(f), the frequency dependence of conductor and
  // dielectric loss, floored at 1e-3 of its largest value.
  std::vector<double> scale(band.size());
  {
    Eigen::MatrixXd B(static_cast<Eigen::Index>(band.size()), 2);
    Eigen::VectorXd y(static_cast<Eigen::Index>(band.size()));
    for (std::size_t i = 0; i < band.size(); ++i) {
      const double f = measured.freq_hz[band[i]] / 1e9;
      B(static_cast<Eigen::Index>(i), 0) = std::sqrt(f);
      B(static_cast<Eigen::Index>(i), 1) = f;
      y[static_cast<Eigen::Index>(i)] = target[band[i]];
    }
    const Eigen::Vector2d c = B.colPivHouseholderQr().solve(y);
    double peak = 0.0;
    for (std::size_t i = 0; i < band.size(); ++i) peak = std::max(peak, scale[i] = (B.row(static_cast<Eigen::Index>(i)) * c)(0));
    if (!(peak > 0.0))
      throw std::invalid_argument(fmt::format("fit band {:g} ... {:g} GHz: the measured loss does not grow with frequency; "
                                              "not a line's loss", o.fit_from_hz / 1e9, top / 1e9));
    for (double& v : scale) v = std::max(v, 1e-3 * peak);
  }
  // Weights: 1 per point (uniform), or w_i^2 proportional to 1 / f_i, normalised to sum to the
  // number of points (octave: on a uniform grid every octave then weighs the same, instead of the
  // top octave holding half the points).
  std::vector<double> weight(band.size(), 1.0);
  if (o.weighting == FitWeighting::octave) {
    double sum = 0.0;
    for (std::size_t i = 0; i < band.size(); ++i) sum += 1.0 / measured.freq_hz[band[i]];
    for (std::size_t i = 0; i < band.size(); ++i)
      weight[i] = std::sqrt(static_cast<double>(band.size()) / measured.freq_hz[band[i]] / sum);
  }
  auto residuals = [&](const Evaluation& e) {
    Eigen::VectorXd r(static_cast<Eigen::Index>(m));
    for (std::size_t i = 0; i < band.size(); ++i)
      r[static_cast<Eigen::Index>(i)] = weight[i] * (e.loss_db_per_m[i] - target[band[i]]) / scale[i];
    r[static_cast<Eigen::Index>(m - 1)] = n_weight * (e.delay_s_per_m - measured.delay_s_per_m) / measured.delay_s_per_m;
    return r;
  };

  // Starts: Dk scaled so that the segment's delay meets the measured one (eps_eff is proportional
  // to Dk for a stripline, nearly so for a microstrip), the segment's Df, and the segment's
  // roughness followed by a grid of roughness values: the roughness factors saturate (Hammerstad,
  // Groisse) or flatten (Huray, delta >> a), so from one start the iteration can settle where the
  // roughness has no effect and Df takes all the loss. The lowest cost wins.
  Eigen::VectorXd x(p);
  const double dk_seg = d0.dk(o.reference_hz);
  const double eps_seg = std::pow(phy::c0 * line0.delay_s_per_m(o.reference_hz), 2);
  x[0] = std::clamp(dk_seg * measured.eps_eff / eps_seg, 1.05, 99.0);
  x[1] = std::log(std::clamp(d0.df(o.reference_hz), 1e-4, 0.1));
  std::vector<Eigen::VectorXd> starts;
  const phy::Roughness& r0 = line0.conductor().strip_roughness;
  if (par.model == phy::RoughnessModel::hammerstad || par.model == phy::RoughnessModel::groisse) {
    for (double rq : {r0.rms_m, 0.1e-6, 0.3e-6, 1e-6, 3e-6})
      if (rq > 0.0) {
        x[2] = std::log(rq);
        starts.push_back(x);
      }
  } else if (par.model == phy::RoughnessModel::huray) {
    if (r0.model == phy::RoughnessModel::huray && r0.nodule_radius_m > 0.0 && r0.surface_ratio > 0.0) {
      x[2] = std::log(r0.nodule_radius_m);
      x[3] = std::log(r0.surface_ratio);
      starts.push_back(x);
    }
    for (double a : {0.2e-6, 0.5e-6, 1.5e-6})
      for (double sr : {0.5, 2.0, 5.0}) {
        x[2] = std::log(a);
        x[3] = std::log(sr);
        starts.push_back(x);
      }
  } else {
    starts.push_back(x);
  }

  MaterialFit out;
  out.segment_name = seg.name;
  out.geometry = std::string(line0.geometry().kind());
  out.reference_hz = o.reference_hz;
  out.basis = line_line ? "line-line" : "difference";
  out.ill_conditioned_points = ill_conditioned;

  struct Run {
    Eigen::VectorXd x_start, x;
    Evaluation e;
    Eigen::VectorXd r;
    Eigen::MatrixXd J;
    double cost = std::numeric_limits<double>::infinity();
    bool converged = false, jac_ok = false;
    std::string reason;
    int iterations = 0;
  };
  auto jacobian = [&](Run& run) {
    run.J.resize(static_cast<Eigen::Index>(m), p);
    for (int j = 0; j < p; ++j) {
      // Central differences; the step is a small fraction of the parameter (Dk) or of its log.
      const double h = 1e-5 * std::max(1.0, std::abs(run.x[j]));
      Eigen::VectorXd xp = run.x, xm = run.x;
      xp[j] += h;
      xm[j] -= h;
      const Evaluation ep = evaluate(xp), em = evaluate(xm);
      // At the edge of a model's domain (Dk near 1, Df near 0.5) a one-sided difference.
      if (ep.ok && em.ok) run.J.col(j) = (residuals(ep) - residuals(em)) / (2.0 * h);
      else if (ep.ok) run.J.col(j) = (residuals(ep) - run.r) / h;
      else if (em.ok) run.J.col(j) = (run.r - residuals(em)) / h;
      else return false;
    }
    return true;
  };
  // Levenberg-Marquardt with Marquardt's scaling: (J^T J + lambda diag(J^T J)) dx = -J^T r.
  auto solve = [&](const Eigen::VectorXd& x0) {
    Run run;
    run.x_start = run.x = x0;
    run.e = evaluate(run.x);
    if (!run.e.ok) {
      run.reason = "the model cannot be evaluated at the start values";
      return run;
    }
    run.r = residuals(run.e);
    run.cost = run.r.squaredNorm();
    double lambda = 1e-3;
    run.jac_ok = jacobian(run);
    run.reason = "the iteration limit was reached";
    for (run.iterations = 0; run.jac_ok && run.iterations < o.max_iterations; ++run.iterations) {
      const Eigen::MatrixXd A = run.J.transpose() * run.J;
      const Eigen::VectorXd g = run.J.transpose() * run.r;
      if (g.lpNorm<Eigen::Infinity>() <= 1e-12 * std::max(1.0, run.cost)) {
        run.converged = true;
        run.reason = "the gradient vanished";
        break;
      }
      bool accepted = false;
      while (lambda < 1e12) {
        Eigen::MatrixXd Al = A;
        for (int j = 0; j < p; ++j) Al(j, j) += lambda * std::max(A(j, j), 1e-30);
        const Eigen::VectorXd dx = Al.ldlt().solve(-g);
        const Eigen::VectorXd xn = run.x + dx;
        const Evaluation en = evaluate(xn);
        if (en.ok) {
          const Eigen::VectorXd rn = residuals(en);
          const double cn = rn.squaredNorm();
          if (cn < run.cost) {
            const double drop = (run.cost - cn) / std::max(run.cost, 1e-300);
            const double step = (dx.array().abs() / (run.x.array().abs() + 1e-12)).maxCoeff();
            run.x = xn;
            run.r = rn;
            run.e = en;
            run.cost = cn;
            lambda = std::max(lambda / 10.0, 1e-12);
            accepted = true;
            if (drop < 1e-10 || step < 1e-9) {
              run.converged = true;
              run.reason = "the cost stopped decreasing (relative change below 1e-10)";
            }
            break;
          }
        }
        lambda *= 10.0;
      }
      if (!accepted) {
        // No step lowers the cost: a minimum when the gradient is small against the cost, else stuck.
        run.converged = g.norm() <= 1e-6 * std::max(1.0, std::sqrt(run.cost)) * std::sqrt(static_cast<double>(m));
        run.reason = run.converged ? "no step lowers the cost further (at a minimum)"
                                   : "no step lowers the cost, but the gradient is not small: stuck (try another "
                                     "--roughness model or a narrower band)";
        break;
      }
      run.jac_ok = jacobian(run);
      if (run.converged) break;
    }
    if (!run.jac_ok) {
      run.converged = false;
      run.reason = fmt::format("the model cannot be evaluated next to the parameters (Dk {:.4g}, Df {:.4g}{}): a model's "
                               "domain was left", run.x[0], std::exp(run.x[1]), p > 2 ? fmt::format(", roughness {:.4g}", std::exp(run.x[2])) : "");
    }
    return run;
  };
  Run best;
  int total_iterations = 0;
  for (const auto& x0 : starts) {
    Run run = solve(x0);
    total_iterations += run.iterations;
    // A converged run beats one that is not; among equals, the lower cost.
    if ((run.converged && !best.converged) || (run.converged == best.converged && run.cost < best.cost)) best = std::move(run);
  }
  if (!std::isfinite(best.cost))
    throw std::invalid_argument(fmt::format("--cross-section {}: segment {} cannot be evaluated at the start values",
                                            link.source, segment + 1));
  out.converged = best.converged;
  out.reason = best.reason + fmt::format(" (best of {} starts)", starts.size());
  out.iterations = total_iterations;
  x = best.x;
  const Eigen::VectorXd& x_start = best.x_start;
  const Evaluation& e = best.e;
  const Eigen::MatrixXd& J = best.J;
  const double cost = best.cost;
  const bool jac_ok = best.jac_ok;

  // Results at the final parameters.
  out.dk = x[0];
  out.df = std::exp(x[1]);
  out.roughness = par.roughness(x);
  out.line = build_line(x);
  Eigen::VectorXd sd = Eigen::VectorXd::Zero(p);
  // The residuals of neighbouring frequencies are correlated (launch ripple, the model's shape), so
  // they hold fewer independent observations than points: the variance is scaled by the
  // integrated autocorrelation time of the loss residuals in frequency order,
  // tau = 1 + 2 sum_k rho_k, summed while rho_k > 0 (m / tau independent points; N. F. Zhang,
  // "Calculation of the uncertainty of the mean of autocorrelated measurements", Metrologia 43,
  // 2006, S276; M. S. Bartlett, J. R. Stat. Soc. Suppl. 8, 1946).
  double tau = 1.0;
  if (jac_ok && band.size() > 2) {
    const Eigen::Index nb = static_cast<Eigen::Index>(band.size());
    const Eigen::VectorXd res = best.r.head(nb).array() - best.r.head(nb).mean();
    const double c0 = res.squaredNorm();
    for (Eigen::Index lag = 1; c0 > 0.0 && lag < nb; ++lag) {
      const double rho = res.head(nb - lag).dot(res.tail(nb - lag)) / c0;
      if (!(rho > 0.0)) break;
      tau += 2.0 * rho;
    }
  }
  out.uncertainty_inflation = std::sqrt(tau);
  if (jac_ok && m > static_cast<std::size_t>(p)) {
    const double s2 = tau * cost / static_cast<double>(m - static_cast<std::size_t>(p));
    const Eigen::MatrixXd cov = s2 * (J.transpose() * J).inverse();
    for (int j = 0; j < p; ++j) sd[j] = std::sqrt(std::max(cov(j, j), 0.0));
  }
  // Values and their standard deviations in their own units (d exp(y) = exp(y) dy).
  out.parameters.push_back({"dk", "", out.dk, sd[0], x_start[0]});
  out.parameters.push_back({"df", "", out.df, out.df * sd[1], std::exp(x_start[1])});
  if (par.model == phy::RoughnessModel::hammerstad || par.model == phy::RoughnessModel::groisse)
    out.parameters.push_back({"rq", "m", out.roughness.rms_m, out.roughness.rms_m * sd[2], std::exp(x_start[2])});
  if (par.model == phy::RoughnessModel::huray) {
    out.parameters.push_back({"nodule_radius", "m", out.roughness.nodule_radius_m, out.roughness.nodule_radius_m * sd[2],
                              std::exp(x_start[2])});
    out.parameters.push_back({"surface_ratio", "", out.roughness.surface_ratio, out.roughness.surface_ratio * sd[3],
                              std::exp(x_start[3])});
  }
  // A minimum on the edge of the domain (Dk at 1, Df or a roughness parameter run to zero) or
  // with a singular Jacobian is no fit.
  bool finite = true;
  for (const auto& q : out.parameters) finite = finite && std::isfinite(q.uncertainty) && q.value > 1e-30;
  if (out.converged && (!finite || out.dk < 1.001)) {
    out.converged = false;
    out.reason = fmt::format("the parameters ran to the edge of their range (Dk {:.4g}, Df {:.3g}{}): the data do not "
                             "determine them; check the cross-section, the lengths and the fit band (--fit-from, "
                             "--fit-to), or fit another --roughness model",
                             out.dk, out.df, finite ? "" : ", a parameter undetermined");
  }
  double sum2 = 0.0;
  for (std::size_t i = 0; i < band.size(); ++i) {
    const std::size_t k = band[i];
    out.freq_hz.push_back(grid[k]);
    out.measured_db_per_m.push_back(target[k]);
    out.model_db_per_m.push_back(e.loss_db_per_m[i]);
    out.residual_db_per_m.push_back(e.loss_db_per_m[i] - target[k]);
    const double rel = std::abs(out.residual_db_per_m.back()) / std::abs(target[k]);
    sum2 += rel * rel;
    if (rel > out.max_relative_error) {
      out.max_relative_error = rel;
      out.max_relative_error_freq_hz = grid[k];
    }
  }
  out.rms_relative_error = std::sqrt(sum2 / static_cast<double>(band.size()));
  // The same model against the plain 2L-1L difference at every frequency of [fit_from, top] (the
  // launches' ripple included).
  {
    const auto model_line = *out.line;
    double d2 = 0.0;
    std::size_t count = 0;
    for (std::size_t k = 0; k < grid.size(); ++k) {
      if (grid[k] < o.fit_from_hz || grid[k] > top) continue;
      const double model = phy::units::nepers_to_db(model_line.at(grid[k], false).gamma.real());
      const double rel = std::abs(model - measured.loss_db_per_m[k]) / std::abs(measured.loss_db_per_m[k]);
      d2 += rel * rel;
      ++count;
      if (rel > out.difference_max_relative_error) {
        out.difference_max_relative_error = rel;
        out.difference_max_relative_error_freq_hz = grid[k];
      }
    }
    out.difference_rms_relative_error = std::sqrt(d2 / static_cast<double>(std::max<std::size_t>(count, 1)));
  }
  out.measured_delay_s_per_m = measured.delay_s_per_m;
  out.model_delay_s_per_m = e.delay_s_per_m;
  return out;
}

}  // namespace phylane::workflows
