#include <bmgfe/materials/point_history.h>

namespace bmgfe
{
  void MaterialPointState::pack(double *out) const
  {
    out[0] = g;
    for (unsigned int k = 0; k < 6; ++k)
      out[1 + k] = inelastic_strain.access_raw_entry(k);
    out[7] = x;
    out[8] = temperature;
    for (unsigned int k = 0; k < 6; ++k)
      out[9 + k] = strain.access_raw_entry(k);
    for (unsigned int k = 0; k < 6; ++k)
      out[15 + k] = plastic_strain.access_raw_entry(k);
    out[21] = equivalent_plastic_strain;
    out[22] = plastic_free_volume;
    out[23] = nonlocal_free_volume;
    out[24] = free_volume_modes.size();
    out[25] = branch_viscous_strains.size();
    double *next = out + n_packed_fixed;
    for (const double m : free_volume_modes)
      *next++ = m;
    for (const auto &e : branch_viscous_strains)
      for (unsigned int k = 0; k < 6; ++k)
        *next++ = e.access_raw_entry(k);
  }

  void MaterialPointState::unpack(const double *in)
  {
    g = in[0];
    for (unsigned int k = 0; k < 6; ++k)
      inelastic_strain.access_raw_entry(k) = in[1 + k];
    x           = in[7];
    temperature = in[8];
    for (unsigned int k = 0; k < 6; ++k)
      strain.access_raw_entry(k) = in[9 + k];
    for (unsigned int k = 0; k < 6; ++k)
      plastic_strain.access_raw_entry(k) = in[15 + k];
    equivalent_plastic_strain = in[21];
    plastic_free_volume       = in[22];
    nonlocal_free_volume      = in[23];
    free_volume_modes.resize(static_cast<unsigned int>(in[24]));
    branch_viscous_strains.resize(static_cast<unsigned int>(in[25]));
    const double *next = in + n_packed_fixed;
    for (double &m : free_volume_modes)
      m = *next++;
    for (auto &e : branch_viscous_strains)
      for (unsigned int k = 0; k < 6; ++k)
        e.access_raw_entry(k) = *next++;
    plastic_power             = 0;
    x_trial = x;
    x_modes_trial = free_volume_modes;
    lambda  = 0;
  }

  void MaterialPointState::commit()
  {
    inelastic_strain = update.inelastic_strain;
    plastic_strain += update.plastic_strain_increment;
    equivalent_plastic_strain += update.equivalent_plastic_strain_increment;
    plastic_free_volume += update.free_volume_increment;
    x           = update.free_volume;
    x_trial     = x;
    free_volume_modes      = update.free_volume_modes;
    branch_viscous_strains = update.branch_viscous_strains;
    x_modes_trial          = free_volume_modes;
    strain      = update.strain;
    temperature = update.temperature;
    plastic_power += update.plastic_work;
  }
} // namespace bmgfe
