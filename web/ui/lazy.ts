// A module of the page loaded on first use (an encrypted room's screens, the
// banners): the getter starts the import once and returns the module once it
// is here (null before), as a signal, so the screen that asked renders again.
// A failed import (offline) lets the next render try again. Such modules do
// not count against the initial JavaScript's budget.
import { signal } from "@preact/signals";

export function lazy<T>(load: () => Promise<T>): () => T | null {
  const got = signal<T | null>(null);
  let loading: Promise<unknown> | undefined;
  return () => {
    loading ??= load().then(
      (m) => (got.value = m),
      () => (loading = undefined),
    );
    return got.value;
  };
}
