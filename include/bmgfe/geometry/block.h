#pragma once
// Built-in geometry 'block': a rectangle (2D plane strain, generalized plane strain) or a box
// (3D) with the load axis last, for compression specimens between platens.
#include <bmgfe/geometry/geometry_model.h>

namespace bmgfe
{
  class BlockGeometry : public GeometryModelBase<BlockGeometry>
  {
  public:
    static void declare_parameters(dealii::ParameterHandler &prm);
    void parse_parameters(dealii::ParameterHandler &prm, GeometryParameters &geometry) override;
    template <int dim>
    DomainInfo<dim> build(const GeometryParameters &geometry, Kinematics kinematics,
                          dealii::parallel::distributed::Triangulation<dim> &tria) const;
  };
} // namespace bmgfe
