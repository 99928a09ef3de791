#pragma once
// Helpers shared by the subcommands, each written once: the exit-code contract, loading a link
// from a config file or a preset, option parsing for rates, lengths, frequencies and modulations,
// and the text of a search criterion. The exit codes are documented in docs/cli.md.
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "channels/modulation.hpp"
#include "channels/network_ops.hpp"
#include "channels/port_figures.hpp"
#include "io/config.hpp"

namespace CLI {
class App;
}

namespace phylane::solvers {
struct EyeAnalysis;
}

namespace phylane::app {

/// Keeps freed memory in glibc's arenas (trim threshold 256 MB, mmap threshold 32 MB) instead of
/// handing it back to the kernel and faulting it in again page by page on the next allocation;
/// called once by main. No effect on values; a no-op on other C libraries.
void keep_freed_memory();

/// The one exit-code contract of every subcommand (docs/cli.md).
namespace exit_code {
inline constexpr int answered = 0;     ///< answered, and the answer meets the target
inline constexpr int failure = 1;      ///< a failure inside phylane (numeric, I/O)
inline constexpr int bad_input = 2;    ///< bad input; nothing written
inline constexpr int negative = 3;     ///< answered, but no: closed eye, no rate, no reach, a check fails
inline constexpr int interrupted = 130;  ///< Ctrl-C (SIGINT), SIGTERM or SIGHUP; nothing written
/// What `sweep` exits with when a signal stopped it (its file keeps the finished cases).
inline constexpr int by_signal(int signal) { return 128 + signal; }
}  // namespace exit_code

/// Runs a subcommand body and maps failures to exit codes, printing the message on stderr:
/// io::InputError and std::invalid_argument (bad input) -> 2; an interrupted search (Ctrl-C) ->
/// "interrupted", 130; any other exception -> 1. A body that returns normally after Ctrl-C
/// arrived also ends with 130 (its result is not trusted: it may be partial), unless it returned
/// exit_code::by_signal of that signal: it has reported the interrupt itself (sweep).
int guarded(const std::function<int()>& body);

/// A subcommand as main() sees it: its CLI11 node and the function that runs it.
struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

/// Registers a subcommand whose flags bind to an Args value it owns:
/// `command<LossArgs>(cli, register_loss, run_loss)`.
template <class Args>
Command command(CLI::App& cli, CLI::App* (*registrar)(CLI::App&, Args&), int (*runner)(const Args&)) {
  auto args = std::make_shared<Args>();
  CLI::App* node = registrar(cli, *args);
  return Command{node, [args, runner] { return runner(*args); }};
}

/// The flags every link command has in common, added the same way everywhere.
struct LinkInput {
  std::string config;   ///< positional config file (TOML), or a Touchstone file as the whole channel
  std::string preset;   ///< --preset NAME (an embedded link, `phylane presets`)
  std::string command;  ///< the subcommand's name, set by add_link_input (for messages)
};
/// True when the positional input is a Touchstone file (io::is_touchstone_path), not a config.
bool touchstone_input(const LinkInput& in);

/// The [signal] of a Touchstone file given as the whole link, from a command's flags (as typed;
/// "" when not given). Checked by load_link with the flags' names in the messages.
struct SignalFlags {
  std::string rate;        ///< --rate (required)
  std::string modulation;  ///< --modulation (default nrz)
};
/// Adds the positional config and --preset NAME.
void add_link_input(CLI::App& c, LinkInput& in, const std::string& config_help = "Config file (TOML); default: the default preset");
/// Adds --preset NAME bound to `name`; `old_spelling` ("--system"), when given, is kept as a
/// hidden deprecated alias that still works (with a warning on stderr).
void add_preset_option(CLI::App& c, std::string& name, const std::string& help, const std::string& old_spelling = "");
/// Adds --json (and, when `quiet` is given, -q,--quiet: no progress on stderr).
void add_output_flags(CLI::App& c, bool& json, bool* quiet = nullptr);

/// The output flags of every command that computes a result (eye, maxrate, reach, capacity,
/// throughput, claims).
struct ResultArgs {
  bool json = false;   ///< --json: the result as JSON on stdout
  bool quiet = false;  ///< -q,--quiet: no progress on stderr
  std::string output;  ///< -o,--output FILE.h5 ("": none)
};
/// Adds --json, -q,--quiet and -o,--output bound to `args`.
void add_result_flags(CLI::App& c, ResultArgs& args);
/// The end of such a command, the same everywhere: the HDF5 file when -o was given
/// (`write_hdf5(file)`), then the JSON (`write_json(stdout)`) or the text (`print_text()`)
/// followed by "wrote FILE". Returns `rc`.
int deliver(const ResultArgs& args, int rc, const std::function<void(const std::string&)>& write_hdf5,
            const std::function<void(std::ostream&)>& write_json, const std::function<void()>& print_text);

/// Adds the positional config and --preset NAME of a command that needs the link's [signal].
void add_signal_link_input(CLI::App& c, LinkInput& in);
/// Adds --margin DB and --curve of the rate and reach searches.
void add_search_flags(CLI::App& c, std::optional<double>& margin_db, bool& full_curve);

/// The link of a config file or preset (the default preset when neither is given), or of a
/// Touchstone file taken as the whole channel (io::load_touchstone_link) with `signal` as its
/// [signal] (docs/channels.md, "A Touchstone file as the whole link"). Throws io::InputError when
/// both a file and a preset are given; with `need_signal`, when the config lacks [signal] or a
/// Touchstone file comes without `signal`; for a Touchstone file given to `reach` (a measured
/// channel has a fixed length) or without --rate when `signal` is given; and for `signal` flags
/// given with a config (it has its own [signal]).
io::Config load_link(const LinkInput& in, bool need_signal = false, const SignalFlags* signal = nullptr);

/// Refuses "a file and --preset" together: `what` names the file ("a system file").
void either_file_or_preset(const std::string& file, const std::string& preset, const std::string& what);

/// A frequency given on the command line ("16 GHz"); throws io::InputError naming the option.
double option_frequency(const std::string& option, const std::string& text);
/// A rate in the one vocabulary (channels/modulation.hpp): Bd a symbol rate, b/s and T/s a bit rate.
channels::LineRate option_rate(const std::string& option, const std::string& text);
/// A positive length ("10 in", "2 km").
double option_length(const std::string& option, const std::string& text);
/// A comma list of modulations ("nrz,pam4") as levels.
std::vector<int> option_modulations(const std::string& text);

/// --port-order of sparams and check: "12-34" or "13-24".
channels::PortOrder option_port_order(const std::string& text);

/// "margin >= 3 dB, eye height >= 15 mV, eye width >= 0.3 UI".
std::string criterion_text(double margin_db, double eye_height_v, double eye_width_ui);
/// "CTLE ..., Tx FFE +0.10 -0.20, DFE 3 taps".
std::string equalizer_text(const solvers::EyeAnalysis& a);
/// "eye 31.2 mV x 0.412 UI, margin 3.10 dB, limited by isi": the figures of a search's answer.
std::string eye_figures_text(const solvers::EyeAnalysis& a);
/// "NRZ", "PAM4".
std::string modulation_label(int levels);
/// The return-loss and mode-conversion table of `loss` and `check`: SDD11, SDD22, SCD21, SDC21 (a
/// pair; conversion columns only when some value is defined) or S11, S22 in dB at each frequency.
void print_port_figures(const std::vector<channels::PortFigures>& figures, bool differential);

/// "phylane maxrate: TITLE (SOURCE)" header line.
std::string header_line(const std::string& command, const io::Config& cfg);

}  // namespace phylane::app
