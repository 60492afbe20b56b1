// A value that follows its source at most once per `ms` (the latest one wins, none is lost for longer
// than `ms`): the totals and health change with every diff (4 a second), a team lead reads them once a
// second, and every re-render costs main-thread time.
import { useEffect, useRef, useState } from 'react';

export function useThrottled<T>(value: T, ms: number): T {
  const [shown, setShown] = useState(value);
  const last = useRef(0);
  const latest = useRef(value);
  latest.current = value;
  useEffect(() => {
    if (ms <= 0 || Object.is(value, shown)) return;
    const wait = last.current + ms - Date.now();
    if (wait <= 0) {
      last.current = Date.now();
      setShown(value);
      return;
    }
    const t = setTimeout(() => {
      last.current = Date.now();
      setShown(latest.current);
    }, wait);
    return () => clearTimeout(t);
  }, [value, shown, ms]);
  return ms <= 0 ? value : shown;
}
