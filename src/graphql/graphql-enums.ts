import { registerEnumType } from 'type-graphql';
import { Channel, Gender, LifecycleStage, RfmSegment } from '../common/enums';
import { enumOf, type NameOf } from '../common/enum-of';

registerEnumType(Gender, {
  name: 'Gender',
  description: 'Gender as the customer declared it.',
  valuesConfig: {
    FEMALE: { description: 'Female.' },
    MALE: { description: 'Male.' },
    OTHER: { description: 'Another gender.' },
    UNKNOWN: { description: 'Declared as not known or not told.' },
  },
});
registerEnumType(LifecycleStage, {
  name: 'LifecycleStage',
  description:
    'The commercial life of a contact, as the integrator sets it: LEAD → PROSPECT → QUALIFIED → CUSTOMER, or CHURNED.',
  valuesConfig: {
    LEAD: { description: 'A contact who showed interest; every new customer starts here.' },
    PROSPECT: { description: 'A lead being worked towards a sale.' },
    QUALIFIED: { description: 'A prospect judged ready to buy.' },
    CUSTOMER: { description: 'Has bought.' },
    CHURNED: { description: 'A former customer who stopped buying.' },
  },
});
registerEnumType(Channel, {
  name: 'Channel',
  description: 'Where an order was placed or an event happened.',
  valuesConfig: {
    EMAIL: { description: 'Email.' },
    SMS: { description: 'Text message.' },
    PUSH: { description: 'Mobile push notification.' },
    WEB: { description: 'Website.' },
    APP: { description: 'Mobile application.' },
    STORE: { description: 'Physical store.' },
    PHONE: { description: 'Telephone.' },
    SOCIAL: { description: 'Social network.' },
    EVENT: { description: 'Trade show, webinar or other event.' },
    OTHER: {
      description: 'Anything else; the default when an order or event is recorded without a channel.',
    },
  },
});
registerEnumType(RfmSegment, {
  name: 'RfmSegment',
  description:
    'RFM segment, from the recency score R and the frequency score F (each 1..5, 5 best) of the latest metrics refresh.',
  valuesConfig: {
    CHAMPIONS: { description: 'R 5 and F 4–5: bought recently and often.' },
    LOYAL: { description: 'R 3–4 and F 4–5: buy often.' },
    POTENTIAL_LOYALIST: { description: 'R 4–5 and F 2–3: recent, with a few orders.' },
    NEW_CUSTOMERS: { description: 'R 5 and F 1: first order recently.' },
    PROMISING: { description: 'R 4 and F 1: fairly recent single buyers.' },
    NEED_ATTENTION: { description: 'R 3 and F 3: average recency and frequency.' },
    ABOUT_TO_SLEEP: { description: 'R 3 and F 1–2: fading, few orders.' },
    AT_RISK: { description: 'R 1–2 and F 3–4: bought often, not for a long time.' },
    CANNOT_LOSE: { description: 'R 1–2 and F 5: the most frequent buyers, not for a long time.' },
    HIBERNATING: { description: 'R 2 and F 1–2, or R 1 and F 2: long gone, few orders.' },
    LOST: { description: 'R 1 and F 1: one order, long ago.' },
  },
});

export const SortDirection = enumOf('ASC', 'DESC');
export type SortDirection = NameOf<typeof SortDirection>;
registerEnumType(SortDirection, {
  name: 'SortDirection',
  description: 'Sort direction.',
  valuesConfig: {
    ASC: { description: 'Ascending: smallest, earliest or A first.' },
    DESC: { description: 'Descending: largest, latest or Z first.' },
  },
});

export { Channel, Gender, LifecycleStage, RfmSegment };
