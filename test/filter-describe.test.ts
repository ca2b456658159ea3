import { describeFilter } from '../src/filter/describe';
import { Channel, LifecycleStage } from '../src/common/enums';

const names = { segmentName: (id: string) => ({ '7': 'Churn risk' })[id] };

test('the definition reads like the marketer would say it', () => {
  expect(
    describeFilter(
      {
        identity: { country: { in: ['FR', 'BE'] } },
        behaviour: { purchase: { count: { gte: 3 }, within: { lastDays: 90 } } },
        not: { inSegment: '7' },
      },
      names,
    ),
  ).toBe(
    'NOT in segment "Churn risk" AND country in (FR, BE) AND purchased at least 3 times in the last 90 days',
  );
});

test('composed filters keep their grouping', () => {
  expect(
    describeFilter(
      {
        or: [
          { identity: { lifecycleStage: [LifecycleStage.LEAD], emailOptIn: true } },
          {
            behaviour: {
              event: {
                name: 'message_opened',
                channel: [Channel.EMAIL],
                within: { fromDaysAgo: 30, toDaysAgo: 7 },
              },
            },
          },
        ],
      },
      names,
    ),
  ).toBe(
    '((lifecycle stage in (LEAD) AND opted in to email) OR did "message_opened" on (EMAIL) at least once between 30 and 7 days ago)',
  );
  expect(describeFilter({}, names)).toBe('everyone');
  expect(describeFilter({ behaviour: { purchase: { count: { eq: 0 } } } }, names)).toBe('never purchased');
  expect(
    describeFilter(
      { behaviour: { event: { name: 'message_sent', count: { eq: 0 }, within: { lastDays: 7 } } } },
      names,
    ),
  ).toBe('never did "message_sent" in the last 7 days');
});

test('a preferred-channel criterion reads as a list, like the RFM segment', () => {
  expect(
    describeFilter(
      { value: { preferredChannel: [Channel.EMAIL, Channel.SMS] }, not: { value: { rfmSegment: ['LOST'] } } },
      names,
    ),
  ).toBe('NOT RFM segment in (LOST) AND preferred channel in (EMAIL, SMS)');
});
