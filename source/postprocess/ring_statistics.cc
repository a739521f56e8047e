#include <bmgfe/core/input_error.h>
#include <bmgfe/postprocess/ring_statistics.h>

#include <cmath>
#include <iomanip>

namespace bmgfe
{
  RingStatistics::RingStatistics(const unsigned int n_rings, const double radius,
                                 std::vector<std::string> field_names)
    : R(radius)
    , names(std::move(field_names))
    , sum_w(n_rings, 0.0)
    , sum_wv(n_rings * names.size(), 0.0)
    , sum_wv2(n_rings * names.size(), 0.0)
  {
    require(n_rings > 0 && radius > 0, "ring statistics", "need at least one ring and a positive radius");
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

  void RingStatistics::write_csv(std::ostream &out) const
  {
    out << "ring,r_inner,r_outer";
    for (const auto &n : names)
      out << ',' << n << "_mean," << n << "_std," << n << "_fwhm";
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
