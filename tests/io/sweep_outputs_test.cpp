// The registry of sweep outputs (workflows/sweep_outputs.hpp): every command's scalars are well
// formed, each value equals what the command's own library call gives for that config, and
// outputs that do not apply say why. Here in io's tests because the cases are loaded presets.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <set>

#include "io/config.hpp"
#include "io/sweep.hpp"
#include "phy/units.hpp"
#include "solvers/loss_analysis.hpp"
#include "workflows/link_capacity.hpp"
#include "workflows/loss.hpp"
#include "workflows/sweep_outputs.hpp"

using namespace phylane;
using namespace phylane::io;
using namespace phylane::workflows;

namespace {
OutputRequest request(const std::string& command, const std::string& quantity, double at_hz = 0.0) {
  const CommandOutputs* c = find_sweep_command(command);
  REQUIRE(c != nullptr);
  OutputRequest r;
  r.command = command;
  r.quantity = quantity;
  r.label = command + "." + quantity;
  r.at_hz = at_hz;
  return r;
}
}  // namespace

TEST_CASE("every sweep output has a unique name, units and a description", "[io][sweep][unit]") {
  std::set<std::string> commands;
  for (const auto& c : sweep_commands()) {
    INFO(c.command);
    CHECK(commands.insert(c.command).second);
    CHECK_FALSE(c.summary.empty());
    CHECK(c.applies);
    CHECK(c.evaluate);
    std::set<std::string> names;
    for (const auto& s : c.scalars) {
      INFO(s.name);
      CHECK(names.insert(s.name).second);
      CHECK_FALSE(s.units.empty());
      CHECK_FALSE(s.description.empty());
    }
  }
  CHECK(commands == std::set<std::string>{"loss", "eye", "maxrate", "reach", "capacity"});
  CHECK(find_sweep_command("capacity") != nullptr);
  CHECK(find_sweep_command("nosuch") == nullptr);
}

TEST_CASE("sweep loss outputs are the loss analysis' values for the case, bit for bit", "[io][sweep][regression]") {
  const Config cfg = load_preset("pcie5-server");
  const CommandOutputs& loss = *find_sweep_command("loss");
  std::vector<OutputRequest> rq = {request("loss", "insertion_loss_db", 16e9), request("loss", "dielectric_db", 8e9),
                                   request("loss", "total_length_m")};
  std::vector<OutputRequest> curves = {request("loss", "insertion_loss_db")};
  const std::vector<double> freqs = solvers::loss_grid(20e9, 40);
  std::vector<double> v(rq.size()), cv(freqs.size());
  REQUIRE(loss.applies(cfg, {}, rq, curves).empty());
  loss.evaluate(sweep_case(Config(cfg)), {}, rq, v, curves, freqs, cv);

  // What `phylane loss --freq "16 GHz" --freq "8 GHz"` computes (app/cmd_loss.cpp).
  solvers::LossAnalysisOptions o;
  o.report_freqs_hz = {16e9, 8e9};
  o.fmax_hz = 20e9;
  o.points = 40;
  const auto a = solvers::analyze_loss(*cfg.copper(), o);
  CHECK(v[0] == a.at_report[0].total_db);
  CHECK(v[1] == a.at_report[1].dielectric_db);
  CHECK(v[2] == a.total_length_m);
  for (std::size_t k = 0; k < freqs.size(); ++k) {
    CHECK(a.sweep.freq_hz[k] == freqs[k]);
    CHECK(cv[k] == a.sweep.loss[k].total_db);
  }
}

TEST_CASE("sweep capacity outputs are the link's water-filling capacity", "[io][sweep][regression]") {
  const Config cfg = load_preset("pcie5-server");
  const CommandOutputs& cap = *find_sweep_command("capacity");
  std::vector<OutputRequest> rq = {request("capacity", "capacity_bps"), request("capacity", "used_bandwidth_hz")};
  CommandOptions opt;
  opt.values["points"] = 500;
  opt.values["bandwidth"] = 50e9;
  REQUIRE(cap.applies(cfg, opt, rq, {}).empty());
  std::vector<double> v(rq.size());
  cap.evaluate(sweep_case(Config(cfg)), opt, rq, v, {}, {}, {});
  workflows::LinkCapacityOptions co;
  co.points = 500;
  co.bandwidth_hz = 50e9;
  const auto c = workflows::link_capacity(cfg, co);
  CHECK(v[0] == c.result.capacity_bps);
  CHECK(v[1] == c.result.used_bandwidth_hz);
  CHECK(v[0] > 0.0);
}

TEST_CASE("a sweep output that does not apply to a config says why", "[io][sweep][validation]") {
  const Config loss_only = load_preset("megtron6-backplane");  // no [signal] section
  const auto eye = request("eye", "margin_db");
  CHECK_THAT(find_sweep_command("eye")->applies(loss_only, {}, std::vector<OutputRequest>{eye}, {}),
             Catch::Contains("[signal]"));
  CHECK_THAT(find_sweep_command("capacity")->applies(loss_only, {}, std::vector<OutputRequest>{request("capacity", "capacity_bps")}, {}),
             Catch::Contains("[signal]"));
  const Config optical = load_preset("dr4-400g-lane");
  auto il = request("loss", "insertion_loss_db", 10e9);
  CHECK_THAT(find_sweep_command("loss")->applies(optical, {}, std::vector<OutputRequest>{il}, {}),
             Catch::Contains("copper"));
  CHECK(find_sweep_command("loss")->applies(optical, {}, std::vector<OutputRequest>{request("loss", "path_loss_db")}, {}).empty());
}

TEST_CASE("sweep optical loss outputs are the link's power budget, bit for bit", "[io][sweep][regression]") {
  const Config cfg = load_preset("dr4-400g-lane");
  const CommandOutputs& loss = *find_sweep_command("loss");
  std::vector<OutputRequest> rq = {request("loss", "path_loss_db"), request("loss", "received_oma_dbm"),
                                   request("loss", "electrical_power_w")};
  REQUIRE(loss.applies(cfg, {}, rq, {}).empty());
  std::vector<double> v(rq.size());
  loss.evaluate(sweep_case(Config(cfg)), {}, rq, v, {}, {}, {});
  // What `phylane loss` reports for an optical config (io/loss_output.cpp: the link's budget).
  CHECK(v[0] == cfg.optical()->path_loss_db());
  CHECK(v[1] == phy::units::watts_to_dbm(cfg.optical()->received_oma_w()));
  CHECK(v[2] == cfg.optical()->electrical_power_w());
}
