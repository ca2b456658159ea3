import { enumOf, type NameOf } from './enum-of';

/** Domain enumerations, stored as their upper-case names. */

export const Gender = enumOf('FEMALE', 'MALE', 'OTHER', 'UNKNOWN');
export type Gender = NameOf<typeof Gender>;

/** The commercial life of a contact: lead → prospect → qualified → customer (→ churned). */
export const LifecycleStage = enumOf('LEAD', 'PROSPECT', 'QUALIFIED', 'CUSTOMER', 'CHURNED');
export type LifecycleStage = NameOf<typeof LifecycleStage>;

export const Channel = enumOf(
  'EMAIL',
  'SMS',
  'PUSH',
  'WEB',
  'APP',
  'STORE',
  'PHONE',
  'SOCIAL',
  'EVENT',
  'OTHER',
);
export type Channel = NameOf<typeof Channel>;

export const RfmSegment = enumOf(
  'CHAMPIONS',
  'LOYAL',
  'POTENTIAL_LOYALIST',
  'NEW_CUSTOMERS',
  'PROMISING',
  'NEED_ATTENTION',
  'ABOUT_TO_SLEEP',
  'AT_RISK',
  'CANNOT_LOSE',
  'HIBERNATING',
  'LOST',
);
export type RfmSegment = NameOf<typeof RfmSegment>;

/** The only outbound event: we contacted the customer (contact pressure). */
export const MESSAGE_SENT = 'message_sent';
