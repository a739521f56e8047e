#pragma once
// Postprocessor "visualization": ParaView snapshots (solution.pvd, solution/*.pvtu) at the output
// times (Output/...). Every array name ends in its unit token (quantities.h):
//  * temperature_K and displacement_m: the finite-element fields (nodal);
//  * the point quantities chosen by 'Output/Fields' (stress_Pa, strain, von_mises_stress_Pa,
//    free_volume, hardness_Pa, ...), known at the quadrature points, written either
//    - projected (default): recovered on continuous elements of the mechanics' degree (L2
//      projection, patch recovery for linear elements: quadrature_projection.h), so they are
//      smooth, point data, and interpolate; the cylindrical components that the tensor array
//      holds are computed from it at the nodes; or
//    - as cell data: the volume average over each cell, written as VTK <CellData>;
//    tensors as a tensor array (dim x dim when projected, the full 3 x 3 as cell data) plus their
//    cylindrical components rr, tt, zz, rz for rods (and zz of planar sections); vectors as
//    vectors;
//  * qp_free_volume, qp_viscous_strain_<ij> (free-volume models): the material-point state, exact
//    at the quadrature points, that a later run reads as its initial state;
//  * mpi_rank.
// fields.csv in the output directory lists every array with its unit, association and meaning.
#include <bmgfe/postprocess/interface.h>

#include <memory>
#include <vector>

namespace bmgfe
{
  template <int dim>
  class SolutionWriter;

  namespace postprocess
  {
    template <int dim, typename LA>
    class QuadratureProjection;

    template <int dim, typename LA>
    class Visualization : public Interface<dim, LA>
    {
    public:
      Visualization();
      ~Visualization() override;
      static void declare_parameters(dealii::ParameterHandler &prm);
      bool enabled_by_default(dealii::ParameterHandler &prm) const override;
      void parse_parameters(dealii::ParameterHandler &prm) override;
      void initialize() override;
      void report_setup(std::ostream &out) const override;
      bool needs_quadrature_points(const StepInfo &info) const override;
      void visit_cell(const CellPoints<dim> &points) override;
      void execute(const StepInfo &info, StatisticsRow &statistics) override;
      void add_summary(Summary &summary) override;
      std::string save_state() const override;
      void load_state(const std::string &bytes) override;
      void on_failure(double time) noexcept override;

    private:
      /// An output array made of quadrature-point series.
      struct Array
      {
        std::string name;        ///< with the unit token
        std::string unit;        ///< for fields.csv
        std::string description; ///< for fields.csv
        enum class Kind
        {
          scalar,
          vector,
          tensor
        } kind = Kind::scalar;
        /// Series index of each output component: scalar 1; vector dim (projected) or 3 (cell
        /// data); tensor dim*dim row-major (projected) or 9 (cell data).
        std::vector<unsigned int> series;
      };
      /// A scalar function of a material point: a scalar quantity, a component of a vector or
      /// tensor quantity, or a frame component of a tensor.
      struct Series
      {
        const Quantity *quantity = nullptr;
        int             i = -1, j = -1; ///< vector: i; tensor: (i, j); frame component: i, j = -2
        /// Projected output, frame components that the tensor array holds: the series of the
        /// tensor's entries (row-major, dim x dim). The component is then computed at the nodes
        /// from the projected tensor (so it equals the tensor array rotated there) instead of
        /// being projected itself.
        std::vector<unsigned int> tensor;
      };
      void        add_scalar(const Quantity &q, const std::string &suffix, int i, int j);
      double      evaluate(const Series &s, const PointContext &p) const;
      void        start_collecting();
      /// The writer and fields.csv (at the first step: the output directory exists then).
      void        open_output();
      std::string write_snapshot(double time);

      std::vector<std::string> field_selection;
      bool                     cell_data = false;
      /// 'Output/Compression': zlib level of the .vtu data (dealii::DataOutBase::VtkFlags::ZlibCompressionLevel).
      int compression_level = 0;
      std::vector<Series>      series;
      std::vector<Array>       arrays;
      ComponentFrame           frame;
      unsigned int             degree = 1;
      std::unique_ptr<QuadratureProjection<dim, LA>> projection;
      std::unique_ptr<SolutionWriter<dim>>           writer;
      /// Cell data: sums of w * series and w per locally owned cell (active cell index).
      std::vector<std::vector<double>> cell_sums;
      std::vector<double>              cell_weights;
      bool                             collecting = false;
      std::vector<double>              values; ///< one cell's series values (projection)
      std::string                      last_file;
    };
  } // namespace postprocess
} // namespace bmgfe
