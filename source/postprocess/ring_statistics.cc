#include <bmgfe/base/input_error.h>
#include <bmgfe/postprocess/ring_statistics.h>

#include <deal.II/base/utilities.h>

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <stdexcept>

namespace bmgfe
{
  AxialRange AxialRange::parse(const std::string &text, const std::string &entry)
  {
    AxialRange range;
    for (const auto &z : dealii::Utilities::split_string_list(text))
      range.bounds.push_back(std::stod(z));
    require(range.bounds.empty() || (range.bounds.size() == 2 && range.bounds[0] < range.bounds[1]),
            "entry '" + entry + "'", "must be empty or 'z_min, z_max' with z_min < z_max");
    return range;
  }

  RingStatistics::RingStatistics(const unsigned int n_rings, const double radius,
                                 std::vector<std::string> field_names,
                                 std::vector<std::string> units)
    : R(radius)
    , names(std::move(field_names))
    , field_units(std::move(units))
    , sum_w(n_rings, 0.0)
    , sum_wv(n_rings * names.size(), 0.0)
    , sum_wv2(n_rings * names.size(), 0.0)
  {
    require(n_rings > 0 && radius > 0, "ring statistics", "need at least one ring and a positive radius");
    if (field_units.empty())
      field_units.assign(names.size(), "");
    if (field_units.size() != names.size())
      throw std::logic_error("ring statistics: one unit per field needed");
  }

  void RingStatistics::add(const double r, const double w, const std::vector<double> &values)
  {
    if (r < 0 || r > R)
      return;
    const unsigned int ring =
      std::min(static_cast<unsigned int>(r / R * sum_w.size()), n_rings() - 1);
    sum_w[ring] += w;
    for (std::size_t f = 0; f < names.size(); ++f)
      {
        sum_wv[ring * names.size() + f] += w * values[f];
        sum_wv2[ring * names.size() + f] += w * values[f] * values[f];
      }
  }

  void RingStatistics::reduce(const MPI_Comm comm)
  {
    for (auto *v : {&sum_w, &sum_wv, &sum_wv2})
      MPI_Allreduce(MPI_IN_PLACE, v->data(), static_cast<int>(v->size()), MPI_DOUBLE, MPI_SUM, comm);
  }

  double RingStatistics::mean(const unsigned int ring, const unsigned int field) const
  {
    return sum_w[ring] > 0 ? sum_wv[ring * names.size() + field] / sum_w[ring] : 0.0;
  }

  double RingStatistics::standard_deviation(const unsigned int ring, const unsigned int field) const
  {
    if (sum_w[ring] <= 0)
      return 0.0;
    const double m = mean(ring, field);
    return std::sqrt(std::max(sum_wv2[ring * names.size() + field] / sum_w[ring] - m * m, 0.0));
  }

  double RingStatistics::fwhm(const unsigned int ring, const unsigned int field) const
  {
    return 2 * std::sqrt(2 * std::log(2.0)) * standard_deviation(ring, field);
  }

  bool RingStatistics::has_field(const std::string &name) const
  {
    return std::find(names.begin(), names.end(), name) != names.end();
  }

  unsigned int RingStatistics::field_index(const std::string &name) const
  {
    const auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end())
      throw std::logic_error("ring statistics have no field '" + name + "'");
    return static_cast<unsigned int>(it - names.begin());
  }

  double RingStatistics::volume_mean(const unsigned int field) const
  {
    double w = 0, wv = 0;
    for (unsigned int i = 0; i < n_rings(); ++i)
      {
        w += sum_w[i];
        wv += sum_wv[i * names.size() + field];
      }
    return w > 0 ? wv / w : 0.0;
  }

  void RingStatistics::add_relative_field(const std::string &name, const unsigned int source)
  {
    double w = 0;
    for (const double wi : sum_w)
      w += wi;
    // No samples at all (e.g. an axial slab without quadrature points): the new field is as
    // empty as the others.
    const double m = w > 0 ? volume_mean(source) : 1.0;
    if (!(m != 0 && std::isfinite(m)))
      throw std::logic_error("ring statistics: field '" + names.at(source) +
                             "' has a zero mean; '" + name + "' is undefined");
    const std::size_t   n = names.size();
    std::vector<double> wv(n_rings() * (n + 1)), wv2(n_rings() * (n + 1));
    for (unsigned int i = 0; i < n_rings(); ++i)
      {
        std::copy_n(sum_wv.begin() + i * n, n, wv.begin() + i * (n + 1));
        std::copy_n(sum_wv2.begin() + i * n, n, wv2.begin() + i * (n + 1));
        wv[i * (n + 1) + n]  = sum_wv[i * n + source] / m;
        wv2[i * (n + 1) + n] = sum_wv2[i * n + source] / (m * m);
      }
    sum_wv.swap(wv);
    sum_wv2.swap(wv2);
    names.push_back(name);
    field_units.push_back(""); // a ratio
  }

  void RingStatistics::write_csv(std::ostream &out) const
  {
    out << "ring,r_inner_m,r_outer_m";
    for (std::size_t f = 0; f < names.size(); ++f)
      for (const char *statistic : {"mean", "std", "fwhm"})
        {
          out << ',' << names[f] << '_' << statistic;
          if (!field_units[f].empty())
            out << '_' << field_units[f];
        }
    out << '\n' << std::setprecision(12);
    const double dr = R / n_rings();
    for (unsigned int i = 0; i < n_rings(); ++i)
      {
        out << i << ',' << i * dr << ',' << (i + 1) * dr;
        for (unsigned int f = 0; f < names.size(); ++f)
          out << ',' << mean(i, f) << ',' << standard_deviation(i, f) << ',' << fwhm(i, f);
        out << '\n';
      }
  }
} // namespace bmgfe
