#include <bmgfe/materials/material_point_fields.h>
#include <bmgfe/postprocess/material_point_quantities.h>

namespace bmgfe
{
  namespace postprocess
  {
    namespace
    {
      using Tensor2 = dealii::SymmetricTensor<2, 3>;

      Quantity scalar(const std::string &name, const std::string &unit, const std::string &description,
                      std::function<double(const MaterialPointFields &)> f, const bool in_rings)
      {
        Quantity q;
        q.name                = name;
        q.unit                = unit;
        q.description         = description;
        q.kind                = QuantityKind::scalar;
        q.in_rings_by_default = in_rings;
        q.scalar              = [f](const PointContext &p) { return f(p.fields); };
        return q;
      }

      Quantity tensor(const std::string &name, const std::string &unit, const std::string &description,
                      std::function<Tensor2(const MaterialPointFields &)> f, const bool in_rings)
      {
        Quantity q;
        q.name                = name;
        q.unit                = unit;
        q.description         = description;
        q.kind                = QuantityKind::symmetric_tensor;
        q.in_rings_by_default = in_rings;
        q.tensor              = [f](const PointContext &p) { return f(p.fields); };
        return q;
      }
    } // namespace

    void declare_material_point_quantities(QuantityRegistry &registry, const ModelFlags &model)
    {
      using F = MaterialPointFields;
      registry.add(scalar("temperature", "K", "temperature T", [](const F &f) { return f.temperature; },
                          true));
      if (!model.mechanics)
        return;
      registry.add(tensor("stress", "Pa", "Cauchy stress sigma (tension positive)",
                          [](const F &f) { return f.stress; }, true));
      registry.add(tensor("strain", "", "total strain eps (small strain)",
                          [](const F &f) { return f.strain; }, false));
      registry.add(tensor("elastic_strain", "", "elastic strain eps_e = C^-1 : sigma",
                          [](const F &f) { return f.elastic_strain; }, false));
      registry.add(scalar("elastic_volumetric_strain", "",
                          "volumetric elastic strain tr eps_e (the density change a diffraction "
                          "experiment measures, seed 004)",
                          [](const F &f) { return dealii::trace(f.elastic_strain); }, false));
      registry.add(scalar("thermal_strain", "",
                          "isotropic thermal strain eps_th (the tensor is eps_th 1)",
                          [](const F &f) { return f.thermal_strain; }, false));
      registry.add(scalar("thermal_expansion_coefficient", "per_K", "expansion coefficient alpha(X, T)",
                          [](const F &f) { return f.expansion; }, true));
      registry.add(scalar("heterogeneity", "", "heterogeneity field g(X) of zero mean, unit variance",
                          [](const F &f) { return f.g; }, true));
      if (model.viscous)
        {
          registry.add(scalar("structural_strain", "",
                              "isotropic structural strain eps_s = (zeta/3)(x - x_p - x_ref)",
                              [](const F &f) { return f.structural_strain; }, false));
          registry.add(tensor("viscous_strain", "", "viscous (Maxwell) strain eps_v",
                              [](const F &f) { return f.viscous_strain; }, false));
        }
      if (model.viscous || model.plastic)
        {
          registry.add(scalar("free_volume", "", "free volume x", [](const F &f) { return f.free_volume; },
                              true));
          registry.add(scalar("fictive_temperature", "K", "fictive temperature T_f(x) = T0 + B x",
                              [](const F &f) { return f.fictive_temperature; }, true));
          registry.add(scalar("equivalent_inelastic_strain", "",
                              "sqrt(2/3 eps_in : eps_in) of the viscous + plastic strain",
                              [](const F &f) { return f.equivalent_inelastic_strain; }, true));
        }
      if (model.plastic)
        {
          registry.add(tensor("plastic_strain", "", "plastic strain eps_p",
                              [](const F &f) { return f.plastic_strain; }, false));
          registry.add(scalar("equivalent_plastic_strain", "",
                              "accumulated equivalent plastic strain p = sum sqrt(2/3 d eps_p : d eps_p)",
                              [](const F &f) { return f.equivalent_plastic_strain; }, true));
          registry.add(scalar("nonlocal_free_volume", "", "regularised free volume x-bar",
                              [](const F &f) { return f.nonlocal_free_volume; }, false));
          registry.add(scalar("strength_free_volume", "",
                              "free volume of the strength x-hat = m x-bar + (1 - m) x",
                              [](const F &f) { return f.strength_free_volume; }, false));
          registry.add(scalar("plastic_power", "W_per_m3", "plastic power sigma : d eps_p / dt of the last step",
                              [](const F &f) { return f.plastic_power; }, false));
        }
    }
  } // namespace postprocess
} // namespace bmgfe
