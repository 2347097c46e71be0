export {
  evaluateLicense,
  generateLicenseKeyPair,
  LICENSE_FORMAT,
  signLicense,
} from './license-evaluator';
export type {
  LicenseEvaluation,
  LicenseEvaluationInput,
  LicenseKeyPair,
  SignLicenseInput,
} from './license-evaluator';
export * from './enterprise-feature.guard';
export * from './license-clock';
export * from './license-edition';
export * from './license-refresh.service';
export * from './license-settings';
export * from './license-status.reader';
export * from './license-status.store';
export * from './licensing.env';
export * from './licensing.module';
export * from './licensing.tokens';
