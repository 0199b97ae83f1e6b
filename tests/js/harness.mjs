// Shared scaffolding of the AWS SDK for JavaScript v3 tests (tests/js/*_test.mjs), the
// counterpart of tests/e2e/harness.py: start the real `iamd serve` on a free loopback port with
// a fresh data folder, take the root key the server created from that folder
// (data/aws-credentials, profile iamd, read with the SDK's own fromIni), make clients, run named
// checks that report and go on, and close with "N passed, N failed" (exit status 1 on a failure).
// Not a test itself (ctest runs only *_test.mjs).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

import { fromIni } from "@aws-sdk/credential-providers";

export const IAMD = process.argv[2] ?? "build-release/src/cli/iamd";
export const REGION = "us-east-1";

const results = [];

export async function check(name, fn) {
  try {
    await fn();
    results.push([name, true]);
    console.log(`ok   ${name}`);
  } catch (e) {
    // a failed check is reported, the run goes on
    results.push([name, false]);
    console.log(`FAIL ${name}: ${e?.stack ?? e}`);
  }
}

export function assert(condition, what) {
  if (!condition) throw new Error(`assertion failed: ${typeof what === "string" ? what : JSON.stringify(what)}`);
}

export function assertEqual(actual, expected, what = "") {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what} expected ${e}, got ${a}`);
}

// The error a call ends with, as [code, message, HTTP status]; throws when the call succeeds.
export async function errorOf(promise) {
  try {
    await promise;
  } catch (e) {
    if (e?.$metadata === undefined) throw e; // not an answer of the server
    return [e.name, e.message, e.$metadata.httpStatusCode];
  }
  throw new Error("the call succeeded");
}

// One `iamd serve` on a free port and a fresh data folder, with no root key given: the server
// creates the account and its root key and writes them into the data folder. `args` are extra
// `iamd serve` flags (e.g. ["--allow-signup"]); IAMD_CONSOLE_DIR in the environment adds
// `--console-dir` (the console's files read from that folder, for developing the pages: ctest
// never sets it, so the tests run the console embedded in the binary). Everything the server
// prints stays in `output` (stdout and stderr, line by line).
export class Server {
  constructor(name, { args = [] } = {}) {
    this.tmp = mkdtempSync(join(tmpdir(), `iamd-js-${name}-`));
    this.data = join(this.tmp, "data");
    this.args = [...args];
    if (process.env.IAMD_CONSOLE_DIR) this.args.push("--console-dir", process.env.IAMD_CONSOLE_DIR);
    this.proc = null;
    this.endpoint = null;
    this.lines = [];
    this.output = [];
  }

  async start() {
    const env = { ...process.env };
    for (const name of [
      "IAMD_ACCOUNT_ID",
      "IAMD_ROOT_ACCESS_KEY_ID",
      "IAMD_ROOT_SECRET_ACCESS_KEY",
      "IAMD_ROOT_EMAIL",
      "IAMD_ROOT_PASSWORD",
    ]) {
      delete env[name];
    }
    this.proc = spawn(IAMD, ["serve", "--listen", "127.0.0.1:0", "--data", this.data, ...this.args], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    // A test that dies before finish() (an error outside a check) leaves no server behind.
    process.once("exit", () => {
      if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill("SIGKILL");
    });
    const exited = new Promise((resolve) => this.proc.once("exit", resolve));
    const listening = new Promise((resolve) => {
      for (const stream of [this.proc.stdout, this.proc.stderr]) {
        createInterface({ input: stream }).on("line", (line) => {
          this.output.push(line);
          if (this.endpoint === null) this.lines.push(line); // what it printed up to "listening on"
          const at = line.indexOf("listening on http://");
          if (at >= 0 && this.endpoint === null) {
            this.endpoint = line.slice(at + "listening on ".length).trim();
            resolve();
          }
        });
      }
    });
    let timer;
    const timeout = new Promise((resolve) => {
      timer = setTimeout(resolve, 20000);
    });
    await Promise.race([listening, exited, timeout]);
    clearTimeout(timer);
    if (this.endpoint === null) {
      this.proc.kill("SIGKILL");
      throw new Error(`iamd did not start: ${this.lines.join("\n")}`);
    }
    this.root = fromIni({
      profile: "iamd",
      filepath: join(this.data, "aws-credentials"),
      configFilepath: join(this.tmp, "no-config"),
      ignoreCache: true,
    });
  }

  async stop() {
    if (this.proc === null || this.proc.exitCode !== null) return;
    const exited = new Promise((resolve) => this.proc.once("exit", resolve));
    this.proc.kill("SIGINT");
    await exited;
  }

  // A client of the server: `Client` is an SDK client class (STSClient, IAMClient, ...).
  client(Client, credentials = this.root, extra = {}) {
    return new Client({ endpoint: this.endpoint, region: REGION, credentials, ...extra });
  }
}

export async function finish(server) {
  try {
    await server.stop();
  } finally {
    rmSync(server.tmp, { recursive: true, force: true });
  }
  const passed = results.filter((r) => r[1]).length;
  const failed = results.length - passed;
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed || results.length === 0 ? 1 : 0);
}
