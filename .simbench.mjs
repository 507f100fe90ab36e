// src/scenario/load.ts
import { existsSync, readdirSync } from "node:fs";
import { basename, extname as extname2, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

// src/contract/input-error.ts
var InputError = class extends Error {
  /** What was wrong: a field path (`threads[1].tasks[0].ops[2].seconds`), a flag (`--runs`), or `token`. */
  field;
  /** What is wrong with it, e.g. `expected a number >= 0, got "1"`. */
  problem;
  /** Where the input came from (a file path), when that helps locate it. */
  source;
  constructor(field, problem, source) {
    super(`${source !== void 0 ? `${source}: ` : ""}${field}: ${problem}`);
    this.name = "InputError";
    this.field = field;
    this.problem = problem;
    if (source !== void 0) this.source = source;
  }
};

// src/scenario/scenario-file.ts
import { closeSync, fstatSync, openSync, readFileSync, statSync } from "node:fs";
import { extname } from "node:path";
import { parse as parseYaml } from "yaml";

// src/scenario/limits.ts
var LIMITS = {
  semaphoreValue: 1e3,
  repeatTimes: 1e3,
  seconds: 1e6,
  /** Nesting of `with`/`repeat` bodies; deeper is certainly a generated mistake, and would blow the stack. */
  nesting: 32,
  runs: 1e7,
  semaphores: 64,
  threads: 16,
  tasksPerThread: 64,
  /** Operations as declared, every body counted once (a `repeat` is not expanded). */
  ops: 1e4,
  /** Characters of a name (ids, threads, tasks, semaphores, property and outcome names). */
  name: 64,
  /** Characters of any other text (`title`, `claim`, labels inside tokens). */
  text: 2e3,
  /** Bytes of a scenario file, checked before it is read. */
  fileBytes: 1024 * 1024
};
var ECHO_CHARS = 40;

// src/scenario/field-reader.ts
var NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
var NAME_HINT = "letters, digits, '_', '.' or '-' (not starting with '.' or '-')";
function describeValue(v) {
  if (v === void 0) return "nothing";
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return "an object";
  if (typeof v === "string") {
    const s2 = JSON.stringify(v.length > ECHO_CHARS + 2 ? v.slice(0, ECHO_CHARS + 2) : v);
    return s2.length > ECHO_CHARS + 2 ? `${s2.slice(0, ECHO_CHARS)}\u2026"` : s2;
  }
  return String(v);
}
function childPath(path, key2) {
  if (key2.length <= ECHO_CHARS && /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key2)) return path === "" ? key2 : `${path}.${key2}`;
  return `${path}[${describeValue(key2)}]`;
}
function indexPath(path, i) {
  return `${path}[${i}]`;
}
var FieldReader = class {
  constructor(source) {
    this.source = source;
  }
  source;
  fail(path, problem) {
    throw new InputError(path === "" ? "(top level)" : path, problem, this.source);
  }
  /** A plain object whose keys are all in `allowed` and include every key of `required`. */
  object(v, path, allowed, required = []) {
    if (typeof v !== "object" || v === null || Array.isArray(v)) this.fail(path, `expected an object, got ${describeValue(v)}`);
    const o = v;
    for (const key2 of Object.keys(o)) {
      if (!allowed.includes(key2)) {
        const guess = closest(key2, allowed);
        this.fail(childPath(path, key2), `unknown key${guess ? ` (did you mean "${guess}"?)` : ""}; allowed: ${allowed.join(", ")}`);
      }
    }
    for (const key2 of required) {
      if (o[key2] === void 0) this.fail(childPath(path, key2), "missing (required)");
    }
    return o;
  }
  /** A plain object used as a map from names to values. */
  record(v, path) {
    if (typeof v !== "object" || v === null || Array.isArray(v)) this.fail(path, `expected an object, got ${describeValue(v)}`);
    return v;
  }
  array(v, path, opts = {}) {
    if (!Array.isArray(v)) this.fail(path, `expected an array, got ${describeValue(v)}`);
    if (opts.nonEmpty && v.length === 0) this.fail(path, "expected a non-empty array, got an empty one");
    if (opts.maxLength !== void 0 && v.length > opts.maxLength) this.fail(path, `at most ${opts.maxLength} entries allowed, got ${v.length}`);
    return v;
  }
  /** A string of at most `maxLength` characters (default LIMITS.text). */
  string(v, path, opts = {}) {
    if (typeof v !== "string") this.fail(path, `expected a ${opts.nonEmpty ? "non-empty " : ""}string, got ${describeValue(v)}`);
    if (opts.nonEmpty && v.trim() === "") this.fail(path, `expected a non-empty string, got ${describeValue(v)}`);
    const max = opts.maxLength ?? LIMITS.text;
    if (v.length > max) this.fail(path, `at most ${max} characters allowed, got ${v.length}: ${describeValue(v)}`);
    return v;
  }
  name(v, path) {
    const s2 = this.string(v, path, { nonEmpty: true, maxLength: LIMITS.name });
    if (!NAME.test(s2)) this.fail(path, `expected a name of ${NAME_HINT}, got ${describeValue(v)}`);
    return s2;
  }
  boolean(v, path) {
    if (typeof v !== "boolean") this.fail(path, `expected true or false, got ${describeValue(v)}`);
    return v;
  }
  /** A finite number in [min, max]. */
  number(v, path, min, max) {
    if (typeof v !== "number" || !Number.isFinite(v) || v < min || v > max) {
      this.fail(path, `expected a number >= ${min} and <= ${max}, got ${describeValue(v)}`);
    }
    return v;
  }
  /** An integer in [min, max]. */
  integer(v, path, min, max) {
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
      this.fail(path, `expected an integer from ${min} to ${max}, got ${describeValue(v)}`);
    }
    return v;
  }
  oneOf(v, path, values) {
    if (typeof v !== "string" || !values.includes(v)) {
      this.fail(path, `expected one of ${values.map((x) => `"${x}"`).join(", ")}, got ${describeValue(v)}`);
    }
    return v;
  }
};
function closest(key2, allowed) {
  let best;
  let bestDistance = 3;
  for (const candidate of allowed) {
    const d = editDistance(key2.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}
function editDistance(a, b) {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

// src/scenario/json-text.ts
function parseJsonText(text, display) {
  let value;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new InputError(display, `invalid JSON: ${describeJsonError(text) ?? e.message.split("\n")[0]}`);
  }
  const problem = scanJson(text);
  if (problem?.kind === "duplicate") {
    const first = lineColumn(text, problem.first);
    throw new InputError(problem.path, `duplicate key at ${where(text, problem.offset)} (first at line ${first.line})`, display);
  }
  if (problem?.kind === "too-deep") throw new InputError(display, "invalid JSON: nested too deeply to check");
  return value;
}
function describeJsonError(text) {
  const problem = scanJson(text, { duplicates: false });
  if (problem?.kind !== "syntax") return void 0;
  const pos = problem.offset;
  const what = pos >= text.length ? "unexpected end of file" : `unexpected ${JSON.stringify(text[pos])}`;
  return `${what} at ${where(text, pos)}`;
}
function lineColumn(text, pos) {
  const before = text.slice(0, pos);
  return { line: before.split("\n").length, column: pos - before.lastIndexOf("\n") };
}
function where(text, pos) {
  const { line, column } = lineColumn(text, pos);
  return `line ${line}, column ${column}`;
}
var JsonSyntax = class extends Error {
};
var JsonDuplicate = class extends Error {
  constructor(path, offset, first) {
    super("duplicate key");
    this.path = path;
    this.offset = offset;
    this.first = first;
  }
  path;
  offset;
  first;
};
function scanJson(text, opts = { duplicates: true }) {
  let i = 0;
  const segments = [];
  const pathOf = (key2) => [...segments, key2].reduce((p, s2) => typeof s2 === "number" ? indexPath(p, s2) : childPath(p, s2), "");
  const bad = () => {
    throw new JsonSyntax();
  };
  const ws = () => {
    while (i < text.length && " 	\n\r".includes(text[i])) i++;
  };
  const literal = (word) => {
    if (!text.startsWith(word, i)) bad();
    i += word.length;
  };
  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const string = () => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text.charCodeAt(i) < 32) bad();
      if (text[i] !== "\\") {
        i++;
        continue;
      }
      const esc = text[i + 1];
      if (esc === "u") {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) bad();
        i += 6;
      } else if (esc !== void 0 && '"\\/bfnrt'.includes(esc)) {
        i += 2;
      } else {
        i++;
        bad();
      }
    }
    if (i >= text.length) bad();
    i++;
  };
  const object = () => {
    i++;
    ws();
    if (text[i] === "}") return void i++;
    const seen = /* @__PURE__ */ new Map();
    for (; ; ) {
      ws();
      if (text[i] !== '"') bad();
      const start = i;
      string();
      const key2 = JSON.parse(text.slice(start, i));
      if (opts.duplicates) {
        const first = seen.get(key2);
        if (first !== void 0) throw new JsonDuplicate(pathOf(key2), start, first);
        seen.set(key2, start);
      }
      ws();
      if (text[i] !== ":") bad();
      i++;
      segments.push(key2);
      value();
      segments.pop();
      ws();
      if (text[i] === "}") return void i++;
      if (text[i] !== ",") bad();
      i++;
    }
  };
  const array = () => {
    i++;
    ws();
    if (text[i] === "]") return void i++;
    for (let n = 0; ; n++) {
      segments.push(n);
      value();
      segments.pop();
      ws();
      if (text[i] === "]") return void i++;
      if (text[i] !== ",") bad();
      i++;
    }
  };
  const value = () => {
    ws();
    const ch = text[i];
    if (ch === "{") return object();
    if (ch === "[") return array();
    if (ch === '"') return string();
    if (ch === "t") return literal("true");
    if (ch === "f") return literal("false");
    if (ch === "n") return literal("null");
    NUMBER.lastIndex = i;
    if (NUMBER.exec(text) === null) bad();
    i = NUMBER.lastIndex;
  };
  try {
    value();
    ws();
    if (i < text.length) bad();
    return void 0;
  } catch (e) {
    if (e instanceof JsonSyntax) return { kind: "syntax", offset: i };
    if (e instanceof JsonDuplicate) return { kind: "duplicate", path: e.path, offset: e.offset, first: e.first };
    if (e instanceof RangeError) return { kind: "too-deep" };
    throw e;
  }
}

// src/contract/implementations.ts
var SIMULATED_IMPLEMENTATIONS = ["cpython-3.11", "cpython-3.9"];
var DEFAULT_IMPLEMENTATION = "cpython-3.11";
var SUPPORTED_VERSIONS = ["3.6", "3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13"];
var KNOWN_IMPLEMENTATIONS = [.../* @__PURE__ */ new Set([...SIMULATED_IMPLEMENTATIONS, ...SUPPORTED_VERSIONS.map((v) => `cpython-${v}`)])];

// src/scenario/version-expectations.ts
var ANY_PATCH = 999;
var VERSION = /^(\d{1,2})\.(\d{1,3})(?:\.(\d{1,3}))?$/;
function key(major, minor, patch) {
  return major * 1e6 + minor * 1e3 + patch;
}
function bound(text, end) {
  const m = VERSION.exec(text.trim());
  if (m === null) return null;
  const patch = m[3] === void 0 ? end === "lo" ? 0 : ANY_PATCH : Number(m[3]);
  return key(Number(m[1]), Number(m[2]), patch);
}
function parseVersionRange(text) {
  const t = text.trim();
  const cmp = /^(<=|>=|<|>)\s*(.+)$/.exec(t);
  const fail = `expected a version range like "3.9", "3.10.8", "<=3.8", ">=3.10", "<3.10" or "3.6-3.8", got ${JSON.stringify(text.slice(0, 40))}`;
  if (cmp !== null) {
    const [, op, v] = cmp;
    const lo2 = bound(v, "lo");
    const hi2 = bound(v, "hi");
    if (lo2 === null || hi2 === null) return fail;
    switch (op) {
      case "<=":
        return { text: t, lo: 0, hi: hi2 };
      case "<":
        return { text: t, lo: 0, hi: lo2 - 1 };
      case ">=":
        return { text: t, lo: lo2, hi: Infinity };
      default:
        return { text: t, lo: hi2 + 1, hi: Infinity };
    }
  }
  const dash = /^([\d.]+)\s*-\s*([\d.]+)$/.exec(t);
  if (dash !== null) {
    const lo2 = bound(dash[1], "lo");
    const hi2 = bound(dash[2], "hi");
    if (lo2 === null || hi2 === null) return fail;
    if (lo2 > hi2) return `empty range ${JSON.stringify(t)}: ${dash[1]} comes after ${dash[2]}`;
    return { text: t, lo: lo2, hi: hi2 };
  }
  const lo = bound(t, "lo");
  const hi = bound(t, "hi");
  if (lo === null || hi === null) return fail;
  return { text: t, lo, hi };
}
function overlaps(a, b) {
  return a.lo <= b.hi && b.lo <= a.hi;
}

// src/scenario/validate.ts
var RESERVED_THREADS = /* @__PURE__ */ new Set(["clock"]);
var PROPERTY_VERDICTS = ["holds", "violated", "any"];
var SEMAPHORE_KINDS = ["asyncio", "threading"];
var SCOPES = ["shared", "per-thread"];
var OP_KEYS = {
  acquire: ["op", "sem"],
  release: ["op", "sem"],
  with: ["op", "sem", "body"],
  sleep: ["op", "seconds"],
  hold: ["op", "seconds", "sem"],
  cancel: ["op", "task"],
  repeat: ["op", "times", "body"]
};
function parseScenario(value, source) {
  return readScenario(new FieldReader(source), value, "");
}
function readScenario(r, value, path) {
  const o = r.object(
    value,
    path,
    ["id", "title", "claim", "impl", "semaphores", "threads", "cancellations", "expect", "explore"],
    ["id", "title", "semaphores", "threads"]
  );
  const at2 = (key2) => childPath(path, key2);
  const id = r.name(o.id, at2("id"));
  const title = r.string(o.title, at2("title"), { nonEmpty: true });
  const claim = o.claim === void 0 ? void 0 : r.string(o.claim, at2("claim"), { nonEmpty: true });
  const impl = o.impl === void 0 ? void 0 : r.oneOf(o.impl, at2("impl"), KNOWN_IMPLEMENTATIONS);
  const semaphores = readSemaphores(r, o.semaphores, at2("semaphores"));
  const { threads, taskThread } = readThreads(r, o.threads, at2("threads"), semaphores);
  const cancellations = o.cancellations === void 0 ? void 0 : readCancellations(r, o.cancellations, at2("cancellations"), taskThread);
  const expect = o.expect === void 0 ? void 0 : readExpectations(r, o.expect, at2("expect"));
  const explore = o.explore === void 0 ? void 0 : readExploreHints(r, o.explore, at2("explore"));
  return {
    id,
    title,
    ...claim !== void 0 && { claim },
    ...impl !== void 0 && { impl },
    semaphores,
    threads,
    ...cancellations !== void 0 && { cancellations },
    ...expect !== void 0 && { expect },
    ...explore !== void 0 && { explore }
  };
}
function readSemaphores(r, v, path) {
  const o = r.record(v, path);
  const names = Object.keys(o);
  if (names.length === 0) r.fail(path, "expected at least one semaphore, got none");
  if (names.length > LIMITS.semaphores) r.fail(path, `at most ${LIMITS.semaphores} semaphores allowed, got ${names.length}`);
  const out = {};
  for (const name of names) {
    const p = childPath(path, name);
    if (name.length > LIMITS.name || !NAME.test(name)) r.fail(p, `semaphore name must be at most ${LIMITS.name} ${NAME_HINT}`);
    const d = r.object(o[name], p, ["kind", "value", "bounded", "scope"], ["kind", "value"]);
    const kind = r.oneOf(d.kind, childPath(p, "kind"), SEMAPHORE_KINDS);
    const value = r.integer(d.value, childPath(p, "value"), 0, LIMITS.semaphoreValue);
    const bounded = d.bounded === void 0 ? void 0 : r.boolean(d.bounded, childPath(p, "bounded"));
    const scope = d.scope === void 0 ? void 0 : r.oneOf(d.scope, childPath(p, "scope"), SCOPES);
    out[name] = { kind, value, ...bounded !== void 0 && { bounded }, ...scope !== void 0 && { scope } };
  }
  return out;
}
function readThreads(r, v, path, semaphores) {
  const list = r.array(v, path, { nonEmpty: true, maxLength: LIMITS.threads });
  const declared = { ops: 0 };
  const threadNames = /* @__PURE__ */ new Map();
  const taskThread = /* @__PURE__ */ new Map();
  const taskPaths = /* @__PURE__ */ new Map();
  const threads = [];
  list.forEach((item, i) => {
    const p = indexPath(path, i);
    const t = r.object(item, p, ["name", "loop", "tasks"], ["name", "loop", "tasks"]);
    const name = r.name(t.name, childPath(p, "name"));
    if (RESERVED_THREADS.has(name)) r.fail(childPath(p, "name"), `"${name}" is reserved (the trace's pseudo-thread for clock advances)`);
    const earlier = threadNames.get(name);
    if (earlier !== void 0) r.fail(childPath(p, "name"), `duplicate thread name ${describeValue(name)} (also ${earlier})`);
    threadNames.set(name, childPath(p, "name"));
    const loop = r.boolean(t.loop, childPath(p, "loop"));
    const tasksPath = childPath(p, "tasks");
    const taskItems = r.array(t.tasks, tasksPath, { nonEmpty: true, maxLength: LIMITS.tasksPerThread });
    const shells = taskItems.map((taskItem, j) => {
      const tp = indexPath(tasksPath, j);
      const to = r.object(taskItem, tp, ["name", "ops"], ["name", "ops"]);
      const taskName = r.name(to.name, childPath(tp, "name"));
      const other = taskPaths.get(taskName);
      if (other !== void 0)
        r.fail(childPath(tp, "name"), `duplicate task name ${describeValue(taskName)} (also ${other}); task names are unique across the scenario`);
      taskPaths.set(taskName, childPath(tp, "name"));
      taskThread.set(taskName, { name, loop });
      return { tp, taskName, ops: to.ops };
    });
    const env = { r, semaphores, thread: { name, loop, tasks: new Set(shells.map((s2) => s2.taskName)) }, declared };
    const tasks = shells.map((s2) => ({ name: s2.taskName, ops: readOps(env, s2.ops, childPath(s2.tp, "ops"), 0) }));
    threads.push({ name, loop, tasks });
  });
  return { threads, taskThread };
}
function readOps(env, v, path, depth) {
  if (depth > LIMITS.nesting) env.r.fail(path, `bodies nested more than ${LIMITS.nesting} deep`);
  const items = env.r.array(v, path);
  env.declared.ops += items.length;
  if (env.declared.ops > LIMITS.ops) env.r.fail(path, `more than ${LIMITS.ops} operations declared in the scenario (bodies included, repeats not expanded)`);
  return items.map((item, i) => readOp(env, item, indexPath(path, i), depth));
}
function readOp(env, v, path, depth) {
  const { r } = env;
  const kinds = Object.keys(OP_KEYS);
  const head = r.record(v, path);
  if (head.op === void 0) r.fail(childPath(path, "op"), `missing (required: one of ${kinds.join(", ")})`);
  const op = r.oneOf(head.op, childPath(path, "op"), kinds);
  const o = r.object(v, path, OP_KEYS[op], ["op"]);
  const at2 = (key2) => childPath(path, key2);
  switch (op) {
    case "acquire":
    case "release":
      return { op, ...semField(env, o.sem, at2("sem")) };
    case "with":
      if (o.body === void 0) r.fail(at2("body"), "missing (required)");
      return { op, ...semField(env, o.sem, at2("sem")), body: readOps(env, o.body, at2("body"), depth + 1) };
    case "sleep":
      return { op, seconds: readSeconds(r, o.seconds, at2("seconds")) };
    case "hold":
      return { op, seconds: readSeconds(r, o.seconds, at2("seconds")), ...semField(env, o.sem, at2("sem")) };
    case "cancel":
      return { op, task: readCancelTarget(env, o.task, at2("task")) };
    case "repeat":
      if (o.times === void 0) r.fail(at2("times"), "missing (required)");
      if (o.body === void 0) r.fail(at2("body"), "missing (required)");
      return { op, times: r.integer(o.times, at2("times"), 1, LIMITS.repeatTimes), body: readOps(env, o.body, at2("body"), depth + 1) };
  }
}
function readSeconds(r, v, path) {
  if (v === void 0) r.fail(path, "missing (required)");
  return r.number(v, path, 0, LIMITS.seconds);
}
function semField(env, v, path) {
  const { r, semaphores, thread } = env;
  const declared = Object.keys(semaphores);
  let name;
  if (v === void 0) {
    if (declared.length !== 1) r.fail(path, `missing: required when more than one semaphore is declared (${declared.join(", ")})`);
    name = declared[0];
  } else {
    name = r.string(v, path, { nonEmpty: true });
    if (!Object.hasOwn(semaphores, name)) r.fail(path, `unknown semaphore ${describeValue(name)} (declared: ${declared.join(", ")})`);
  }
  if (semaphores[name].kind === "asyncio" && !thread.loop) {
    r.fail(path, `asyncio semaphore "${name}" used in thread "${thread.name}", which has no event loop (loop: false)`);
  }
  return v === void 0 ? {} : { sem: name };
}
function readCancelTarget(env, v, path) {
  const { r, thread } = env;
  if (v === void 0) r.fail(path, "missing (required)");
  const task = r.string(v, path, { nonEmpty: true });
  if (!thread.loop) r.fail(path, `cancel is only possible in a thread with an event loop; thread "${thread.name}" has loop: false`);
  if (!thread.tasks.has(task)) {
    r.fail(
      path,
      `unknown task ${describeValue(task)} in thread "${thread.name}" (tasks: ${[...thread.tasks].join(", ")}); only tasks of the same loop can be cancelled`
    );
  }
  return task;
}
function readCancellations(r, v, path, taskThread) {
  const seen = /* @__PURE__ */ new Set();
  return r.array(v, path).map((item, i) => {
    const p = indexPath(path, i);
    const o = r.object(item, p, ["task"], ["task"]);
    const task = r.string(o.task, childPath(p, "task"), { nonEmpty: true });
    const owner = taskThread.get(task);
    if (owner === void 0) r.fail(childPath(p, "task"), `unknown task ${describeValue(task)} (tasks: ${[...taskThread.keys()].join(", ")})`);
    if (!owner.loop)
      r.fail(childPath(p, "task"), `task "${task}" runs in thread "${owner.name}", which has no event loop; only asyncio tasks can be cancelled`);
    if (seen.has(task)) r.fail(childPath(p, "task"), `duplicate cancellation of task "${task}"`);
    seen.add(task);
    return { task };
  });
}
function readExpectations(r, v, path) {
  const o = r.object(v, path, [...EXPECTATION_KEYS, "versions"]);
  const base = readExpectationFields(r, o, path);
  if (o.versions === void 0) return base;
  return { ...base, versions: readVersionBlocks(r, o.versions, childPath(path, "versions")) };
}
var EXPECTATION_KEYS = ["properties", "reachable", "makespan", "maxConcurrent"];
function readVersionBlocks(r, v, path) {
  const rec = r.record(v, path);
  const out = {};
  const ranges = [];
  for (const [text, block] of Object.entries(rec)) {
    const p = childPath(path, text);
    const range = parseVersionRange(text);
    if (typeof range === "string") r.fail(p, range);
    const clash = ranges.find((other) => overlaps(other, range));
    if (clash !== void 0) r.fail(p, `overlaps "${clash.text}": each version may match one block only`);
    ranges.push(range);
    out[text] = readExpectationFields(r, r.object(block, p, EXPECTATION_KEYS), p);
  }
  return out;
}
function readExpectationFields(r, o, path) {
  const at2 = (key2) => childPath(path, key2);
  let properties;
  if (o.properties !== void 0) {
    const rec = r.record(o.properties, at2("properties"));
    properties = {};
    for (const [name, verdict] of Object.entries(rec)) {
      const p = childPath(at2("properties"), name);
      if (name.length > LIMITS.name || !NAME.test(name)) r.fail(p, `property name must be at most ${LIMITS.name} ${NAME_HINT}`);
      properties[name] = r.oneOf(verdict, p, PROPERTY_VERDICTS);
    }
  }
  const reachable = o.reachable === void 0 ? void 0 : r.array(o.reachable, at2("reachable")).map((k, i) => r.name(k, indexPath(at2("reachable"), i)));
  let makespan;
  if (o.makespan !== void 0) {
    const m = r.object(o.makespan, at2("makespan"), ["equals", "claim"]);
    const mp = at2("makespan");
    makespan = {
      ...m.equals !== void 0 && { equals: r.number(m.equals, childPath(mp, "equals"), 0, Number.MAX_VALUE) },
      ...m.claim !== void 0 && { claim: r.number(m.claim, childPath(mp, "claim"), 0, Number.MAX_VALUE) }
    };
  }
  const maxConcurrent = o.maxConcurrent === void 0 ? void 0 : r.integer(o.maxConcurrent, at2("maxConcurrent"), 0, Number.MAX_SAFE_INTEGER);
  return {
    ...properties !== void 0 && { properties },
    ...reachable !== void 0 && { reachable },
    ...makespan !== void 0 && { makespan },
    ...maxConcurrent !== void 0 && { maxConcurrent }
  };
}
function readExploreHints(r, v, path) {
  const o = r.object(v, path, ["runs"]);
  return o.runs === void 0 ? {} : { runs: r.integer(o.runs, childPath(path, "runs"), 1, LIMITS.runs) };
}

// src/scenario/scenario-file.ts
function scenarioFromFile(path, display = path) {
  const text = readScenarioText(path, display);
  const ext = extname(path).toLowerCase();
  return parseScenario(ext === ".json" ? parseJsonText(text, display) : parseYamlText(text, display), display);
}
function fileKindProblem(st) {
  if (st.isDirectory()) return "is a directory, not a scenario file";
  if (!st.isFile()) return "is not a regular file";
  if (st.size > LIMITS.fileBytes) return `is ${st.size} bytes; a scenario file is at most ${LIMITS.fileBytes} bytes (1 MiB)`;
  return void 0;
}
function readScenarioText(path, display) {
  const ext = extname(path).toLowerCase();
  const typeProblem = ext === ".json" || ext === ".yaml" || ext === ".yml" ? void 0 : `unsupported file type "${ext || "(none)"}" (expected .json, .yaml or .yml)`;
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    throw new InputError(display, typeProblem ?? fileProblem(e));
  }
  const problem = fileKindProblem(st) ?? typeProblem;
  if (problem !== void 0) throw new InputError(display, problem);
  let fd;
  try {
    fd = openSync(path, "r");
    const again = fileKindProblem(fstatSync(fd));
    if (again !== void 0) throw new InputError(display, again);
    return readFileSync(fd, "utf8").replace(/^\uFEFF/, "");
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(display, fileProblem(e));
  } finally {
    if (fd !== void 0) closeSync(fd);
  }
}
function fileProblem(e) {
  const code = e.code;
  switch (code) {
    case "ENOENT":
      return "file not found";
    case "EISDIR":
      return "is a directory, not a scenario file";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    default:
      return `cannot read file (${code ?? e.message})`;
  }
}
function parseYamlText(text, display) {
  try {
    return parseYaml(text, { uniqueKeys: true, prettyErrors: true });
  } catch (e) {
    const first = e.message.split("\n")[0].replace(/:\s*$/, "");
    throw new InputError(display, `invalid YAML: ${first}`);
  }
}

// src/scenario/load.ts
var REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
var BUILTIN_DIR = join(REPO_ROOT, "scenarios");
var BUILTIN_ORDER = [
  "asyncio-4-tasks",
  "asyncio-5-tasks",
  "asyncio-per-thread",
  "threading-shared",
  "asyncio-shared-3-threads",
  "asyncio-shared-2-threads"
];
var SCENARIO_EXTENSIONS = /* @__PURE__ */ new Set([".json", ".yaml", ".yml"]);
function builtinScenarios() {
  return scenariosIn(BUILTIN_DIR);
}
function scenariosIn(dir) {
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir).filter((f) => SCENARIO_EXTENSIONS.has(extname2(f).toLowerCase())).sort();
  const loaded = files.map((file) => {
    const path = join(dir, file);
    return { file, scenario: scenarioFromFile(path, displayPath(path)) };
  });
  const byId = /* @__PURE__ */ new Map();
  for (const { file, scenario } of loaded) {
    const other = byId.get(scenario.id);
    if (other !== void 0) throw new InputError("id", `duplicate scenario id "${scenario.id}" (also in ${other})`, displayPath(join(dir, file)));
    byId.set(scenario.id, file);
  }
  return loaded.sort((a, b) => compareKeys(sortKey(a.file, a.scenario.id), sortKey(b.file, b.scenario.id))).map((x) => x.scenario);
}
function sortKey(file, id) {
  const prefix = /^(\d+)[-_.]/.exec(file);
  const order = BUILTIN_ORDER.indexOf(id);
  return [prefix ? Number(prefix[1]) : Infinity, order === -1 ? Infinity : order, file];
}
function compareKeys(a, b) {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  return a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0;
}
function displayPath(path) {
  const rel = relative(REPO_ROOT, path);
  return rel.startsWith("..") || rel === "" ? path : rel.split(sep).join("/");
}

// properties/format.ts
function who(e) {
  return e.task === null ? e.thread : `${e.thread}/${e.task}`;
}
function at(e) {
  return `step ${e.step}, t=${e.time}s`;
}
function count(n, noun) {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

// models/operations.ts
function actorKey(e) {
  return e.task === null ? e.thread : `${e.thread}/${e.task}`;
}
function extractOperations(history) {
  const ops = [];
  const malformed = [];
  const open = /* @__PURE__ */ new Map();
  for (const e of history) {
    const k = `${e.sem}\0${actorKey(e)}`;
    const current = open.get(k);
    if (e.kind === "acquire" || e.kind === "release") {
      if (current !== void 0) {
        malformed.push({ event: e, reason: `${e.kind}() called while ${current.op}() at seq ${current.call.seq} has not returned` });
        continue;
      }
      const op = { actor: actorKey(e), sem: e.sem, op: e.kind, thread: e.thread, loop: e.loop, call: e };
      open.set(k, op);
      ops.push(op);
      continue;
    }
    if (current === void 0) {
      malformed.push({ event: e, reason: `${e.kind} without a pending ${e.op}() call` });
      continue;
    }
    const fits = e.op === current.op && (e.kind === "error" || current.op === "acquire" && (e.kind === "waiting" || e.kind === "acquired" || e.kind === "cancelled") || current.op === "release" && e.kind === "released");
    if (!fits) {
      malformed.push({ event: e, reason: `${e.kind} (${e.op}) does not belong to the pending ${current.op}() call` });
      continue;
    }
    if (e.kind === "waiting") {
      current.waiting ??= e;
      continue;
    }
    current.end = e;
    open.delete(k);
  }
  return { ops, malformed };
}
function isOpenAfter(op, seq) {
  return op.call.seq <= seq && (op.end === void 0 || op.end.seq > seq);
}

// properties/holders.ts
function holderSnapshots(history) {
  return walk(history).map(({ snapshot }) => snapshot);
}
function walk(history) {
  const holders = /* @__PURE__ */ new Map();
  const extra = /* @__PURE__ */ new Map();
  const extraPending = /* @__PURE__ */ new Set();
  const out = [];
  let total = 0;
  for (const e of history) {
    const hs = holders.get(e.sem) ?? [];
    holders.set(e.sem, hs);
    const actor = actorKey(e);
    const key2 = `${e.sem}\0${actor}`;
    if (e.kind === "acquired") {
      hs.push({ actor, thread: e.thread, loop: e.loop, since: e });
      total += 1;
      out.push({ snapshot: { event: e, holders: [...hs], extra: extra.get(e.sem) ?? 0 }, total });
    } else if (e.kind === "release") {
      const mine = hs.map((h) => h.actor).lastIndexOf(actor);
      if (mine >= 0) {
        hs.splice(mine, 1);
        total -= 1;
      } else {
        extra.set(e.sem, (extra.get(e.sem) ?? 0) + 1);
        extraPending.add(key2);
      }
    } else if (e.op === "release" && extraPending.delete(key2) && e.kind === "error") {
      extra.set(e.sem, (extra.get(e.sem) ?? 0) - 1);
    }
  }
  return out;
}

// properties/semaphores.ts
function semaphoreInfo(view, id) {
  const final = view.run.semaphores.find((s2) => s2.id === id);
  if (final !== void 0) return { id, kind: final.kind, initial: final.initial, bounded: final.bounded, final };
  const at2 = id.lastIndexOf("@");
  const decl = view.scenario.semaphores[at2 < 0 ? id : id.slice(0, at2)];
  if (decl === void 0) return void 0;
  return { id, kind: decl.kind, initial: decl.value, bounded: decl.bounded ?? false };
}
function semaphoreIds(view) {
  const ids = view.run.semaphores.map((s2) => s2.id);
  for (const e of view.history) if (!ids.includes(e.sem)) ids.push(e.sem);
  return ids;
}

// properties/at-most-n.ts
var atMostN = {
  name: "at-most-n",
  description: "at most N actors hold a permit of a semaphore at once (N = initial value + releases without acquire)",
  check: (view) => {
    const reported = /* @__PURE__ */ new Set();
    const out = [];
    for (const snap of holderSnapshots(view.history)) {
      const sem = snap.event.sem;
      const info = semaphoreInfo(view, sem);
      if (info === void 0 || reported.has(sem)) continue;
      const capacity = info.initial + snap.extra;
      if (snap.holders.length <= capacity) continue;
      reported.add(sem);
      const names = snap.holders.map((h) => `${who(h.since)} since step ${h.since.step}`).join(", ");
      const extra = snap.extra > 0 ? ` + ${count(snap.extra, "release")} without acquire` : "";
      out.push({
        property: "at-most-n",
        outcome: "over-admission",
        step: snap.event.step,
        message: `over-admission on sem '${sem}': ${who(snap.event)} acquired at ${at(snap.event)}, making ${snap.holders.length} holders (${names}) for capacity ${capacity} (initial ${info.initial}${extra})`
      });
    }
    return out;
  }
};

// models/model.ts
function describeResult(result) {
  return result.kind === "error" ? `error ${result.error}` : result.kind;
}

// models/linearizability.ts
var BudgetExceeded = class extends Error {
};
function checkLinearizable(history, model, decl, options = {}) {
  const events = history.filter((e) => e.sem === decl.id);
  const { ops, malformed } = extractOperations(events);
  if (malformed.length > 0) {
    const m = malformed[0];
    return { verdict: "violation", event: m.event, message: `malformed history on sem '${decl.id}': ${m.reason}` };
  }
  const posOf = /* @__PURE__ */ new Map();
  events.forEach((e, i) => {
    posOf.set(e.seq, i);
  });
  const steps = [];
  for (const op of ops) stepsOf(op, (e) => posOf.get(e.seq), steps);
  const n = events.length;
  const returnAt = new Int32Array(n).fill(-1);
  const openAt = Array.from({ length: n + 1 }, () => []);
  steps.forEach((st, id) => {
    if (st.retPos !== Infinity) returnAt[st.retPos] = id;
    for (let p = st.callPos + 1; p <= Math.min(st.retPos, n); p++) openAt[p].push(id);
  });
  const maxNodes = options.maxNodes ?? 2e5;
  const done = new Uint8Array(steps.length);
  const failed = /* @__PURE__ */ new Set();
  let nodes = 0;
  let stuckAt = -1;
  let stuckState = model.init(decl);
  const apply = (st, s2) => {
    switch (st.kind) {
      case "acquire": {
        const r = model.acquire(s2, st.op);
        return st.expect === null || sameResult(r.result, st.expect) ? [r.state] : [];
      }
      case "release": {
        const r = model.release(s2, st.op);
        return st.expect === null || sameResult(r.result, st.expect) ? [r.state] : [];
      }
      case "leave": {
        const out = [];
        const g = st.mayGrant ? model.grant(s2, st.op.actor) : null;
        if (g !== null) out.push(g);
        const c = st.mayCancel ? model.cancel(s2, st.op.actor) : null;
        if (c !== null) out.push(c);
        return out;
      }
      case "never":
        return [];
    }
  };
  const search = (from, start) => {
    let p = from;
    let state = start;
    const chain = [];
    const fail = () => {
      for (const id of chain) done[id] = 0;
      return false;
    };
    for (; ; ) {
      while (p < n && (returnAt[p] === -1 || done[returnAt[p]] === 1)) p++;
      if (p === n) return true;
      if (++nodes > maxNodes) throw new BudgetExceeded();
      if (p > stuckAt) {
        stuckAt = p;
        stuckState = state;
      }
      const forced = returnAt[p];
      const candidates = [forced];
      for (const id of openAt[p]) {
        if (id !== forced && done[id] === 0 && (!steps[id].afterPrevious || done[id - 1] === 1)) candidates.push(id);
      }
      if (candidates.length === 1) {
        const nexts = apply(steps[forced], state);
        if (nexts.length === 0) return fail();
        if (nexts.length === 1) {
          done[forced] = 1;
          chain.push(forced);
          state = nexts[0];
          continue;
        }
      }
      const key2 = candidates.length > 1 ? memoKey(p, state) : null;
      if (key2 !== null && failed.has(key2)) return fail();
      for (const id of candidates) {
        for (const next of apply(steps[id], state)) {
          done[id] = 1;
          const ok = search(p, next);
          done[id] = 0;
          if (ok) return true;
        }
      }
      if (key2 !== null) failed.add(key2);
      return fail();
    }
  };
  const memoKey = (p, state) => {
    let bits = "";
    for (const id of openAt[p]) bits += done[id];
    return `${p}:${bits}:${model.key(state)}`;
  };
  if (steps.length > (options.maxSteps ?? 2e4)) {
    return { verdict: "inconclusive", message: `conformance of sem '${decl.id}' not checked: ${steps.length} steps exceed the checker's limit` };
  }
  try {
    if (search(0, model.init(decl))) return { verdict: "ok" };
  } catch (e) {
    if (!(e instanceof BudgetExceeded) && !(e instanceof RangeError)) throw e;
    return {
      verdict: "inconclusive",
      message: `conformance of sem '${decl.id}' undecided after ${maxNodes} search nodes (${steps.length} steps)`
    };
  }
  const event = events[stuckAt];
  const step = steps[returnAt[stuckAt]];
  return {
    verdict: "violation",
    event,
    message: `sem '${decl.id}' does not conform to the ${model.name} model: no order of the operations explains ${step.op.op}() by ${step.op.actor} returning ${step.observed} at step ${event.step} (t=${event.time}s); in the closest explanation the model is at ${model.describe(stuckState)} and ${why(model, step, stuckState)}`
  };
}
function why(model, step, s2) {
  switch (step.kind) {
    case "acquire":
      return `acquire() gives ${describeResult(model.acquire(s2, step.op).result)}`;
    case "release":
      return `release() gives ${describeResult(model.release(s2, step.op).result)}`;
    case "leave":
      return step.mayGrant ? `${step.op.actor} may not take a permit` : `${step.op.actor} is not waiting`;
    case "never":
      return "acquire() cannot fail after the caller parked";
  }
}
function stepsOf(op, pos, out) {
  const callPos = pos(op.call);
  const end = op.end;
  const endPos = end === void 0 ? Infinity : pos(end);
  const observed = end === void 0 ? "nothing (pending)" : end.kind === "error" ? `error ${end.error?.class ?? "other"}` : end.kind;
  const failure = end?.kind === "error" ? { kind: "error", error: end.error?.class ?? "other" } : null;
  const step = (kind, from, to, expect, leave, afterPrevious = false, obs = observed) => ({
    op,
    kind,
    callPos: from,
    retPos: to,
    afterPrevious,
    expect,
    mayGrant: leave === "grant" || leave === "either",
    mayCancel: leave === "cancel" || leave === "either",
    observed: obs
  });
  if (op.op === "release") {
    out.push(step("release", callPos, endPos, end === void 0 ? null : failure ?? { kind: "released" }, null));
    return;
  }
  if (op.waiting !== void 0 && failure?.kind === "error" && failure.error === "wrong-loop") {
    out.push(step("acquire", callPos, endPos, failure, null));
    return;
  }
  if (op.waiting === void 0) {
    if (end === void 0) {
      out.push(step("acquire", callPos, endPos, null, null));
      out.push(step("leave", callPos, endPos, null, "either", true));
    } else if (end.kind !== "cancelled") {
      out.push(step("acquire", callPos, endPos, failure ?? { kind: "acquired" }, null));
    }
    return;
  }
  const waitPos = pos(op.waiting);
  out.push(step("acquire", callPos, waitPos, { kind: "enqueued" }, null, false, "waiting"));
  if (end === void 0) out.push(step("leave", waitPos, endPos, null, "either"));
  else if (end.kind === "acquired") out.push(step("leave", waitPos, endPos, null, "grant"));
  else if (end.kind === "cancelled") out.push(step("leave", waitPos, endPos, null, "cancel"));
  else out.push(step("never", waitPos, endPos, null, null));
}
function sameResult(a, b) {
  if (a.kind !== b.kind) return false;
  return a.kind !== "error" || b.kind !== "error" || a.error === b.error;
}

// models/asyncio-semaphore.ts
function asyncioModel(options) {
  return {
    name: options.bindAtConstruction ? "asyncio (<= 3.9: bound at construction)" : "asyncio (>= 3.10)",
    kind: "asyncio",
    init: (decl) => ({
      value: decl.initial,
      queue: [],
      granted: [],
      bound: options.bindAtConstruction ? decl.creatorLoop : null,
      limit: decl.bounded ? decl.initial : null
    }),
    acquire,
    grant,
    cancel,
    release,
    key: (s2) => `${s2.value}|${s2.queue.join(",")}|${s2.granted.join(",")}|${s2.bound ?? ""}`,
    describe
  };
}
function acquire(s2, caller) {
  if (s2.value > 0 && s2.queue.length === 0 && s2.granted.length === 0) {
    return { state: { ...s2, value: s2.value - 1 }, result: { kind: "acquired" } };
  }
  if (s2.bound !== null && s2.bound !== caller.loop) {
    return { state: s2, result: { kind: "error", error: "wrong-loop" } };
  }
  return {
    state: handOver({ ...s2, bound: s2.bound ?? caller.loop, queue: [...s2.queue, caller.actor] }),
    result: { kind: "enqueued" }
  };
}
function grant(s2, actor) {
  const i = s2.granted.indexOf(actor);
  if (i < 0) return null;
  return { ...s2, granted: without(s2.granted, i) };
}
function cancel(s2, actor) {
  const q = s2.queue.indexOf(actor);
  if (q >= 0) return { ...s2, queue: without(s2.queue, q) };
  const g = s2.granted.indexOf(actor);
  if (g < 0) return null;
  return handOver({ ...s2, value: s2.value + 1, granted: without(s2.granted, g) });
}
function release(s2, _caller) {
  if (s2.limit !== null && s2.value + 1 > s2.limit) {
    return { state: s2, result: { kind: "error", error: "released-too-many" } };
  }
  return { state: handOver({ ...s2, value: s2.value + 1 }), result: { kind: "released" } };
}
function handOver(s2) {
  let { value, queue, granted } = s2;
  while (value > 0 && queue.length > 0) {
    granted = insertSorted(granted, queue[0]);
    queue = queue.slice(1);
    value -= 1;
  }
  return { ...s2, value, queue, granted };
}
function describe(s2) {
  const parts = [`value ${s2.value}`];
  if (s2.queue.length > 0) parts.push(`waiting [${s2.queue.join(", ")}]`);
  if (s2.granted.length > 0) parts.push(`handed a permit, not yet returned [${s2.granted.join(", ")}]`);
  parts.push(s2.bound === null ? "unbound" : `bound to ${s2.bound}`);
  return parts.join(", ");
}
function without(xs, i) {
  return [...xs.slice(0, i), ...xs.slice(i + 1)];
}
function insertSorted(xs, x) {
  return [...xs, x].sort();
}

// models/threading-semaphore.ts
var threadingModel = {
  name: "threading",
  kind: "threading",
  init: (decl) => ({
    value: decl.initial,
    blocked: [],
    limit: decl.bounded ? decl.initial : null
  }),
  acquire: acquire2,
  grant: grant2,
  cancel: () => null,
  release: release2,
  key: (s2) => `${s2.value}|${s2.blocked.join(",")}`,
  describe: (s2) => `value ${s2.value}${s2.blocked.length > 0 ? `, blocked [${s2.blocked.join(", ")}]` : ""}`
};
function acquire2(s2, caller) {
  if (s2.value > 0) return { state: { ...s2, value: s2.value - 1 }, result: { kind: "acquired" } };
  return { state: { ...s2, blocked: [...s2.blocked, caller.actor].sort() }, result: { kind: "enqueued" } };
}
function grant2(s2, actor) {
  const i = s2.blocked.indexOf(actor);
  if (i < 0 || s2.value <= 0) return null;
  return { ...s2, value: s2.value - 1, blocked: [...s2.blocked.slice(0, i), ...s2.blocked.slice(i + 1)] };
}
function release2(s2, _caller) {
  if (s2.limit !== null && s2.value + 1 > s2.limit) {
    return { state: s2, result: { kind: "error", error: "released-too-many" } };
  }
  return { state: { ...s2, value: s2.value + 1 }, result: { kind: "released" } };
}

// models/select.ts
var BOUND_AT_CONSTRUCTION = asyncioModel({ bindAtConstruction: true });
var BOUND_LAZILY = asyncioModel({ bindAtConstruction: false });
function bindsAtConstruction(impl = DEFAULT_IMPLEMENTATION) {
  const m = /(\d+)\.(\d+)/.exec(impl);
  if (m === null) return false;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  return major < 3 || major === 3 && minor <= 9;
}
function modelFor(kind, impl = DEFAULT_IMPLEMENTATION) {
  if (kind === "threading") return threadingModel;
  return bindsAtConstruction(impl) ? BOUND_AT_CONSTRUCTION : BOUND_LAZILY;
}
function creatorLoopOf(semId) {
  const at2 = semId.lastIndexOf("@");
  return at2 < 0 ? "loop@main" : `loop@${semId.slice(at2 + 1)}`;
}
function modelDecl(sem) {
  return { id: sem.id, kind: sem.kind, initial: sem.initial, bounded: sem.bounded, creatorLoop: creatorLoopOf(sem.id) };
}

// properties/conformance.ts
var conformance = {
  name: "conformance",
  description: "each semaphore's history is linearizable with respect to its sequential model (asyncio or threading)",
  check: (view) => {
    const out = [];
    for (const id of semaphoreIds(view)) {
      const info = semaphoreInfo(view, id);
      if (info === void 0) continue;
      const result = checkLinearizable(view.history, modelFor(info.kind, view.scenario.impl), modelDecl(info));
      if (result.verdict !== "violation") continue;
      out.push({ property: "conformance", outcome: "nonconformance", step: result.event.step, message: result.message });
    }
    return out;
  }
};

// properties/errors-allowed.ts
var errorsAllowed = {
  name: "errors-allowed",
  description: "operations raise only what the model allows: wrong-loop from a contended acquire bound elsewhere, released-too-many from a full BoundedSemaphore",
  check: (view) => {
    const { ops, malformed } = extractOperations(view.history);
    const out = [];
    for (const op of ops) {
      if (op.end?.kind !== "error") continue;
      const reason = disallowed(view, op, ops);
      if (reason !== null) out.push(violation(op.end, `${op.op}() by ${who(op.call)}`, reason));
    }
    for (const m of malformed) {
      if (m.event.kind === "error") out.push(violation(m.event, `${who(m.event)}`, `no call to attribute it to (${m.reason})`));
    }
    return out.sort((a, b) => a.step - b.step);
  }
};
function violation(e, what, reason) {
  const err = e.error;
  const name = err === void 0 ? "an error" : `${err.type} (${err.class}) "${err.message}"`;
  return {
    property: "errors-allowed",
    outcome: "unexpected-error",
    step: e.step,
    message: `unexpected ${name} from ${what} on sem '${e.sem}' at ${at(e)}: ${reason}`
  };
}
function disallowed(view, op, ops) {
  const end = op.end;
  const info = semaphoreInfo(view, op.sem);
  if (info === void 0) return "the semaphore is unknown to the run";
  const cls = end.error?.class ?? "other";
  const others = ops.filter((o) => o.sem === op.sem && o !== op);
  if (cls === "wrong-loop") return wrongLoop(view, op, info, others);
  if (cls === "released-too-many") return releasedTooMany(view, op, info, others);
  return `the ${info.kind} model raises no ${cls} error`;
}
function wrongLoop(view, op, info, others) {
  if (op.op !== "acquire") return "only acquire() checks the loop";
  if (info.kind !== "asyncio") return "a threading semaphore has no loop";
  if (op.waiting !== void 0 && !bindsAtConstruction(view.scenario.impl)) return `it came after the caller had joined the line at step ${op.waiting.step}`;
  const instants = instantsOf(view, op);
  const contended = instants.some((m) => lowestValue(info, others, m) <= 0 || others.some((o) => o.waiting !== void 0 && isOpenAfter(o, m)));
  const elsewhere = bindsAtConstruction(view.scenario.impl) ? creatorLoopOf(op.sem) !== op.loop : mayBeBoundElsewhere(op, others);
  if (!contended) return "the semaphore was never contended during the call (a free permit and nobody waiting)";
  if (!elsewhere) return `the semaphore cannot have been bound to a loop other than ${op.loop ?? "none"} during the call`;
  return null;
}
function mayBeBoundElsewhere(op, others) {
  const mineJoined = Math.min(...others.filter((o) => o.op === "acquire" && o.loop === op.loop && o.waiting !== void 0).map((o) => o.waiting.seq));
  return others.some(
    (o) => o.op === "acquire" && o.loop !== op.loop && (o.waiting !== void 0 || o.end === void 0) && o.call.seq < op.end.seq && o.call.seq < mineJoined
  );
}
function releasedTooMany(view, op, info, others) {
  if (op.op !== "release") return "only release() raises it";
  if (!info.bounded) return `'${op.sem}' is not bounded: release() may raise the value above its initial ${info.initial}`;
  const highest = Math.max(...instantsOf(view, op).map((m) => highestValue(info, others, m)));
  if (highest >= info.initial) return null;
  return `the value was at most ${highest} during the call, so one more release does not exceed the initial ${info.initial}`;
}
function instantsOf(view, op) {
  return view.history.filter((e) => e.sem === op.sem && e.seq >= op.call.seq && e.seq < op.end.seq).map((e) => e.seq);
}
function lowestValue(info, others, m) {
  let v = info.initial;
  for (const o of others) {
    if (o.op === "acquire" && (o.end?.kind === "acquired" && o.end.seq <= m || isOpenAfter(o, m))) v -= 1;
    if (o.op === "release" && o.end?.kind === "released" && o.end.seq <= m) v += 1;
  }
  return v;
}
function highestValue(info, others, m) {
  let v = info.initial;
  for (const o of others) {
    if (o.op === "acquire" && o.end?.kind === "acquired" && o.end.seq <= m) v -= 1;
    if (o.op === "release" && (o.end?.kind === "released" && o.end.seq <= m || isOpenAfter(o, m))) v += 1;
  }
  return v;
}

// properties/fifo.ts
var fifo = {
  name: "fifo",
  description: "asyncio: waiters acquire in the order they began waiting, and newcomers do not barge ahead of them (per loop)",
  appliesTo: (scenario) => Object.values(scenario.semaphores).some((s2) => s2.kind === "asyncio"),
  check: (view) => {
    const acquired = extractOperations(view.history).ops.filter(
      (o) => o.op === "acquire" && o.end?.kind === "acquired" && semaphoreInfo(view, o.sem)?.kind === "asyncio"
    );
    const out = [];
    for (const late of acquired) {
      const overtaken = acquired.find((early) => overtakes(late, early));
      if (overtaken !== void 0) out.push(violation2(late, overtaken));
    }
    return out.sort((a, b) => a.step - b.step);
  }
};
function overtakes(late, early) {
  if (late === early || late.sem !== early.sem || late.loop !== early.loop) return false;
  const waitedSince = early.waiting?.seq;
  if (waitedSince === void 0 || late.end.seq > early.end.seq) return false;
  const joinedAfter = late.waiting !== void 0 && late.waiting.seq > waitedSince;
  const arrivedAfter = late.call.seq > waitedSince;
  return joinedAfter || arrivedAfter;
}
function violation2(late, early) {
  const how = late.waiting !== void 0 && late.waiting.seq > early.waiting.seq ? `${who(late.call)} began waiting at step ${late.waiting.step}, after ${who(early.call)}` : `${who(late.call)} called acquire() at step ${late.call.step} while ${who(early.call)} was waiting and got in without waiting (barging)`;
  return {
    property: "fifo",
    outcome: "fifo",
    step: late.end.step,
    message: `fifo broken on sem '${late.sem}' (${late.loop ?? "no loop"}): ${who(late.call)} acquired at ${at(late.end)} before ${who(early.call)}, waiting since step ${early.waiting.step}, which acquired only at step ${early.end.step}; ${how}`
  };
}

// properties/no-lost-wakeup.ts
var noLostWakeup = {
  name: "no-lost-wakeup",
  description: "every run finishes: no actor is left waiting forever (a hang with free permits is a lost wake-up)",
  check: (view) => {
    const { run } = view;
    const { ops } = extractOperations(view.history);
    const pending = ops.filter((o) => o.end === void 0);
    const when = `step ${run.steps}, t=${run.endTime}s`;
    if (run.status === "hang") {
      const parts = [`hang at ${when}: ${describeBlocked(run.blocked ?? [])}`, ...lostWakeups(view, ops)];
      return [{ property: "no-lost-wakeup", outcome: "hang", step: run.steps, message: parts.join("; ") }];
    }
    if (run.status === "completed" && pending.length > 0) {
      const calls = pending.map((o) => `${o.op}() by ${who(o.call)} on sem '${o.sem}' (called at step ${o.call.step})`);
      return [
        {
          property: "no-lost-wakeup",
          outcome: "hang",
          step: run.steps,
          message: `run completed at ${when} but ${calls.join(", ")} never returned`
        }
      ];
    }
    return [];
  }
};
function describeBlocked(blocked) {
  if (blocked.length === 0) return "no thread can run";
  return blocked.map((b) => {
    const tasks = (b.tasks ?? []).map((t) => `${t.task} awaits ${t.awaits}`);
    return `${b.thread} waits on ${b.on}${tasks.length > 0 ? ` (${tasks.join(", ")})` : ""}`;
  }).join(", ");
}
function lostWakeups(view, ops) {
  const out = [];
  for (const sem of semaphoreIds(view)) {
    const info = semaphoreInfo(view, sem);
    if (info === void 0) continue;
    const mine = ops.filter((o) => o.sem === sem);
    const done = (op, kind) => mine.filter((o) => o.op === op && o.end?.kind === kind).length;
    const free = info.initial - done("acquire", "acquired") + done("release", "released");
    const waiters = mine.filter((o) => o.op === "acquire" && o.end === void 0 && o.waiting !== void 0);
    if (free <= 0 || waiters.length === 0) continue;
    const names = waiters.map((o) => who(o.call)).join(", ");
    const since = waiters.map((o) => o.waiting.step).join(", ");
    out.push(
      `lost wake-up: ${count(free, "permit")} free while ${names} ${waiters.length === 1 ? "waits" : "wait"} on sem '${sem}' (since step ${since})`
    );
  }
  return out;
}

// properties/permit-conservation.ts
var permitConservation = {
  name: "permit-conservation",
  description: "each semaphore's final counter equals initial - acquires + releases of its history (no permit lost or created)",
  // A target's instances are all of one class: either every counter is readable or none is.
  appliesToRun: (view) => !view.run.semaphores.some((s2) => s2.value === null),
  check: (view) => {
    const { ops } = extractOperations(view.history);
    const out = [];
    for (const final of view.run.semaphores) {
      if (final.value === null) continue;
      const mine = ops.filter((o) => o.sem === final.id);
      const ended = (op, kind) => mine.filter((o) => o.op === op && o.end?.kind === kind).length;
      const pending = (op) => mine.filter((o) => o.op === op && o.end === void 0).length;
      const acquired = ended("acquire", "acquired");
      const released = ended("release", "released");
      const implied = final.initial - acquired + released;
      const lo = implied - pending("acquire");
      const hi = implied + pending("release");
      const actual = final.value + final.inFlight;
      if (actual >= lo && actual <= hi) continue;
      const lost = actual < lo;
      const range = lo === hi ? `${implied}` : `${lo}..${hi} (${implied} with operations in flight undone)`;
      const inFlight = final.inFlight > 0 ? ` + ${final.inFlight} in flight to woken waiters` : "";
      out.push({
        property: "permit-conservation",
        outcome: lost ? "lost-permit" : "extra-permit",
        step: view.run.steps,
        message: `sem '${final.id}' ends (step ${view.run.steps}, t=${view.run.endTime}s) with _value ${final.value}${inFlight} but its history implies ${range} (initial ${final.initial}, ${acquired} acquired, ${released} released): ${count(lost ? lo - actual : actual - hi, "permit")} ${lost ? "lost" : "created"}`
      });
    }
    return out;
  }
};

// properties/builtin.ts
var builtinProperties = [atMostN, permitConservation, noLostWakeup, fifo, errorsAllowed, conformance];

// properties/check-all.ts
function checkProperties(view, properties = builtinProperties) {
  const perProperty = /* @__PURE__ */ new Map();
  for (const p of properties) {
    if (p.appliesTo !== void 0 && !p.appliesTo(view.scenario)) continue;
    if (p.appliesToRun !== void 0 && !p.appliesToRun(view)) continue;
    perProperty.set(p.name, p.check(view));
  }
  return { perProperty, violations: [...perProperty.values()].flat() };
}

// src/contract/outcomes.ts
var OUTCOME = {
  /** Nothing to report: every property held and the run completed. */
  ok: "ok",
  /** More holders at once than the semaphore allows (at-most-n). */
  overAdmission: "over-admission",
  /** The run cannot finish: nothing can run and no timer is pending (no-lost-wakeup). */
  hang: "hang",
  /** The final counter is below what the history implies (permit-conservation). */
  lostPermit: "lost-permit",
  /** The final counter is above what the history implies (permit-conservation). */
  extraPermit: "extra-permit",
  /** The run itself failed: the harness died, the code under test raised or exited, a wall-time guard fired. */
  error: "error",
  /** The run exceeded its step budget and was not checked to the end. */
  stepLimit: "step-limit",
  /** An operation raised an exception the model does not allow (errors-allowed). */
  unexpectedError: "unexpected-error",
  /** RuntimeError: the semaphore is bound to a different event loop (allowed by the model, but asked about). */
  wrongLoop: "wrong-loop",
  /** The history is not explained by the sequential model (conformance). */
  nonconformance: "nonconformance",
  /** A waiter was overtaken by a later arrival (fifo). */
  fifo: "fifo"
};
var BUILTIN_OUTCOMES = Object.values(OUTCOME);
var SEVERITY = [
  OUTCOME.overAdmission,
  OUTCOME.hang,
  OUTCOME.lostPermit,
  OUTCOME.extraPermit,
  OUTCOME.error,
  OUTCOME.stepLimit,
  OUTCOME.unexpectedError,
  OUTCOME.wrongLoop,
  OUTCOME.nonconformance,
  OUTCOME.fifo,
  OUTCOME.ok
];
var USER_RANK = SEVERITY.indexOf(OUTCOME.nonconformance) - 0.5;
function severityRank(kind) {
  const i = SEVERITY.indexOf(kind);
  return i < 0 ? USER_RANK : i;
}
function bySeverity(kinds) {
  return kinds.map((k, i) => ({ k, i })).sort((a, b) => severityRank(a.k) - severityRank(b.k) || a.i - b.i).map((x) => x.k);
}

// properties/classify.ts
function classifyRun(view, violations) {
  const first = /* @__PURE__ */ new Map();
  const note = (kind, step) => {
    const seen = first.get(kind);
    if (seen === void 0 || step < seen) first.set(kind, step);
  };
  for (const v of violations) note(v.outcome, v.step);
  for (const e of view.history) if (e.kind === "error" && e.error?.class === "wrong-loop") note(OUTCOME.wrongLoop, e.step);
  if (first.size === 0) return { kinds: [OUTCOME.ok], primary: OUTCOME.ok };
  const byEvidence = [...first.keys()].sort((a, b) => first.get(a) - first.get(b));
  const kinds = bySeverity(byEvidence);
  return { kinds, primary: kinds[0] };
}

// src/explore/analyse.ts
var STEP_LIMIT = OUTCOME.stepLimit;
function analyseRun(scenario, run, properties) {
  if (run.status === "error") {
    const failure = { property: "run", outcome: OUTCOME.error, step: run.steps, message: `the run failed: ${run.detail ?? "no detail"}` };
    return { run, violations: [failure], perProperty: /* @__PURE__ */ new Map(), kinds: [OUTCOME.error], primary: OUTCOME.error };
  }
  const view = { scenario, run, history: run.history };
  const { perProperty, violations } = checkProperties(view, properties);
  const classified = classifyRun(view, violations);
  if (run.status === "step-limit") {
    const kinds = bySeverity([...classified.kinds.filter((k) => k !== OUTCOME.ok), STEP_LIMIT]);
    return { run, violations, perProperty, kinds, primary: kinds[0] };
  }
  return { run, violations, perProperty, kinds: classified.kinds, primary: classified.primary };
}

// src/explore/search/plan.ts
function sourceFor(seed, i, horizon2, hasCancellations) {
  const s2 = `${seed}:${i}`;
  const pCancel = hasCancellations ? 0.05 : 0;
  if (i % 4 === 3) return { kind: "random", seed: s2, pSwitch: [0.02, 0.05, 0.15][i % 3], pDelay: 0.01, pCancel };
  return { kind: "bounded", seed: s2, preemptions: 1 + i % 3, horizon: horizon2, delayShare: 0.3, pCancel };
}

// src/runtime/blocker.ts
function blockedOn(b) {
  switch (b.kind) {
    case "lock":
      return { kind: "lock", lock: b.lock.name };
    case "sleep":
      return { kind: "sleep", until: b.until };
    case "select":
      return { kind: "select", loop: b.loop.id, until: b.until };
  }
}
function deadlineOf(b) {
  if (b.kind === "sleep") return b.until;
  if (b.kind === "select") return b.until;
  return null;
}
function describeBlocker(b) {
  switch (b.kind) {
    case "lock":
      return `${b.lock.name}.acquire()`;
    case "sleep":
      return `time.sleep until t=${b.until.toFixed(3)}s`;
    case "select":
      return b.until === null ? `select(timeout=None) on ${b.loop.id} (only a call_soon_threadsafe or a timer can wake it)` : `select(timeout) on ${b.loop.id} until t=${b.until.toFixed(3)}s`;
  }
}

// src/runtime/errors.ts
var PyException = class extends Error {
  constructor(pyType, message) {
    super(message);
    this.pyType = pyType;
  }
  pyType;
};
var CancelledError = class extends PyException {
  constructor(message = "") {
    super("CancelledError", message);
  }
};
var RuntimeError = class extends PyException {
  constructor(message) {
    super("RuntimeError", message);
  }
};
var ValueError = class extends PyException {
  constructor(message) {
    super("ValueError", message);
  }
};
var InvalidStateError = class extends PyException {
  constructor(message) {
    super("InvalidStateError", message);
  }
};
var SimulationError = class extends Error {
};

// src/contract/error-rules.ts
var ERROR_RULES = [
  // 3.10+: _LoopBoundMixin._get_loop.
  { type: "RuntimeError", contains: "is bound to a different event loop", class: "wrong-loop" },
  // <= 3.9 binds at construction and awaits its waiter future on that loop: inside acquire(), the task's
  // "got Future attached to a different loop" is that version's loop-affinity error.
  { type: "RuntimeError", contains: "attached to a different loop", op: "acquire", class: "wrong-loop" },
  { type: "RuntimeError", contains: "attached to a different loop", class: "future-other-loop" },
  { type: "ValueError", contains: "released too many times", class: "released-too-many" }
];
var MESSAGE_NORMALISATION = [
  { pattern: "0x[0-9a-fA-F]+", replacement: "0x?" },
  { pattern: " running at [^\\s>]+", replacement: "" },
  { pattern: " at [^\\s>]+\\.py:\\d+", replacement: "" }
];
var COMPILED = MESSAGE_NORMALISATION.map((r) => ({ re: new RegExp(r.pattern, "g"), replacement: r.replacement }));
function normaliseMessage(message) {
  return COMPILED.reduce((m, r) => m.replace(r.re, r.replacement), message);
}
function classifyError(types, message, op) {
  const text = normaliseMessage(message);
  const rule = ERROR_RULES.find((r) => types.includes(r.type) && text.includes(r.contains) && (r.op === void 0 || r.op === op));
  return rule?.class ?? "other";
}

// src/contract/names.ts
var DEFAULT_MAX_STEPS = 2e4;
var LABELS = {
  /** A loop thread about to block in its selector. */
  select: "asyncio/base_events.py:BaseEventLoop._run_once:select",
  /** A loop about to run one ready callback: declared cancellations may fire here. */
  slot: "asyncio/base_events.py:BaseEventLoop._run_once:slot",
  /** Timers due at the same instant: their order is a decision. */
  timers: "asyncio/base_events.py:BaseEventLoop._run_once:timers",
  /** A plain thread's `time.sleep`. */
  sleep: "time.py:sleep",
  /** Virtual time advances: which of the threads it wakes runs first is a decision. */
  clock: "clock:advance"
};
var CLOCK_THREAD = "clock";

// src/runtime/happens-before.ts
var LOCAL_BITS = 2 ** 20;
var HappensBefore = class {
  lastWrite = /* @__PURE__ */ new Map();
  readsSince = /* @__PURE__ */ new Map();
  /** Steps completed per thread (thread index -> count). */
  counts = [];
  laneA = 0;
  laneB = 0;
  /**
   * The running step of thread `thread` (an index; the clock is its own pseudo-thread) ends,
   * having read `reads` and written `writes`. `choices` are the state-changing decisions taken
   * inside it (which waiter a lock woke, the order of tied timers, a cancellation that fired, an
   * OS delay), as text.
   */
  endStep(thread, reads, writes, choices) {
    const local = this.counts[thread] ?? 0;
    this.counts[thread] = local + 1;
    const me = thread * LOCAL_BITS + local;
    const deps = [];
    const lo = thread * LOCAL_BITS;
    const hi = lo + LOCAL_BITS;
    for (const o of reads) {
      const w = this.lastWrite.get(o);
      if (w !== void 0 && (w < lo || w >= hi)) deps.push(w);
    }
    for (const o of writes) {
      const w = this.lastWrite.get(o);
      if (w !== void 0 && (w < lo || w >= hi)) deps.push(w);
      const rs = this.readsSince.get(o);
      if (rs !== void 0) {
        for (const r of rs) if (r < lo || r >= hi) deps.push(r);
      }
    }
    for (const o of writes) {
      this.lastWrite.set(o, me);
      this.readsSince.set(o, []);
    }
    for (const o of reads) {
      if (writes.has(o)) continue;
      const rs = this.readsSince.get(o);
      if (rs === void 0) this.readsSince.set(o, [me]);
      else rs.push(me);
    }
    let a = mix(2166136261, me);
    let b = mix(84696351, me);
    deps.sort((x, y) => x - y);
    for (let i = 0; i < deps.length; i++) {
      const d = deps[i];
      if (i > 0 && d === deps[i - 1]) continue;
      a = mix(a, d);
      b = mix(b, d);
    }
    if (choices !== "") {
      a = mix(a, fnv1a(choices, 2166136261));
      b = mix(b, fnv1a(choices, 84696351));
    }
    this.laneA = this.laneA + finish(a) >>> 0;
    this.laneB = this.laneB + finish(b) >>> 0;
  }
  /** Equal for runs that are linearizations of the same partial order (with overwhelming probability). */
  fingerprint() {
    return `${this.laneA},${this.laneB}`;
  }
};
function fnv1a(s2, seed) {
  let h = seed;
  for (let i = 0; i < s2.length; i++) h = Math.imul(h ^ s2.charCodeAt(i), 16777619);
  return h >>> 0;
}
function mix(h, value) {
  return mixWord(mixWord(h, value >>> 0), Math.floor(value / 2 ** 32) >>> 0);
}
function mixWord(h, word) {
  let k = Math.imul(word, 3432918353);
  k = k << 15 | k >>> 17;
  k = Math.imul(k, 461845907);
  h ^= k;
  h = h << 13 | h >>> 19;
  return Math.imul(h, 5) + 3864292196 | 0;
}
function finish(h) {
  h ^= h >>> 16;
  h = Math.imul(h, 2246822507);
  h ^= h >>> 13;
  h = Math.imul(h, 3266489909);
  h ^= h >>> 16;
  return h >>> 0;
}

// src/runtime/machine.ts
var SimThread = class {
  constructor(name, index) {
    this.name = name;
    this.index = index;
  }
  name;
  index;
  state = "runnable";
  blocker = null;
  /** The event loop running in this thread (events._get_running_loop()). */
  runningLoop = null;
  /** Name of the plain function running, for traces of non-loop threads. */
  activity = null;
  /** The exception that ended the thread, if any (threading.excepthook would print it). */
  uncaught = null;
  occurrences = /* @__PURE__ */ new Map();
  gen = null;
  /** The asyncio task currently stepping in this thread, if any. */
  get task() {
    return this.runningLoop?.currentTask ?? null;
  }
};
var Machine = class {
  constructor(options) {
    this.options = options;
    this.hb = options.happensBefore === true ? new HappensBefore() : null;
    this.tracking = options.recordTrace || this.hb !== null;
  }
  options;
  threads = [];
  now = 0;
  steps = 0;
  history = [];
  trace = [];
  applied = [];
  /** The thread whose code is executing now. */
  current = null;
  reads = /* @__PURE__ */ new Set();
  writes = /* @__PURE__ */ new Set();
  /** State-changing decisions taken in the running step, for the happens-before fingerprint. */
  choices = [];
  tracking;
  hb;
  /** Threads the last clock advance woke: their next step depends on it. */
  wokenByClock = /* @__PURE__ */ new Set();
  nextIds = /* @__PURE__ */ new Map();
  /**
   * A deterministic per-run id: never real addresses, so replays print identically. Objects a
   * thread creates are numbered per thread ("T1.waiter-lock#2"), so the name does not depend on
   * how the threads interleaved.
   */
  freshId(prefix) {
    const name = this.current ? `${this.current.name}.${prefix}` : prefix;
    const n = (this.nextIds.get(name) ?? 0) + 1;
    this.nextIds.set(name, n);
    return `${name}#${n}`;
  }
  addThread(name, body) {
    const t = new SimThread(name, this.threads.length);
    t.gen = body(t);
    this.threads.push(t);
    return t;
  }
  get running() {
    if (!this.current) throw new SimulationError("no thread is running");
    return this.current;
  }
  /**
   * Record that the running step read or wrote a shared object (shown in traces; the
   * happens-before fingerprint's dependencies). Outside a running thread nothing is a step.
   */
  touch(field, mode) {
    if (!this.tracking || this.current === null) return;
    (mode === "r" ? this.reads : this.writes).add(field);
  }
  /** Equal for runs so far that are linearizations of the same partial order; '' without happensBefore. */
  fingerprint() {
    return this.hb?.fingerprint() ?? "";
  }
  /** The running step ends: its accesses and choices go to the fingerprint; the sets start afresh. */
  endStep(t) {
    this.hb?.endStep(t.index, this.reads, this.writes, this.choices.join(";"));
    this.reads = /* @__PURE__ */ new Set();
    this.writes = /* @__PURE__ */ new Set();
    this.choices = [];
  }
  /** Record a history event; an `error` event carries the exception as classified at the observation boundary. */
  emit(kind, op, sem, pyError) {
    const t = this.running;
    this.touch("history", "w");
    const event = {
      seq: this.history.length,
      step: this.steps,
      time: this.now,
      thread: t.name,
      loop: t.runningLoop?.id ?? null,
      task: t.task?.name ?? null,
      sem,
      kind,
      op,
      ...pyError ? { error: pyError } : {}
    };
    this.history.push(event);
    if (this.options.recordTrace) {
      const what = pyError ? `${kind} ${sem}: ${pyError.type}: ${pyError.message}` : `${kind} ${sem}`;
      this.trace.push({ step: this.steps, time: this.now, thread: t.name, task: this.actorTask(t), label: "event", what });
    }
  }
  /** A free-form trace note from the runtime (thread finished, task cancelled, ...). */
  note(what, thread = this.current) {
    if (!this.options.recordTrace || !thread) return;
    this.trace.push({ step: this.steps, time: this.now, thread: thread.name, task: this.actorTask(thread), label: "note", what });
  }
  actorTask(t) {
    return t.task?.name ?? t.activity;
  }
  occurrence(t, label) {
    const n = (t.occurrences.get(label) ?? 0) + 1;
    t.occurrences.set(label, n);
    return n;
  }
  /** The key the *next* arrival of the running thread at `label` will have (for decisions taken inside a C call). */
  keyAt(label) {
    const t = this.running;
    return { thread: t.name, label, occ: (t.occurrences.get(label) ?? 0) + 1 };
  }
  // ---------------------------------------------------------------- decisions taken by runtime code
  /** A loop slot: declared cancellations may fire. Counts an occurrence but is not a step. */
  slotDecision(label, cancellable) {
    const t = this.running;
    const key2 = { thread: t.name, label, occ: this.occurrence(t, label) };
    if (cancellable.length === 0) return null;
    const task = this.options.source.slot({ key: key2, cancellable });
    if (task === null || !cancellable.includes(task)) return null;
    this.record({ kind: "cancel", ...key2, task });
    this.choices.push(`cancel ${task}`);
    return task;
  }
  /** A lock released at `label` with several waiters: which is woken. */
  wakeDecision(label, waiters) {
    if (waiters.length < 2) return waiters[0];
    const key2 = this.keyAt(label);
    const options = waiters.map((w) => w.name);
    const i = clampIndex(this.options.source.wake({ key: key2, options }), options.length);
    if (i !== 0) this.record({ kind: "wake", ...key2, waiter: options[i] });
    this.choices.push(`wake ${options[i]}`);
    return waiters[i];
  }
  /** Tied timers at `label`: the order they fire in. */
  tieDecision(label, n) {
    const t = this.running;
    const key2 = { thread: t.name, label, occ: this.occurrence(t, label) };
    const identity = [...Array(n).keys()];
    const order = this.options.source.tie({ key: key2, options: identity.map(String) });
    if (!order || !isPermutation(order, n) || order.every((v, i) => v === i)) {
      this.choices.push(`tie ${identity.join(",")}`);
      return identity;
    }
    this.record({ kind: "tie", ...key2, order: [...order] });
    this.choices.push(`tie ${order.join(",")}`);
    return order;
  }
  record(d) {
    this.applied.push(d);
    if (this.options.recordTrace) {
      const t = this.threads.find((x) => x.name === d.thread) ?? null;
      this.trace.push({
        step: this.steps,
        time: this.now,
        thread: d.thread,
        task: t ? this.actorTask(t) : null,
        label: d.label,
        what: "decision",
        decision: d
      });
    }
  }
  // ---------------------------------------------------------------- blocking resolution
  /** Make a blocked thread runnable (its blocking loop re-checks its condition when it runs). */
  unblock(t) {
    if (t.state !== "blocked") return;
    t.state = "runnable";
    t.blocker = null;
  }
  // ---------------------------------------------------------------- the scheduler loop
  run() {
    const source = this.options.source;
    let clockAdvances = 0;
    for (; ; ) {
      if (this.steps >= this.options.maxSteps) return { status: "step-limit", blocked: this.blockedDetail() };
      let t = this.current && this.current.state === "runnable" ? this.current : this.firstRunnable();
      if (!t) {
        const woken = this.advanceClock();
        if (woken === null) {
          const unfinished = this.threads.some((x) => x.state !== "done");
          return { status: unfinished ? "hang" : "completed", blocked: unfinished ? this.blockedDetail() : [] };
        }
        clockAdvances++;
        t = woken[0];
        if (woken.length > 1) {
          const key2 = { thread: CLOCK_THREAD, label: LABELS.clock, occ: clockAdvances };
          const options = woken.map((w) => w.name);
          const i = clampIndex(source.clock({ key: key2, options }), options.length);
          if (i !== 0) this.record({ kind: "switch", ...key2, to: options[i] });
          t = woken[i];
        }
        this.hb?.endStep(this.threads.length, NO_ACCESS, CLOCK_WRITE, `t=${this.now};woke=${woken.map((w) => w.name).join(",")};first=${t.name}`);
        for (const w of woken) this.wokenByClock.add(w);
      }
      this.current = t;
      this.stepThread(t);
    }
  }
  /** Run `t` until its next point; handle what it yields. */
  stepThread(t) {
    if (this.wokenByClock.delete(t)) this.touch("clock", "r");
    let r;
    try {
      r = t.gen.next();
    } catch (e) {
      if (!(e instanceof PyException)) throw e;
      t.uncaught = e;
      this.finish(t, `thread ends with uncaught ${e.pyType}: ${normaliseMessage(e.message)}`);
      return;
    }
    if (r.done) {
      this.finish(t, "thread finished");
      return;
    }
    const ins = r.value;
    if (ins.t === "await") throw new SimulationError(`'await' reached thread ${t.name} outside a task`);
    if (ins.t === "point" && ins.ft && this.options.model !== "free-threaded") return;
    this.atPoint(t, ins.label, ins.t === "block" ? ins.blocker : null);
  }
  finish(t, what) {
    this.endStep(t);
    t.state = "done";
    this.note(what, t);
    this.current = null;
  }
  atPoint(t, label, blocker) {
    this.steps++;
    const key2 = { thread: t.name, label, occ: this.occurrence(t, label) };
    const { reads, writes } = this;
    this.endStep(t);
    const others = this.threads.filter((x) => x !== t && x.state === "runnable").map((x) => x.name);
    const canDelay = blocker === null && this.threads.some((x) => x !== t && x.state !== "done");
    const stateKey = () => this.stateKey(t, blocker !== null);
    const choice = this.options.source.point({ key: key2, step: this.steps, others, canDelay, blocking: blocker !== null, stateKey });
    let decision;
    if (choice.kind === "switch" && others.length > 0) {
      const to = choice.to && others.includes(choice.to) ? choice.to : this.nextAfter(t, others);
      decision = { kind: "switch", ...key2, to };
      this.current = this.threads.find((x) => x.name === to);
    } else if (choice.kind === "delay" && canDelay) {
      decision = { kind: "delay", ...key2 };
      t.state = "delayed";
      this.current = null;
    }
    if (decision) this.applied.push(decision);
    if (blocker) this.block(t, blocker);
    if (this.options.recordTrace) {
      const what = blocker ? `blocks: ${describeBlocker(blocker)}` : "point";
      this.trace.push({
        step: this.steps,
        time: this.now,
        thread: t.name,
        task: this.actorTask(t),
        label,
        what,
        occ: key2.occ,
        ...blocker ? { blocks: blockedOn(blocker) } : {},
        ...reads.size ? { reads: [...reads] } : {},
        ...writes.size ? { writes: [...writes] } : {},
        ...decision ? { decision } : {}
      });
    }
  }
  /**
   * What the state at a point of `t` is, for partial-order reduction: the happens-before
   * fingerprint, plus what it does not cover (who runs, the clock, each thread's scheduling state).
   */
  stateKey(t, blocking) {
    let states = 0;
    for (const x of this.threads) states = states * 4 + STATE_CODE[x.state];
    return `${this.fingerprint()},${t.index}${blocking ? "!" : ""},${this.now},${states}`;
  }
  block(t, blocker) {
    if (blocker.kind === "lock") blocker.lock.addWaiter(t);
    if (t.state === "delayed") {
      throw new SimulationError("a thread cannot be delayed and blocked at once");
    }
    t.state = "blocked";
    t.blocker = blocker;
    if (this.current === t) this.current = null;
  }
  firstRunnable() {
    return this.threads.find((x) => x.state === "runnable") ?? null;
  }
  nextAfter(t, others) {
    const n = this.threads.length;
    for (let i = 1; i <= n; i++) {
      const cand = this.threads[(t.index + i) % n];
      if (others.includes(cand.name)) return cand.name;
    }
    return others[0];
  }
  /**
   * Nothing can run: jump to the earliest deadline and wake what is due, plus delayed threads.
   * Returns the woken threads in index order, or null when time cannot advance (done or hang).
   */
  advanceClock() {
    const delayed = this.threads.filter((x) => x.state === "delayed");
    let earliest = null;
    for (const x of this.threads) {
      if (x.state !== "blocked" || !x.blocker) continue;
      const d = deadlineOf(x.blocker);
      if (d !== null && (earliest === null || d < earliest)) earliest = d;
    }
    if (earliest === null && delayed.length === 0) return null;
    if (earliest !== null) this.now = Math.max(this.now, earliest);
    for (const x of delayed) x.state = "runnable";
    for (const x of this.threads) {
      if (x.state !== "blocked" || !x.blocker) continue;
      const d = deadlineOf(x.blocker);
      if (d !== null && d <= this.now) this.unblock(x);
    }
    return this.threads.filter((x) => x.state === "runnable");
  }
  blockedDetail() {
    return this.threads.filter((x) => x.state !== "done").map((x) => {
      const on = x.state === "blocked" && x.blocker ? describeBlocker(x.blocker) : x.state;
      const tasks = x.runningLoop?.pendingTasks().map((task) => ({ task: task.name, awaits: task.describeWait() }));
      return { thread: x.name, on, ...tasks?.length ? { tasks } : {} };
    });
  }
};
var STATE_CODE = { runnable: 0, blocked: 1, delayed: 2, done: 3 };
var NO_ACCESS = /* @__PURE__ */ new Set();
var CLOCK_WRITE = /* @__PURE__ */ new Set(["clock"]);
function clampIndex(i, n) {
  return Number.isInteger(i) && i >= 0 && i < n ? i : 0;
}
function isPermutation(order, n) {
  if (order.length !== n) return false;
  const seen = new Set(order);
  return seen.size === n && order.every((v) => Number.isInteger(v) && v >= 0 && v < n);
}

// src/runtime/lock.ts
var SimLock = class {
  constructor(machine, name) {
    this.machine = machine;
    this.name = name;
  }
  machine;
  name;
  held = false;
  waiters = [];
  get obj() {
    return `lock:${this.name}`;
  }
  locked() {
    this.machine.touch(this.obj, "r");
    return this.held;
  }
  /** Called by the machine when a thread blocks on this lock. */
  addWaiter(t) {
    if (!this.waiters.includes(t)) this.waiters.push(t);
  }
  /**
   * lock.acquire(blocking). `label` is where the caller would block: a blocking point.
   * An uncontended acquire is atomic (C code, no eval-breaker check).
   */
  *acquire(label, blocking = true) {
    this.machine.touch(this.obj, "w");
    if (!this.held) {
      this.held = true;
      return true;
    }
    if (!blocking) return false;
    while (this.held) {
      yield { t: "block", label, blocker: { kind: "lock", lock: this } };
      this.machine.touch(this.obj, "w");
    }
    this.held = true;
    return true;
  }
  /** lock.release(). `label` is the point after the call, which keys a `wake` decision. */
  release(label) {
    this.machine.touch(this.obj, "w");
    if (!this.held) throw new RuntimeError("release unlocked lock");
    this.held = false;
    const blocked = this.waiters.filter((w) => w.state === "blocked");
    if (blocked.length === 0) return;
    const chosen = this.machine.wakeDecision(label, blocked);
    this.waiters.splice(this.waiters.indexOf(chosen), 1);
    this.machine.unblock(chosen);
  }
};

// src/runtime/future.ts
var Future = class {
  constructor(loop, purpose) {
    this.loop = loop;
    this.purpose = purpose;
    this.id = `fut:${loop.machine.freshId("fut")}`;
  }
  loop;
  purpose;
  state = "PENDING";
  value;
  error = null;
  callbacks = [];
  /** Named per creating thread (Machine.freshId), so equivalent runs name it alike. */
  id;
  touch(mode) {
    this.loop.machine.touch(this.id, mode);
  }
  done() {
    this.touch("r");
    return this.state !== "PENDING";
  }
  cancelled() {
    this.touch("r");
    return this.state === "CANCELLED";
  }
  result() {
    this.touch("r");
    if (this.state === "CANCELLED") throw new CancelledError();
    if (this.state === "PENDING") throw new InvalidStateError("Result is not ready.");
    if (this.error) throw this.error;
    return this.value;
  }
  exception() {
    this.touch("r");
    if (this.state === "CANCELLED") throw new CancelledError();
    if (this.state === "PENDING") throw new InvalidStateError("Exception is not set.");
    return this.error;
  }
  // CPython 3.11 Modules/_asynciomodule.c future_set_result (Lib/asyncio/futures.py Future.set_result)
  setResult(value) {
    this.touch("w");
    if (this.state !== "PENDING") throw new InvalidStateError(`invalid state: ${this.state}`);
    this.value = value;
    this.state = "FINISHED";
    this.scheduleCallbacks();
  }
  setException(error) {
    this.touch("w");
    if (this.state !== "PENDING") throw new InvalidStateError(`invalid state: ${this.state}`);
    this.error = error;
    this.state = "FINISHED";
    this.scheduleCallbacks();
  }
  // CPython 3.11 Lib/asyncio/futures.py Future.cancel
  cancel() {
    this.touch("w");
    if (this.state !== "PENDING") return false;
    this.state = "CANCELLED";
    this.scheduleCallbacks();
    return true;
  }
  addDoneCallback(cb) {
    this.touch("w");
    if (this.state !== "PENDING") this.loop.callSoon(() => cb(this));
    else this.callbacks.push(cb);
  }
  removeDoneCallback(cb) {
    this.touch("w");
    this.callbacks = this.callbacks.filter((c) => c !== cb);
  }
  // CPython 3.11 Lib/asyncio/futures.py Future.__schedule_callbacks: call_soon on the future's loop, whoever calls.
  scheduleCallbacks() {
    const cbs = this.callbacks;
    this.callbacks = [];
    for (const cb of cbs) this.loop.callSoon(() => cb(this));
  }
};
function* awaitFuture(fut) {
  if (!fut.done()) yield { t: "await", fut };
  return fut.result();
}

// src/runtime/task.ts
var Task = class extends Future {
  constructor(loop, coro, name) {
    super(loop, `task ${name}`);
    this.coro = coro;
    this.name = name;
    loop.registerTask(this);
    loop.callSoon(() => this.step(null));
  }
  coro;
  name;
  mustCancel = false;
  futWaiter = null;
  // CPython 3.11 Lib/asyncio/tasks.py Task.cancel
  cancel() {
    this.touch("w");
    if (this.done()) return false;
    if (this.futWaiter?.cancel()) {
      return true;
    }
    this.mustCancel = true;
    return true;
  }
  describeWait() {
    if (this.futWaiter) return `${this.futWaiter.purpose} (${this.futWaiter.done() ? "done, wakeup pending" : "pending"})`;
    return this.mustCancel ? "cancellation pending" : "ready to run";
  }
  // CPython 3.11 Lib/asyncio/tasks.py Task.__step / __step_run_and_handle_result
  *step(exc) {
    this.touch("w");
    if (this.done()) throw new RuntimeError(`_step(): already done: ${this.name}`);
    let toThrow = exc;
    if (this.mustCancel) {
      if (!(toThrow instanceof CancelledError)) toThrow = new CancelledError();
      this.mustCancel = false;
    }
    this.futWaiter = null;
    const loop = this.loop;
    loop.enterTask(this);
    try {
      for (; ; ) {
        let r;
        try {
          r = toThrow ? this.coro.throw(toThrow) : this.coro.next();
        } catch (e) {
          if (!(e instanceof PyException)) throw e;
          if (e instanceof CancelledError) super.cancel();
          else this.setException(e);
          return;
        }
        toThrow = null;
        if (r.done) {
          if (this.mustCancel) {
            this.mustCancel = false;
            super.cancel();
          } else this.setResult(r.value);
          return;
        }
        const ins = r.value;
        if (ins.t !== "await") {
          yield ins;
          continue;
        }
        this.park(ins.fut);
        return;
      }
    } finally {
      loop.leaveTask(this);
    }
  }
  park(fut) {
    if (fut === null) {
      this.loop.callSoon(() => this.step(null));
      return;
    }
    if (fut.loop !== this.loop) {
      const err = new RuntimeError(`Task <Task ${this.name}> got Future <Future> attached to a different loop`);
      this.loop.callSoon(() => this.step(err));
      return;
    }
    fut.addDoneCallback((f) => this.wakeup(f));
    this.futWaiter = fut;
    if (this.mustCancel && this.futWaiter.cancel()) this.mustCancel = false;
  }
  // CPython 3.11 Lib/asyncio/tasks.py Task.__wakeup
  *wakeup(fut) {
    try {
      fut.result();
    } catch (e) {
      if (!(e instanceof PyException)) throw e;
      yield* this.step(e);
      return;
    }
    yield* this.step(null);
  }
};

// src/runtime/event-loop.ts
var Handle = class {
  constructor(callback) {
    this.callback = callback;
  }
  callback;
  cancelled = false;
  cancel() {
    this.cancelled = true;
  }
};
var TimerHandle = class extends Handle {
  constructor(when, seq, callback) {
    super(callback);
    this.when = when;
    this.seq = seq;
  }
  when;
  seq;
};
var SELECT_LABEL = LABELS.select;
var SLOT_LABEL = LABELS.slot;
var TIMERS_LABEL = LABELS.timers;
var EventLoop = class {
  constructor(machine, id) {
    this.machine = machine;
    this.id = id;
  }
  machine;
  id;
  ready = [];
  scheduled = [];
  timerSeq = 0;
  stopping = false;
  closed = false;
  /** The self-pipe has unread data: the next select returns at once. */
  pipeWoken = false;
  owner = null;
  tasks = [];
  declaredCancellations = /* @__PURE__ */ new Set();
  firedCancellations = /* @__PURE__ */ new Set();
  currentTask = null;
  time() {
    this.machine.touch("clock", "r");
    return this.machine.now;
  }
  /** The scenario declared that `task` may be cancelled at any slot of this loop. */
  declareCancellation(task) {
    this.declaredCancellations.add(task);
  }
  registerTask(t) {
    this.tasks.push(t);
  }
  enterTask(t) {
    if (this.currentTask !== null) throw new RuntimeError(`Cannot enter into task ${t.name} while another task ${this.currentTask.name} is being executed.`);
    this.currentTask = t;
  }
  leaveTask(t) {
    if (this.currentTask === t) this.currentTask = null;
  }
  /** Tasks not done, in creation order (never a WeakSet's order). */
  pendingTasks() {
    return this.tasks.filter((t) => !t.done());
  }
  findTask(name) {
    return this.tasks.find((t) => t.name === name);
  }
  createFuture(purpose) {
    return new Future(this, purpose);
  }
  createTask(coro, name) {
    this.checkClosed();
    return new Task(this, coro, name);
  }
  // CPython 3.11 Lib/asyncio/base_events.py BaseEventLoop.call_soon: no thread check (debug off), no wake-up.
  callSoon(cb) {
    this.checkClosed();
    this.machine.touch(`${this.id}.ready`, "w");
    const h = new Handle(cb);
    this.ready.push(h);
    return h;
  }
  // CPython 3.11 Lib/asyncio/base_events.py BaseEventLoop.call_soon_threadsafe: append, then write the self-pipe.
  callSoonThreadsafe(cb) {
    const h = this.callSoon(cb);
    this.writeToSelf();
    return h;
  }
  callLater(delay, cb) {
    return this.callAt(this.time() + delay, cb);
  }
  callAt(when, cb) {
    this.checkClosed();
    this.machine.touch(`${this.id}.timers`, "w");
    const h = new TimerHandle(when, this.timerSeq++, cb);
    this.scheduled.push(h);
    this.scheduled.sort((a, b) => a.when - b.when || a.seq - b.seq);
    return h;
  }
  stop() {
    this.stopping = true;
  }
  close() {
    this.closed = true;
    this.ready = [];
    this.scheduled = [];
  }
  isClosed() {
    return this.closed;
  }
  checkClosed() {
    if (this.closed) throw new RuntimeError("Event loop is closed");
  }
  writeToSelf() {
    this.machine.touch(`${this.id}.selector`, "w");
    this.pipeWoken = true;
    const o = this.owner;
    if (o && o.blocker?.kind === "select" && o.blocker.loop === this) this.machine.unblock(o);
  }
  // CPython 3.11 Lib/asyncio/base_events.py BaseEventLoop.run_until_complete
  *runUntilComplete(fut) {
    const stopCb = () => this.stop();
    fut.addDoneCallback(stopCb);
    try {
      yield* this.runForever();
    } finally {
      fut.removeDoneCallback(stopCb);
    }
    if (!fut.done()) throw new RuntimeError("Event loop stopped before Future completed.");
    return fut.result();
  }
  // CPython 3.11 Lib/asyncio/base_events.py BaseEventLoop.run_forever
  *runForever() {
    this.checkClosed();
    const thread = this.machine.running;
    if (thread.runningLoop) throw new RuntimeError("Cannot run the event loop while another loop is running");
    this.owner = thread;
    thread.runningLoop = this;
    try {
      for (; ; ) {
        yield* this.runOnce();
        if (this.stopping) break;
      }
    } finally {
      this.stopping = false;
      this.owner = null;
      thread.runningLoop = null;
    }
  }
  // CPython 3.11 Lib/asyncio/base_events.py BaseEventLoop._run_once
  *runOnce() {
    this.machine.touch(`${this.id}.timers`, "w");
    this.machine.touch(`${this.id}.ready`, "w");
    while (this.scheduled.length && this.scheduled[0].cancelled) this.scheduled.shift();
    let timeout = null;
    if (this.ready.length || this.stopping) timeout = 0;
    else if (this.scheduled.length) timeout = Math.max(0, this.scheduled[0].when - this.time());
    yield* this.select(timeout);
    const endTime = this.time();
    const due = [];
    while (this.scheduled.length && this.scheduled[0].when <= endTime) {
      const h = this.scheduled.shift();
      if (!h.cancelled) due.push(h);
    }
    this.ready.push(...this.orderTies(due));
    const ntodo = this.ready.length;
    for (let i = 0; i < ntodo; i++) {
      this.machine.touch(`${this.id}.ready`, "w");
      const h = this.ready.shift();
      this.maybeCancel();
      if (h.cancelled) continue;
      const r = h.callback();
      if (r) yield* r;
    }
  }
  /** Timers due at the same instant fire in scheduling order unless a `tie` decision reorders them. */
  orderTies(due) {
    const out = [];
    for (let i = 0; i < due.length; ) {
      let j = i;
      while (j < due.length && due[j].when === due[i].when) j++;
      const group = due.slice(i, j);
      if (group.length > 1) {
        const order = this.machine.tieDecision(TIMERS_LABEL, group.length);
        out.push(...order.map((k) => group[k]));
      } else out.push(...group);
      i = j;
    }
    return out;
  }
  /** A loop slot: a declared cancellation may fire here, as if another callback called task.cancel(). */
  maybeCancel() {
    const cancellable = [...this.declaredCancellations].filter((name2) => {
      const t = this.findTask(name2);
      return t !== void 0 && !t.done() && !this.firedCancellations.has(name2);
    });
    const name = this.machine.slotDecision(SLOT_LABEL, cancellable);
    if (name === null) return;
    this.firedCancellations.add(name);
    this.machine.note(`declared cancellation fires: ${name}.cancel()`);
    this.findTask(name).cancel();
  }
  /** The virtual selector: returns at once on timeout 0 or a pending self-pipe write; else blocks. */
  *select(timeout) {
    this.machine.touch(`${this.id}.selector`, "w");
    if (this.pipeWoken) {
      this.pipeWoken = false;
      return;
    }
    if (timeout === 0) return;
    const until = timeout === null ? null : this.time() + timeout;
    yield { t: "block", label: SELECT_LABEL, blocker: { kind: "select", loop: this, until } };
    this.machine.touch(`${this.id}.selector`, "w");
    this.pipeWoken = false;
  }
};

// src/runtime/runtime.ts
var PyRuntime = class {
  machine;
  /** asyncio.mixins._global_lock (CPython 3.10+): a threading.Lock, virtualised like every lock. */
  mixinsGlobalLock;
  /** The main thread's (never running) event loop, for CPython <= 3.9 semaphores bound at construction. */
  mainLoop = null;
  constructor(options) {
    this.machine = new Machine(options);
    this.mixinsGlobalLock = new SimLock(this.machine, "asyncio.mixins._global_lock");
  }
  /** events.get_event_loop() called on the main thread (3.9 and older, at semaphore construction). */
  mainThreadLoop() {
    this.mainLoop ??= new EventLoop(this.machine, "loop@main");
    return this.mainLoop;
  }
  newLock(name) {
    return new SimLock(this.machine, this.machine.freshId(name));
  }
};

// src/runtime/instructions.ts
function point(label) {
  return { t: "point", label };
}
function ftPoint(label) {
  return { t: "point", label, ft: true };
}
function labeller(file, qualname) {
  return (line) => `${file}:${qualname}:${line}`;
}

// src/runtime/deque.ts
var PyDeque = class {
  constructor(machine, id) {
    this.machine = machine;
    this.id = id;
  }
  machine;
  id;
  items = [];
  /** Bumped on every mutation (CPython's deque->state). */
  state = 0;
  get length() {
    this.machine.touch(this.id, "r");
    return this.items.length;
  }
  at(i) {
    this.machine.touch(this.id, "r");
    if (i < 0 || i >= this.items.length) throw new RuntimeError("deque index out of range");
    return this.items[i];
  }
  append(x) {
    this.machine.touch(this.id, "w");
    this.items.push(x);
    this.state++;
  }
  remove(x) {
    this.machine.touch(this.id, "w");
    const i = this.items.indexOf(x);
    if (i < 0) throw new ValueError("deque.remove(x): x not in deque");
    this.items.splice(i, 1);
    this.state++;
  }
  popleft() {
    this.machine.touch(this.id, "w");
    if (this.items.length === 0) throw new RuntimeError("pop from an empty deque");
    this.state++;
    return this.items.shift();
  }
  toArray() {
    this.machine.touch(this.id, "r");
    return [...this.items];
  }
  /** iter(deque): next() raises if the deque was mutated meanwhile. */
  iterator() {
    const start = this.state;
    let i = 0;
    return {
      next: () => {
        this.machine.touch(this.id, "r");
        if (this.state !== start) throw new RuntimeError("deque mutated during iteration");
        if (i >= this.items.length) return { done: true };
        return { done: false, value: this.items[i++] };
      }
    };
  }
};

// src/runtime/asyncio.ts
function getRunningLoop(machine) {
  return machine.running.runningLoop;
}
function requireRunningLoop(machine) {
  const loop = getRunningLoop(machine);
  if (!loop) throw new RuntimeError("no running event loop");
  return loop;
}
function* sleep(machine, delay) {
  if (delay <= 0) {
    yield { t: "await", fut: null };
    return;
  }
  const loop = requireRunningLoop(machine);
  const fut = loop.createFuture(`sleep(${delay})`);
  const h = loop.callLater(delay, () => {
    if (!fut.cancelled()) fut.setResult(null);
  });
  try {
    yield* awaitFuture(fut);
  } finally {
    h.cancel();
  }
}
var GatheringFuture = class extends Future {
  constructor(loop, children) {
    super(loop, `gather(${children.map((c) => c.name).join(", ")})`);
    this.children = children;
  }
  children;
  cancelRequested = false;
  cancel() {
    if (this.done()) return false;
    let ret = false;
    for (const c of this.children) if (c.cancel()) ret = true;
    if (ret) this.cancelRequested = true;
    return ret;
  }
};
function gather(loop, coros, returnExceptions = false) {
  const children = coros.map((c) => loop.createTask(c.coro, c.name));
  const outer = new GatheringFuture(loop, children);
  if (children.length === 0) {
    outer.setResult([]);
    return outer;
  }
  let finished = 0;
  const onChildDone = (fut) => {
    finished++;
    if (outer.done()) return;
    if (!returnExceptions) {
      if (fut.cancelled()) {
        outer.setException(new CancelledError());
        return;
      }
      const exc = fut.exception();
      if (exc) {
        outer.setException(exc);
        return;
      }
    }
    if (finished === children.length) {
      const results = children.map((c) => c.cancelled() ? new CancelledError() : c.exception() ?? c.result());
      if (outer.cancelRequested) outer.setException(new CancelledError());
      else outer.setResult(results);
    }
  };
  for (const c of children) c.addDoneCallback(onChildDone);
  return outer;
}
function* cancelAllTasks(loop) {
  const toCancel = loop.pendingTasks();
  if (toCancel.length === 0) return;
  for (const t of toCancel) t.cancel();
  const all = new GatheringFuture(loop, toCancel);
  let left = toCancel.length;
  for (const t of toCancel) {
    t.addDoneCallback(() => {
      if (--left === 0 && !all.done()) all.setResult([]);
    });
  }
  yield* loop.runUntilComplete(all);
}
function* asyncioRun(machine, loopId, main) {
  if (getRunningLoop(machine)) throw new RuntimeError("asyncio.run() cannot be called from a running event loop");
  const loop = new EventLoop(machine, loopId);
  const thread = machine.running;
  try {
    const task = loop.createTask(main(loop), `${thread.name}.main`);
    return yield* loop.runUntilComplete(task);
  } finally {
    try {
      yield* cancelAllTasks(loop);
    } catch (e) {
      if (!(e instanceof PyException)) throw e;
    }
    loop.close();
  }
}

// src/ports/tracked.ts
function trackFields(cls, names) {
  for (const name of names) {
    const slot = Symbol(name);
    Object.defineProperty(cls.prototype, name, {
      configurable: false,
      enumerable: false,
      get() {
        this.rt.machine.touch(`${this.id}.${name}`, "r");
        return this[slot];
      },
      set(v) {
        this.rt.machine.touch(`${this.id}.${name}`, "w");
        this[slot] = v;
      }
    });
  }
}

// src/ports/cpython-3.11/asyncio-semaphore.ts
var LOCKS = "asyncio/locks.py";
var aenterAt = labeller(LOCKS, "_ContextManagerMixin.__aenter__");
var aexitAt = labeller(LOCKS, "_ContextManagerMixin.__aexit__");
var reprAt = labeller(LOCKS, "Semaphore.__repr__");
var lockedAt = labeller(LOCKS, "Semaphore.locked");
var genexprAt = labeller(LOCKS, "Semaphore.locked.<locals>.<genexpr>");
var acquireAt = labeller(LOCKS, "Semaphore.acquire");
var releaseAt = labeller(LOCKS, "Semaphore.release");
var wakeAt = labeller(LOCKS, "Semaphore._wake_up_next");
var boundedReleaseAt = labeller(LOCKS, "BoundedSemaphore.release");
var getLoopAt = labeller("asyncio/mixins.py", "_LoopBoundMixin._get_loop");
var AsyncioSemaphore311 = class {
  // CPython 3.11 Lib/asyncio/locks.py Semaphore.__init__ (and _LoopBoundMixin's _loop = None)
  constructor(rt, id, value) {
    this.rt = rt;
    this.id = id;
    if (value < 0) throw new ValueError("Semaphore initial value must be >= 0");
    this._waiters = null;
    this._value = value;
    this._loop = null;
  }
  rt;
  id;
  kind = "asyncio";
  // CPython 3.11 Lib/asyncio/locks.py _ContextManagerMixin.__aenter__
  *enter() {
    yield point(aenterAt(14));
    yield* this.acquire();
  }
  // CPython 3.11 Lib/asyncio/locks.py _ContextManagerMixin.__aexit__
  *exit() {
    yield point(aexitAt(20));
    yield* this.release();
  }
  // CPython 3.11 Lib/asyncio/locks.py Semaphore.__repr__ (addresses print as 0x?)
  *repr() {
    yield point(reprAt(352));
    yield point(reprAt(353));
    const res = `<asyncio.locks.${this.className()} object at 0x?>`;
    yield point(reprAt(353));
    let extra = (yield* this.locked()) ? "locked" : `unlocked, value:${this._value}`;
    const ws = this._waiters;
    if (ws?.length) extra = `${extra}, waiters:${ws.length}`;
    return `<${res.slice(1, -1)} [${extra}]>`;
  }
  className() {
    return "Semaphore";
  }
  // CPython 3.11 Lib/asyncio/locks.py Semaphore.locked
  *locked() {
    yield point(lockedAt(359));
    yield ftPoint(lockedAt(361));
    if (this._value === 0) return true;
    yield ftPoint(lockedAt(362));
    const it = (this._waiters ?? new PyDeque(this.rt.machine, `local:${this.id}.locked() empty waiters`)).iterator();
    let found = false;
    yield point(genexprAt(362));
    for (let r = it.next(); !r.done; r = it.next()) {
      const cancelled = r.value.cancelled();
      yield point(genexprAt(362));
      if (!cancelled) {
        found = true;
        break;
      }
      yield point(genexprAt(362));
      yield point(genexprAt(362));
    }
    yield point(lockedAt(362));
    return found;
  }
  // CPython 3.11 Lib/asyncio/locks.py Semaphore.acquire
  *acquire() {
    yield point(acquireAt(364));
    if (!(yield* this.locked())) {
      yield ftPoint(acquireAt(374));
      this._value -= 1;
      return true;
    }
    yield ftPoint(acquireAt(377));
    if (this._waiters === null) {
      const fresh = new PyDeque(this.rt.machine, `${this.id}._waiters[]`);
      yield point(acquireAt(378));
      this._waiters = fresh;
    }
    const loop = yield* this.getLoop();
    const fut = loop.createFuture(`waiter future of ${this.id}`);
    yield ftPoint(acquireAt(380));
    this._waiters.append(fut);
    yield point(acquireAt(380));
    if (!fut.done()) this.rt.machine.emit("waiting", "acquire", this.id);
    try {
      try {
        yield* awaitFuture(fut);
      } finally {
        yield ftPoint(acquireAt(389));
        this._waiters.remove(fut);
        yield point(acquireAt(389));
      }
    } catch (e) {
      if (!(e instanceof CancelledError)) throw e;
      const cancelled = fut.cancelled();
      yield point(acquireAt(391));
      if (!cancelled) {
        yield ftPoint(acquireAt(392));
        this._value += 1;
        yield* this.wakeUpNext();
      }
      throw e;
    }
    yield ftPoint(acquireAt(396));
    if (this._value > 0) yield* this.wakeUpNext();
    return true;
  }
  // CPython 3.11 Lib/asyncio/locks.py Semaphore.release
  *release() {
    yield point(releaseAt(400));
    yield ftPoint(releaseAt(406));
    this._value += 1;
    yield* this.wakeUpNext();
  }
  // CPython 3.11 Lib/asyncio/locks.py Semaphore._wake_up_next
  *wakeUpNext() {
    yield point(wakeAt(409));
    yield ftPoint(wakeAt(411));
    const ws = this._waiters;
    if (!ws || ws.length === 0) return;
    const it = ws.iterator();
    for (let r = it.next(); !r.done; r = it.next()) {
      const fut = r.value;
      const done = fut.done();
      yield point(wakeAt(415));
      if (!done) {
        yield ftPoint(wakeAt(416));
        this._value -= 1;
        fut.setResult(true);
        yield point(wakeAt(417));
        return;
      }
      yield point(wakeAt(415));
    }
  }
  // CPython 3.11 Lib/asyncio/mixins.py _LoopBoundMixin._get_loop — the loop binds here.
  *getLoop() {
    yield point(getLoopAt(12));
    const loop = getRunningLoop(this.rt.machine);
    yield point(getLoopAt(13));
    yield ftPoint(getLoopAt(15));
    if (this._loop === null) {
      const lock = this.rt.mixinsGlobalLock;
      yield* lock.acquire(getLoopAt(16));
      try {
        yield ftPoint(getLoopAt(17));
        if (this._loop === null) this._loop = loop;
      } finally {
        lock.release(getLoopAt(16));
      }
      yield point(getLoopAt(16));
    }
    yield ftPoint(getLoopAt(19));
    if (loop !== this._loop) {
      const text = yield* this.repr();
      const err = new RuntimeError(`${text} is bound to a different event loop`);
      yield point(getLoopAt(20));
      throw err;
    }
    if (loop === null) throw new RuntimeError("no running event loop");
    return loop;
  }
  snapshot() {
    const ws = this._waiters?.toArray() ?? [];
    return {
      value: this._value,
      waiters: ws.length,
      inFlight: ws.filter((f) => f.done() && !f.cancelled()).length,
      boundLoop: this._loop?.id ?? null
    };
  }
};
trackFields(AsyncioSemaphore311, ["_value", "_waiters", "_loop"]);
var AsyncioBoundedSemaphore311 = class extends AsyncioSemaphore311 {
  boundValue;
  constructor(rt, id, value) {
    super(rt, id, value);
    this.boundValue = value;
  }
  className() {
    return "BoundedSemaphore";
  }
  // CPython 3.11 Lib/asyncio/locks.py BoundedSemaphore.release
  *release() {
    yield point(boundedReleaseAt(432));
    yield ftPoint(boundedReleaseAt(433));
    if (this._value >= this.boundValue) {
      const err = new ValueError("BoundedSemaphore released too many times");
      yield point(boundedReleaseAt(434));
      throw err;
    }
    yield point(boundedReleaseAt(435));
    yield* super.release();
  }
};
function createAsyncioSemaphore311(args) {
  return args.bounded ? new AsyncioBoundedSemaphore311(args.rt, args.id, args.value) : new AsyncioSemaphore311(args.rt, args.id, args.value);
}

// src/ports/cpython-3.11/threading-semaphore.ts
var TH = "threading.py";
var enterAt = labeller(TH, "Condition.__enter__");
var exitAt = labeller(TH, "Condition.__exit__");
var releaseSaveAt = labeller(TH, "Condition._release_save");
var acquireRestoreAt = labeller(TH, "Condition._acquire_restore");
var isOwnedAt = labeller(TH, "Condition._is_owned");
var waitAt = labeller(TH, "Condition.wait");
var notifyAt = labeller(TH, "Condition.notify");
var semAcquireAt = labeller(TH, "Semaphore.acquire");
var semReleaseAt = labeller(TH, "Semaphore.release");
var semExitAt = labeller(TH, "Semaphore.__exit__");
var boundedReleaseAt2 = labeller(TH, "BoundedSemaphore.release");
var Condition311 = class {
  constructor(rt, lock, id) {
    this.rt = rt;
    this.lock = lock;
    this.waiters = new PyDeque(rt.machine, `${id}._waiters`);
  }
  rt;
  lock;
  waiters;
  // CPython 3.11 Lib/threading.py Condition.__enter__
  *enter() {
    yield point(enterAt(271));
    yield* this.lock.acquire(enterAt(272));
    yield point(enterAt(272));
  }
  // CPython 3.11 Lib/threading.py Condition.__exit__
  *exit() {
    yield point(exitAt(274));
    this.lock.release(exitAt(275));
    yield point(exitAt(275));
  }
  // CPython 3.11 Lib/threading.py Condition._is_owned
  *isOwned() {
    yield point(isOwnedAt(286));
    const got = yield* this.lock.acquire(isOwnedAt(289), false);
    yield point(isOwnedAt(289));
    if (got) {
      this.lock.release(isOwnedAt(290));
      yield point(isOwnedAt(290));
      return false;
    }
    return true;
  }
  // CPython 3.11 Lib/threading.py Condition.wait (timeout=None). `onPark` observes the thread really blocking.
  *wait(onPark) {
    yield point(waitAt(295));
    if (!(yield* this.isOwned())) throw new RuntimeError("cannot wait on un-acquired lock");
    const waiter = this.rt.newLock("waiter-lock");
    yield point(waitAt(320));
    yield* waiter.acquire(waitAt(321));
    yield point(waitAt(321));
    this.waiters.append(waiter);
    yield point(waitAt(322));
    yield point(releaseSaveAt(280));
    this.lock.release(releaseSaveAt(281));
    yield point(releaseSaveAt(281));
    let gotit = false;
    try {
      if (waiter.locked()) onPark?.();
      yield* waiter.acquire(waitAt(327));
      yield point(waitAt(327));
      gotit = true;
      return gotit;
    } finally {
      yield point(acquireRestoreAt(283));
      yield* this.lock.acquire(acquireRestoreAt(284));
      yield point(acquireRestoreAt(284));
      if (!gotit) {
        try {
          this.waiters.remove(waiter);
          yield point(waitAt(339));
        } catch (e) {
          if (!(e instanceof ValueError)) throw e;
        }
      }
    }
  }
  // CPython 3.11 Lib/threading.py Condition.notify
  *notify(n = 1) {
    yield point(notifyAt(366));
    if (!(yield* this.isOwned())) throw new RuntimeError("cannot notify on un-acquired lock");
    const waiters = this.waiters;
    while (waiters.length && n > 0) {
      const waiter = waiters.at(0);
      let released = true;
      try {
        waiter.release(notifyAt(382));
        yield point(notifyAt(382));
      } catch (e) {
        if (!(e instanceof RuntimeError)) throw e;
        released = false;
      }
      if (released) n -= 1;
      try {
        waiters.remove(waiter);
        yield point(notifyAt(392));
      } catch (e) {
        if (!(e instanceof ValueError)) throw e;
      }
      if (waiters.length && n > 0) yield point(notifyAt(379));
    }
  }
};
var ThreadingSemaphore311 = class {
  // CPython 3.11 Lib/threading.py Semaphore.__init__
  constructor(rt, id, value) {
    this.rt = rt;
    this.id = id;
    if (value < 0) throw new ValueError("semaphore initial value must be >= 0");
    this.cond = new Condition311(rt, rt.newLock(`${id}._cond._lock`), `${id}._cond`);
    this._value = value;
  }
  rt;
  id;
  kind = "threading";
  cond;
  // CPython 3.11 Lib/threading.py Semaphore.acquire (blocking=True, timeout=None); also __enter__
  *acquire() {
    yield point(semAcquireAt(440));
    let rc = false;
    yield* this.cond.enter();
    try {
      yield ftPoint(semAcquireAt(469));
      if (this._value === 0) {
        let parked = false;
        const onPark = () => {
          if (!parked) this.rt.machine.emit("waiting", "acquire", this.id);
          parked = true;
        };
        for (; ; ) {
          yield* this.cond.wait(onPark);
          yield ftPoint(semAcquireAt(469));
          if (this._value !== 0) break;
          yield point(semAcquireAt(469));
        }
      }
      yield ftPoint(semAcquireAt(481));
      this._value -= 1;
      rc = true;
    } finally {
      yield* this.cond.exit();
    }
    return rc;
  }
  *enter() {
    yield* this.acquire();
  }
  // CPython 3.11 Lib/threading.py Semaphore.__exit__
  *exit() {
    yield point(semExitAt(501));
    yield* this.release();
  }
  // CPython 3.11 Lib/threading.py Semaphore.release (n=1)
  *release() {
    yield point(semReleaseAt(487));
    yield* this.cond.enter();
    try {
      yield* this.increment();
    } finally {
      yield* this.cond.exit();
    }
  }
  /** The body of `with self._cond:` in release(): `_value += n; for i in range(n): notify()`. */
  *increment(at2 = semReleaseAt, firstLine = 497) {
    yield ftPoint(at2(firstLine));
    this._value += 1;
    yield point(at2(firstLine + 1));
    yield* this.cond.notify();
    yield point(at2(firstLine + 2));
  }
  snapshot() {
    return { value: this._value, waiters: this.cond.waiters.length, inFlight: 0, boundLoop: null };
  }
};
trackFields(ThreadingSemaphore311, ["_value"]);
var ThreadingBoundedSemaphore311 = class extends ThreadingSemaphore311 {
  initialValue;
  constructor(rt, id, value) {
    super(rt, id, value);
    this.initialValue = value;
  }
  // CPython 3.11 Lib/threading.py BoundedSemaphore.release (n=1)
  *release() {
    yield point(boundedReleaseAt2(531));
    yield* this.cond.enter();
    try {
      yield ftPoint(boundedReleaseAt2(544));
      if (this._value + 1 > this.initialValue) {
        const err = new ValueError("Semaphore released too many times");
        yield point(boundedReleaseAt2(545));
        throw err;
      }
      yield* this.increment(boundedReleaseAt2, 546);
    } finally {
      yield* this.cond.exit();
    }
  }
};
function createThreadingSemaphore311(args) {
  return args.bounded ? new ThreadingBoundedSemaphore311(args.rt, args.id, args.value) : new ThreadingSemaphore311(args.rt, args.id, args.value);
}

// src/ports/cpython-3.9/asyncio-semaphore.ts
var LOCKS2 = "asyncio/locks.py";
var aenterAt2 = labeller(LOCKS2, "_ContextManagerMixin.__aenter__");
var aexitAt2 = labeller(LOCKS2, "_ContextManagerMixin.__aexit__");
var wakeAt2 = labeller(LOCKS2, "Semaphore._wake_up_next");
var acquireAt2 = labeller(LOCKS2, "Semaphore.acquire");
var releaseAt2 = labeller(LOCKS2, "Semaphore.release");
var boundedReleaseAt3 = labeller(LOCKS2, "BoundedSemaphore.release");
var AsyncioSemaphore39 = class {
  // CPython 3.9 Lib/asyncio/locks.py Semaphore.__init__: self._loop = events.get_event_loop()
  constructor(rt, id, value) {
    this.rt = rt;
    this.id = id;
    if (value < 0) throw new ValueError("Semaphore initial value must be >= 0");
    this._value = value;
    this.waiters = new PyDeque(rt.machine, `${id}._waiters`);
    this._wakeup_scheduled = false;
    this.loop = (rt.machine.current ? getRunningLoop(rt.machine) : null) ?? rt.mainThreadLoop();
  }
  rt;
  id;
  kind = "asyncio";
  waiters;
  loop;
  // CPython 3.9 Lib/asyncio/locks.py _ContextManagerMixin.__aenter__
  *enter() {
    yield point(aenterAt2(13));
    yield* this.acquire();
  }
  // CPython 3.9 Lib/asyncio/locks.py _ContextManagerMixin.__aexit__
  *exit() {
    yield point(aexitAt2(19));
    yield* this.release();
  }
  // CPython 3.9 Lib/asyncio/locks.py Semaphore._wake_up_next
  *wakeUpNext() {
    yield point(wakeAt2(390));
    while (this.waiters.length) {
      const waiter = this.waiters.popleft();
      yield point(wakeAt2(392));
      const done = waiter.done();
      yield point(wakeAt2(393));
      if (!done) {
        waiter.setResult(null);
        yield point(wakeAt2(394));
        this._wakeup_scheduled = true;
        return;
      }
      yield point(wakeAt2(391));
    }
  }
  // CPython 3.9 Lib/asyncio/locks.py Semaphore.acquire
  *acquire() {
    yield point(acquireAt2(402));
    let registered = false;
    while (this._wakeup_scheduled || this._value <= 0) {
      const fut = this.loop.createFuture(`waiter future of ${this.id}`);
      this.waiters.append(fut);
      yield point(acquireAt2(415));
      if (!registered && !fut.done()) {
        this.rt.machine.emit("waiting", "acquire", this.id);
        registered = true;
      }
      try {
        yield* awaitFuture(fut);
        this._wakeup_scheduled = false;
      } catch (e) {
        if (e instanceof CancelledError) yield* this.wakeUpNext();
        throw e;
      }
      yield point(acquireAt2(413));
    }
    this._value -= 1;
    return true;
  }
  // CPython 3.9 Lib/asyncio/locks.py Semaphore.release
  *release() {
    yield point(releaseAt2(426));
    this._value += 1;
    yield* this.wakeUpNext();
  }
  snapshot() {
    return { value: this._value, waiters: this.waiters.length, inFlight: 0, boundLoop: this.loop.id };
  }
};
var AsyncioBoundedSemaphore39 = class extends AsyncioSemaphore39 {
  boundValue;
  constructor(rt, id, value) {
    super(rt, id, value);
    this.boundValue = value;
  }
  // CPython 3.9 Lib/asyncio/locks.py BoundedSemaphore.release
  *release() {
    yield point(boundedReleaseAt3(451));
    if (this._value >= this.boundValue) {
      const err = new ValueError("BoundedSemaphore released too many times");
      yield point(boundedReleaseAt3(453));
      throw err;
    }
    yield point(boundedReleaseAt3(454));
    yield* super.release();
  }
};
trackFields(AsyncioSemaphore39, ["_value", "_wakeup_scheduled"]);
function createAsyncioSemaphore39(args) {
  return args.bounded ? new AsyncioBoundedSemaphore39(args.rt, args.id, args.value) : new AsyncioSemaphore39(args.rt, args.id, args.value);
}

// src/ports/registry.ts
var implementations = {
  "cpython-3.11": { id: "cpython-3.11", follows: "3.11.7", asyncio: createAsyncioSemaphore311, threading: createThreadingSemaphore311 },
  // threading.Semaphore/Condition are the same algorithm in 3.9 and 3.11: the 3.11 port (and its 3.11 line labels) serves both.
  "cpython-3.9": { id: "cpython-3.9", follows: "3.9.18", asyncio: createAsyncioSemaphore39, threading: createThreadingSemaphore311 }
};
function implementationIds() {
  return [...SIMULATED_IMPLEMENTATIONS];
}
function findImplementation(id) {
  return Object.hasOwn(implementations, id) ? implementations[id] : void 0;
}

// src/runtime/time.ts
var TIME_SLEEP_LABEL = LABELS.sleep;
function* timeSleep(machine, seconds) {
  if (seconds <= 0) {
    yield point(TIME_SLEEP_LABEL);
    return;
  }
  machine.touch("clock", "r");
  yield { t: "block", label: TIME_SLEEP_LABEL, blocker: { kind: "sleep", until: machine.now + seconds } };
}

// src/backends/sim/interpret.ts
function semaphoreId(scenario, name, thread) {
  return (scenario.semaphores[name]?.scope ?? "shared") === "per-thread" ? `${name}@${thread}` : name;
}
function defaultSemaphoreName(scenario) {
  const names = Object.keys(scenario.semaphores);
  if (names.length !== 1) throw new SimulationError("an operation without `sem` needs exactly one declared semaphore");
  return names[0];
}
var ScenarioProgram = class {
  constructor(rt, scenario, impl) {
    this.rt = rt;
    this.scenario = scenario;
    this.impl = impl;
    for (const [name, decl] of Object.entries(scenario.semaphores)) {
      if ((decl.scope ?? "shared") === "shared") this.create(name, name);
    }
    for (const t of scenario.threads) rt.machine.addThread(t.name, (thread) => this.threadBody(t, thread));
  }
  rt;
  scenario;
  impl;
  /** Every semaphore instance, in creation order. */
  semaphores = /* @__PURE__ */ new Map();
  create(name, id) {
    const decl = this.scenario.semaphores[name];
    const make = decl.kind === "asyncio" ? this.impl.asyncio : this.impl.threading;
    this.semaphores.set(id, make({ rt: this.rt, id, value: decl.value, bounded: decl.bounded ?? false }));
  }
  createPerThread(thread) {
    for (const [name, decl] of Object.entries(this.scenario.semaphores)) {
      if (decl.scope === "per-thread") this.create(name, `${name}@${thread}`);
    }
  }
  *threadBody(decl, thread) {
    const machine = this.rt.machine;
    if (!decl.loop) {
      this.createPerThread(decl.name);
      for (const task of decl.tasks) {
        thread.activity = task.name;
        try {
          yield* this.runOps(task, task.ops, "");
        } catch (e) {
          if (!(e instanceof PyException)) throw e;
        }
      }
      return;
    }
    yield* asyncioRun(machine, `loop@${decl.name}`, (loop) => this.main(decl, loop));
  }
  /**
   * `async def main(): await asyncio.gather(*tasks, return_exceptions=True)`, creating per-thread
   * semaphores first. return_exceptions keeps tasks independent: one task's error or cancellation
   * does not cancel its siblings, so every task's own outcome stays observable.
   */
  *main(decl, loop) {
    yield point(`scenario:${decl.name}.main:0`);
    this.createPerThread(decl.name);
    for (const c of this.scenario.cancellations ?? []) {
      if (decl.tasks.some((t) => t.name === c.task)) loop.declareCancellation(c.task);
    }
    const g = gather(
      loop,
      decl.tasks.map((task) => ({ name: task.name, coro: this.runOps(task, task.ops, "") })),
      true
    );
    yield* awaitFuture(g);
  }
  sem(name) {
    const thread = this.rt.machine.running.name;
    const id = semaphoreId(this.scenario, name ?? defaultSemaphoreName(this.scenario), thread);
    const port = this.semaphores.get(id);
    if (!port) throw new SimulationError(`semaphore ${id} does not exist in thread ${thread}`);
    return { id, port };
  }
  *runOps(task, ops, path) {
    for (let i = 0; i < ops.length; i++) {
      yield point(`scenario:${task.name}:${path}${i}`);
      yield* this.runOp(task, ops[i], `${path}${i}`);
    }
  }
  *runOp(task, op, path) {
    const machine = this.rt.machine;
    switch (op.op) {
      case "acquire": {
        const { id, port } = this.sem(op.sem);
        yield* this.observed("acquire", id, port.acquire());
        return;
      }
      case "release": {
        const { id, port } = this.sem(op.sem);
        yield* this.observed("release", id, port.release());
        return;
      }
      case "with":
      case "hold": {
        const { id, port } = this.sem(op.sem);
        yield* this.observed("acquire", id, port.enter());
        try {
          if (op.op === "with") yield* this.runOps(task, op.body, `${path}.body.`);
          else yield* this.sleep(op.seconds);
        } finally {
          yield* this.observed("release", id, port.exit());
        }
        return;
      }
      case "sleep":
        yield* this.sleep(op.seconds);
        return;
      case "cancel": {
        const target = machine.running.runningLoop?.findTask(op.task);
        if (!target) throw new SimulationError(`task ${op.task} is not in this loop`);
        machine.note(`${op.task}.cancel() -> ${target.cancel()}`);
        return;
      }
      case "repeat":
        for (let k = 0; k < op.times; k++) yield* this.runOps(task, op.body, `${path}.iter${k}.`);
        return;
    }
  }
  *sleep(seconds) {
    const machine = this.rt.machine;
    if (machine.running.runningLoop) yield* sleep(machine, seconds);
    else yield* timeSleep(machine, seconds);
  }
  /** Run one semaphore call between its history events: call, then return or exception. */
  *observed(op, sem, call) {
    const machine = this.rt.machine;
    machine.emit(op, op, sem);
    try {
      yield* call;
    } catch (e) {
      if (e instanceof CancelledError) machine.emit("cancelled", op, sem);
      else if (e instanceof PyException) machine.emit("error", op, sem, observedError(e, op));
      throw e;
    }
    machine.emit(op === "acquire" ? "acquired" : "released", op, sem);
  }
};
function observedError(e, op) {
  return { type: e.pyType, message: normaliseMessage(e.message), class: classifyError([e.pyType], e.message, op) };
}

// src/backends/sim/run.ts
var UnknownImplementationError = class extends Error {
  constructor(impl) {
    super(`unknown implementation '${impl}' (known: ${implementationIds().join(", ")})`);
    this.impl = impl;
  }
  impl;
};
function runSim(scenario, options) {
  const implId = scenario.impl ?? DEFAULT_IMPLEMENTATION;
  const impl = findImplementation(implId);
  if (!impl) throw new UnknownImplementationError(implId);
  const rt = new PyRuntime({
    model: options.model ?? "gil",
    maxSteps: options.maxSteps ?? DEFAULT_MAX_STEPS,
    source: options.source,
    recordTrace: options.recordTrace ?? false,
    happensBefore: options.happensBefore ?? false
  });
  const program = new ScenarioProgram(rt, scenario, impl);
  const outcome = rt.machine.run();
  const semaphores = [...program.semaphores].map(([id, port]) => {
    const decl = scenario.semaphores[id.split("@")[0]];
    return { id, kind: decl.kind, initial: decl.value, bounded: decl.bounded ?? false, ...port.snapshot() };
  });
  const m = rt.machine;
  return {
    status: outcome.status,
    history: m.history,
    trace: m.trace,
    semaphores,
    ...outcome.status === "completed" ? {} : { blocked: outcome.blocked },
    endTime: m.now,
    steps: m.steps,
    schedule: m.applied
  };
}

// src/scheduler/prng.ts
var UTF8 = new TextEncoder();
function fnv1a2(s2) {
  let h = 2166136261;
  for (const byte of UTF8.encode(s2)) h = Math.imul(h ^ byte, 16777619) >>> 0;
  return h;
}
var Prng = class {
  a = 0;
  b;
  c = 0;
  d = 1;
  constructor(seed) {
    this.b = fnv1a2(String(seed));
    for (let i = 0; i < 12; i++) this.next();
  }
  /** The next unsigned 32-bit output. */
  next() {
    const t = (this.a + this.b | 0) + this.d | 0;
    this.d = this.d + 1 | 0;
    this.a = this.b ^ this.b >>> 9;
    this.b = this.c + (this.c << 3) | 0;
    this.c = (this.c << 21 | this.c >>> 11) + t | 0;
    return t >>> 0;
  }
  /** A number in [0, 1): next() / 2^32, exact in a double. */
  float() {
    return this.next() / 4294967296;
  }
  /** An index in 0..n-1: floor(float() * n). */
  index(n) {
    return Math.floor(this.float() * n);
  }
};

// src/scheduler/random-source.ts
var RandomSource = class {
  constructor(opts) {
    this.opts = opts;
    this.rng = new Prng(opts.seed);
  }
  opts;
  rng;
  pick(xs) {
    return xs[this.rng.index(xs.length)];
  }
  point(c) {
    if (c.others.length > 0 && this.rng.float() < this.opts.pSwitch) return { kind: "switch", to: this.pick(c.others) };
    if (c.canDelay && this.rng.float() < this.opts.pDelay) return { kind: "delay" };
    return { kind: "continue" };
  }
  slot(c) {
    return this.rng.float() < this.opts.pCancel ? this.pick(c.cancellable) : null;
  }
  wake(c) {
    return this.rng.index(c.options.length);
  }
  tie(c) {
    const order = c.options.map((_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = this.rng.index(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    return order;
  }
  clock(c) {
    return this.rng.index(c.options.length);
  }
};

// src/scheduler/bounded-source.ts
var BoundedSource = class extends RandomSource {
  constructor(b) {
    super({ seed: b.seed, pSwitch: 0, pDelay: 0, pCancel: b.pCancel });
    this.b = b;
    for (let i = 0; i < b.preemptions; i++) this.at.add(1 + this.rng.index(Math.max(1, b.horizon)));
  }
  b;
  at = /* @__PURE__ */ new Set();
  point(c) {
    if (!this.at.has(c.step)) return { kind: "continue" };
    if (c.canDelay && this.rng.float() < this.b.delayShare) return { kind: "delay" };
    if (c.others.length > 0) return { kind: "switch", to: this.pick(c.others) };
    return c.canDelay ? { kind: "delay" } : { kind: "continue" };
  }
};

// src/scheduler/prefix-source.ts
var PrunedRun = class extends Error {
  constructor(log) {
    super("pruned: an equivalent schedule reached this state with no more preemptions");
    this.log = log;
  }
  log;
};
var PrefixSource = class {
  constructor(prefix, budget, seen) {
    this.prefix = prefix;
    this.budget = budget;
    this.seen = seen;
  }
  prefix;
  budget;
  seen;
  log = [];
  spent = 0;
  /** A rolling hash of the choices logged so far: with the log's length, the identity of this node. */
  pathHash = 0;
  /** Preemptions spent so far. */
  get preemptions() {
    return this.spent;
  }
  choose(arity, preempts) {
    if (arity <= 1) return 0;
    const i = this.log.length;
    const chosen = i < this.prefix.length ? Math.min(this.prefix[i], arity - 1) : 0;
    this.log.push({ arity, chosen, preempts });
    this.pathHash = Math.imul(this.pathHash, 31) + chosen + 1 | 0;
    if (preempts && chosen !== 0) this.spent++;
    return chosen;
  }
  point(c) {
    const choices = c.others.length > 0 || c.canDelay;
    if (choices && this.seen !== void 0 && c.stateKey !== void 0) this.prune(c.stateKey());
    if (this.spent >= this.budget) return { kind: "continue" };
    const options = [{ kind: "continue" }, ...c.others.map((to) => ({ kind: "switch", to }))];
    if (c.canDelay) options.push({ kind: "delay" });
    return options[this.choose(options.length, true)];
  }
  /** Abandon the run if another path reached this state spending no more; else remember this path. */
  prune(key2) {
    const before = this.seen.get(key2);
    if (before === void 0 || before.spent > this.spent) {
      this.seen.set(key2, { spent: this.spent, length: this.log.length, hash: this.pathHash });
      return;
    }
    if (before.length === this.log.length && before.hash === this.pathHash) return;
    throw new PrunedRun(this.log);
  }
  slot(c) {
    const i = this.choose(c.cancellable.length + 1, false);
    return i === 0 ? null : c.cancellable[i - 1];
  }
  wake(c) {
    return this.choose(c.options.length, false);
  }
  tie(c) {
    const perms = permutations(c.options.length);
    return perms[this.choose(perms.length, false)];
  }
  clock(c) {
    return this.choose(c.options.length, false);
  }
};
function permutations(n) {
  if (n <= 1) return [[0]];
  if (n > 5) return [[...Array(n).keys()]];
  const out = [];
  const rec = (prefix, rest) => {
    if (rest.length === 0) out.push(prefix);
    for (let i = 0; i < rest.length; i++) rec([...prefix, rest[i]], [...rest.slice(0, i), ...rest.slice(i + 1)]);
  };
  rec([], [...Array(n).keys()]);
  return out;
}

// src/backends/run-request.ts
function buildSource(spec) {
  switch (spec.kind) {
    case "random":
      return new RandomSource(spec);
    case "bounded":
      return new BoundedSource(spec);
    case "prefix":
      return new PrefixSource(spec.prefix, spec.budget);
  }
}

// src/scheduler/source.ts
var defaultSource = {
  point: () => ({ kind: "continue" }),
  slot: () => null,
  wake: () => 0,
  tie: () => null,
  clock: () => 0
};

// ../../tmp/simbench.ts
var s = builtinScenarios().find((x) => x.id === (process.argv[2] ?? "asyncio-shared-3-threads"));
var horizon = Math.max(10, runSim(s, { source: defaultSource }).steps);
function go(n, props) {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const run = runSim(s, { source: buildSource(sourceFor(1, i, horizon, false)) });
    if (props) analyseRun(s, run, builtinProperties);
  }
  return n / ((performance.now() - t0) / 1e3);
}
go(500, true);
for (let k = 0; k < 3; k++) console.log("raw", go(5e3, false).toFixed(0), "props", go(5e3, true).toFixed(0));
