#pragma once
// Postprocessor "virtual indentation" (rods, doc/model.md §5, "Virtual nanoindentation"): the
// nanoindentation hardness maps of seed 000 (Fig. 8) on the model. Arrays of indents (default:
// 22 arrays of 17 x 17 indents, 150 um apart along a diameter of the cross-section) are placed
// in a section of the rod (planar models: the model plane; 3D: the cross-section at 'Section
// height'; axisymmetric: the r-z section at that height, an in-plane point (x, y) mapped to
// r = sqrt(x^2 + y^2)). Each indent's value of a point quantity (default: hardness and apparent
// hardness) is its average over the indent's plastic zone, a hemisphere of radius c h below the
// surface (postprocess/indentation.h): a sum over the quadrature points in the kernel, weighted
// by JxW (2 pi r JxW in axisymmetric models) and the kernel, divided by the same sum of the
// kernel. Indents whose plastic zone leaves the rod are skipped; a plastic zone that holds fewer
// than 'Minimum points per kernel' quadrature points is interpolated at its centroid (or
// skipped). At 'Times' (default: the profile times of the ring statistics) and at the end,
// OUTPUT/indentation/ gets
//   indents_NNNNN.csv        every indent: array, i, j, x_m, y_m, r_m, status, kernel points,
//                            one column per quantity
//   fwhm_profile_NNNNN.csv   per array: position, radius, mean, std, FWHM = 2.355 std/mean and
//                            the FWHM of the Gaussian fit to the histogram of H/mean(H), per
//                            quantity (the FWHM-vs-radius profile of Fig. 8 g)
//   histograms_NNNNN.csv     per array and quantity: the histogram of value/mean and the fit
//   maps_NNNNN/<quantity>_array_AA.csv, .png   the map of every array
//   times.csv                index and time of every NNNNN
// and summary.json the FWHM and means of the centre and edge arrays at the end.
#include <bmgfe/postprocess/indentation.h>
#include <bmgfe/postprocess/interface.h>
#include <bmgfe/postprocess/time_schedule.h>

#include <deal.II/base/point.h>
#include <deal.II/base/tensor.h>

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bmgfe
{
  namespace postprocess
  {
    template <int dim, typename LA>
    class VirtualIndentation : public Interface<dim, LA>
    {
    public:
      static void declare_parameters(dealii::ParameterHandler &prm);
      bool   enabled_by_default(dealii::ParameterHandler &) const override { return false; }
      void   parse_parameters(dealii::ParameterHandler &prm) override;
      void   initialize() override;
      void   report_setup(std::ostream &out) const override;
      double next_time_of_interest(double t) const override;
      bool   needs_quadrature_points(const StepInfo &info) const override;
      void   visit_cell(const CellPoints<dim> &points) override;
      void   execute(const StepInfo &info, StatisticsRow &statistics) override;
      void   add_summary(Summary &summary) override;
      std::string save_state() const override;
      void   load_state(const std::string &bytes) override;

      /// How an indent's value was obtained.
      enum class Status
      {
        kernel,       ///< average over the quadrature points in its plastic zone
        interpolated, ///< too few points in the plastic zone: the fields at its centroid
        outside,      ///< the plastic zone leaves the rod: skipped
        unresolved    ///< too few points and 'Unresolved kernels = skip' (or no cell): skipped
      };

    private:
      struct Indent
      {
        unsigned int array, i, j;
        double       x, y; ///< in the section, from the rod axis [m]
        bool         outside = false;
      };
      /// A cell that contains an indent's kernel centroid (for the interpolation).
      struct Probe
      {
        std::size_t        indent;
        int                level, index;
        dealii::Point<dim> reference;
      };
      /// The outcome of one indentation time.
      struct Result
      {
        double                                                    time = 0;
        std::vector<Status>                                       status;
        std::vector<double>                                       points; ///< in the kernel
        std::vector<double>                                       values; ///< [indent * fields + k]
        std::vector<std::vector<indentation::ArrayStatistics>>    statistics; ///< [array][k]
      };

      bool   is_indentation_step(const StepInfo &info) const;
      indentation::SectionPoint section_point(const dealii::Point<dim> &x) const;
      dealii::Point<dim>        centroid(const Indent &indent) const;
      void                      locate_centroids();
      void                      interpolate(const std::vector<char> &wanted, std::vector<double> &values,
                                            std::vector<double> &found) const;
      Result                    evaluate(double time);
      void                      write_files(const Result &result);
      std::string               quantity_column(std::size_t k) const;
      /// Index of the array nearest to (centre = true) or farthest from the axis with statistics.
      std::optional<std::size_t> array_at(const Result &result, bool centre) const;

      // Parameters.
      std::vector<std::string>             quantity_names;
      std::vector<double>                  times; ///< as given
      std::vector<std::array<double, 2>>   centres;
      unsigned int                         nx = 17, ny = 17;
      double                               array_spacing = 150e-6, indent_spacing = 0;
      double                               load = 0.05, reference_hardness = 6.6e9;
      double                               depth = 0, zone_factor = 4.8;
      indentation::Kernel                  kernel;
      double                               section_height = -1; ///< < 0: mid-length
      unsigned int                         min_points = 10;
      bool                                 interpolate_unresolved = true;
      unsigned int                         bins = 0;
      bool                                 write_maps = true;
      // Set up by initialize().
      indentation::Section                 section = indentation::Section::planar;
      dealii::Point<3>                     origin;
      dealii::Tensor<1, 3>                 e1, e2, axis_direction;
      double                               rod_radius = 0;
      std::vector<const Quantity *>        fields;
      std::vector<Indent>                  indents;
      std::vector<Probe>                   probes;
      TimeSchedule                         schedule;
      unsigned int                         n_written = 0;
      bool                                 resolution_reported = false;
      std::unique_ptr<indentation::KernelAverages> sums;
      std::optional<Result>                final;
    };
  } // namespace postprocess
} // namespace bmgfe
