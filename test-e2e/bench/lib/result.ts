// What a benchmark module returns, and how a figure is printed. Kept apart from run.ts, whose top-level
// await would deadlock a benchmark module that imported it for a value.
/** One measured figure and what it is compared with. */
export interface BenchFigure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** The baseline measured in the same run, when there is one. */
  readonly baseline?: { readonly name: string; readonly value: number };
  /** The budget of DESIGN.md section 11 this figure is held to, and whether it was met. */
  readonly budget?: { readonly description: string; readonly met: boolean };
}

export interface BenchResult {
  readonly name: string;
  readonly description: string;
  readonly figures: readonly BenchFigure[];
  /** Anything a reader needs to interpret the numbers (machine load, run counts). */
  readonly notes?: readonly string[];
}

export function formatFigure(figure: BenchFigure): string {
  const value = `${figure.value.toFixed(figure.unit === 'ms' ? 1 : 2)} ${figure.unit}`;
  const baseline = figure.baseline
    ? `  (baseline ${figure.baseline.name}: ${figure.baseline.value.toFixed(1)} ${figure.unit})`
    : '';
  const budget = figure.budget
    ? `  [${figure.budget.met ? 'met' : 'MISSED'}: ${figure.budget.description}]`
    : '';
  return `  ${figure.name}: ${value}${baseline}${budget}`;
}
