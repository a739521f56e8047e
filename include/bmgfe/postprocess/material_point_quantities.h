#pragma once
// The point quantities of the material point itself (doc/model.md §0, §3): temperature, stress,
// the strain decomposition, the heterogeneity and, with the free-volume models, the free volume,
// fictive temperature and plastic state. The manager declares them for every run; derived
// measures (von Mises, triaxiality, hardness, ...) come from their postprocessors.
#include <bmgfe/base/kinematics.h>
#include <bmgfe/postprocess/quantities.h>

namespace bmgfe
{
  namespace postprocess
  {
    struct ModelFlags
    {
      bool mechanics = false; ///< stresses and strains exist
      bool viscous   = false; ///< free volume and Maxwell flow ('viscous', 'viscoplastic')
      bool plastic   = false; ///< plastic strain ('plastic', 'viscoplastic')
    };

    void declare_material_point_quantities(QuantityRegistry &registry, const ModelFlags &model);
  } // namespace postprocess
} // namespace bmgfe
