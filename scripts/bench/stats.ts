// Order statistics of a run's samples (frame ages), shared by the benchmarks that time frames.

/** The `q` quantile (0 to 1) of `values`, interpolating between the two nearest samples; NaN for none. */
export function quantile(values: readonly number[], q: number): number {
	if (values.length === 0) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const at = (sorted.length - 1) * q;
	const below = Math.floor(at);
	const above = Math.min(below + 1, sorted.length - 1);
	return sorted[below] + (sorted[above] - sorted[below]) * (at - below);
}

export function median(values: readonly number[]): number {
	return quantile(values, 0.5);
}
