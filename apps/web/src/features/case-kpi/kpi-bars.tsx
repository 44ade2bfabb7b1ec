/**
 * Simple bar charts in SVG (the console carries no chart library): reported vs closed per child area,
 * and two shares per child area. Each bar's label is its number; names sit under the bars.
 */
export interface BarRow {
  id: number;
  name: string;
  a: number;
  b: number;
}

const COLORS = ['#c8102e', '#2f6fbd'] as const;

/** A name short enough for its slot: the statutory suffix dropped (站北社区居民委员会 → 站北社区), at most 4 characters. */
export function shortName(name: string): string {
  const short = name.replace(/(居民委员会|村民委员会|居委会|村委会)$/, '');
  return short.length > 4 ? `${short.slice(0, 4)}…` : short;
}

/** Pairs of bars per row (counts, or shares 0–1 when `percent`), with a legend. */
export function PairedBars({ rows, legend, percent = false, testId }: { rows: readonly BarRow[]; legend: readonly [string, string]; percent?: boolean; testId?: string }) {
  const max = percent ? 1 : Math.max(1, ...rows.flatMap((r) => [r.a, r.b]));
  const slot = 64;
  const height = 180;
  const top = 18;
  const bottom = 42;
  const width = Math.max(320, rows.length * slot + 20);
  const y = (v: number) => top + (height - top - bottom) * (1 - v / max);
  const text = (v: number) => (percent ? `${Math.round(v * 100)}%` : String(v));
  return (
    <div style={{ overflowX: 'auto' }} data-testid={testId}>
      <div style={{ display: 'flex', gap: 16, fontSize: 12, marginBottom: 4 }}>
        {legend.map((l, i) => (
          <span key={l}>
            <span style={{ display: 'inline-block', width: 10, height: 10, background: COLORS[i], marginRight: 4 }} />
            {l}
          </span>
        ))}
      </div>
      <svg width={width} height={height} role="img" aria-label={legend.join(' / ')}>
        <line x1={10} x2={width - 10} y1={height - bottom} y2={height - bottom} stroke="#ccc" />
        {rows.map((r, i) => {
          const x = 14 + i * slot;
          return (
            <g key={r.id}>
              {[r.a, r.b].map((v, j) => (
                <g key={j}>
                  <rect x={x + j * 22} y={y(v)} width={18} height={Math.max(0, height - bottom - y(v))} fill={COLORS[j]} rx={2} />
                  <text x={x + j * 22 + 9} y={y(v) - 3} fontSize={10} textAnchor="middle" fill="#555">
                    {text(v)}
                  </text>
                </g>
              ))}
              <text x={x + 20} y={height - bottom + 14} fontSize={11} textAnchor="middle" fill="#333">
                {shortName(r.name)}
                <title>{r.name}</title>
              </text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}
