#include <bmgfe/base/input_error.h>
#include <bmgfe/linear_algebra/backend.h>
#include <bmgfe/materials/material_point_fields.h>
#include <bmgfe/postprocess/manager.h>
#include <bmgfe/postprocess/stress_measure_fields.h>
#include <bmgfe/postprocess/stress_measures.h>

namespace bmgfe
{
  namespace postprocess
  {
    template <int dim, typename LA>
    bool StressMeasureFields<dim, LA>::enabled_by_default(dealii::ParameterHandler &) const
    {
      return this->run().mechanics != nullptr;
    }

    template <int dim, typename LA>
    void StressMeasureFields<dim, LA>::initialize()
    {
      require(this->run().mechanics, "entry 'Postprocess/List of postprocessors'",
              "'stress measures' needs 'Mechanics/Enabled = true'");
    }

    template <int dim, typename LA>
    void StressMeasureFields<dim, LA>::declare_quantities(QuantityRegistry &quantities) const
    {
      if (!this->run().mechanics)
        return; // initialize() reports it
      const auto scalar = [&](const std::string &name, const std::string &unit,
                              const std::string &description, const bool rings,
                              std::function<double(const dealii::SymmetricTensor<2, 3> &)> f) {
        Quantity q;
        q.name                = name;
        q.unit                = unit;
        q.description         = description;
        q.in_rings_by_default = rings;
        q.scalar              = [f](const PointContext &p) { return f(p.fields.stress); };
        quantities.add(q);
      };
      scalar("von_mises_stress", "Pa", "von Mises stress sqrt(3/2 s : s)", true,
             [](const auto &s) { return von_mises(s); });
      scalar("mean_stress", "Pa", "mean stress tr(sigma)/3", true,
             [](const auto &s) { return mean_stress(s); });
      scalar("triaxiality", "", "stress triaxiality sigma_m / sigma_eq", false,
             [](const auto &s) { return triaxiality(s); });
      scalar("lode_parameter", "",
             "Lode parameter (2 s2 - s1 - s3)/(s1 - s3): -1 uniaxial tension, 0 shear, +1 uniaxial "
             "compression",
             false, [](const auto &s) { return lode_parameter(s); });
      for (unsigned int i = 0; i < 3; ++i)
        scalar("principal_stress_" + std::to_string(i + 1), "Pa",
               std::string(i == 0 ? "largest" : (i == 1 ? "middle" : "smallest")) +
                 " principal stress",
               false, [i](const auto &s) { return principal_stresses(s)[i]; });
      for (unsigned int i = 0; i < 3; ++i)
        {
          Quantity q;
          q.name        = "principal_direction_" + std::to_string(i + 1);
          q.description = "unit direction of principal_stress_" + std::to_string(i + 1);
          q.kind        = QuantityKind::vector;
          q.vector      = [i](const PointContext &p) {
            return principal_directions(p.fields.stress)[i].second;
          };
          quantities.add(q);
        }
    }

    BMGFE_REGISTER_POSTPROCESSOR(StressMeasureFields, "stress measures", 60,
                                 "von Mises and mean stress, triaxiality, Lode parameter, principal "
                                 "stresses and directions as fields")
  } // namespace postprocess
} // namespace bmgfe
