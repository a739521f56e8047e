#include <bmgfe/materials/free_volume.h>
#include <bmgfe/materials/viscous_flow.h>

#include <cmath>
#include <stdexcept>
#include <string>

namespace bmgfe
{
  namespace viscous_flow
  {
    using dealii::SymmetricTensor;

    MaxwellStep update(const SymmetricTensor<2, 3> &strain_new,
                       const SymmetricTensor<2, 3> &strain_increment,
                       const SymmetricTensor<2, 3> &viscous_strain_old,
                       const double shear_modulus, const double lambda)
    {
      if (!(lambda >= 0) || !(shear_modulus > 0))
        throw std::invalid_argument("viscous_flow::update: need lambda >= 0 and G > 0");
      const SymmetricTensor<2, 3> e_new  = dealii::deviator(strain_new);
      const SymmetricTensor<2, 3> de     = dealii::deviator(strain_increment);
      const SymmetricTensor<2, 3> ee_old = (e_new - de) - viscous_strain_old;
      // lambda = +inf (liquid far above Tg): e^{-lambda} = 0, phi1 = 0.
      const double decay = exp_minus(lambda);
      const double f     = std::isinf(lambda) ? 0.0 : phi1(lambda);
      const SymmetricTensor<2, 3> ee_new = decay * ee_old + f * de;

      MaxwellStep s;
      s.deviatoric_stress = 2 * shear_modulus * ee_new;
      s.viscous_strain    = e_new - ee_new;
      s.tangent_factor    = 2 * shear_modulus * f;
      s.branch_phi1.assign(1, f);
      return s;
    }

    MaxwellStep update(const SymmetricTensor<2, 3> &strain_new,
                       const SymmetricTensor<2, 3> &strain_increment,
                       const SymmetricTensor<2, 3> &viscous_strain_old,
                       const std::vector<SymmetricTensor<2, 3>> &branches_old,
                       const double shear_modulus, const RelaxationSpectrum &shear,
                       const double lambda, const double cap)
    {
      MaxwellStep s;
      update(strain_new, strain_increment, viscous_strain_old, branches_old, shear_modulus, shear,
             lambda, cap, s);
      return s;
    }

    void update(const SymmetricTensor<2, 3> &strain_new,
                const SymmetricTensor<2, 3> &strain_increment,
                const SymmetricTensor<2, 3> &viscous_strain_old,
                const std::vector<SymmetricTensor<2, 3>> &branches_old,
                const double shear_modulus, const RelaxationSpectrum &shear,
                const double lambda, const double cap, MaxwellStep &s)
    {
      if (shear.single())
        {
          s = update(strain_new, strain_increment, viscous_strain_old, shear_modulus,
                     branch_exponent(lambda, shear.times[0], cap));
          return;
        }
      if (!(lambda >= 0) || !(shear_modulus > 0))
        throw std::invalid_argument("viscous_flow::update: need lambda >= 0 and G > 0");
      const unsigned int n = shear.size();
      if (!branches_old.empty() && branches_old.size() != n)
        throw std::invalid_argument("viscous_flow::update: " + std::to_string(branches_old.size()) +
                                    " branch strains for " + std::to_string(n) + " branches");
      const SymmetricTensor<2, 3> e_new = dealii::deviator(strain_new);
      const SymmetricTensor<2, 3> de    = dealii::deviator(strain_increment);
      const SymmetricTensor<2, 3> e_old = e_new - de;
      s.branch_viscous_strains.resize(n);
      s.branch_phi1.resize(n);
      SymmetricTensor<2, 3> ee_sum; // sum g_i e_e,i,n+1
      double                phi_sum = 0;
      for (unsigned int i = 0; i < n; ++i)
        {
          const double l     = branch_exponent(lambda, shear.times[i], cap);
          const double decay = exp_minus(l);
          const double f     = std::isinf(l) ? 0.0 : phi1(l);
          const SymmetricTensor<2, 3> ee_old =
            e_old - (branches_old.empty() ? viscous_strain_old : branches_old[i]);
          const SymmetricTensor<2, 3> ee_new = decay * ee_old + f * de;
          s.branch_viscous_strains[i]        = e_new - ee_new;
          s.branch_phi1[i]                   = f;
          ee_sum += shear.weights[i] * ee_new;
          phi_sum += shear.weights[i] * f;
        }
      s.deviatoric_stress = 2 * shear_modulus * ee_sum;
      s.viscous_strain    = e_new - ee_sum;
      s.tangent_factor    = 2 * shear_modulus * phi_sum;
    }

    double relaxation_exponent(const double shear_modulus, const double viscosity,
                               const double dt)
    {
      return shear_modulus * dt / viscosity; // viscosity = inf gives 0
    }

    double relaxation_exponent_from_reduced_time(const double shear_modulus, const double tau0,
                                                 const double eta0, const double reduced_time)
    {
      return shear_modulus * tau0 / eta0 * reduced_time;
    }

    double viscosity(const FreeVolumeParameters &p, const double eta0, const double T,
                     const double x)
    {
      return eta0 * std::exp(p.log_mobility(T, x));
    }

    SymmetricTensor<4, 3> tangent(const double bulk_modulus, const double tangent_factor)
    {
      // 1 (x) 1 and the deviatoric projector once (built per point they cost more than the
      // rest of the elastic point's update).
      static const SymmetricTensor<4, 3> one_one =
        dealii::outer_product(dealii::unit_symmetric_tensor<3>(), dealii::unit_symmetric_tensor<3>());
      static const SymmetricTensor<4, 3> deviator = dealii::deviator_tensor<3>();
      return bulk_modulus * one_one + tangent_factor * deviator;
    }

    SymmetricTensor<2, 3> stress(const double bulk_modulus,
                                 const double elastic_volumetric_strain,
                                 const MaxwellStep &step)
    {
      return bulk_modulus * elastic_volumetric_strain * dealii::unit_symmetric_tensor<3>() +
             step.deviatoric_stress;
    }
  } // namespace viscous_flow
} // namespace bmgfe
