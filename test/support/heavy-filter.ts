/**
 * Forty behaviour criteria over different windows: tens of milliseconds of work on either store,
 * far past a 1 ms statement limit. Tests of the limit use it to provoke QUERY_TIMEOUT.
 */
export const HEAVY_FILTER = {
  or: Array.from({ length: 40 }, (_, i) =>
    i % 2 === 0
      ? {
          behaviour: {
            purchase: {
              within: { lastDays: 30 + i * 17 },
              count: { gte: 1 + (i % 4) },
              totalAmount: { gte: i * 5 },
            },
          },
        }
      : {
          behaviour: {
            event: {
              channel: ['EMAIL', 'WEB'],
              within: { lastDays: 10 + i * 11 },
              count: { gte: 2 + (i % 5) },
            },
          },
        },
  ),
};
