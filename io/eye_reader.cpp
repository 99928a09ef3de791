// Reading [signal], [tx] and [rx]: the signalling, transmitter and receiver of a link, for
// `phylane eye` (and the rate and reach searches). Format in docs/eye.md.
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <string>

#include "io/detail/eye_reader.hpp"
#include "channels/filters.hpp"
#include "workflows/engine_limits.hpp"

namespace phylane::io::detail {

namespace {


// A jitter value given in UI ("0.01 UI") or as a time ("0.3 ps"), returned in UI.
std::optional<double> read_ui(TableReader& t, std::string_view key, double baud, double max_ui,
                              double* seconds = nullptr) {
  t.accept(key);
  const toml::node* n = t.input().get(key);
  if (!n) {
    t.output().insert_or_assign(key, "0 UI");
    return 0.0;
  }
  const auto s = n->value_exact<std::string>();
  std::optional<double> ui;
  std::string err;
  if (s) {
    std::string txt = *s;
    const auto end = txt.find_last_not_of(" \t");
    txt = txt.substr(0, end + 1);
    if (txt.size() > 2 && txt.compare(txt.size() - 2, 2, "UI") == 0) {
      const auto num = txt.substr(0, txt.size() - 2);
      char* stop = nullptr;
      const double v = std::strtod(num.c_str(), &stop);
      if (stop && stop != num.c_str() && std::string(stop).find_first_not_of(" \t") == std::string::npos) ui = v;
      else err = "must be a number of UI or a time, e.g. \"0.01 UI\", \"0.3 ps\"";
    } else {
      const auto q = parse_quantity(txt, Dimension::time);
      if (q.value) {
        ui = *q.value * baud;
        if (seconds) *seconds = *q.value;
      } else {
        err = "must be in UI or a time: " + q.error;
      }
    }
  } else {
    err = "must be a string with UI or a time unit, e.g. \"0.01 UI\", \"0.3 ps\"";
  }
  if (!ui) {
    t.context().error(n, t.key_path(key), node_text(*n), err);
    return std::nullopt;
  }
  if (!(*ui >= 0.0 && *ui < max_ui)) {
    t.context().error(n, t.key_path(key), node_text(*n),
                      "must be from 0 to below " + std::to_string(max_ui).substr(0, 4) + " UI");
    return std::nullopt;
  }
  t.output().insert_or_assign(key, *s);
  return ui;
}

// FFE side taps: each element a number (fixed tap) or a table {min, max, step} (searched).
std::optional<std::vector<channels::TapRange>> read_taps(TableReader& t, std::string_view key, bool& search) {
  t.accept(key);
  const toml::node* n = t.input().get(key);
  if (!n) return std::vector<channels::TapRange>{};
  const toml::array* a = n->as_array();
  if (!a) {
    t.context().error(n, t.key_path(key), node_text(*n),
                      "must be a list of taps: numbers (fixed) or {min, max, step} tables (searched)");
    return std::nullopt;
  }
  std::vector<channels::TapRange> out;
  bool ok = true;
  for (std::size_t i = 0; i < a->size(); ++i) {
    const auto& el = (*a)[i];
    const std::string kp = t.key_path(key) + "[" + std::to_string(i + 1) + "]";
    if (auto v = el.value<double>(); v && el.is_number()) {
      if (!(*v > -1.0 && *v < 1.0)) {
        t.context().error(&el, kp, node_text(el), "a tap must be between -1 and 1 (taps are normalised)");
        ok = false;
      }
      out.push_back({*v, *v, 0.0});
    } else if (const toml::table* tb = el.as_table()) {
      const auto mn = tb->get("min") ? (*tb)["min"].value<double>() : std::nullopt;
      const auto mx = tb->get("max") ? (*tb)["max"].value<double>() : std::nullopt;
      const auto st = tb->get("step") ? (*tb)["step"].value<double>() : std::nullopt;
      if (!mn || !mx || !st || !(*mn <= *mx) || !(*st > 0.0) || *mn <= -1.0 || *mx >= 1.0 || tb->size() != 3) {
        t.context().error(&el, kp, node_text(el),
                          "must be {min = ..., max = ..., step = ...} with -1 < min <= max < 1 and step > 0");
        ok = false;
        continue;
      }
      out.push_back({*mn, *mx, *st});
      if (*mx > *mn) search = true;
    } else {
      t.context().error(&el, kp, node_text(el), "must be a number or a {min, max, step} table");
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  n->visit([&](auto&& v) { t.output().insert_or_assign(key, v); });
  return out;
}

// A list of dB values, or a {from, to, step} range in dB.
std::optional<std::vector<double>> read_db_list(TableReader& t, std::string_view key, std::string_view default_from,
                                                std::string_view default_to, std::string_view default_step) {
  t.accept(key);
  const toml::node* n = t.input().get(key);
  auto expand = [](double from, double to, double step) {
    std::vector<double> v;
    for (int i = 0;; ++i) {
      const double x = from + i * step;
      if (x > to + 1e-9 * std::abs(step)) break;
      v.push_back(x);
      if (v.size() > 10000) break;
    }
    return v;
  };
  if (!n) {
    t.output().insert_or_assign(key, toml::table{{"from", std::string(default_from)}, {"to", std::string(default_to)},
                                                 {"step", std::string(default_step)}});
    return expand(*parse_quantity(default_from, Dimension::decibel).value,
                  *parse_quantity(default_to, Dimension::decibel).value,
                  *parse_quantity(default_step, Dimension::decibel).value);
  }
  if (n->is_table()) {
    auto r = t.table(key, true);
    const auto from = r->quantity("from", Dimension::decibel, Rule::between(-60.0, 60.0), true);
    const auto to = r->quantity("to", Dimension::decibel, Rule::between(-60.0, 60.0), true);
    const auto step = r->quantity_or("step", Dimension::decibel, Rule::between(0.0, 60.0, false, true), "1 dB");
    r->finish();
    if (!from || !to || !step) return std::nullopt;
    if (*to < *from) {
      t.context().error(n, t.key_path(key), node_text(*n), "empty range: 'to' is below 'from'");
      return std::nullopt;
    }
    return expand(*from, *to, *step);
  }
  return t.quantity_list(key, Dimension::decibel, Rule::between(-60.0, 60.0), true);
}

}  // namespace

void read_eye_sections(TableReader& root, ReceiverKind kind, std::optional<channels::LinkSignalling>& out) {
  const bool optical = kind == ReceiverKind::optical;
  Context& ctx = root.context();
  auto sig = root.table("signal", false);
  if (!sig) {
    for (auto k : {"tx", "rx"})
      if (root.has(k)) root.reject(k, "[" + std::string(k) + "] needs a [signal] section (rate, modulation)");
      else root.accept(k);
    return;
  }
  channels::LinkSignalling es;
  auto& spec = es.spec;
  bool ok = true;

  // [signal]
  const auto mod_name = sig->text_or("modulation", "nrz");
  const auto modulation = mod_name ? channels::parse_modulation(*mod_name) : std::nullopt;
  if (mod_name && !modulation) {
    ctx.error(sig->input().get("modulation"), sig->key_path("modulation"), "\"" + *mod_name + "\"",
              "must be " + std::string(channels::allowed_modulations()) +
                  " (Gray-coded PAM-M with M a power of two carries log2(M) bits per symbol)");
    ok = false;
  }
  es.modulation = modulation.value_or(channels::Modulation::nrz);
  spec.levels = channels::levels(es.modulation);
  // One rate vocabulary (channels/modulation.hpp): Bd is the symbol rate; b/s and T/s (PCIe
  // transfers, one raw bit each) are the line bit rate.
  const auto rate = sig->quantity("rate", Dimension::data_rate, Rule::positive(), true);
  if (rate) {
    const auto parsed = parse_rate(sig->input()["rate"].value_or(std::string()));
    es.rate = parsed.rate.value_or(channels::LineRate{*rate, channels::RateUnit::bit});
    spec.symbol_rate_baud = es.rate.symbol_rate_baud(es.modulation);
    es.data_rate_bps = es.rate.bit_rate_bps(es.modulation);
    // The engines' range (workflows/engine_limits.hpp), refused here with the file and line.
    if (const std::string why = workflows::symbol_rate_problem(spec.symbol_rate_baud); !why.empty()) {
      ctx.error(sig->input().get("rate"), sig->key_path("rate"), node_text(*sig->input().get("rate")), why);
      ok = false;
    }
  } else {
    ok = false;
  }
  const auto ber = sig->number_or("target_ber", Rule::between(1e-20, 0.1), 1e-12);
  const auto spu = sig->integer_or("samples_per_ui", Rule::between(2, 256), 32);
  if (spu && *spu % 2 != 0) {
    ctx.error(sig->input().get("samples_per_ui"), sig->key_path("samples_per_ui"), std::to_string(*spu),
              "must be an even whole number from 2 to 256");
    ok = false;
  }
  const auto rec = sig->integer_or("record_ui", Rule::between(8, 4096), 64);
  const auto pre = sig->integer_or("precursor_ui", Rule::between(1, 64), 8);
  // What "meets the target" requires (the rate and reach searches): margin over the BER target and
  // an eye mask, e.g. PCIe 5.0 Rx: 15 mV x 0.3 UI at 1e-12 (PCI Express Base Specification 5.0,
  // Rx stressed-eye calibration); IEEE 802.3ck: COM >= 3 dB.
  const auto req_margin = sig->quantity_or("required_margin", Dimension::decibel, Rule::between(-20.0, 40.0), "0 dB");
  // The mask may differ per modulation: a value for all, or a table keyed by modulation, e.g.
  // min_eye_height = { nrz = "15 mV", pam4 = "6 mV" } (PCIe 5.0 NRZ / PCIe 6.0 PAM4).
  auto read_mask = [&](std::string_view key, bool voltage, double& all, std::map<int, double>& per) {
    sig->accept(key);
    const toml::node* n = sig->input().get(key);
    if (!n) return;
    auto one = [&](const toml::node& el, const std::string& kp) -> std::optional<double> {
      if (voltage) {
        const auto sv = el.value_exact<std::string>();
        const auto q = sv ? parse_quantity(*sv, Dimension::voltage) : ParsedQuantity{};
        if (!sv || !q.value || *q.value < 0.0) {
          ctx.error(&el, kp, node_text(el), !sv ? "must be a voltage string like \"15 mV\"" : (q.value ? "must be >= 0" : q.error));
          return std::nullopt;
        }
        return *q.value;
      }
      const auto v = el.value<double>();
      if (!v || !el.is_number() || *v < 0.0 || *v > 1.0) {
        ctx.error(&el, kp, node_text(el), "must be a number of UI from 0 to 1");
        return std::nullopt;
      }
      return *v;
    };
    if (const toml::table* t = n->as_table()) {
      for (const auto& [k, v] : *t) {
        const std::string kp = sig->key_path(key) + "." + std::string(k.str());
        const auto mod = channels::parse_modulation(k.str());
        if (!mod) {
          ctx.error(&v, kp, node_text(v), "keys must be modulations: " + std::string(channels::allowed_modulations()));
          ok = false;
          continue;
        }
        if (const auto x = one(v, kp)) per[channels::levels(*mod)] = *x;
        else ok = false;
      }
    } else if (const auto x = one(*n, sig->key_path(key))) {
      all = *x;
    } else {
      ok = false;
    }
    n->visit([&](auto&& v) { sig->output().insert_or_assign(key, v); });
  };
  read_mask("min_eye_height", true, es.min_eye_height_v, es.min_eye_height_by_levels);
  read_mask("min_eye_width", false, es.min_eye_width_ui, es.min_eye_width_by_levels);
  // The lane's FEC (channels/fec.hpp), for all modulations or per modulation, e.g.
  // fec = { nrz = "none", pam4 = "pcie6-flit" } (PCIe 5.0 NRZ without FEC, PCIe 6.0 PAM4 FLIT mode).
  // Its pre-FEC requirement is the target BER of that modulation unless target_ber is given.
  {
    sig->accept("fec");
    if (const toml::node* n = sig->input().get("fec")) {
      auto one = [&](const toml::node& el, const std::string& kp) -> std::optional<std::string> {
        const auto sv = el.value_exact<std::string>();
        if (!sv || !channels::find_fec(*sv)) {
          ctx.error(&el, kp, node_text(el), "must be " + channels::allowed_fecs() + " (docs/fec.md)");
          return std::nullopt;
        }
        return *sv;
      };
      if (const toml::table* t = n->as_table()) {
        for (const auto& [k, v] : *t) {
          const std::string kp = sig->key_path("fec") + "." + std::string(k.str());
          const auto mod = channels::parse_modulation(k.str());
          if (!mod) {
            ctx.error(&v, kp, node_text(v), "keys must be modulations: " + std::string(channels::allowed_modulations()));
            ok = false;
          } else if (const auto f = one(v, kp)) {
            es.fec_by_levels[channels::levels(*mod)] = *f;
          } else {
            ok = false;
          }
        }
      } else if (const auto f = one(*n, sig->key_path("fec"))) {
        es.fec = *f;
      } else {
        ok = false;
      }
      n->visit([&](auto&& v) { sig->output().insert_or_assign("fec", v); });
    }
  }
  es.target_ber_given = sig->input().get("target_ber") != nullptr;
  // The resolved config keeps the FEC deciding the target: a default target_ber written out would
  // read back as given.
  if (!es.target_ber_given && (es.fec != "none" || !es.fec_by_levels.empty())) sig->output().erase("target_ber");
  sig->finish();
  if (!ber || !spu || !rec || !pre || !req_margin) ok = false;
  es.required_margin_db = req_margin.value_or(0.0);
  es.target_ber = ber.value_or(1e-12);
  spec.target_ber = es.target_ber_for(spec.levels);
  spec.samples_per_ui = static_cast<int>(spu.value_or(32));
  spec.record_ui = static_cast<int>(rec.value_or(64));
  spec.precursor_ui = static_cast<int>(pre.value_or(8));
  const double baud = spec.symbol_rate_baud > 0.0 ? spec.symbol_rate_baud : 1.0;

  // [tx]
  auto tx = root.table("tx", false);
  if (!tx) root.accept("tx");
  if (tx) {
    if (optical) {
      tx->reject("swing", "an optical transmitter's levels come from [channel.laser] and [channel.modulator]");
    } else if (kind == ReceiverKind::pulse) {
      tx->reject("swing", "a pulse response already carries the transmitted amplitude");
      tx->reject("rise_time", "a pulse response already carries the transmitter's edge");
    } else {
      const auto swing = tx->quantity_or("swing", Dimension::voltage, Rule::between(0.0, 10.0, false, true), "0.8 V");
      if (swing) spec.tx_amplitude_v = 0.5 * *swing;
      else ok = false;
    }
    const auto rise = tx->quantity_or("rise_time", Dimension::time, Rule::between(0.0, 1e-9), "0 ps");
    if (rise && *rise > 0.0) spec.tx_edge = channels::TxEdgeFilter::gaussian(*rise);
    if (!rise) ok = false;
    bool search = false;
    const auto pre_taps = read_taps(*tx, "ffe_pre", search);
    const auto post_taps = read_taps(*tx, "ffe_post", search);
    if (pre_taps) spec.ffe_pre = *pre_taps; else ok = false;
    if (post_taps) spec.ffe_post = *post_taps; else ok = false;
    es.ffe_search = search;
    const auto mm = tx->number_or("ffe_main_min", Rule::between(0.0, 1.0, true, false), 0.0);
    spec.ffe_main_min = mm.value_or(0.0);
    const auto rj = read_ui(*tx, "rj", baud, 0.5, &es.recipe.rj_s);
    const auto dj = read_ui(*tx, "dj", baud, 1.0, &es.recipe.dj_s);
    if (rj && dj) spec.jitter = {*rj, *dj};
    else ok = false;
    const auto snr = tx->quantity("snr", Dimension::decibel, Rule::between(0.0, 200.0), false);
    if (snr) spec.tx_snr_db = *snr;
    tx->finish();
  } else if (!optical) {
    spec.tx_amplitude_v = 0.4;
    root.output().insert_or_assign("tx", toml::table{{"swing", "0.8 V"}});
  }

  // [rx]
  auto rx = root.table("rx", false);
  toml::table empty;
  if (!rx) {
    // Absent: read the defaults from an empty table, recording them in the resolved config.
    root.accept("rx");
    root.output().insert_or_assign("rx", toml::table{});
  }
  TableReader rx_default(ctx, empty, *root.output().get_as<toml::table>("rx"), "rx");
  TableReader& r = rx ? *rx : rx_default;
  if (optical) {
    for (auto k : {"noise_psd", "noise_rms", "filter", "filter_order", "bandwidth", "bandwidth_ratio"})
      r.reject(k, "an optical receiver's noise and bandwidth come from [channel.receiver]");
  } else if (kind == ReceiverKind::pulse) {
    for (auto k : {"noise_psd", "filter", "filter_order", "bandwidth", "bandwidth_ratio"})
      r.reject(k, "a pulse response is already at the decision point: give noise_rms");
    const auto rms = r.quantity("noise_rms", Dimension::voltage, Rule::between(0.0, 10.0, false, true), true);
    if (rms) spec.noise_rms_v = *rms;
    else ok = false;
  } else {
    if (r.has("noise_rms")) {
      r.reject("noise_psd", "give either noise_rms (at the decision point) or noise_psd (at the receiver input)");
      const auto rms = r.quantity("noise_rms", Dimension::voltage, Rule::between(0.0, 10.0, false, true), true);
      if (rms) spec.noise_rms_v = *rms;
      else ok = false;
    } else {
      r.accept("noise_rms");
      // COM's receiver noise eta0 = 5.2e-8 V^2/GHz (IEEE 802.3 Annex 93A, Table 93A-1 / 93-8).
      const auto psd = r.quantity_or("noise_psd", Dimension::power_psd, Rule::between(0.0, 1e-6), "5.2e-8 V^2/GHz");
      spec.noise_psd_v2_per_hz = psd.value_or(0.0);
      if (!psd) ok = false;
    }
    const auto ftype = r.choice<channels::RxFilterType>(
        "filter",
        [](std::string_view s) -> std::optional<channels::RxFilterType> {
          if (s == "none") return channels::RxFilterType::none;
          if (s == "butterworth") return channels::RxFilterType::butterworth;
          if (s == "bessel-thomson") return channels::RxFilterType::bessel_thomson;
          return std::nullopt;
        },
        "butterworth, bessel-thomson, none", "butterworth");
    const auto order = r.integer_or("filter_order", Rule::between(1, 10), 4);
    std::optional<double> f3db;
    if (r.has("bandwidth")) {
      r.reject("bandwidth_ratio", "give either bandwidth or bandwidth_ratio");
      f3db = r.quantity("bandwidth", Dimension::frequency, Rule::positive(), true);
      if (f3db) es.recipe.rx_bandwidth_hz = *f3db;
    } else {
      r.accept("bandwidth");
      // COM's receiver filter at f_r = 0.75 f_b (IEEE 802.3 Annex 93A, eq. 93A-20).
      const auto ratio = r.number_or("bandwidth_ratio", Rule::between(0.05, 10.0), 0.75);
      if (ratio) {
        f3db = *ratio * baud;
        es.recipe.rx_bandwidth_ratio = *ratio;
      }
    }
    if (ftype && order && f3db) {
      spec.rx_filter = channels::RxFilter::make(*ftype, static_cast<int>(*order), *f3db);
      es.recipe.rx_type = *ftype;
      es.recipe.rx_order = static_cast<int>(*order);
    } else {
      ok = false;
    }
  }
  if (kind == ReceiverKind::pulse)
    for (auto k : {"ctle", "ctle_gdc", "ctle_gdc2", "ctle_fz", "ctle_fp1", "ctle_fp2", "ctle_flf", "ctle_zeros",
                   "ctle_poles", "ctle_gain"})
      r.reject(k, "a CTLE needs a frequency response: give the channel as an impulse response");
  const auto ctle = r.choice<std::string>("ctle", detail::one_of_names({"none", "com", "com-ck", "generic"}),
      "none, com, com-ck, generic", "none");
  // A COM CTLE corner frequency. One given explicitly is kept in the recipe and stays fixed when the
  // rate changes; the default (default_hz, a fraction of the symbol rate) follows the rate.
  auto ctle_corner = [&](const char* key, double& recipe_hz, double default_hz) {
    if (r.has(key)) recipe_hz = r.quantity(key, Dimension::frequency, Rule::positive(), true).value_or(0.0);
    return r.quantity_or(key, Dimension::frequency, Rule::positive(), format_quantity(default_hz, Dimension::frequency));
  };
  if (ctle && *ctle == "com-ck") {
    // IEEE 802.3ck-2022 amendment of 93A-22: the 802.3bj CTLE times a low-frequency pole/zero
    // pair (channels::Ctle::com_ck). Defaults are the 802.3ck KR/CR/C2C values relative to the
    // symbol rate: g_DC -20 ... 0 dB, g_DC2 -6 ... 0 dB (1 dB steps), f_z = f_p1 = f_b/2.5,
    // f_p2 = f_b, f_LF = f_b/80 (data/standards/ethernet.toml [kr1_ck]).
    const auto g = read_db_list(r, "ctle_gdc", "-20 dB", "0 dB", "1 dB");
    const auto g2 = read_db_list(r, "ctle_gdc2", "-6 dB", "0 dB", "1 dB");
    const auto fz = ctle_corner("ctle_fz", es.recipe.ctle_fz_hz, baud / 2.5);
    const auto fp1 = ctle_corner("ctle_fp1", es.recipe.ctle_fp1_hz, baud / 2.5);
    const auto fp2 = ctle_corner("ctle_fp2", es.recipe.ctle_fp2_hz, baud);
    const auto flf = ctle_corner("ctle_flf", es.recipe.ctle_flf_hz, baud / 80.0);
    if (g && g2 && fz && fp1 && fp2 && flf) {
      for (double gdb2 : *g2)
        for (double gdb : *g) spec.ctle.push_back(channels::Ctle::com_ck(gdb, gdb2, *fz, *fp1, *fp2, *flf));
      es.ctle_search = spec.ctle.size() > 1;
      es.recipe.ctle = channels::CtleType::com_ck;
      es.recipe.ctle_gdc_db = *g;
      es.recipe.ctle_gdc2_db = *g2;
    } else {
      ok = false;
    }
    for (auto k : {"ctle_zeros", "ctle_poles", "ctle_gain"}) r.reject(k, "applies to ctle = \"generic\"");
  } else if (ctle && *ctle == "com") {
    const auto g = read_db_list(r, "ctle_gdc", "-12 dB", "0 dB", "1 dB");
    const auto fz = ctle_corner("ctle_fz", es.recipe.ctle_fz_hz, baud / 4.0);
    const auto fp1 = ctle_corner("ctle_fp1", es.recipe.ctle_fp1_hz, baud / 4.0);
    const auto fp2 = ctle_corner("ctle_fp2", es.recipe.ctle_fp2_hz, baud);
    if (g && fz && fp1 && fp2) {
      for (double gdb : *g) spec.ctle.push_back(channels::Ctle::com(gdb, *fz, *fp1, *fp2));
      es.ctle_search = g->size() > 1;
      es.recipe.ctle = channels::CtleType::com;
      es.recipe.ctle_gdc_db = *g;
    } else {
      ok = false;
    }
    for (auto k : {"ctle_zeros", "ctle_poles", "ctle_gain"}) r.reject(k, "applies to ctle = \"generic\"");
    for (auto k : {"ctle_gdc2", "ctle_flf"}) r.reject(k, "applies to ctle = \"com-ck\"");
  } else if (ctle && *ctle == "generic") {
    const auto zeros = r.quantity_list("ctle_zeros", Dimension::frequency, Rule::positive(), true);
    const auto poles = r.quantity_list("ctle_poles", Dimension::frequency, Rule::positive(), true);
    const auto gain = r.quantity_or("ctle_gain", Dimension::decibel, Rule::between(-60.0, 60.0), "0 dB");
    if (zeros && poles && gain) {
      spec.ctle.push_back(channels::Ctle::generic(*gain, *zeros, *poles));
      es.recipe.ctle = channels::CtleType::generic;  // absolute corners: the same CTLE at every rate
    }
    else ok = false;
    for (auto k : {"ctle_gdc", "ctle_fz", "ctle_fp1", "ctle_fp2"}) r.reject(k, "applies to ctle = \"com\" or \"com-ck\"");
    for (auto k : {"ctle_gdc2", "ctle_flf"}) r.reject(k, "applies to ctle = \"com-ck\"");
  } else {
    for (auto k : {"ctle_gdc", "ctle_gdc2", "ctle_fz", "ctle_fp1", "ctle_fp2", "ctle_flf", "ctle_zeros", "ctle_poles",
                   "ctle_gain"})
      r.reject(k, "set ctle = \"com\", \"com-ck\" or \"generic\" to use it");
  }
  const auto taps = r.integer_or("dfe_taps", Rule::between(0, 64), 0);
  if (taps) {
    spec.dfe_taps = static_cast<int>(*taps);
    if (spec.dfe_taps >= spec.record_ui - spec.precursor_ui) {
      ctx.error(r.input().get("dfe_taps"), r.key_path("dfe_taps"), std::to_string(*taps),
                "more DFE taps than post-cursors in the record (" +
                    std::to_string(spec.record_ui - spec.precursor_ui - 1) + "); raise [signal] record_ui");
      ok = false;
    }
  } else {
    ok = false;
  }
  // DFE limits: numbers are relative to the main cursor (COM b_max), voltages are absolute.
  r.accept("dfe_limits");
  if (const toml::node* n = r.input().get("dfe_limits")) {
    const toml::array* a = n->as_array();
    if (!a) {
      ctx.error(n, r.key_path("dfe_limits"), node_text(*n), "must be a list: numbers (relative) or voltages");
      ok = false;
    } else {
      for (std::size_t i = 0; i < a->size(); ++i) {
        const auto& el = (*a)[i];
        const std::string kp = r.key_path("dfe_limits") + "[" + std::to_string(i + 1) + "]";
        if (auto v = el.value<double>(); v && el.is_number()) {
          if (!(*v >= 0.0 && *v <= 2.0)) {
            ctx.error(&el, kp, node_text(el), "a relative limit must be from 0 to 2 (fraction of the main cursor)");
            ok = false;
          }
          spec.dfe_limits.max_rel.push_back(*v);
          spec.dfe_limits.max_abs_v.push_back(std::numeric_limits<double>::infinity());
        } else if (auto sv = el.value_exact<std::string>()) {
          const auto q = parse_quantity(*sv, Dimension::voltage);
          if (!q.value || *q.value < 0.0) {
            ctx.error(&el, kp, node_text(el), q.value ? "must be >= 0" : q.error);
            ok = false;
          } else {
            spec.dfe_limits.max_rel.push_back(std::numeric_limits<double>::infinity());
            spec.dfe_limits.max_abs_v.push_back(*q.value);
          }
        } else {
          ctx.error(&el, kp, node_text(el), "must be a number (relative) or a voltage string");
          ok = false;
        }
      }
      n->visit([&](auto&& v) { r.output().insert_or_assign("dfe_limits", v); });
    }
  }
  // The statistical eye's sampling rule and margin construction (docs/eye.md, "Sampling rule and
  // COM's PDFs"): the defaults are the eye's own; "com" takes IEEE 802.3 Annex 93A's.
  // Read only when given, so that a config without them resolves as before.
  std::optional<channels::EyeSampling> sampling = channels::EyeSampling::tallest;
  std::optional<channels::EyePdf> pdf = channels::EyePdf::statistical;
  r.accept("sampling");
  r.accept("pdf");
  if (r.has("sampling"))
    sampling = r.choice<channels::EyeSampling>(
        "sampling",
        detail::one_of({channels::EyeSampling::tallest, channels::EyeSampling::com, channels::EyeSampling::com_peak,
                        channels::EyeSampling::com_rise}),
        "tallest, com, com-peak, com-rise", std::nullopt);
  if (r.has("pdf"))
    pdf = r.choice<channels::EyePdf>("pdf", detail::one_of({channels::EyePdf::statistical, channels::EyePdf::com}),
                                     "statistical, com", std::nullopt);
  if (sampling) spec.sampling = *sampling;
  else ok = false;
  if (pdf) spec.pdf = *pdf;
  else ok = false;
  if (pdf && *pdf == channels::EyePdf::com) {
    if (sampling && *sampling == channels::EyeSampling::tallest) {
      ctx.error(r.input().get("pdf"), r.key_path("pdf"), "\"com\"",
                "needs rx.sampling = \"com\", \"com-peak\" or \"com-rise\": COM's PDFs are taken at COM's sampling "
                "point, not at the tallest eye");
      ok = false;
    }
    if (optical) {
      ctx.error(r.input().get("pdf"), r.key_path("pdf"), "\"com\"",
                "is not allowed with an optical receiver: COM's PDFs take one Gaussian noise, not level-dependent "
                "noise; use pdf = \"statistical\"");
      ok = false;
    }
  }
  // COM's rule reads b_max(1) relative to h(0) (93A-25): an absolute first DFE limit has none.
  if (sampling && *sampling != channels::EyeSampling::tallest && spec.dfe_taps > 0 && !spec.dfe_limits.max_abs_v.empty() &&
      std::isfinite(spec.dfe_limits.max_abs_v.front())) {
    const toml::node* n = r.input().get("dfe_limits");
    const toml::node* first = n && n->as_array() && !n->as_array()->empty() ? &(*n->as_array())[0] : n;
    ctx.error(first, r.key_path("dfe_limits") + "[1]", first ? node_text(*first) : "",
              "must be a number (relative to the main cursor, COM's b_max(1)) with sampling = \"" +
                  channels::to_string(*sampling) + "\": COM's sampling rule takes the first tap at its relative limit");
    ok = false;
  }
  r.finish();
  if (ok) out = es;
}

}  // namespace phylane::io::detail
