#include "cli/report_command.hpp"

#include <cstdio>
#include <iostream>

#include "cli/exit_codes.hpp"
#include "report/artifact_json.hpp"
#include "report/markdown_reporter.hpp"

namespace benchlab::cli {

int run_report_command(const std::vector<std::string>& files) {
  std::vector<Artifact> artifacts;
  try {
    for (const auto& f : files) artifacts.push_back(read_artifact_file(f));
  } catch (const ArtifactError& e) {
    std::cerr << "benchclient: error: report: " << e.what() << "\n";
    return kExitUsage;
  }
  std::vector<std::string> names;
  for (const auto& f : files) names.push_back(std::filesystem::path(f).filename().string());
  MarkdownReporter markdown(names);
  for (const auto& a : artifacts) report_artifact(a, {&markdown});
  markdown.close();
  const std::string& doc = markdown.document();
  if (std::fwrite(doc.data(), 1, doc.size(), stdout) != doc.size() || std::fflush(stdout) != 0) {
    std::cerr << "benchclient: error: report: cannot write to stdout\n";
    return kExitError;
  }
  return 0;
}

}  // namespace benchlab::cli
