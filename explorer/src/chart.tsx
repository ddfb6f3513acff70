// Time-series chart (uPlot, loaded on first use): x = unix seconds, one series per named field.
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

/** Series to draw: shared x (unix seconds, ascending) and named y columns. */
export interface ChartData {
  x: number[];
  series: Array<{ name: string; y: Array<number | null> }>;
}

const COLORS = ['#3b82f6', '#e8590c', '#2f9e44', '#ae3ec9', '#f59f00', '#1098ad'];

/** A line chart with a text summary for screen readers. */
export function Chart({ data, label, height = 220 }: { data: ChartData; label: string; height?: number }): JSX.Element {
  const box = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState<string>();
  useEffect(() => {
    let plot: { destroy(): void; setSize(s: { width: number; height: number }): void } | undefined;
    let gone = false;
    const el = box.current!;
    import('uplot').then(
      ({ default: UPlot }) => {
        if (gone) return;
        const width = Math.max(280, el.clientWidth);
        plot = new UPlot(
          {
            width,
            height,
            series: [{}, ...data.series.map((s, i) => ({ label: s.name, stroke: COLORS[i % COLORS.length], width: 2, spanGaps: true }))],
            axes: [
              { stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,.2)' } },
              { stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,.2)' } },
            ],
          },
          [data.x, ...data.series.map((s) => s.y)],
          el,
        );
      },
      (e: Error) => setFailed(e.message),
    );
    const onResize = (): void => plot?.setSize({ width: Math.max(280, el.clientWidth), height });
    addEventListener('resize', onResize);
    return () => {
      gone = true;
      removeEventListener('resize', onResize);
      plot?.destroy();
    };
  }, [data, height]);
  return (
    <figure class="chart" aria-label={label}>
      <div ref={box} data-testid="chart" />
      <figcaption class="sr-only">
        {label}: {data.x.length} points of {data.series.map((s) => s.name).join(', ')}
      </figcaption>
      {failed !== undefined && <p role="alert">Chart could not load: {failed}</p>}
    </figure>
  );
}
