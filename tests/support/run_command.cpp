#include "tests/support/run_command.hpp"

#include <sys/wait.h>

#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>

#include "tests/support/reference_data.hpp"
#include "tests/support/text_file.hpp"

namespace phylane::test {

std::string temp_dir(const std::string& tag) {
  const auto dir = std::filesystem::temp_directory_path() / ("phylane_test_" + tag + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

CommandResult run_phylane(const std::string& args, const std::string& cwd) {
  const std::string dir = temp_dir("cmd");
  const std::string out = dir + "/stdout", err = dir + "/stderr";
  std::string cmd;
  if (!cwd.empty()) cmd += "cd '" + cwd + "' && ";
  cmd += "'" + phylane_binary().string() + "' " + args + " >'" + out + "' 2>'" + err + "'";
  const int status = std::system(cmd.c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_text_file(out);
  r.err = read_text_file(err);
  std::filesystem::remove_all(dir);
  return r;
}

CommandResult run_rejected(const std::string& args, const std::string& cwd) {
  INFO("phylane " << args);
  CommandResult r = run_phylane(args, cwd);
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  return r;
}

CommandResult run_rejected_file(const std::string& command, const std::string& text, const std::string& cwd,
                                const std::string& options) {
  write_text_file(cwd + "/bad.toml", text);
  CommandResult r = run_rejected(command + " bad.toml -o out.h5 " + options, cwd);
  CHECK_FALSE(std::filesystem::exists(cwd + "/out.h5"));
  CHECK_FALSE(std::filesystem::exists(cwd + "/out.h5.tmp"));
  return r;
}

double json_number(const std::string& json, const std::string& key) {
  const auto p = json.find("\"" + key + "\": ");
  REQUIRE(p != std::string::npos);
  return std::stod(json.substr(p + key.size() + 4));
}

std::string json_text(const std::string& json, const std::string& key) {
  const auto p = json.find("\"" + key + "\": \"");
  REQUIRE(p != std::string::npos);
  const auto start = p + key.size() + 5;
  return json.substr(start, json.find('"', start) - start);
}

}  // namespace phylane::test
