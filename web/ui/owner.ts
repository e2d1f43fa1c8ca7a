// The page's door to the owner tools (issue 14): the lazily loaded module
// (web/ui/OwnerTools.tsx: the user menu, the room settings dialog, the owner
// key, the claim), once it is here. It loads when this session becomes an
// owner, or on "Claim this room": a visitor who is not an owner never
// downloads it.
import { signal } from "@preact/signals";

type Tools = typeof import("./OwnerTools");
export const ownerTools = signal<Tools | null>(null);
let loading: Promise<Tools | undefined> | undefined;

/** Loads the owner tools once; undefined when the import failed (offline: the next use tries again). */
export function loadOwnerTools(): Promise<Tools | undefined> {
  loading ??= import("./OwnerTools").then(
    (m) => (ownerTools.value = m),
    () => (loading = undefined),
  );
  return loading;
}
