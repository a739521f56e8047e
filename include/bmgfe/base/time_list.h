#pragma once
// Lists of times in parameter files: numbers and ranges 'start:step:end' (end included within
// 1e-9 of a step), e.g. "0, 30:0.25:33, 60" (Output/Output times, Statistics/Profile times).
#include <string>
#include <vector>

namespace bmgfe
{
  /// The times of `text`, sorted, duplicates removed. Throws InputError naming `entry` for
  /// malformed text, a non-positive step, end < start or more than 100000 times in a range.
  std::vector<double> parse_time_list(const std::string &text, const std::string &entry);
} // namespace bmgfe
