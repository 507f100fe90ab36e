/**
 * The contract both backends speak: contract.json (what the harness reads) is generated from
 * src/contract/ and must be fresh; the error rules classify the messages both interpreters
 * produce the same way.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONTRACT_JSON_PATH, contractText } from '../src/contract/contract-json.ts';
import { classifyError, normaliseMessage } from '../src/contract/error-rules.ts';

describe('contract.json', () => {
  it('is fresh: regenerate it with `npm run contract` after changing src/contract/', () => {
    expect(readFileSync(CONTRACT_JSON_PATH, 'utf8')).toBe(contractText());
  });
});

describe('classifyError and normaliseMessage', () => {
  it('classify the loop-affinity and bounded errors of every version, by operation', () => {
    expect(classifyError(['RuntimeError'], '<asyncio.locks.Semaphore object at 0x7f3 [locked]> is bound to a different event loop', 'acquire')).toBe(
      'wrong-loop',
    );
    const attached = 'Task <Task pending name=T1-use coro=<main() running at /x/y.py:12>> got Future <Future pending> attached to a different loop';
    expect(classifyError(['RuntimeError'], attached, 'acquire')).toBe('wrong-loop');
    expect(classifyError(['RuntimeError'], attached, 'release')).toBe('future-other-loop');
    expect(classifyError(['ValueError'], 'BoundedSemaphore released too many times', 'release')).toBe('released-too-many');
    expect(classifyError(['ValueError', 'Exception'], 'Semaphore released too many times', 'release')).toBe('released-too-many');
    expect(classifyError(['InvalidStateError'], 'invalid state', 'release')).toBe('other');
    expect(classifyError(['TypeError'], 'is bound to a different event loop', 'acquire')).toBe('other');
  });

  it('make messages comparable across runs: addresses, running-at and source positions go', () => {
    expect(normaliseMessage('Task <Task pending coro=<main() running at /a/b.py:12>> got Future <Future at 0xdeadBEEF>')).toBe(
      'Task <Task pending coro=<main()>> got Future <Future at 0x?>',
    );
    expect(normaliseMessage('raised at /lib/locks.py:373 here')).toBe('raised here');
  });
});
