/**
 * Words of the commands semverify prints for users to run (a replay with its `--program` or
 * `--pythonpath`): written so that a POSIX shell reads each back as itself.
 */

/** `s` as one shell word: as it is when it needs no quoting, else single-quoted. */
export function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
