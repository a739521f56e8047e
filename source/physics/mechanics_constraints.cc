#include <bmgfe/base/input_error.h>
#include <bmgfe/physics/mechanics_constraints.h>

#include <deal.II/base/function_parser.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/component_mask.h>
#include <deal.II/numerics/vector_tools.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace bmgfe
{
  using namespace dealii;

  template <int dim>
  bool make_displacement_constraints(const DoFHandler<dim> &dofs, const Mapping<dim> &mapping,
                                     const MechanicsParameters &prm, const LoadingProgramme &loading,
                                     const IndexSet &relevant, const double t,
                                     AffineConstraints<double> &constraints,
                                     const PlatenReference<dim> *reference)
  {
    const MPI_Comm comm = dofs.get_triangulation().get_communicator();
    constraints.clear();
    constraints.reinit(relevant);
    DoFTools::make_hanging_node_constraints(dofs, constraints);
    const auto                       mask_of = [&](const std::vector<unsigned int> &components) {
      std::vector<bool> m(dim, false);
      for (const auto c : components)
        m[c] = true;
      return ComponentMask(m);
    };
    const Functions::ZeroFunction<dim> zero(dim);
    for (const auto &[id, components] : prm.fixed_components)
      VectorTools::interpolate_boundary_values(mapping, dofs, static_cast<types::boundary_id>(id),
                                               zero, constraints, mask_of(components));
    // Symmetry planes: the coordinate that is constant over the faces is the normal.
    for (const auto id : prm.symmetry_ids)
      {
        int normal = -1;
        for (const auto &cell : dofs.active_cell_iterators())
          if (cell->is_locally_owned() && cell->at_boundary())
            for (const auto f : cell->face_indices())
              if (cell->face(f)->at_boundary() && cell->face(f)->boundary_id() == id)
                {
                  const auto face = cell->face(f);
                  for (unsigned int d = 0; d < dim; ++d)
                    {
                      bool constant = true;
                      for (const auto v : face->vertex_indices())
                        constant = constant && std::abs(face->vertex(v)[d] - face->vertex(0)[d]) <=
                                                 1e-10 * face->diameter();
                      if (constant)
                        {
                          require(normal < 0 || normal == static_cast<int>(d),
                                  "entry 'Mechanics/Boundary conditions/Symmetry boundary ids'",
                                  "boundary " + std::to_string(id) +
                                    " is not a plane normal to a coordinate axis");
                          normal = static_cast<int>(d);
                        }
                    }
                  require(normal >= 0, "entry 'Mechanics/Boundary conditions/Symmetry boundary ids'",
                          "boundary " + std::to_string(id) +
                            " is not a plane normal to a coordinate axis");
                }
        normal = Utilities::MPI::max(normal, comm);
        if (normal >= 0)
          VectorTools::interpolate_boundary_values(mapping, dofs, static_cast<types::boundary_id>(id),
                                                   zero, constraints,
                                                   mask_of({static_cast<unsigned int>(normal)}));
      }
    // Prescribed displacement components (time dependent).
    for (const auto &p : prm.prescribed)
      {
        std::vector<std::string> expressions(dim, "0");
        expressions[p.component] = p.expression;
        FunctionParser<dim> g(dim);
        g.initialize(dim == 2 ? "x,y,t" : "x,y,z,t", expressions, {{"pi", M_PI}}, true);
        g.set_time(t);
        AffineConstraints<double> boundary(relevant);
        VectorTools::interpolate_boundary_values(mapping, dofs, static_cast<types::boundary_id>(p.id),
                                                 g, boundary, mask_of({p.component}));
        boundary.close();
        constraints.merge(boundary, AffineConstraints<double>::right_object_wins);
      }
    // Loading programme: rigid platens. The supported one holds the load component at zero,
    // the loaded one moves along it; bonded platens also hold the other components.
    if (loading.enabled && !(reference && reference->released))
      {
        ComponentMask others(dim, true);
        others.set(loading.component(), false);
        const ComponentMask axial = mask_of({loading.component()});
        AffineConstraints<double> platens(relevant);
        std::vector<double>       values(dim, 0.0);
        values[loading.component()] = loading.platen_displacement(t);
        const Functions::ConstantFunction<dim> moved(values);
        VectorTools::interpolate_boundary_values(mapping, dofs,
                                                 static_cast<types::boundary_id>(loading.loaded_boundary_id),
                                                 moved, platens, loading.bonded() ? ComponentMask() : axial);
        VectorTools::interpolate_boundary_values(mapping, dofs,
                                                 static_cast<types::boundary_id>(loading.supported_boundary_id),
                                                 zero, platens, loading.bonded() ? ComponentMask() : axial);
        platens.close();
        // Measured from the residual-stress equilibrium of a read state.
        if (reference)
          for (const auto &[dof, u0] : reference->offsets)
            if (platens.is_constrained(dof))
              platens.set_inhomogeneity(dof, platens.get_inhomogeneity(dof) + u0);
        constraints.merge(platens, AffineConstraints<double>::right_object_wins);
      }
    // Point constraints at the nearest vertex (and the pins of released platens).
    std::vector<MechanicsParameters::PointConstraint> point_constraints = prm.point_constraints;
    if (reference && reference->released)
      for (const auto &pin : reference->pins)
        {
          MechanicsParameters::PointConstraint pc;
          for (unsigned int d = 0; d < dim; ++d)
            pc.point[d] = pin[d];
          pc.components = {loading.component()};
          point_constraints.push_back(pc);
        }
    for (const auto &pc : point_constraints)
      {
        Point<dim> p;
        for (unsigned int d = 0; d < dim; ++d)
          p[d] = pc.point[d];
        double best = std::numeric_limits<double>::max();
        for (const auto &cell : dofs.active_cell_iterators())
          if (!cell->is_artificial())
            for (const auto v : cell->vertex_indices())
              best = std::min(best, cell->vertex(v).distance(p));
        const double global_best = Utilities::MPI::min(best, comm);
        for (const auto &cell : dofs.active_cell_iterators())
          if (!cell->is_artificial())
            for (const auto v : cell->vertex_indices())
              if (cell->vertex(v).distance(p) == global_best)
                for (const auto c : pc.components)
                  {
                    const auto dof = cell->vertex_dof_index(v, c);
                    if (relevant.is_element(dof) && !constraints.is_constrained(dof))
                      constraints.add_line(dof);
                  }
      }
    constraints.close();
    return !prm.prescribed.empty() || loading.enabled;
  }


  template <int dim>
  std::map<types::global_dof_index, double>
  platen_dof_values(const DoFHandler<dim> &dofs, const Mapping<dim> &mapping,
                    const LoadingProgramme &loading, const IndexSet &relevant,
                    const std::function<double(types::global_dof_index)> &u)
  {
    std::vector<bool> m(dim, false);
    m[loading.component()] = true;
    AffineConstraints<double>          platens(relevant);
    const Functions::ZeroFunction<dim> zero(dim);
    for (const unsigned int id : {loading.loaded_boundary_id, loading.supported_boundary_id})
      VectorTools::interpolate_boundary_values(mapping, dofs, static_cast<types::boundary_id>(id),
                                               zero, platens, ComponentMask(m));
    std::map<types::global_dof_index, double> values;
    for (const auto &line : platens.get_lines())
      values[line.index] = u(line.index);
    return values;
  }

  template <int dim>
  std::vector<Point<dim>> platen_pins(const DoFHandler<dim> &dofs, const LoadingProgramme &loading,
                                      const bool axisymmetric)
  {
    // Candidates: the extreme vertices of the supported end along the transverse axes. Each
    // criterion's best vertex over all ranks, ties broken by the coordinates, so that every
    // rank picks the same points.
    const unsigned int axis = loading.component();
    std::vector<unsigned int> transverse;
    for (unsigned int d = 0; d < dim; ++d)
      if (d != axis)
        transverse.push_back(d);
    // Criteria (value to minimise): axisymmetric: the radius (one pin on the axis); plane: the
    // smallest and the largest transverse coordinate; 3D: those of the first transverse axis
    // and the largest |second transverse coordinate| (three points that span the end).
    std::vector<std::function<double(const Point<dim> &)>> criteria;
    if (axisymmetric)
      criteria.push_back([](const Point<dim> &p) { return p[0]; });
    else
      {
        const unsigned int t0 = transverse[0];
        criteria.push_back([t0](const Point<dim> &p) { return p[t0]; });
        criteria.push_back([t0](const Point<dim> &p) { return -p[t0]; });
        if (dim == 3)
          {
            const unsigned int t1 = transverse[1];
            criteria.push_back([t1](const Point<dim> &p) { return -std::abs(p[t1]); });
          }
      }
    const MPI_Comm          comm = dofs.get_triangulation().get_communicator();
    // Ties broken by the coordinates (lexicographic): the same point on every rank.
    const auto better = [](const std::pair<double, Point<dim>> &a, const std::pair<double, Point<dim>> &b) {
      if (a.first != b.first)
        return a.first < b.first;
      for (unsigned int d = 0; d < dim; ++d)
        if (a.second[d] != b.second[d])
          return a.second[d] < b.second[d];
      return false;
    };
    std::vector<Point<dim>> pins;
    for (const auto &criterion : criteria)
      {
        std::pair<double, Point<dim>> best(std::numeric_limits<double>::max(), Point<dim>());
        for (const auto &cell : dofs.active_cell_iterators())
          if (cell->is_locally_owned())
            for (const auto f : cell->face_indices())
              if (cell->face(f)->at_boundary() &&
                  cell->face(f)->boundary_id() == loading.supported_boundary_id)
                for (const auto v : cell->face(f)->vertex_indices())
                  {
                    const Point<dim> p = cell->face(f)->vertex(v);
                    if (better({criterion(p), p}, best))
                      best = {criterion(p), p};
                  }
        const auto all = Utilities::MPI::all_gather(comm, best);
        const auto chosen = *std::min_element(all.begin(), all.end(), better);
        require(chosen.first < std::numeric_limits<double>::max(),
                "entry 'Mechanics/Loading programme'",
                "the supported platen's boundary " + std::to_string(loading.supported_boundary_id) +
                  " has no faces");
        pins.push_back(chosen.second);
      }
    return pins;
  }

  template <int dim>
  double body_extent(const parallel::distributed::Triangulation<dim> &tria, const unsigned int component)
  {
    double lo = std::numeric_limits<double>::max(), hi = -lo;
    for (const auto &cell : tria.active_cell_iterators())
      if (cell->is_locally_owned())
        for (const auto v : cell->vertex_indices())
          {
            lo = std::min(lo, cell->vertex(v)[component]);
            hi = std::max(hi, cell->vertex(v)[component]);
          }
    const MPI_Comm comm = tria.get_communicator();
    return Utilities::MPI::max(hi, comm) - Utilities::MPI::min(lo, comm);
  }

#define BMGFE_INSTANTIATE(dim)                                                                     \
  template bool make_displacement_constraints<dim>(const DoFHandler<dim> &, const Mapping<dim> &, \
                                                   const MechanicsParameters &,                   \
                                                   const LoadingProgramme &, const IndexSet &,    \
                                                   double, AffineConstraints<double> &,           \
                                                   const PlatenReference<dim> *);                 \
  template std::map<types::global_dof_index, double> platen_dof_values<dim>(                       \
    const DoFHandler<dim> &, const Mapping<dim> &, const LoadingProgramme &, const IndexSet &,     \
    const std::function<double(types::global_dof_index)> &);                                       \
  template std::vector<Point<dim>> platen_pins<dim>(const DoFHandler<dim> &,                       \
                                                    const LoadingProgramme &, bool);               \
  template double body_extent<dim>(const parallel::distributed::Triangulation<dim> &, unsigned int);

  BMGFE_INSTANTIATE(2)
  BMGFE_INSTANTIATE(3)
#undef BMGFE_INSTANTIATE
} // namespace bmgfe
