#pragma once
// Built-in geometry 'plate': thickness 'Plate thickness' along the last coordinate, width
// 'Plate width' (a disk-shaped plate in axisymmetric models).
#include <bmgfe/geometry/geometry_model.h>

namespace bmgfe
{
  class PlateGeometry : public GeometryModelBase<PlateGeometry>
  {
  public:
    static void declare_parameters(dealii::ParameterHandler &prm);
    void parse_parameters(dealii::ParameterHandler &prm, GeometryParameters &geometry) override;
    template <int dim>
    DomainInfo<dim> build(const GeometryParameters &geometry, Kinematics kinematics,
                          dealii::parallel::distributed::Triangulation<dim> &tria) const;
  };
} // namespace bmgfe
