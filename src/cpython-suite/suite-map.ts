/**
 * CPython's own Semaphore tests, and where each stands in semverify: a scenario in
 * scenarios/cpython-tests/ that checks the same behaviour, or the reason there is none yet.
 *
 * Tests come from Lib/test/test_asyncio/test_locks.py (SemaphoreTests) and Lib/test/lock_tests.py
 * (BaseSemaphoreTests, SemaphoreTests, BoundedSemaphoreTests, run by test_threading.py). Each is
 * taken from the newest installed suite that has it (src/cpython-suite/run_cpython_tests.py).
 */

export type SuiteName = 'asyncio' | 'threading';

export type SuiteEntry =
  /** Checked: `scenario` is the file in scenarios/cpython-tests/. */
  | { readonly suite: SuiteName; readonly test: string; readonly scenario: string; readonly note?: string }
  /** Not (yet) a scenario: what it needs. `pending` awaits the scenario language issue; `api` tests no interleaving. */
  | { readonly suite: SuiteName; readonly test: string; readonly pending: 'language' | 'api'; readonly why: string };

export const SCENARIO_DIR = 'scenarios/cpython-tests';

const DEFAULT_VALUE_NOTE = "the two threads start together: the test's order (main acquires first) is one of the schedules explored";

const both = (test: string, rest: Omit<SuiteEntry, 'suite' | 'test'>): SuiteEntry[] =>
  ['Semaphore', 'BoundedSemaphore'].map((k) => ({ suite: 'threading', test: `${k}.${test}`, ...rest }) as SuiteEntry);

export const SUITE: readonly SuiteEntry[] = [
  { suite: 'asyncio', test: 'test_acquire_cancel', scenario: 'test_acquire_cancel.json' },
  { suite: 'asyncio', test: 'test_acquire_cancel_before_awoken', scenario: 'test_acquire_cancel_before_awoken.json' },
  { suite: 'asyncio', test: 'test_acquire_hang', scenario: 'test_acquire_hang.json' },
  {
    suite: 'asyncio',
    test: 'test_acquire_no_hang',
    scenario: 'test_acquire_no_hang.json',
    note: "main's 1 s sleep stands for the test's gather (c1 and c2 take no virtual time)",
  },
  { suite: 'asyncio', test: 'test_acquire_fifo_order', scenario: 'test_acquire_fifo_order.json' },
  { suite: 'asyncio', test: 'test_acquire_fifo_order_2', scenario: 'test_acquire_fifo_order_2.json' },
  { suite: 'asyncio', test: 'test_acquire_fifo_order_3', scenario: 'test_acquire_fifo_order_3.json' },
  { suite: 'asyncio', test: 'test_release_not_acquired', scenario: 'test_release_not_acquired.json' },
  { suite: 'asyncio', test: 'test_release_no_waiters', scenario: 'test_release_no_waiters.json' },
  {
    suite: 'asyncio',
    test: 'test_acquire',
    pending: 'language',
    why: 'creates task c4 in the middle of the test (spawn); it also asserts `_value` after release(), which only 3.10+ decrements there',
  },
  {
    suite: 'asyncio',
    test: 'test_acquire_fifo_order_4',
    pending: 'language',
    why: 'c1 creates task c4 mid-step (spawn) and the test asserts the order of appended results (record); GH-111694 is wake-up latency, for the liveness property',
  },
  { suite: 'asyncio', test: 'test_initial_value_zero', pending: 'api', why: 'locked() of a fresh Semaphore(0)' },
  { suite: 'asyncio', test: 'test_repr', pending: 'api', why: 'repr()' },
  { suite: 'asyncio', test: 'test_semaphore', pending: 'api', why: 'that `await sem` is a TypeError' },
  { suite: 'asyncio', test: 'test_semaphore_value', pending: 'api', why: 'that Semaphore(-1) is a ValueError (scenario files reject negative values)' },
  { suite: 'asyncio', test: 'test_ctor_loop', pending: 'api', why: 'the loop= argument, removed in 3.10' },
  {
    suite: 'asyncio',
    test: 'test_ctor_noloop',
    pending: 'api',
    why: 'where the loop binds at construction (3.9 and older); the scenarios check binding through behaviour instead',
  },
  { suite: 'asyncio', test: 'test_context_manager', pending: 'api', why: '`with (yield from sem)`, removed in 3.9' },
  { suite: 'asyncio', test: 'test_context_manager_no_yield', pending: 'api', why: '`with sem` without await, removed in 3.9' },
  { suite: 'threading', test: 'Semaphore.test_acquire', scenario: 'threading-test_acquire.json' },
  { suite: 'threading', test: 'BoundedSemaphore.test_acquire', scenario: 'threading-bounded-test_acquire.json' },
  { suite: 'threading', test: 'Semaphore.test_default_value', scenario: 'threading-test_default_value.json', note: DEFAULT_VALUE_NOTE },
  { suite: 'threading', test: 'BoundedSemaphore.test_default_value', scenario: 'threading-bounded-test_default_value.json', note: DEFAULT_VALUE_NOTE },
  { suite: 'threading', test: 'Semaphore.test_release_unacquired', scenario: 'threading-test_release_unacquired.json' },
  { suite: 'threading', test: 'BoundedSemaphore.test_release_unacquired', scenario: 'threading-bounded-test_release_unacquired.json' },
  ...both('test_acquire_contended', {
    pending: 'language',
    why: 'asserts that acquire(False) fails while the semaphore is locked (blocking: false) and waits on result counts between phases',
  }),
  ...both('test_multirelease', { pending: 'language', why: 'release(n) (3.9+)' }),
  ...both('test_try_acquire', { pending: 'language', why: 'acquire(False) (blocking: false)' }),
  ...both('test_try_acquire_contended', { pending: 'language', why: 'acquire(False) from 5 threads (blocking: false)' }),
  ...both('test_acquire_timeout', { pending: 'language', why: 'acquire(timeout=...)' }),
  ...both('test_with', { pending: 'language', why: 'acquire(False) inside `with sem` (blocking: false)' }),
  ...both('test_constructor', { pending: 'api', why: 'ValueError for a negative value' }),
  ...both('test_repr', { pending: 'api', why: 'repr()' }),
  ...both('test_acquire_destroy', { pending: 'api', why: 'acquire then `del`' }),
];

export function hasScenario(e: SuiteEntry): e is Extract<SuiteEntry, { scenario: string }> {
  return 'scenario' in e;
}
