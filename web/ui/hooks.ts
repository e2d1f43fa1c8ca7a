// Small hooks shared by the room's components.
import { type Signal, useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";

/**
 * The current time, ticking every 250 ms while `active` (a countdown is on
 * screen) and standing still otherwise, so an idle page does no work.
 */
export function useNow(active: boolean): Signal<number> {
  const now = useSignal(Date.now());
  useEffect(() => {
    now.value = Date.now();
    if (!active) return;
    const timer = window.setInterval(() => {
      now.value = Date.now();
    }, 250);
    return () => window.clearInterval(timer);
  }, [active, now]);
  return now;
}

/** Whole seconds left until `at`, rounded up (a countdown never shows 0 before it ends). */
export const secondsUntil = (at: number, now: number) => Math.max(1, Math.ceil((at - now) / 1000));
