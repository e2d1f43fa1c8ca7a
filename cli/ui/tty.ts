// The environment the full screen needs, set before Ink (and chalk, which
// it draws with) is loaded: both read it once, when loaded. In a terminal
// (standard output a TTY):
// - chalk draws no colour at all when CI is set (even to "false") unless
//   FORCE_COLOR asks for it, so FORCE_COLOR=1 is set (at least the 16
//   colours the screen uses; chalk still finds 256 or more from TERM);
// - Ink, when CI is set (to anything but "false" or "0"), takes the output
//   for a CI log and draws nothing until it exits, so CI is dropped.
// NO_COLOR (https://no-color.org) is respected, which chalk does not do by
// itself: FORCE_COLOR=0. A FORCE_COLOR already set is left as it is.

export function fullScreenEnv(env: NodeJS.ProcessEnv, isTTY: boolean): void {
  if (isTTY) {
    delete env.CI;
    delete env.CONTINUOUS_INTEGRATION;
  }
  if (env.FORCE_COLOR !== undefined) return;
  if (env.NO_COLOR) env.FORCE_COLOR = "0";
  else if (isTTY && env.TERM !== "dumb") env.FORCE_COLOR = "1";
}
