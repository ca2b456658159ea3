import {
  criterionAt,
  fromFilter,
  isIncomplete,
  newCriterion,
  newGroup,
  toFilter,
  type BuilderState,
} from '../src/studio/filter-model';

/**
 * The builder's model of a filter (src/studio/filter-model.ts): what it sends
 * to the API, where each criterion sits in it (to show the API's errors at the
 * criterion), and saved filters read back into groups.
 */

function crossedState(): BuilderState {
  const country = { ...newCriterion('identity.country'), op: 'eq', value: 'FR' };
  const job = { ...newCriterion('identity.jobFunction'), op: 'eq', value: 'purchasing' };
  const company = { ...newCriterion('identity.companyName'), op: 'present' };
  const opened = { ...newCriterion('behaviour.event'), name: 'message_opened', list: ['EMAIL'], days: '30' };
  const bought = { ...newCriterion('behaviour.purchase'), days: '365', totalOp: 'gt', total: '500' };
  const sent = { ...newCriterion('behaviour.event'), name: 'message_sent', days: '7', value: '3' };
  return {
    join: 'and',
    groups: [newGroup([country, job, company, opened, bought]), { ...newGroup([sent]), negated: true }],
  };
}

test('groups become and/or nodes, a negated group a not, and each criterion its own node', () => {
  const { filter } = toFilter(crossedState());
  expect(filter).toEqual({
    and: [
      {
        and: [
          { identity: { country: { eq: 'FR' } } },
          { identity: { jobFunction: { eq: 'purchasing' } } },
          { identity: { companyName: { isNull: false } } },
          // "at least once" is the API's default: left out.
          { behaviour: { event: { name: 'message_opened', channel: ['EMAIL'], within: { lastDays: 30 } } } },
          {
            behaviour: {
              purchase: { within: { lastDays: 365 }, count: { gte: 1 }, totalAmount: { gt: 500 } },
            },
          },
        ],
      },
      { not: { behaviour: { event: { name: 'message_sent', within: { lastDays: 7 }, count: { gte: 3 } } } } },
    ],
  });
});

test('an input path from the API points at the criterion it is in, whatever the argument is called', () => {
  const state = crossedState();
  const { paths } = toFilter(state);
  const [first, second] = state.groups;
  expect(criterionAt(paths, 'filter.and.0.and.4.behaviour.purchase.within.lastDays')).toBe(
    first.criteria[4].id,
  );
  expect(criterionAt(paths, 'filter.and.1.not.behaviour.event.count')).toBe(second.criteria[0].id);
  expect(criterionAt(paths, 'input.filter.and.0.and.0.identity.country')).toBe(first.criteria[0].id);
  expect(criterionAt(paths, 'filter.and.0.and.10')).toBeUndefined();
  expect(criterionAt(paths, 'input.name')).toBeUndefined();
  // A single criterion is the filter itself.
  const alone = { ...newCriterion('value.orderCount'), op: 'gte', value: '2' };
  const single = toFilter({ join: 'and', groups: [newGroup([alone])] });
  expect(single.filter).toEqual({ value: { orderCount: { gte: 2 } } });
  expect(criterionAt(single.paths, 'filter.value.orderCount')).toBe(alone.id);
});

test('what the builder writes reads back into the same groups, and a saved filter of another shape is refused', () => {
  const { filter } = toFilter(crossedState());
  const read = fromFilter(filter);
  expect(read).not.toBeNull();
  expect(toFilter(read!).filter).toEqual(filter);

  // A market-map cell: two criteria in one node, and a missing cell under not.
  const cell = fromFilter({ identity: { country: { eq: 'FR' } }, value: { rfmSegment: ['LOYAL'] } })!;
  expect(cell.groups.map((group) => group.criteria.map((criterion) => criterion.field))).toEqual([
    ['identity.country', 'value.rfmSegment'],
  ]);
  expect(fromFilter({ not: { identity: { country: { in: ['FR', 'BE'] } } } })!.groups[0].negated).toBe(true);
  expect(fromFilter({})!.groups[0].criteria).toEqual([]);
  // A purchase with a total and no count reads back with no count, and is written back the same.
  const total = { behaviour: { purchase: { within: { lastDays: 365 }, totalAmount: { gt: 500 } } } };
  expect(toFilter(fromFilter(total)!).filter).toEqual(total);
  // Shapes the builder has no control for.
  expect(fromFilter({ identity: { attributes: [{ key: 'plan', string: { eq: 'pro' } }] } })).toBeNull();
  expect(
    fromFilter({ behaviour: { event: { name: 'x', within: { fromDaysAgo: 9, toDaysAgo: 2 } } } }),
  ).toBeNull();
  expect(fromFilter({ and: [{ or: [{ and: [{ inSegment: '1' }, { persona: '2' }] }] }] })).toBeNull();
});

test('a criterion still without its value is left out, and so is a group it leaves empty', () => {
  const blankCountry = newCriterion('identity.country');
  const noInterests = { ...newCriterion('identity.interests'), value: ' , ' };
  const country = { ...newCriterion('identity.country'), op: 'eq', value: 'FR' };
  const halfRange = { ...newCriterion('value.lifetimeRevenue'), op: 'between', value: '10', value2: '' };
  const state: BuilderState = {
    join: 'or',
    groups: [newGroup([blankCountry, country, halfRange]), newGroup([noInterests])],
  };
  const { filter, paths } = toFilter(state);
  expect(filter).toEqual({ identity: { country: { eq: 'FR' } } });
  expect([...paths.keys()]).toEqual([country.id]);
  expect(isIncomplete(blankCountry)).toBe(true);
  expect(isIncomplete({ ...blankCountry, op: 'missing' })).toBe(false);
  expect(isIncomplete(newCriterion('behaviour.event'))).toBe(false);
  expect(toFilter({ join: 'and', groups: [newGroup([blankCountry])] }).filter).toEqual({});
});
