// The full screen's environment (cli/ui/tty.ts): colours in a terminal also
// under CI, Ink drawing under CI, NO_COLOR respected.
import { describe, expect, it } from "vitest";
import { fullScreenEnv } from "../../cli/ui/tty";

const envAfter = (env: NodeJS.ProcessEnv, isTTY: boolean) => {
  const copy = { ...env };
  fullScreenEnv(copy, isTTY);
  return copy;
};

describe("fullScreenEnv", () => {
  it("asks for colours in a terminal and drops CI, which stops Ink drawing", () => {
    expect(envAfter({ CI: "true", TERM: "xterm-256color" }, true)).toEqual({
      TERM: "xterm-256color",
      FORCE_COLOR: "1",
    });
    expect(envAfter({ CI: "false", CONTINUOUS_INTEGRATION: "1" }, true)).toEqual({
      FORCE_COLOR: "1",
    });
  });
  it("respects NO_COLOR and a FORCE_COLOR already set", () => {
    expect(envAfter({ NO_COLOR: "1", CI: "true" }, true)).toEqual({
      NO_COLOR: "1",
      FORCE_COLOR: "0",
    });
    expect(envAfter({ NO_COLOR: "1" }, false)).toEqual({ NO_COLOR: "1", FORCE_COLOR: "0" });
    expect(envAfter({ FORCE_COLOR: "3", NO_COLOR: "1" }, true)).toEqual({
      FORCE_COLOR: "3",
      NO_COLOR: "1",
    });
    expect(envAfter({ NO_COLOR: "" }, true)).toEqual({ NO_COLOR: "", FORCE_COLOR: "1" });
  });
  it("leaves a dumb terminal and output that is not a terminal alone", () => {
    expect(envAfter({ TERM: "dumb" }, true)).toEqual({ TERM: "dumb" });
    expect(envAfter({ CI: "true" }, false)).toEqual({ CI: "true" });
  });
});
