/** Domain enumerations, stored as their upper-case names. */

export enum Gender {
  FEMALE = 'FEMALE',
  MALE = 'MALE',
  OTHER = 'OTHER',
  UNKNOWN = 'UNKNOWN',
}

/** The commercial life of a contact: lead → prospect → qualified → customer (→ churned). */
export enum LifecycleStage {
  LEAD = 'LEAD',
  PROSPECT = 'PROSPECT',
  QUALIFIED = 'QUALIFIED',
  CUSTOMER = 'CUSTOMER',
  CHURNED = 'CHURNED',
}

export enum Channel {
  EMAIL = 'EMAIL',
  SMS = 'SMS',
  PUSH = 'PUSH',
  WEB = 'WEB',
  APP = 'APP',
  STORE = 'STORE',
  PHONE = 'PHONE',
  SOCIAL = 'SOCIAL',
  EVENT = 'EVENT',
  OTHER = 'OTHER',
}

export enum RfmSegment {
  CHAMPIONS = 'CHAMPIONS',
  LOYAL = 'LOYAL',
  POTENTIAL_LOYALIST = 'POTENTIAL_LOYALIST',
  NEW_CUSTOMERS = 'NEW_CUSTOMERS',
  PROMISING = 'PROMISING',
  NEED_ATTENTION = 'NEED_ATTENTION',
  ABOUT_TO_SLEEP = 'ABOUT_TO_SLEEP',
  AT_RISK = 'AT_RISK',
  CANNOT_LOSE = 'CANNOT_LOSE',
  HIBERNATING = 'HIBERNATING',
  LOST = 'LOST',
}

/** The only outbound event: we contacted the customer (contact pressure). */
export const MESSAGE_SENT = 'message_sent';
