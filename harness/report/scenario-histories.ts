/**
 * Finding each scenario's stored history for the reports and the gate, which need more than
 * results.json holds: every operation's timing, the faults, the records evidence points at.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readHistory } from '../checks/index.ts';
import type { History } from '../history/types.ts';
import type { RunResults } from './results-file.ts';

/** Each scenario's history by scenario name, and why the others could not be read. */
export interface ScenarioHistories {
  histories: Map<string, History>;
  /** Scenario name to what went wrong; a report says so instead of drawing nothing. */
  missing: Map<string, string>;
}

/**
 * Reads the history of every scenario of `results`. A run directory may have been moved since
 * it was written (a CI artifact downloaded elsewhere), so the scenario's folder under `runDir`
 * is tried before the absolute `runDir` results.json recorded, and `runDir` itself last (a
 * single scenario folder, as `check` accepts). A history counts only when its meta record
 * names the scenario. Never throws for a missing or malformed history: it is reported missing.
 */
export async function loadScenarioHistories(
  runDir: string,
  results: RunResults,
): Promise<ScenarioHistories> {
  const histories = new Map<string, History>();
  const missing = new Map<string, string>();

  for (const scenario of results.scenarios) {
    const candidates = [...new Set([join(runDir, scenario.name), scenario.runDir, runDir])];
    const problems: string[] = [];
    for (const dir of candidates) {
      if (!(await isFile(join(dir, 'history.jsonl')))) continue;
      try {
        const { history } = await readHistory(dir);
        if (history.meta.scenario === scenario.name) {
          histories.set(scenario.name, history);
          break;
        }
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
    if (!histories.has(scenario.name)) {
      const why = problems[0] ?? `no history.jsonl in ${candidates.join(' or ')}`;
      missing.set(scenario.name, why);
    }
  }
  return { histories, missing };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
