import { parseScenario, ScenarioError } from '../../sim/scenario/parse.js';

/** Parses `text` expecting a ScenarioError; returns it (throws when the scenario is accepted). */
export function scenarioFailure(text: string, file = 'test.yml'): ScenarioError {
  try {
    parseScenario(text, file);
  } catch (error) {
    if (error instanceof ScenarioError) return error;
    throw error;
  }
  throw new Error('expected a ScenarioError, the scenario was accepted');
}
