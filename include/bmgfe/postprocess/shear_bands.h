#pragma once
// Shear bands (doc/model.md §5): regions of localised equivalent plastic strain p. Mesh-free:
// the analysis is fed weighted samples of p (quadrature points of a 2D section or a 3D body:
// position, volume or area weight, p and, if the caller has it, grad p) and the load axis, and
// returns per band its orientation, angle to the load axis, width (FWHM of the p profile across
// it), peak and mean p, centre, size and coherence. doc/model.md ("Shear-band postprocessor")
// describes the algorithm and its limits.
//
// Parallel: the samples of all ranks are gathered to rank 0, analysed there and the (few)
// bands broadcast back. A sample is 7 doubles in 2D, 9 in 3D: 1e6 quadrature points of a
// cross-section are 56 MB on rank 0 for the time of the analysis (about a second), acceptable
// for the sections and bodies bmgfe runs, and it keeps the neighbour search and the connected
// components free of ghost layers and of partition-dependent results.
#include <deal.II/base/point.h>
#include <deal.II/base/tensor.h>

#include <mpi.h>

#include <algorithm>
#include <numeric>

#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

namespace dealii
{
  class ParameterHandler;
}

namespace bmgfe
{
  /// Entries of "Postprocess/Shear bands" (declared by the caller's top level).
  struct ShearBandParameters
  {
    /// A sample belongs to a band when p >= p_bg + f (p_max - p_bg), p_bg the background (the
    /// 10 % quantile of p by volume: 0 when a tenth of the body is elastic, so the threshold is
    /// then f p_max).
    double threshold_fraction = 0.5;
    /// No band at all when p_max - p_bg is below this (uniform or negligible plastic strain).
    double minimum_plastic_strain = 1e-3;
    /// [m] Samples closer than this are neighbours (connected components, gradient fits).
    /// 0: automatic, 2.5 (sum of weights / number of samples)^(1/dim), i.e. 2.5 mean spacings.
    double neighbour_distance = 0;
    /// [m^3 in 3D, m^2 for 2D sections] Smaller clusters of above-threshold samples are ignored.
    double minimum_band_volume = 0;
    /// Clusters with fewer above-threshold samples are ignored.
    unsigned int minimum_points = 10;
    /// Split a cluster of crossing bands (an X, a # of parallel families) into its bands by
    /// the orientation of grad p.
    bool split_crossing_bands = true;
    /// [deg] Two orientation families closer than this are one band.
    double minimum_crossing_angle = 20;

    static void declare_parameters(dealii::ParameterHandler &prm);
    void        parse_parameters(dealii::ParameterHandler &prm);
    /// Throws InputError for values out of range.
    void check() const;
  };

  /// The background plastic strain p_bg of weighted samples of p (any type with
  /// `plastic_strain` and `weight`; shared by the shear-band finder and the band tracker): the
  /// p that 90 % of the volume reaches (the 10 % quantile by weight; by number when all
  /// weights are zero). It is the level of homogeneous flow around the bands, and 0 as soon as
  /// a tenth of the body is elastic. A low quantile rather than the median: bands with their
  /// tails may fill a good part of a small section, and a background raised by the tails would
  /// narrow the FWHM. `samples` must not be empty.
  template <typename Sample>
  double background_plastic_strain(const std::vector<Sample> &samples)
  {
    constexpr double          quantile = 0.1;
    std::vector<unsigned int> order(samples.size());
    std::iota(order.begin(), order.end(), 0u);
    std::sort(order.begin(), order.end(), [&](const unsigned int a, const unsigned int b) {
      return samples[a].plastic_strain < samples[b].plastic_strain;
    });
    double total = 0;
    for (const auto &s : samples)
      total += s.weight;
    if (!(total > 0))
      return samples[order[static_cast<std::size_t>(quantile * (order.size() - 1))]].plastic_strain;
    double sum = 0;
    for (const unsigned int i : order)
      {
        sum += samples[i].weight;
        if (sum >= quantile * total)
          return samples[i].plastic_strain;
      }
    return samples[order.back()].plastic_strain;
  }

  /// One sample of the equivalent plastic strain field.
  template <int dim>
  struct PlasticStrainSample
  {
    dealii::Point<dim> position;           ///< [m]
    double             weight         = 0; ///< volume (3D) or area (2D section) [m^dim]
    double             plastic_strain = 0; ///< p [-]
    dealii::Tensor<1, dim> gradient;       ///< grad p [1/m], used when has_gradient
    bool                   has_gradient = false;
  };

  template <int dim>
  struct ShearBand
  {
    unsigned int id = 0;
    /// Centre of the band: the centroid of its samples, moved along the normal to the middle
    /// of the FWHM of its profile [m].
    dealii::Point<dim> centre;
    /// Unit vector along the band. 2D: the eigenvector of the smallest eigenvalue of the
    /// structure tensor J = sum w grad p (x) grad p. 3D: the projection of the load axis onto
    /// the band plane (the direction of shear under axial load), or the eigenvector of the
    /// smallest eigenvalue when the axis is normal to the band. Sign: direction . axis >= 0.
    dealii::Tensor<1, dim> direction;
    /// Unit normal: the eigenvector of the largest eigenvalue of J. Sign: normal . axis >= 0.
    dealii::Tensor<1, dim> normal;
    /// Angle between the band (line in 2D, plane in 3D) and the load axis [deg, 0..90].
    double angle_to_load_axis = 0;
    /// FWHM of the profile of p across the band [m] (see width_sides).
    double width = 0;
    /// 2: both half-maximum crossings found; 1: one (the band touches the boundary; the width
    /// is twice the distance from the peak to that crossing); 0: none (the width is the extent
    /// of the profile, a lower bound).
    unsigned int width_sides = 0;
    double peak_plastic_strain = 0; ///< largest p of the band's samples
    double mean_plastic_strain = 0; ///< weighted mean p of the band's samples
    double volume              = 0; ///< sum of the weights of the band's samples [m^dim]
    /// (lambda_max - lambda_min)/(lambda_max + lambda_min) of J: 1 for a straight band, 0 for an
    /// isotropic blob (or when grad p vanishes on the whole band).
    double       coherence = 0;
    unsigned int n_points  = 0;
    /// One of the bands split from a cluster of crossing bands.
    bool crossing = false;
  };

  template <int dim>
  struct ShearBandResult
  {
    std::vector<ShearBand<dim>> bands; ///< largest volume first; id = index
    dealii::Tensor<1, dim>      load_axis;
    std::size_t                 n_samples                 = 0;
    double                      max_plastic_strain        = 0;
    double                      background_plastic_strain = 0; ///< 10 % quantile of p by volume
    /// p above which a sample belongs to a band (infinite when there is no band at all).
    double threshold          = 0;
    double neighbour_distance = 0; ///< the one used [m] (0 when there were no samples)
  };

  /// Finds the shear bands in `samples` (the caller's order does not matter: the samples are
  /// sorted by position first, so the result does not depend on how they were distributed).
  template <int dim>
  ShearBandResult<dim> find_shear_bands(std::vector<PlasticStrainSample<dim>> samples,
                                        const ShearBandParameters          &parameters,
                                        const dealii::Tensor<1, dim>       &load_axis);

  /// All ranks' samples on `root` (collective); the other ranks get an empty vector.
  template <int dim>
  std::vector<PlasticStrainSample<dim>>
  gather_samples(const std::vector<PlasticStrainSample<dim>> &local, MPI_Comm comm,
                 int root = 0);

  /// Collects samples and analyses them.
  template <int dim>
  class ShearBandAnalysis
  {
  public:
    /// load_axis need not be normalised; it must not be zero.
    ShearBandAnalysis(const ShearBandParameters &parameters, const dealii::Tensor<1, dim> &load_axis);

    /// A sample without gradient: grad p is fitted from the neighbouring samples.
    void add(const dealii::Point<dim> &position, double weight, double plastic_strain);
    /// A sample with grad p (e.g. from the finite-element field).
    void add(const dealii::Point<dim> &position, double weight, double plastic_strain,
             const dealii::Tensor<1, dim> &gradient);
    void clear() { local_samples.clear(); }

    const std::vector<PlasticStrainSample<dim>> &samples() const { return local_samples; }

    /// The bands of this object's samples alone.
    ShearBandResult<dim> analyse() const;
    /// The bands of the samples of all ranks (collective): gathered to rank 0, analysed there,
    /// the result broadcast to every rank.
    ShearBandResult<dim> analyse(MPI_Comm comm) const;

  private:
    ShearBandParameters                   parameters;
    dealii::Tensor<1, dim>                axis;
    std::vector<PlasticStrainSample<dim>> local_samples;
  };

  /// CSV of one output time: '#' lines documenting the analysis and the units, a header row,
  /// one row per band (none when there is no band).
  template <int dim>
  void write_shear_band_csv(std::ostream &out, double time, const ShearBandResult<dim> &result);
  /// The same into a file; throws std::runtime_error when it cannot be written.
  template <int dim>
  void write_shear_band_csv(const std::string &file_name, double time,
                            const ShearBandResult<dim> &result);
} // namespace bmgfe
