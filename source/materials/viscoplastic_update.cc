#include <bmgfe/materials/mohr_coulomb_strength.h>
#include <bmgfe/materials/viscoplastic_update.h>
#include <bmgfe/materials/viscous_flow.h>

#include <cmath>
#include <stdexcept>

namespace bmgfe
{
  namespace viscoplastic
  {
    using dealii::SymmetricTensor;

    ViscoplasticResult update(const ViscoplasticInput &in, const MohrCoulombStrength &strength,
                              const MohrCoulombFlow &flow, const MohrCoulombControl &control)
    {
      ViscoplasticResult r;
      update(in, strength, flow, control, r);
      return r;
    }

    void update(const ViscoplasticInput &in, const MohrCoulombStrength &strength,
                const MohrCoulombFlow &flow, const MohrCoulombControl &control,
                ViscoplasticResult &r)
    {
      if (!(in.bulk_modulus > 0) || !(in.shear_modulus > 0))
        throw std::invalid_argument("viscoplastic::update: need positive moduli");
      const double K = in.bulk_modulus, G = in.shear_modulus;
      const SymmetricTensor<2, 3> I = dealii::unit_symmetric_tensor<3>();

      // 1. Viscous predictor with eps_p frozen: eps - eps_p,n is the strain the Maxwell element
      // sees; eps_v,n = eps_in,n - eps_p,n.
      static const RelaxationSpectrum                  one_element;
      static const std::vector<SymmetricTensor<2, 3>> no_branches;
      // The Maxwell step writes its branch strains into the result's storage, and its branch
      // phi1 into scratch kept between calls: 28 branches are 1.3 kB, and a heap block of that
      // size per point and iteration cost a tenth of the mesoscale CTC run (malloc).
      thread_local viscous_flow::MaxwellStep maxwell;
      maxwell.branch_viscous_strains.swap(r.branch_viscous_strains);
      r = ViscoplasticResult();
      viscous_flow::update(in.strain - in.plastic_strain_old, in.strain - in.strain_old,
                           in.inelastic_strain_old - in.plastic_strain_old,
                           in.branch_viscous_strains_old ? *in.branch_viscous_strains_old : no_branches,
                           G, in.shear_spectrum ? *in.shear_spectrum : one_element,
                           in.relaxation_exponent, in.max_relaxation_exponent, maxwell);
      const double elastic_volume = trace(in.strain) - 3 * in.isotropic_eigenstrain -
                                    trace(in.plastic_strain_old);
      const SymmetricTensor<2, 3> trial = viscous_flow::stress(K, elastic_volume, maxwell);
      const double G_eff = 0.5 * maxwell.tangent_factor; // G phi1(lambda)

      r.free_volume = in.free_volume;
      if (in.plastic && G_eff > 0)
        {
          const MohrCoulombReturn ret = mohr_coulomb::return_map(
            trial, K, G_eff, in.free_volume, in.strength_free_volume, strength, flow, control);
          r.converged  = ret.converged;
          r.iterations = ret.iterations;
          r.region     = ret.region;
          if (ret.converged)
            {
              r.stress                   = ret.stress;
              r.tangent                  = ret.tangent;
              r.plastic_strain_increment = ret.plastic_strain_increment;
              r.free_volume              = ret.free_volume;
              r.free_volume_increment    = ret.free_volume_increment;
            }
          else
            {
              // No plastic state exists (see mohr_coulomb.h): the caller cuts the step back;
              // return the viscous predictor so that nothing is NaN or zero.
              r.stress  = trial;
              r.tangent = viscous_flow::tangent(K, maxwell.tangent_factor);
            }
        }
      else
        {
          // A fully relaxed liquid (phi1 = 0) carries no shear stress: nothing to return.
          r.stress  = trial;
          r.tangent = viscous_flow::tangent(K, maxwell.tangent_factor);
        }
      const SymmetricTensor<2, 3> &dp = r.plastic_strain_increment;
      // Branches in parallel: each loses phi1(lambda_i) dev(d eps_p) of its elastic strain.
      // (the storage goes back to the result: maxwell holds the empty vector of the reset r)
      r.branch_viscous_strains.swap(maxwell.branch_viscous_strains);
      if (!r.branch_viscous_strains.empty() && dp.norm() > 0)
        {
          const SymmetricTensor<2, 3> dp_dev = deviator(dp);
          for (unsigned int i = 0; i < r.branch_viscous_strains.size(); ++i)
            r.branch_viscous_strains[i] -= (1 - maxwell.branch_phi1[i]) * dp_dev;
        }
      r.equivalent_plastic_strain_increment = std::sqrt(2.0 / 3.0 * (dp * dp));
      r.plastic_work                        = r.stress * dp;
      // 3. eps_in = eps - eps_iso 1 - C(K, G)^-1 sigma.
      const SymmetricTensor<2, 3> elastic_strain =
        trace(r.stress) / (9 * K) * I + deviator(r.stress) / (2 * G);
      r.inelastic_strain = in.strain - in.isotropic_eigenstrain * I - elastic_strain;
    }
  } // namespace viscoplastic
} // namespace bmgfe
