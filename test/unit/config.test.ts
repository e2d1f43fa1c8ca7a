// The server's configuration: no variables means the protocol's defaults,
// wrangler.toml's [vars] repeat those defaults, a value that is not a number
// in range fails loudly with a ConfigError naming the variable, and
// ALLOWED_ORIGINS is a comma-separated list of exact origins. The server's
// own tunables (SERVER_DEFAULTS: BATCH_MS) follow the same rules.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "../../protocol";
import {
  ConfigError,
  type Env,
  parseConfig,
  parseOrigins,
  SERVER_DEFAULTS,
} from "../../worker/config";

const DEFAULTS = { ...DEFAULT_LIMITS, ...SERVER_DEFAULTS };
type LimitName = keyof typeof DEFAULTS;
const NAMES = Object.keys(DEFAULTS) as LimitName[];
const FRACTIONAL: LimitName[] = [
  "RATE_PER_SEC",
  "ADDR_RATE_PER_SEC",
  "JOIN_PER_SEC",
  "DUP_PER_SEC",
];
const WHOLE = NAMES.filter((n) => !FRACTIONAL.includes(n));

const limitsOf = (config: ReturnType<typeof parseConfig>) => {
  const { allowedOrigins: _, ...limits } = config;
  return limits;
};

/** The [vars] table of wrangler.toml, as name → string value. */
function wranglerVars(): Record<string, string> {
  const toml = readFileSync(fileURLToPath(new URL("../../wrangler.toml", import.meta.url)), "utf8");
  const section = /^\[vars\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(toml);
  expect(section, "wrangler.toml has a [vars] table").not.toBeNull();
  const vars: Record<string, string> = {};
  for (const m of (section?.[1] ?? "").matchAll(
    /^\s*([A-Z_][A-Z0-9_]*)\s*=\s*"([^"]*)"\s*(?:#.*)?$/gm,
  )) {
    vars[m[1] as string] = m[2] as string;
  }
  return vars;
}

function expectConfigError(env: Partial<Env>, name: string) {
  let caught: unknown;
  try {
    parseConfig(env);
  } catch (err) {
    caught = err;
  }
  expect(caught, `${name}=${JSON.stringify(env[name as keyof Env])} should throw`).toBeInstanceOf(
    ConfigError,
  );
  expect((caught as Error).name).toBe("ConfigError");
  expect((caught as Error).message).toContain(name);
}

describe("parseConfig", () => {
  it("without variables: exactly the protocol's defaults and no extra origins", () => {
    const config = parseConfig({});
    expect(limitsOf(config)).toEqual(DEFAULTS);
    expect([...config.allowedOrigins]).toEqual([]);
  });

  it("empty strings are the defaults too", () => {
    const env = Object.fromEntries(NAMES.map((n) => [n, ""])) as Partial<Env>;
    expect(limitsOf(parseConfig(env))).toEqual(DEFAULTS);
  });

  it("wrangler.toml's [vars] hold every limit, each equal to its default", () => {
    const vars = wranglerVars();
    for (const name of NAMES) {
      expect(vars[name], `${name} in [vars]`).toBeDefined();
      expect(Number(vars[name]), name).toBe(DEFAULTS[name]);
    }
    expect(limitsOf(parseConfig(vars as Partial<Env>))).toEqual(DEFAULTS);
    expect(vars.ALLOWED_ORIGINS).toBe("");
  });

  it("reads values given as strings (with spaces) or numbers", () => {
    const config = parseConfig({ MAX_USERS: "6", HISTORY_LIMIT: " 30 ", MAX_CONN_PER_IP: 4 });
    expect(config.MAX_USERS).toBe(6);
    expect(config.HISTORY_LIMIT).toBe(30);
    expect(config.MAX_CONN_PER_IP).toBe(4);
    expect(config.MAX_TEXT).toBe(DEFAULT_LIMITS.MAX_TEXT);
  });

  it("accepts fractional rates", () => {
    const config = parseConfig({ RATE_PER_SEC: "0.5", ADDR_RATE_PER_SEC: "2.5" });
    expect(config.RATE_PER_SEC).toBe(0.5);
    expect(config.ADDR_RATE_PER_SEC).toBe(2.5);
    expect(parseConfig({ RATE_PER_SEC: 0.25 }).RATE_PER_SEC).toBe(0.25);
  });

  describe("throws a ConfigError naming the variable", () => {
    for (const name of WHOLE) {
      it(`${name}: not a number, negative, fractional, infinite`, () => {
        for (const value of ["abc", "-1", "1.5", "Infinity", "NaN", "1e400", "12abc", 2.5, -3]) {
          expectConfigError({ [name]: value } as Partial<Env>, name);
        }
      });
    }

    for (const name of FRACTIONAL) {
      it(`${name}: not a number, zero, negative`, () => {
        for (const value of ["abc", "0", "-1", "-0.5", "Infinity", "NaN", 0]) {
          expectConfigError({ [name]: value } as Partial<Env>, name);
        }
      });
    }

    it("limits that make no sense at 0: MAX_USERS, MAX_CONN_PER_IP, RATE_BURST, HISTORY_LIMIT, MAX_TEXT", () => {
      for (const name of [
        "MAX_USERS",
        "MAX_CONN_PER_IP",
        "RATE_BURST",
        "HISTORY_LIMIT",
        "MAX_TEXT",
      ]) {
        expectConfigError({ [name]: "0" } as Partial<Env>, name);
      }
    });

    it("BATCH_MS may be 0 (batching off), not negative or fractional", () => {
      expect(parseConfig({ BATCH_MS: "0" }).BATCH_MS).toBe(0);
      expect(parseConfig({ BATCH_MS: 25 }).BATCH_MS).toBe(25);
      for (const value of ["-1", "2.5", "soon"]) {
        expectConfigError({ BATCH_MS: value } as Partial<Env>, "BATCH_MS");
      }
    });

    it("a bad value among good ones is still found, and named", () => {
      expectConfigError(
        { MAX_USERS: "6", HISTORY_LIMIT: "thirty", MAX_TEXT: "10" },
        "HISTORY_LIMIT",
      );
    });

    it("a value of only spaces is not silently a number", () => {
      // "" means "unset, use the default"; "  " is neither a number nor unset.
      for (const name of ["RESUME_GRACE_MS", "MAX_USERS"] as LimitName[]) {
        let result: number | undefined;
        try {
          result = parseConfig({ [name]: "  " } as Partial<Env>)[name];
        } catch (err) {
          expect(err).toBeInstanceOf(ConfigError);
          continue;
        }
        expect(result, `${name}="  "`).toBe(DEFAULTS[name]);
      }
    });
  });
});

describe("ALLOWED_ORIGINS", () => {
  it("splits on commas and trims spaces", () => {
    expect([...parseOrigins("https://a.example, https://b.example")]).toEqual([
      "https://a.example",
      "https://b.example",
    ]);
    expect([...parseOrigins("  https://a.example  ")]).toEqual(["https://a.example"]);
  });

  it("drops empty entries", () => {
    expect([...parseOrigins(",, https://a.example ,, ,https://b.example,")]).toEqual([
      "https://a.example",
      "https://b.example",
    ]);
    expect([...parseOrigins("")]).toEqual([]);
    expect([...parseOrigins(" , ,")]).toEqual([]);
    expect([...parseOrigins(undefined)]).toEqual([]);
  });

  it("keeps entries exactly: no lower-casing, no trailing-slash tricks, duplicates once", () => {
    const origins = parseOrigins(
      "https://A.example,https://a.example/,https://a.example,https://a.example",
    );
    expect([...origins]).toEqual(["https://A.example", "https://a.example/", "https://a.example"]);
  });

  it("reaches the config", () => {
    const config = parseConfig({
      ALLOWED_ORIGINS: "https://allowed.example, https://also.example",
    });
    expect(config.allowedOrigins.has("https://allowed.example")).toBe(true);
    expect(config.allowedOrigins.has("https://also.example")).toBe(true);
    expect(config.allowedOrigins.has(" https://also.example")).toBe(false);
    expect(config.allowedOrigins.size).toBe(2);
  });
});
