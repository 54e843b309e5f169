/** One benchmark: the harness's figure beside a baseline measured in the same run. */
export interface BenchResult {
  title: string;
  subject: string;
  baseline: string;
  unit: string;
  subjectSamples: number[];
  baselineSamples: number[];
  lowerIsBetter: boolean;
  /** For accuracy figures: neither direction is better, a ratio of 1 is the goal. */
  nearOneIsBetter?: boolean;
  notes?: string[];
}

/** The middle sample (the mean of the middle two for an even count). */
export function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function better(r: BenchResult): string {
  if (r.nearOneIsBetter) return 'closer to 1 is better';
  return r.lowerIsBetter ? 'lower is better' : 'higher is better';
}

/** Markdown for one result: medians, the ratio subject/baseline, and every sample. */
export function formatResult(r: BenchResult): string {
  const s = median(r.subjectSamples);
  const b = median(r.baselineSamples);
  // An accuracy figure is about small differences, so it keeps its decimals at any size.
  const fmt = (n: number) => (n >= 100 && !r.nearOneIsBetter ? n.toFixed(0) : n.toFixed(2));
  return [
    `## ${r.title}`,
    '',
    `| | median (${r.unit}) | samples |`,
    '| --- | --- | --- |',
    `| ${r.subject} | ${fmt(s)} | ${r.subjectSamples.map(fmt).join(', ')} |`,
    `| ${r.baseline} | ${fmt(b)} | ${r.baselineSamples.map(fmt).join(', ')} |`,
    '',
    `**Ratio (harness / baseline): ${(s / b).toFixed(r.nearOneIsBetter ? 3 : 2)}** (${better(r)})`,
    // A blank line before each note, so each is its own paragraph.
    ...(r.notes ?? []).flatMap((note) => ['', note]),
    '',
  ].join('\n');
}
