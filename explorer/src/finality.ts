// Witnessed finality (SPEC 12) as the pages see it: the latest final height from GET /status, then from the
// `final` events on /events.
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { EventJson, StatusJson } from '../../src/api/types.js';
import { apiGet } from './api.js';
import { useLive } from './live.js';

/** The latest final block height (undefined: not known yet or finality off; -1: nothing final yet). */
export function useFinalHeight(): number | undefined {
  const [height, setHeight] = useState<number>();
  useEffect(() => {
    let live = true;
    apiGet<StatusJson>('status').then(
      (s) => live && s.finality !== undefined && setHeight((h) => Math.max(h ?? -1, s.finality?.final?.height ?? -1)),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  useLive(useCallback((ev: EventJson) => ev.type === 'final' && setHeight((h) => Math.max(h ?? -1, ev.final.height)), []));
  return height;
}
