/**
 * The project a command runs in: its config file (src/project/config.ts) and what follows from
 * it for the CLI: defaults under the flags, properties beside the built-ins, the root of `.semverify/`.
 */
import type { Command } from 'commander';
import { loadConfig, propertiesOf, type ConfigDefaults, type LoadedConfig } from '../project/config.ts';
import type { CheckContext } from './check-command.ts';
import type { RawFlags } from './flags.ts';

export interface CliProject {
  readonly config: LoadedConfig;
  readonly context: CheckContext;
}

export async function projectOf(cmd: Command, env: Readonly<Record<string, string | undefined>>): Promise<CliProject> {
  const raw = cmd.optsWithGlobals<RawFlags>();
  // Implementations are registered even for `list`: a config scenario naming one validates only then.
  const config = await loadConfig({ ...(raw.config !== undefined && { file: raw.config }) });
  // With no config, the built-ins are the default of every command: leave `properties` unset.
  const context: CheckContext = {
    root: config.root,
    // SEMVERIFY_SAVE=0 is --no-save for a whole environment (the project's own test suite sets it).
    save: config.defaults.save !== false && env.SEMVERIFY_SAVE !== '0',
    ...(config.properties.length > 0 && { properties: propertiesOf(config) }),
  };
  return { config, context };
}

/** The flags as typed, over the config's defaults: a flag given on the command line wins, a default only fills what was not. */
export function withConfigDefaults(cmd: Command, config: LoadedConfig): RawFlags {
  const given = cmd.optsWithGlobals<RawFlags>() as Record<string, unknown>;
  const typed: Record<string, unknown> = {};
  // Commander fills negatable switches (--no-confirm, --no-save) with `true` by default: that is not the user's word.
  for (const [k, v] of Object.entries(given)) if (sourceOf(cmd, k) !== 'default') typed[k] = v;
  return { ...defaultsAsFlags(config.defaults), ...typed } as RawFlags;
}

function sourceOf(cmd: Command, key: string): string | undefined {
  for (let c: Command | null = cmd; c !== null; c = c.parent) {
    const src = c.getOptionValueSource(key);
    if (src !== undefined) return src;
  }
  return undefined;
}

/** Config defaults in the flags' own form, so one parser (flags.ts) checks both. */
export function defaultsAsFlags(d: ConfigDefaults): RawFlags {
  const text = (v: number | string | undefined) => (v === undefined ? undefined : String(v));
  const entries: [keyof RawFlags, unknown][] = [
    ['backend', d.backend],
    ['model', d.model],
    ['seed', text(d.seed)],
    ['runs', text(d.runs)],
    ['search', d.search],
    ['bound', text(d.bound)],
    ['python', d.python],
    ['maxSteps', text(d.maxSteps)],
    ['timeLimit', text(d.timeLimit)],
    ['confirm', d.confirm],
  ];
  return Object.fromEntries(entries.filter(([, v]) => v !== undefined)) as RawFlags;
}
