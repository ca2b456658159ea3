import { Channel, Gender, LifecycleStage, RfmSegment } from '../common/enums';
import { enumOf, type NameOf } from '../common/enum-of';
import { registerDescribedEnum } from './described-enum';

registerDescribedEnum(Gender, {
  name: 'Gender',
  description: 'Gender as the customer declared it.',
  values: {
    FEMALE: 'Female.',
    MALE: 'Male.',
    OTHER: 'Another gender.',
    UNKNOWN: 'Declared as not known or not told.',
  },
});
registerDescribedEnum(LifecycleStage, {
  name: 'LifecycleStage',
  description:
    'The commercial life of a contact, as the integrator sets it: LEAD → PROSPECT → QUALIFIED → CUSTOMER, or CHURNED.',
  values: {
    LEAD: 'A contact who showed interest; every new customer starts here.',
    PROSPECT: 'A lead being worked towards a sale.',
    QUALIFIED: 'A prospect judged ready to buy.',
    CUSTOMER: 'Has bought.',
    CHURNED: 'A former customer who stopped buying.',
  },
});
registerDescribedEnum(Channel, {
  name: 'Channel',
  description: 'Where an order was placed or an event happened.',
  values: {
    EMAIL: 'Email.',
    SMS: 'Text message.',
    PUSH: 'Mobile push notification.',
    WEB: 'Website.',
    APP: 'Mobile application.',
    STORE: 'Physical store.',
    PHONE: 'Telephone.',
    SOCIAL: 'Social network.',
    EVENT: 'Trade show, webinar or other event.',
    OTHER: 'Anything else; the default when an order or event is recorded without a channel.',
  },
});
registerDescribedEnum(RfmSegment, {
  name: 'RfmSegment',
  description:
    'RFM segment, from the recency score R and the frequency score F (each 1..5, 5 best) of the latest metrics refresh.',
  values: {
    CHAMPIONS: 'R 5 and F 4–5: bought recently and often.',
    LOYAL: 'R 3–4 and F 4–5: buy often.',
    POTENTIAL_LOYALIST: 'R 4–5 and F 2–3: recent, with a few orders.',
    NEW_CUSTOMERS: 'R 5 and F 1: first order recently.',
    PROMISING: 'R 4 and F 1: fairly recent single buyers.',
    NEED_ATTENTION: 'R 3 and F 3: average recency and frequency.',
    ABOUT_TO_SLEEP: 'R 3 and F 1–2: fading, few orders.',
    AT_RISK: 'R 1–2 and F 3–4: bought often, not for a long time.',
    CANNOT_LOSE: 'R 1–2 and F 5: the most frequent buyers, not for a long time.',
    HIBERNATING: 'R 2 and F 1–2, or R 1 and F 2: long gone, few orders.',
    LOST: 'R 1 and F 1: one order, long ago.',
  },
});

export const SortDirection = enumOf('ASC', 'DESC');
export type SortDirection = NameOf<typeof SortDirection>;
registerDescribedEnum(SortDirection, {
  name: 'SortDirection',
  description: 'Sort direction.',
  values: {
    ASC: 'Ascending: smallest, earliest or A first.',
    DESC: 'Descending: largest, latest or Z first.',
  },
});

export { Channel, Gender, LifecycleStage, RfmSegment };
