// `benchclient report FILE.json ...`: a Markdown report on stdout, made from
// artifacts alone (no server). Every file is read and checked before anything is
// printed; a bad one is one line naming it and the problem, exit 2.
#pragma once

#include <string>
#include <vector>

namespace benchlab::cli {

int run_report_command(const std::vector<std::string>& files);

}  // namespace benchlab::cli
