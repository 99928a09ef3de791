// A result file's stored config reproduces the result: for each command that writes HDF5 and each
// preset it applies to, running the command again on the `config` attribute of its output gives
// identical JSON (only the "config" field, the input's name, differs).
#include <catch2/catch.hpp>

#include <hdf5.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "tests/support/run_command.hpp"

using phylane::test::run_phylane;
using phylane::test::temp_dir;
namespace fs = std::filesystem;

namespace {

std::string read_string_attribute(const std::string& file, const char* name) {
  hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) return "";
  std::string s;
  if (H5Aexists(f, name) > 0) {
    hid_t attr = H5Aopen(f, name, H5P_DEFAULT);
    hid_t type = H5Aget_type(attr);
    s.assign(H5Tget_size(type), '\0');
    H5Aread(attr, type, s.data());
    H5Tclose(type);
    H5Aclose(attr);
  }
  H5Fclose(f);
  while (!s.empty() && s.back() == '\0') s.pop_back();
  return s;
}

std::string without_source(const std::string& json) {
  return std::regex_replace(json, std::regex("\"config\": \"[^\"]*\""), "\"config\": \"\"");
}

struct Case {
  const char* command;
  const char* preset;
  const char* options;  // the same options for both runs
};

void check_reproduces(const Case& c) {
  INFO("phylane " << c.command << " --preset " << c.preset << " " << c.options);
  const auto dir = temp_dir(std::string("stored_") + c.command + "_" + c.preset);
  const auto first = run_phylane(std::string(c.command) + " --preset " + c.preset + " " + c.options + " --json -o first.h5", dir);
  REQUIRE(first.exit_code == 0);
  const std::string stored = read_string_attribute(dir + "/first.h5", "config");
  REQUIRE_FALSE(stored.empty());
  CHECK_FALSE(read_string_attribute(dir + "/first.h5", "config_resolved").empty());
  std::ofstream(dir + "/stored.toml") << stored;
  const auto again = run_phylane(std::string(c.command) + " stored.toml " + c.options + " --json", dir);
  REQUIRE(again.exit_code == 0);
  CHECK(without_source(again.out) == without_source(first.out));
  fs::remove_all(dir);
}

}  // namespace

TEST_CASE("The stored config of phylane loss reproduces its result on every preset", "[app][stored-config]") {
  for (const char* p : {"cpo-microring", "dr4-400g-lane", "fr4-consumer", "kr1-ck-28db", "megtron6-backplane",
                        "pcie5-cem-link", "pcie5-server", "waveguide-on-package"})
    check_reproduces({"loss", p, ""});
}

TEST_CASE("The stored config of phylane eye reproduces its result on every preset with [signal]", "[app][stored-config]") {
  for (const char* p : {"cpo-microring", "dr4-400g-lane", "kr1-ck-28db", "pcie5-cem-link", "pcie5-server",
                        "waveguide-on-package"})
    check_reproduces({"eye", p, ""});
}

// The rate questions follow the rate: CTLE corners and the Rx bandwidth left at their
// rate-relative defaults must stay defaults in the stored config (the pcie5-cem-link case of
// issue 12: NRZ 51.20 instead of 48.76 Gb/s when they were frozen).
TEST_CASE("The stored configs of maxrate and capacity reproduce their results", "[app][stored-config]") {
  for (const char* p : {"cpo-microring", "dr4-400g-lane", "pcie5-cem-link", "pcie5-server", "waveguide-on-package"}) {
    check_reproduces({"maxrate", p, ""});
    check_reproduces({"capacity", p, ""});
  }
}

TEST_CASE("The stored configs of reach reproduce their results", "[app][stored-config]") {
  check_reproduces({"reach", "pcie5-cem-link", "--min '2 in' --max '20 in'"});
  check_reproduces({"reach", "pcie5-server", "--min '4 in' --max '30 in'"});
  check_reproduces({"reach", "dr4-400g-lane", "--min '100 m' --max '20 km'"});
  check_reproduces({"reach", "cpo-microring", "--min '1 m' --max '2 km'"});
  check_reproduces({"reach", "waveguide-on-package", "--min '1 mm' --max '30 cm'"});
}
