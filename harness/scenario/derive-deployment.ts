import { FixtureError } from '../errors.ts';
import { deploymentSchema, type Deployment } from '../topology/deployment-schema.ts';
import type { LoadedDeployment } from '../topology/load-deployment.ts';
import type { Scenario } from './scenario.ts';

/**
 * The deployment a scenario runs on: the given one, or what the scenario's derivation makes of
 * it, validated like a fixture so a derivation that breaks the schema is refused with a
 * `FixtureError` naming the scenario and the field, before anything starts.
 */
export function deriveDeployment(scenario: Scenario, given: LoadedDeployment): Deployment {
  if (!scenario.derive) return given.deployment;
  const derived = scenario.derive.apply(structuredClone(given.deployment));
  const parsed = deploymentSchema.safeParse(derived);
  if (parsed.success) return parsed.data;
  const first = parsed.error.issues[0]!;
  throw new FixtureError(
    `${given.file} (as derived by scenario ${scenario.name})`,
    first.path.join('.') || '(root)',
    first.message,
  );
}
