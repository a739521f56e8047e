#pragma once
// Helpers of the viscous-model tests: the mechanics helpers (rings, runs, Timoshenko &
// Goodier stresses of a radial profile) with this folder's parameter files.
#include "../mechanics/mechanics_common.h"

#include <filesystem>

namespace viscous
{
  inline std::string prm(const std::string &name)
  {
    return std::string(BMGFE_TEST_SOURCE_DIR) + "/viscous/" + name;
  }

  /// Run bmgfe on tests/viscous/`prm_file`; statistics and the rings of the last profile.
  inline mechanics::Result run(const std::string &out, const std::string &prm_file,
                               const std::vector<std::string> &sets, const unsigned int ranks = 0)
  {
    // mechanics::run_statistics resolves names in tests/mechanics.
    auto stats = mechanics::run_statistics(out, "../viscous/" + prm_file, sets, ranks);
    std::string last;
    for (const auto &e : std::filesystem::directory_iterator(out + "/profiles"))
      {
        const std::string name = e.path().filename().string();
        if (name.rfind("rings_", 0) == 0 && name > last)
          last = name;
      }
    return {std::move(stats), mechanics::Rings(out + "/profiles/" + last)};
  }
} // namespace viscous
