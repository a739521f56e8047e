#pragma once
// Point quantities: named functions of a material point (its position and MaterialPointFields)
// that the visualization writes as fields, the ring statistics average per ring and the radial
// profiles sample. Postprocessors declare them (Interface::declare_quantities), so one name
// serves the VTU arrays, the CSV columns and the summary.json keys.
//
// Naming scheme (README, "Output names"): lower-case words joined by '_', then qualifiers (a
// tensor component 'rr', a location 'at_centre', a statistic 'mean'), then the unit token, e.g.
//   stress_tt_Pa, fictive_temperature_mean_K, temperature_at_centre_K, free_volume,
//   relaxation_enthalpy_J_per_g.
// Dimensionless quantities have no unit token. Unit tokens: K, Pa, m, s, J_per_g, W_per_m3,
// per_K, N, N_per_m, J, J_per_m.
#include <deal.II/base/symmetric_tensor.h>
#include <deal.II/base/tensor.h>

#include <array>
#include <functional>
#include <string>
#include <vector>

namespace bmgfe
{
  struct MaterialPointFields;

  namespace postprocess
  {
    /// A material point as the quantities see it.
    struct PointContext
    {
      /// Model coordinates mapped to 3D: (x, y, 0) in 2D (r = x, z = y in axisymmetric models).
      std::array<double, 3>      position;
      const MaterialPointFields &fields;
    };

    enum class QuantityKind
    {
      scalar,
      vector,          ///< 3 components in the model's coordinates
      symmetric_tensor ///< 3x3 in the model's component order (doc/model.md §3)
    };

    struct Quantity
    {
      std::string  name;        ///< e.g. "stress", "free_volume" (no unit)
      std::string  unit;        ///< unit token (empty: dimensionless)
      std::string  description; ///< one line for the README table and the VTU documentation
      QuantityKind kind = QuantityKind::scalar;
      /// Written by the visualization when 'Output/Fields = default'.
      bool written_by_default = true;
      /// Averaged per ring by the ring statistics when its field list is 'default' (tensors:
      /// their cylindrical or Cartesian components).
      bool in_rings_by_default = false;
      std::function<double(const PointContext &)>                        scalar;
      std::function<dealii::Tensor<1, 3>(const PointContext &)>          vector;
      std::function<dealii::SymmetricTensor<2, 3>(const PointContext &)> tensor;

      /// name + "_" + qualifier + "_" + unit, leaving out empty parts.
      std::string column(const std::string &qualifier = "") const;
    };

    /// "a_b_c" from non-empty parts.
    std::string join_name(const std::vector<std::string> &parts);

    class QuantityRegistry
    {
    public:
      /// Throws std::logic_error when the name exists already (two postprocessors would write
      /// the same array).
      void add(Quantity quantity);
      const Quantity *find(const std::string &name) const;
      const std::vector<Quantity> &all() const { return quantities; }
      /// Names of all quantities, comma-separated (error messages).
      std::string names() const;

    private:
      std::vector<Quantity> quantities;
    };

    /// How a tensor is written: its components in a frame (cylindrical rr, tt, zz, rz for rods;
    /// the model's Cartesian components otherwise), with their name suffixes.
    struct ComponentFrame
    {
      std::vector<std::string> suffixes;
      /// The components of `t` at `position` (model coordinates as in PointContext).
      std::function<std::vector<double>(const dealii::SymmetricTensor<2, 3> &t,
                                        const std::array<double, 3> &position)>
        components;
      bool cylindrical = false;
    };
  } // namespace postprocess
} // namespace bmgfe
