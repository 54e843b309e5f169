/** One benchmark: the harness's figure beside a baseline measured in the same run. */
export interface BenchResult {
  title: string;
  subject: string;
  baseline: string;
  unit: string;
  subjectSamples: number[];
  baselineSamples: number[];
  lowerIsBetter: boolean;
  notes?: string[];
}

export function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Markdown for one result: medians, the ratio subject/baseline, and every sample. */
export function formatResult(r: BenchResult): string {
  const s = median(r.subjectSamples);
  const b = median(r.baselineSamples);
  const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(2));
  return [
    `## ${r.title}`,
    '',
    `| | median (${r.unit}) | samples |`,
    '| --- | --- | --- |',
    `| ${r.subject} | ${fmt(s)} | ${r.subjectSamples.map(fmt).join(', ')} |`,
    `| ${r.baseline} | ${fmt(b)} | ${r.baselineSamples.map(fmt).join(', ')} |`,
    '',
    `**Ratio (harness / baseline): ${(s / b).toFixed(2)}** (${r.lowerIsBetter ? 'lower' : 'higher'} is better)`,
    ...(r.notes?.length ? ['', ...r.notes] : []),
    '',
  ].join('\n');
}
