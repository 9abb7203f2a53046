// The one line for each typed error the lower layers raise about what the user
// asked for (model/errors.hpp, plan/table.hpp): the wording lives here because
// only the CLI knows which option names each setting.
#pragma once

#include <exception>
#include <string>
#include <string_view>

#include "model/errors.hpp"
#include "plan/read_plan.hpp"
#include "plan/table.hpp"

namespace benchlab::cli {

// The option that gives `setting` ("--table", "--split", ...).
[[nodiscard]] std::string_view option_of(Setting setting);

[[nodiscard]] std::string word(const SettingFailed& error);
[[nodiscard]] std::string word(const plan::ReadRefused& error);
[[nodiscard]] std::string word(const plan::OptionRefused& error);
// `throwaway`: the server is benchclient's throwaway cluster (its max_connections is
// then a --pg-set away), else the user's.
[[nodiscard]] std::string word(const plan::ConnectionsRefused& error, bool throwaway);
// "4 workers + 1 coordinator + 1 writer + 1 held snapshot"
[[nodiscard]] std::string connection_parts(const ConnectionNeed& need);

// The line for any error: the wording above for the typed ones, what() otherwise.
[[nodiscard]] std::string error_message(const std::exception& error);

}  // namespace benchlab::cli
