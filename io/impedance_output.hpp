#pragma once
/// Machine output of `phylane impedance`: JSON (units in field names). Format in docs/impedance.md.
#include <ostream>

#include "io/config.hpp"
#include "workflows/impedance.hpp"

namespace phylane::io {

/// The solved dimension, the resulting impedance (z0_ohm, zdiff_ohm or zcm_ohm by the mode),
/// delay and loss per length; `segment` counts from 1.
void write_impedance_json(std::ostream& os, const Config& cfg, std::size_t segment, const workflows::ImpedanceAnswer& a);

}  // namespace phylane::io
