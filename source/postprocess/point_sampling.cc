#include <bmgfe/postprocess/point_sampling.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>
#include <deal.II/fe/mapping.h>
#include <deal.II/grid/grid_tools.h>
#include <deal.II/grid/grid_tools_cache.h>
#include <deal.II/numerics/rtree.h>

#include <iterator>

#include <cmath>
#include <limits>

namespace bmgfe
{
  namespace postprocess
  {
    using namespace dealii;

    void declare_material_state_entry(ParameterHandler &prm)
    {
      prm.declare_entry(
        "Material state", "interpolated", Patterns::Selection("interpolated|nearest Gauss point"),
        "How stresses and elastic strains are read at a point between the Gauss points. "
        "interpolated: the plastic/viscous strain and the free volume interpolated through the "
        "cell's Gauss points, the strain at the point (smooth, of the element's order for smooth "
        "states). Where the plastic strain is far larger than the elastic one (a band, a notch "
        "root after yield) the two interpolants differ by more than the elastic strain and the "
        "stress is not the law's: there 'nearest Gauss point' gives the state and strain of the "
        "nearest Gauss point of the cell, i.e. the stress the law computed (piecewise constant "
        "over each cell's Gauss-point regions).");
    }

    bool nearest_gauss_point_state(const ParameterHandler &prm)
    {
      return prm.get("Material state") == "nearest Gauss point";
    }

    template <int dim>
    void PointSampler<dim>::locate(const Triangulation<dim, dim> &triangulation, const Mapping<dim, dim> &mapping,
                                   const std::vector<Point<dim>> &points, const MPI_Comm communicator)
    {
      comm = communicator;
      rank = Utilities::MPI::this_mpi_process(comm);
      owner.assign(points.size(), nobody);
      found.assign(points.size(), {});
      // Candidates from the bounding boxes of this rank's own cells only (a search through the
      // whole mesh also inverts the mapping on other ranks' cells, and deal.II's exceptions for
      // the misses cost ~10 ms each: 10 x slower on 2 ranks than on 1). The boxes are those of
      // the vertices; a point is widened by a small margin so that a cell whose curved boundary
      // bulges past its vertices' box still finds it.
      const GridTools::Cache<dim> cache(triangulation, mapping);
      const auto                 &owned_boxes = cache.get_locally_owned_cell_bounding_boxes_rtree();
      const BoundingBox<dim>      mesh_box    = GridTools::compute_bounding_box(triangulation);
      // (The same on every rank: a rank's mesh box may hold only its part.)
      const double margin = Utilities::MPI::max(
        1e-3 * mesh_box.get_boundary_points().first.distance(mesh_box.get_boundary_points().second), comm);
      // A point on a face between cells lies in all of them, and the stress is discontinuous
      // there: the cell is chosen by its centre (the smallest key c . d for a fixed direction d),
      // not by the order of the search or the partition, so that any number of ranks gives the
      // same samples.
      Tensor<1, dim> direction;
      for (unsigned int d = 0; d < dim; ++d)
        direction[d] = 1.0 / (1.0 + 0.618 * d);
      std::vector<double> key(points.size(), std::numeric_limits<double>::infinity());
      std::vector<std::pair<BoundingBox<dim>, Cell>> candidates;
      for (std::size_t i = 0; i < points.size(); ++i)
        {
          Point<dim> lo = points[i], hi = points[i];
          for (unsigned int d = 0; d < dim; ++d)
            lo[d] -= margin, hi[d] += margin;
          candidates.clear();
          owned_boxes.query(boost::geometry::index::intersects(BoundingBox<dim>(std::make_pair(lo, hi))),
                            std::back_inserter(candidates));
          for (const auto &[box, cell] : candidates)
            {
              const double k = cell->center() * direction;
              if (!(k < key[i]))
                continue;
              Point<dim> reference;
              try
                {
                  reference = mapping.transform_real_to_unit_cell(cell, points[i]);
                }
              catch (...)
                {
                  continue; // the mapping cannot be inverted there: not this cell
                }
              if (GeometryInfo<dim>::is_inside_unit_cell(reference, 1e-10))
                {
                  key[i]   = k;
                  found[i] = {cell, GeometryInfo<dim>::project_to_unit_cell(reference)};
                }
            }
        }
      std::vector<double> smallest = key;
      MPI_Allreduce(MPI_IN_PLACE, smallest.data(), static_cast<int>(smallest.size()), MPI_DOUBLE, MPI_MIN, comm);
      for (std::size_t i = 0; i < points.size(); ++i)
        if (std::isfinite(key[i]) && key[i] == smallest[i])
          owner[i] = rank;
      // Equal keys on two ranks (cells with the same centre: none in a conforming mesh): the
      // lower rank.
      MPI_Allreduce(MPI_IN_PLACE, owner.data(), static_cast<int>(owner.size()), MPI_UNSIGNED, MPI_MIN, comm);
    }

    template <int dim>
    std::size_t PointSampler<dim>::n_inside() const
    {
      std::size_t n = 0;
      for (const unsigned int o : owner)
        n += o != nobody;
      return n;
    }

    template <int dim>
    std::vector<double> PointSampler<dim>::evaluate(const Evaluator &f, const unsigned int n_values) const
    {
      std::vector<double> values(n_values * owner.size(), 0.0);
      for (std::size_t i = 0; i < owner.size(); ++i)
        if (owner[i] == rank)
          f(found[i].first, found[i].second, i, values.data() + n_values * i);
      MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), MPI_DOUBLE, MPI_SUM, comm);
      for (std::size_t i = 0; i < owner.size(); ++i)
        if (owner[i] == nobody)
          for (unsigned int k = 0; k < n_values; ++k)
            values[n_values * i + k] = std::numeric_limits<double>::quiet_NaN();
      return values;
    }

    template class PointSampler<2>;
    template class PointSampler<3>;
  } // namespace postprocess
} // namespace bmgfe
