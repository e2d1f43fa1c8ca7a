// Small hooks shared by the room's components.
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";

/**
 * The current time, ticking (a new render) every 250 ms while `active` (a
 * countdown is on screen) and standing still otherwise, so an idle page does
 * no work. Never older than the render that reads it: a countdown's first
 * frame, rendered before its ticking starts, shows the right number.
 */
export function useNow(active: boolean): number {
  const now = useSignal(Date.now());
  useEffect(() => {
    now.value = Date.now();
    if (!active) return;
    const timer = window.setInterval(() => {
      now.value = Date.now();
    }, 250);
    return () => window.clearInterval(timer);
  }, [active, now]);
  return Math.max(now.value, Date.now());
}

/** Whole seconds left until `at`, rounded up (a countdown never shows 0 before it ends). */
export const secondsUntil = (at: number, now: number) => Math.max(1, Math.ceil((at - now) / 1000));
