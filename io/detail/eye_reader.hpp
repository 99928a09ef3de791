#pragma once
// Internal to phylane_io: reading [signal], [tx] and [rx] into an eye specification.
#include "io/config.hpp"
#include "io/detail/toml_reader.hpp"

namespace phylane::io::detail {

/// What the receiver keys may contain: copper (noise PSD + Rx filter, or noise_rms), optical
/// (noise from the photoreceiver), pulse (a response at the decision point: noise_rms only, no
/// CTLE), impulse (noise_rms or PSD, CTLE allowed).
enum class ReceiverKind { copper, optical, pulse, impulse };

/// Reads the three sections from the root table. On success fills `out`.
void read_eye_sections(TableReader& root, ReceiverKind kind, std::optional<channels::LinkSignalling>& out);

}  // namespace phylane::io::detail
