#pragma once
// Built-in geometry 'notched rod' (seed 004): a rod of 'Rod radius' and 'Rod length' with up
// to four circumferential U-notches, meshed by gmsh from meshes/notched_rod.geo (compiled into
// the library): the r-z half-section for axisymmetric models (all quads); in 3D that section
// revolved about the z axis ('Circumferential cells') around a structured core. Cells of 'Mesh size' away from the notches and of
// 'Notch mesh size' at the roots. Boundary ids: 0 axis (axisymmetric), 1 lateral surface with
// the notches, 2 bottom z = 0, 3 top z = L.
#include <bmgfe/geometry/geometry_model.h>

#include <string>
#include <vector>

namespace bmgfe
{
  class NotchedRodGeometry : public GeometryModelBase<NotchedRodGeometry>
  {
  public:
    static void declare_parameters(dealii::ParameterHandler &prm);
    void parse_parameters(dealii::ParameterHandler &prm, GeometryParameters &geometry) override;
    template <int dim>
    DomainInfo<dim> build(const GeometryParameters &geometry, Kinematics kinematics,
                          dealii::parallel::distributed::Triangulation<dim> &tria) const;

    double root_diameter = 2.5e-3;    ///< 'Notch root diameter' [m]
    double width         = 5e-4;      ///< 'Notch width' [m]
    double root_radius   = 2.5e-4;    ///< 'Notch root radius' [m]
    std::vector<double> positions = {0.5}; ///< 'Notch positions', fractions of the length
    double root_mesh_size = 0;        ///< 'Notch mesh size' [m]; 0: root radius / 4
    unsigned int circumferential_cells = 16; ///< 'Circumferential cells' (3D)

    /// Cell size away from the notches: 'Mesh size', or R/8 for 0.
    double mesh_size(const GeometryParameters &geometry) const;
    /// Cell size at the notch roots.
    double notch_mesh_size() const { return root_mesh_size > 0 ? root_mesh_size : root_radius / 4; }
    /// The -setnumber arguments of gmsh for meshes/notched_rod.geo in `dim` dimensions, with the
    /// core line r = core (2D; 0: none).
    std::string gmsh_arguments(const GeometryParameters &geometry, unsigned int dim,
                               double core = 0) const;
    /// Radius of the 3D rod's structured core (the section's core line): half the root radius.
    double core_radius() const { return root_diameter / 4; }
  };
} // namespace bmgfe
