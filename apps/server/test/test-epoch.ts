/** The instant every test starts at: the test clock's default, and the clock the seeded template was seeded with. */
export const TEST_EPOCH = '2026-11-20T02:00:00Z';
