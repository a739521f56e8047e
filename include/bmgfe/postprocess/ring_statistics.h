#pragma once
// Centre-to-edge statistics of fields on a rod's cross-section (doc/model.md §5): N rings
// of equal width in r in [0, R]; per ring the weighted mean, standard deviation and
// FWHM = 2 sqrt(2 ln 2) std of every field (compare seed 000, Fig. 8). Mesh-free: it is fed
// weighted samples (quadrature points) and reduced over MPI ranks.
#include <mpi.h>

#include <ostream>
#include <string>
#include <vector>

namespace bmgfe
{
  /// 'Statistics/Ring axial range' of a rod: empty (the whole length) or [z_min, z_max] along
  /// its axis, the slab whose material counts for the rings (ring statistics, cycle statistics).
  struct AxialRange
  {
    std::vector<double> bounds; ///< empty or {z_min, z_max}

    /// From the entry's text 'z_min, z_max' or ''; throws InputError naming `entry`.
    static AxialRange parse(const std::string &text, const std::string &entry);
    bool empty() const { return bounds.empty(); }
    bool contains(const double z) const { return empty() || (z >= bounds[0] && z <= bounds[1]); }
  };

  class RingStatistics
  {
  public:
    /// `units`: the unit token of each field (quantities.h; empty: dimensionless), used in the
    /// CSV column names <field>_<statistic>_<unit>; may be empty (all dimensionless).
    RingStatistics(unsigned int n_rings, double radius, std::vector<std::string> field_names,
                   std::vector<std::string> units = {});

    /// A sample at radius r with weight w (volume element) and one value per field.
    /// Samples outside [0, R] are ignored.
    void add(double r, double w, const std::vector<double> &values);

    /// Sum the partial sums of all ranks (collective).
    void reduce(MPI_Comm comm);

    double mean(unsigned int ring, unsigned int field) const;
    double standard_deviation(unsigned int ring, unsigned int field) const;
    double fwhm(unsigned int ring, unsigned int field) const;
    double weight(unsigned int ring) const { return sum_w[ring]; }
    unsigned int n_rings() const { return static_cast<unsigned int>(sum_w.size()); }

    const std::vector<std::string> &field_names() const { return names; }
    bool has_field(const std::string &name) const;
    /// Index of a field by name; throws std::logic_error if there is none.
    unsigned int field_index(const std::string &name) const;
    /// Weighted mean of a field over all rings together (the whole ring region).
    double volume_mean(unsigned int field) const;

    /// Append the field `name` = (field `source`) / volume_mean(source), e.g. H/mean(H) of
    /// doc/model.md §5. Its sums are the source's scaled by 1/mean and 1/mean^2, which is exact,
    /// so the samples need not be visited twice. Call it after reduce(): before, the mean
    /// would be the rank's own. Throws std::logic_error when the mean is zero (unless there
    /// are no samples at all).
    void add_relative_field(const std::string &name, unsigned int source);
    /// Unit token of a field ("" for dimensionless ones).
    const std::string &unit(unsigned int field) const { return field_units[field]; }

    /// CSV: ring, r_inner_m, r_outer_m, then <field>_mean_<unit>, <field>_std_<unit>,
    /// <field>_fwhm_<unit> per field (no unit token for dimensionless fields).
    void write_csv(std::ostream &out) const;

  private:
    double                   R;
    std::vector<std::string> names, field_units;
    std::vector<double>      sum_w;
    std::vector<double>      sum_wv, sum_wv2; ///< [ring * n_fields + field]
  };
} // namespace bmgfe
