#include <bmgfe/materials/free_volume.h>
#include <bmgfe/materials/viscous_flow.h>

#include <cmath>
#include <stdexcept>

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
      const double decay = std::exp(-lambda);
      const double f     = std::isinf(lambda) ? 0.0 : phi1(lambda);
      const SymmetricTensor<2, 3> ee_new = decay * ee_old + f * de;

      MaxwellStep s;
      s.deviatoric_stress = 2 * shear_modulus * ee_new;
      s.viscous_strain    = e_new - ee_new;
      s.tangent_factor    = 2 * shear_modulus * f;
      return s;
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
      const SymmetricTensor<2, 3> one = dealii::unit_symmetric_tensor<3>();
      return bulk_modulus * dealii::outer_product(one, one) +
             tangent_factor * dealii::deviator_tensor<3>();
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
