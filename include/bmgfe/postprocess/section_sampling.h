#pragma once
// Postprocessor "section sampling": point quantities (stresses and their measures, strains,
// free volume, hardness, ...) sampled along straight lines and on plane grids of the body and
// written as CSV tables and grid maps (PNG), e.g. the triaxiality, Lode parameter and principal
// stresses along the notch plane of a notched rod and over its meridional section (issue 15,
// seed 004), or a hardness map on an indentation grid. A sample is the quantity at the point
// as the model represents it (stress_at: the displacement gradient and the material-point state
// of the cell there), not a smoothed field.
//   Lines: 'name: start; end; n | ...': n equally spaced points from start to end (model
//          coordinates: r, z for axisymmetric models).
//   Grids: 'name: origin; end of the first edge; end of the second edge; n1, n2 | ...': the
//          parallelogram spanned by the two edges, n1 x n2 points (the corners included).
// Axisymmetric models take a point's first coordinate as |r|, so a line or grid may cross the
// axis into the other half of the meridional section (tensors keep their (r, z, theta)
// components there, e_r pointing away from the axis).
// With 'Kernel radius' R > 0 a sample of the 'Kernel sets' is instead the average over the half ball of radius R
// below the sampled surface (a virtual indent's plastic zone, as in postprocess/indentation.h):
// grids in 3D are surfaces with the normal e1 x e2 pointing out of the material; in
// axisymmetric models the surface is the meridional cut, the material behind it at depth d is
// at r = sqrt(x^2 + d^2); planar models' fields are uniform in depth. Samples outside the body
// do not count and the inside fraction of every kernel is written.
// At 'Times' and at the end, OUTPUT/section_sampling/<name>_NNNNN.csv per line and grid (index,
// distance along the line or grid indices, coordinates, then one column per scalar, vector
// component and tensor component; nan outside the body), <name>_<quantity>_NNNNN.png for every
// scalar of a grid, and times.csv.
#include <bmgfe/postprocess/interface.h>
#include <bmgfe/postprocess/time_schedule.h>

#include <deal.II/base/point.h>

#include <string>
#include <vector>

namespace bmgfe
{
  namespace postprocess
  {
    namespace section_sampling
    {
      /// A line (n2 = 1, edge2 unused) or grid of sample points.
      template <int dim>
      struct Set
      {
        std::string        name;
        bool               grid = false;
        dealii::Point<dim> origin, edge1_end, edge2_end;
        unsigned int       n1 = 2, n2 = 1;
        bool               kernel = false; ///< averaged over the half-ball kernel ('Kernel sets')

        /// Point (i along the first edge, j along the second): origin + i/(n1-1) (edge1_end -
        /// origin) + j/(n2-1) (edge2_end - origin).
        dealii::Point<dim> point(unsigned int i, unsigned int j) const;
      };

      /// An offset of the half-ball kernel of radius R: in-plane (du, dv), depth d >= 0 below the
      /// surface, and its weight (the weights sum to 1). A product rule: `n` Gauss points in the
      /// radius (weight r^2) and in mu = cos(angle from the depth axis), 4 n equally spaced
      /// azimuths; from n = 3 on it integrates the uniform half ball's low moments exactly (mean
      /// depth 3R/8, mean square distance 3R^2/5, mean square depth R^2/5).
      struct KernelSample
      {
        double du = 0, dv = 0, depth = 0, weight = 0;
      };
      std::vector<KernelSample> half_ball_samples(double radius, unsigned int n);

      /// Parse the entries 'Lines' and 'Grids' (`line_entry`/`grid_entry` name them in errors).
      template <int dim>
      std::vector<Set<dim>> parse_sets(const std::string &lines, const std::string &grids,
                                       const std::string &line_entry, const std::string &grid_entry);
    } // namespace section_sampling

    template <int dim, typename LA>
    class SectionSampling : public Interface<dim, LA>
    {
    public:
      static void declare_parameters(dealii::ParameterHandler &prm);
      bool   enabled_by_default(dealii::ParameterHandler &) const override { return false; }
      void   parse_parameters(dealii::ParameterHandler &prm) override;
      void   initialize() override;
      void   report_setup(std::ostream &out) const override;
      double next_time_of_interest(double t) const override;
      void   execute(const StepInfo &info, StatisticsRow &statistics) override;
      void   add_summary(Summary &summary) override;
      std::string save_state() const override;
      void   load_state(const std::string &bytes) override;

    private:
      /// One output column: a scalar quantity, or a component of a vector or tensor.
      struct Column
      {
        const Quantity *quantity  = nullptr;
        int             component = -1; ///< -1: scalar
        std::string     name;           ///< column header (with its unit)
      };
      void sample(double time);

      std::vector<section_sampling::Set<dim>> sets;
      std::vector<std::string>                quantity_names;
      std::vector<Column>                     columns;
      std::vector<double>                     times;
      TimeSchedule                            schedule;
      bool                                    write_images = true;
      bool                                    nearest_state = false; ///< 'Material state'
      double                                  kernel_radius = 0;  ///< 0: point values
      std::vector<std::string>                kernel_sets;        ///< names, or {"all"}
      unsigned int                            kernel_order  = 3;
      unsigned int                            n_written    = 0;
      std::size_t                             n_points     = 0;
    };
  } // namespace postprocess
} // namespace bmgfe
