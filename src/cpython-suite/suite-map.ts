/**
 * CPython's own Semaphore tests, and where each stands in semverify: a scenario in
 * scenarios/cpython-tests/ that checks the same behaviour, or the reason there is none yet.
 *
 * Tests come from Lib/test/test_asyncio/test_locks.py (SemaphoreTests) and Lib/test/lock_tests.py
 * (BaseSemaphoreTests, SemaphoreTests, BoundedSemaphoreTests, run by test_threading.py). Each is
 * taken from the newest installed suite that has it (src/cpython-suite/run_cpython_tests.py).
 */

export type SuiteName = 'asyncio' | 'threading';

/**
 * Where a test stops at an assertion on the semaphore's private state (`sem._value`) before it
 * asserts anything a user can observe: there its verdict says nothing about behaviour, and the
 * comparison sets the cell apart instead of counting it (docs/cpython-tests.md). Declared, and
 * checked: the test must fail there with exactly `detail`, or the cell is compared as any other.
 */
export interface InternalAssertion {
  /** Versions where it stops there, as an `expect.versions` range ("<=3.9"). */
  readonly versions: string;
  /** The runner's `detail` of that failure, exactly ("AssertionError: 0 != 2"). */
  readonly detail: string;
  readonly why: string;
}

export type SuiteEntry =
  /** Checked: `scenario` is the file in scenarios/cpython-tests/. */
  | { readonly suite: SuiteName; readonly test: string; readonly scenario: string; readonly note?: string; readonly internal?: InternalAssertion }
  /** No scenario: the test checks API surface, no interleaving (`why` says what). */
  | { readonly suite: SuiteName; readonly test: string; readonly pending: 'api'; readonly why: string };

export const SCENARIO_DIR = 'scenarios/cpython-tests';

const DEFAULT_VALUE_NOTE = "the two threads start together: the test's order (main acquires first) is one of the schedules explored";
const BUNCH_NOTE = "the Bunch starts after main's acquire: semaphore `go`, which main releases and each worker passes on, is that order";
const PHASES_NOTE = `${BUNCH_NOTE}; wait_count(n) is semaphore \`done\`, released after each acquire and acquired n times by main`;

const both = (test: string, rest: Omit<SuiteEntry, 'suite' | 'test'>): SuiteEntry[] =>
  ['Semaphore', 'BoundedSemaphore'].map((k) => ({ suite: 'threading', test: `${k}.${test}`, ...rest }) as SuiteEntry);

/** The Semaphore and BoundedSemaphore runs of a lock_tests test, each with its scenario file. */
const scenarios = (test: string, note?: string): SuiteEntry[] =>
  (['Semaphore', 'BoundedSemaphore'] as const).map((k) => ({
    suite: 'threading',
    test: `${k}.${test}`,
    scenario: `threading-${k === 'BoundedSemaphore' ? 'bounded-' : ''}${test}.json`,
    ...(note !== undefined && { note }),
  }));

export const SUITE: readonly SuiteEntry[] = [
  { suite: 'asyncio', test: 'test_acquire_cancel', scenario: 'test_acquire_cancel.json' },
  { suite: 'asyncio', test: 'test_acquire_cancel_before_awoken', scenario: 'test_acquire_cancel_before_awoken.json' },
  { suite: 'asyncio', test: 'test_acquire_hang', scenario: 'test_acquire_hang.json' },
  { suite: 'asyncio', test: 'test_acquire_no_hang', scenario: 'test_acquire_no_hang.json', note: 'its gather of c1 and c2 is two awaits' },
  { suite: 'asyncio', test: 'test_acquire_fifo_order', scenario: 'test_acquire_fifo_order.json' },
  { suite: 'asyncio', test: 'test_acquire_fifo_order_2', scenario: 'test_acquire_fifo_order_2.json' },
  { suite: 'asyncio', test: 'test_acquire_fifo_order_3', scenario: 'test_acquire_fifo_order_3.json' },
  { suite: 'asyncio', test: 'test_release_not_acquired', scenario: 'test_release_not_acquired.json' },
  { suite: 'asyncio', test: 'test_release_no_waiters', scenario: 'test_release_no_waiters.json' },
  {
    suite: 'asyncio',
    test: 'test_acquire',
    scenario: 'test_acquire.json',
    note: 'the tasks main creates mid-test are spawns; the counts it asserts after each sleep(0) are what conformance checks (it lets c4 overtake c3, which fifo does not)',
    internal: {
      versions: '<=3.9',
      detail: 'AssertionError: 0 != 2',
      why: '`sem._value` right after two releases: 3.10+ take the permits off `_value` for the woken waiters, older versions later; the test stops there, before any assertion on behaviour',
    },
  },
  {
    suite: 'asyncio',
    test: 'test_acquire_fifo_order_4',
    scenario: 'test_acquire_fifo_order_4.json',
    note: 'c4 is a spawn in c1 and the appended results are records; GH-111694 (3.10-3.12) is wakeup-latency',
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
  ...scenarios('test_acquire_contended', PHASES_NOTE),
  ...scenarios('test_multirelease', PHASES_NOTE),
  ...scenarios('test_try_acquire'),
  ...scenarios('test_try_acquire_contended', BUNCH_NOTE),
  ...scenarios(
    'test_acquire_timeout',
    'its first assertion, that acquire(False, timeout=1.0) is a ValueError, is argument checking: a scenario with both is refused',
  ),
  ...scenarios(
    'test_with',
    'the exception raised in the inner `with` is the ValueError of a BoundedSemaphore(0) released, not a TypeError: any exception unwinds both alike',
  ),
  ...both('test_constructor', { pending: 'api', why: 'ValueError for a negative value' }),
  ...both('test_repr', { pending: 'api', why: 'repr()' }),
  ...both('test_acquire_destroy', { pending: 'api', why: 'acquire then `del`' }),
];

export function hasScenario(e: SuiteEntry): e is Extract<SuiteEntry, { scenario: string }> {
  return 'scenario' in e;
}
