#include "cli/option_builders.hpp"

#include <algorithm>

namespace benchlab::cli {

CLI::Validator one_of(const std::string& name, std::vector<std::string> words, std::string also, std::string also_by) {
  return CLI::Validator(
      [name, words, also, also_by](std::string& text) -> std::string {
        if (std::find(words.begin(), words.end(), text) != words.end() || (!also.empty() && text == also)) return {};
        std::string list;
        for (std::size_t i = 0; i < words.size(); ++i)
          list += (i == 0 ? "" : i + 1 == words.size() ? " or " : ", ") + words[i];
        if (!also.empty()) list += fmt::format(" ({} also takes {})", also_by, also);
        return fmt::format("{} '{}': give {}", name, text, list);
      },
      "", "one of");
}

}  // namespace benchlab::cli
