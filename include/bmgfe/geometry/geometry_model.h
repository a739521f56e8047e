#pragma once
// Geometries register themselves under their 'Geometry/Type' name, so that adding one is a
// new header/source pair with a BMGFE_REGISTER_GEOMETRY line in its .cc, and nothing else:
//
//   class SphereGeometry : public GeometryModelBase<SphereGeometry> { ... };    // sphere.h
//   BMGFE_REGISTER_GEOMETRY(SphereGeometry, "sphere", "a ball of 'Sphere radius' ...")  // sphere.cc
//
// The registration is a static object in the geometry's object file. bmgfe_core is linked as
// a whole archive (top-level CMakeLists.txt), so such object files reach every executable
// even though nothing refers to them by name.
#include <bmgfe/base/kinematics.h>
#include <bmgfe/geometry/geometry.h>

#include <memory>
#include <string>
#include <vector>

namespace dealii
{
  class ParameterHandler;
}

namespace bmgfe
{
  /// One geometry, dimension-independent once parsed; create() builds its coarse mesh in
  /// 2D or 3D.
  class GeometryModel
  {
  public:
    virtual ~GeometryModel() = default;

    /// Read the entries that the geometry's declare_parameters() declared; `prm` is inside
    /// subsection 'Geometry'. `geometry` has the common entries (mesh size, refinement,
    /// base directory) already; the built-in geometries record their entries in its named
    /// fields, a later geometry in its own members. Throws InputError for bad values.
    virtual void parse_parameters(dealii::ParameterHandler &prm, GeometryParameters &geometry) = 0;

    /// Build the coarse mesh in the empty `tria` (boundary ids, manifolds) and describe it.
    /// Collective on the communicator of `tria`; create_domain() refines afterwards.
    virtual DomainInfo<2> create(const GeometryParameters &geometry, Kinematics kinematics,
                                 dealii::parallel::distributed::Triangulation<2> &tria) const = 0;
    virtual DomainInfo<3> create(const GeometryParameters &geometry, Kinematics kinematics,
                                 dealii::parallel::distributed::Triangulation<3> &tria) const = 0;
  };

  /// Base of a geometry whose coarse mesh is one member template
  ///   template <int dim> DomainInfo<dim> build(const GeometryParameters &, Kinematics,
  ///                                            parallel::distributed::Triangulation<dim> &) const;
  /// of `Derived` (public; defined and instantiated for dim = 2, 3 in its .cc): both create()
  /// overloads call it.
  template <class Derived>
  class GeometryModelBase : public GeometryModel
  {
  public:
    DomainInfo<2> create(const GeometryParameters &geometry, const Kinematics kinematics,
                         dealii::parallel::distributed::Triangulation<2> &tria) const override
    {
      return static_cast<const Derived &>(*this).template build<2>(geometry, kinematics, tria);
    }
    DomainInfo<3> create(const GeometryParameters &geometry, const Kinematics kinematics,
                         dealii::parallel::distributed::Triangulation<3> &tria) const override
    {
      return static_cast<const Derived &>(*this).template build<3>(geometry, kinematics, tria);
    }
  };

  /// A registered geometry.
  struct GeometryRegistration
  {
    std::string name;          ///< value of 'Geometry/Type'
    std::string documentation; ///< one paragraph for the help of 'Geometry/Type'
    /// Declare the geometry's entries; `prm` is inside subsection 'Geometry'.
    void (*declare_parameters)(dealii::ParameterHandler &prm);
    std::unique_ptr<GeometryModel> (*create_model)();
  };

  /// Add a geometry (BMGFE_REGISTER_GEOMETRY does this during static initialisation).
  /// Throws std::logic_error for an empty or already registered name. Returns true.
  bool register_geometry(const GeometryRegistration &geometry);

  /// Every registered geometry, sorted by name.
  std::vector<GeometryRegistration> registered_geometries();

  /// The geometry registered as `name`; an InputError naming 'Geometry/Type' and the known
  /// names otherwise.
  const GeometryRegistration &find_geometry(const std::string &name);
} // namespace bmgfe

/// Register `classname` (default-constructible, derived from GeometryModel, with a static
/// `void declare_parameters(dealii::ParameterHandler &)`) as geometry `name`. Use it once,
/// at namespace scope in the geometry's .cc file, with the unqualified class name.
#define BMGFE_REGISTER_GEOMETRY(classname, name, documentation)                                \
  namespace                                                                                    \
  {                                                                                            \
    [[maybe_unused]] const bool bmgfe_geometry_registered_##classname =                        \
      ::bmgfe::register_geometry(::bmgfe::GeometryRegistration{                               \
        name, documentation, &classname::declare_parameters,                                   \
        []() -> std::unique_ptr<::bmgfe::GeometryModel> { return std::make_unique<classname>(); }}); \
  }
