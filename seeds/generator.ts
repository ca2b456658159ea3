import { Channel, Gender, LifecycleStage, MESSAGE_SENT } from '../src/common/enums';
import type { CustomerItem } from '../src/ingest/customer-ingest';
import { Random } from './random';

/**
 * A believable synthetic customer base: B2C and B2B customers across Europe
 * (and a few elsewhere), with identity, consent, interests and integrator
 * attributes, heavy-tailed seasonal purchase histories and interactions on
 * every channel. Deterministic for (seed, until): customer i is always the same.
 */
export interface GeneratedCustomer {
  customer: CustomerItem & { externalId: string };
  orders: Array<Record<string, unknown>>;
  events: Array<Record<string, unknown>>;
}

const DAY = 86_400_000;

const GEOGRAPHY: ReadonlyArray<
  readonly [{ country: string; places: Array<[string, string, string]> }, number]
> = [
  [
    {
      country: 'FR',
      places: [
        ['Île-de-France', 'Paris', '75'],
        ['Auvergne-Rhône-Alpes', 'Lyon', '69'],
        ['Provence-Alpes-Côte d’Azur', 'Marseille', '13'],
        ['Occitanie', 'Toulouse', '31'],
        ['Hauts-de-France', 'Lille', '59'],
      ],
    },
    30,
  ],
  [
    {
      country: 'DE',
      places: [
        ['Berlin', 'Berlin', '10'],
        ['Bayern', 'München', '80'],
        ['Hamburg', 'Hamburg', '20'],
        ['Nordrhein-Westfalen', 'Köln', '50'],
      ],
    },
    15,
  ],
  [
    {
      country: 'GB',
      places: [
        ['England', 'London', 'E1'],
        ['England', 'Manchester', 'M1'],
        ['Scotland', 'Edinburgh', 'EH1'],
      ],
    },
    12,
  ],
  [
    {
      country: 'ES',
      places: [
        ['Madrid', 'Madrid', '28'],
        ['Cataluña', 'Barcelona', '08'],
        ['Andalucía', 'Sevilla', '41'],
      ],
    },
    10,
  ],
  [
    {
      country: 'IT',
      places: [
        ['Lombardia', 'Milano', '20'],
        ['Lazio', 'Roma', '00'],
        ['Piemonte', 'Torino', '10'],
      ],
    },
    9,
  ],
  [
    {
      country: 'BE',
      places: [
        ['Bruxelles-Capitale', 'Bruxelles', '10'],
        ['Vlaanderen', 'Antwerpen', '20'],
        ['Wallonie', 'Liège', '40'],
      ],
    },
    8,
  ],
  [
    {
      country: 'NL',
      places: [
        ['Noord-Holland', 'Amsterdam', '10'],
        ['Zuid-Holland', 'Rotterdam', '30'],
      ],
    },
    5,
  ],
  [
    {
      country: 'CH',
      places: [
        ['Genève', 'Genève', '12'],
        ['Zürich', 'Zürich', '80'],
      ],
    },
    4,
  ],
  [
    {
      country: 'US',
      places: [
        ['New York', 'New York', '10'],
        ['California', 'San Francisco', '94'],
      ],
    },
    4,
  ],
  [
    {
      country: 'CA',
      places: [
        ['Québec', 'Montréal', 'H2'],
        ['Ontario', 'Toronto', 'M5'],
      ],
    },
    3,
  ],
];

const FIRST_NAMES = [
  'Camille',
  'Léa',
  'Manon',
  'Chloé',
  'Emma',
  'Lucas',
  'Hugo',
  'Louis',
  'Jules',
  'Nathan',
  'Anna',
  'Lena',
  'Mia',
  'Paul',
  'Jonas',
  'Sofia',
  'Marco',
  'Giulia',
  'Pablo',
  'Lucía',
  'Oliver',
  'Amelia',
  'Noah',
  'Sara',
  'Tom',
];
const LAST_NAMES = [
  'Martin',
  'Bernard',
  'Dubois',
  'Thomas',
  'Robert',
  'Richard',
  'Petit',
  'Durand',
  'Müller',
  'Schmidt',
  'Schneider',
  'Rossi',
  'Russo',
  'García',
  'Fernández',
  'López',
  'Smith',
  'Jones',
  'Taylor',
  'Peeters',
  'Janssens',
  'de Jong',
  'Dupont',
  'Lambert',
  'Moreau',
];
const INDUSTRIES = [
  'retail',
  'manufacturing',
  'software',
  'healthcare',
  'finance',
  'education',
  'hospitality',
  'logistics',
  'construction',
  'public sector',
];
const JOBS: ReadonlyArray<readonly [string, string]> = [
  ['Purchasing Director', 'purchasing'],
  ['Buyer', 'purchasing'],
  ['Chief Financial Officer', 'finance'],
  ['Accountant', 'finance'],
  ['Marketing Manager', 'marketing'],
  ['Head of IT', 'it'],
  ['Operations Manager', 'operations'],
  ['Chief Executive Officer', 'management'],
  ['HR Manager', 'human resources'],
  ['Sales Director', 'sales'],
];
const SOURCES: ReadonlyArray<readonly [string, number]> = [
  ['organic_search', 25],
  ['paid_search', 18],
  ['social', 15],
  ['referral', 10],
  ['newsletter', 8],
  ['direct', 12],
  ['trade_show', 6],
  ['partner', 6],
];
const INTERESTS = [
  'running',
  'cooking',
  'travel',
  'tech',
  'fashion',
  'gardening',
  'music',
  'wine',
  'cycling',
  'photography',
  'gaming',
  'yoga',
  'books',
  'home_decor',
  'sustainability',
];
const CATEGORIES = [
  'books',
  'music',
  'electronics',
  'fashion',
  'home',
  'sports',
  'beauty',
  'toys',
  'grocery',
  'garden',
  'office',
];
const CAMPAIGNS = [
  'welcome',
  'spring_sale',
  'summer_sale',
  'back_to_school',
  'black_friday',
  'christmas',
  'winter_sale',
  'newsletter',
  'reactivation',
];
const ORDER_CHANNELS: ReadonlyArray<readonly [Channel, number]> = [
  [Channel.WEB, 50],
  [Channel.APP, 20],
  [Channel.STORE, 20],
  [Channel.PHONE, 5],
  [Channel.SOCIAL, 4],
  [Channel.OTHER, 1],
];

/** Relative purchase intensity by month (January = 0): winter sales, summer lull, the year-end peak. */
const SEASONALITY = [1.2, 0.8, 0.9, 0.9, 1.0, 1.0, 0.8, 0.7, 1.0, 1.0, 1.6, 2.1];

interface EventKind {
  name: string;
  channels: ReadonlyArray<readonly [Channel, number]>;
  weightB2C: number;
  weightB2B: number;
}

const EVENT_KINDS: EventKind[] = [
  {
    name: 'page_viewed',
    channels: [
      [Channel.WEB, 70],
      [Channel.APP, 28],
      [Channel.OTHER, 2],
    ],
    weightB2C: 38,
    weightB2B: 30,
  },
  {
    name: MESSAGE_SENT,
    channels: [
      [Channel.EMAIL, 70],
      [Channel.SMS, 15],
      [Channel.PUSH, 15],
    ],
    weightB2C: 22,
    weightB2B: 20,
  },
  {
    name: 'message_opened',
    channels: [
      [Channel.EMAIL, 80],
      [Channel.PUSH, 20],
    ],
    weightB2C: 12,
    weightB2B: 12,
  },
  {
    name: 'message_clicked',
    channels: [
      [Channel.EMAIL, 80],
      [Channel.SMS, 10],
      [Channel.PUSH, 10],
    ],
    weightB2C: 6,
    weightB2B: 6,
  },
  {
    name: 'video_watched',
    channels: [
      [Channel.WEB, 40],
      [Channel.APP, 30],
      [Channel.SOCIAL, 30],
    ],
    weightB2C: 7,
    weightB2B: 3,
  },
  { name: 'store_visited', channels: [[Channel.STORE, 1]], weightB2C: 6, weightB2B: 1 },
  {
    name: 'form_submitted',
    channels: [
      [Channel.WEB, 90],
      [Channel.SOCIAL, 10],
    ],
    weightB2C: 3,
    weightB2B: 9,
  },
  { name: 'content_downloaded', channels: [[Channel.WEB, 1]], weightB2C: 2, weightB2B: 9 },
  { name: 'call_completed', channels: [[Channel.PHONE, 1]], weightB2C: 2, weightB2B: 6 },
  { name: 'event_attended', channels: [[Channel.EVENT, 1]], weightB2C: 1, weightB2B: 4 },
  { name: 'social_engaged', channels: [[Channel.SOCIAL, 1]], weightB2C: 3, weightB2B: 1 },
];

export interface GeneratorOptions {
  seed: number;
  /** The generated history ends here (exclusive); also the reference "today". */
  until: Date;
  /** externalId prefix, so several bases can live in one database. */
  prefix?: string;
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** A day in [from, to) drawn with the seasonal weights (rejection sampling). */
function seasonalInstant(random: Random, from: number, to: number): number {
  for (let attempt = 0; attempt < 20; attempt++) {
    const at = from + random.next() * (to - from);
    if (random.next() * 2.1 < SEASONALITY[new Date(at).getUTCMonth()]) return Math.floor(at);
  }
  return Math.floor(from + random.next() * (to - from));
}

/** Customer number `index` of the base. */
export function generateCustomer(index: number, options: GeneratorOptions): GeneratedCustomer {
  const random = Random.forItem(options.seed, index);
  const until = options.until.getTime();
  const externalId = `${options.prefix ?? 'C'}${String(index + 1).padStart(7, '0')}`;
  const geo = random.weighted(GEOGRAPHY);
  const [region, city, postalPrefix] = random.pick(geo.places);
  const b2b = random.chance(0.3);
  const firstName = random.pick(FIRST_NAMES);
  const lastName = random.pick(LAST_NAMES);
  const createdAt = until - Math.floor(Math.pow(random.next(), 0.7) * 6 * 365 * DAY) - DAY;
  const age = Math.max(18, Math.min(88, Math.round(random.normal(b2b ? 44 : 39, 13))));
  const birth = until - age * 365.25 * DAY - random.int(0, 364) * DAY;

  // Purchase behaviour: a share of contacts never buys; buyers follow a heavy tail.
  const buys = random.chance(b2b ? 0.55 : 0.72);
  const orderCount = buys ? random.pareto(1.4, 120) : 0;
  const favouriteCategories = random.sample(CATEGORIES, 3);
  const basket = b2b ? random.logNormal(320, 0.7) : random.logNormal(55, 0.6);
  const lapsed = random.chance(0.25);
  const activeUntil = lapsed ? createdAt + (until - createdAt) * (0.2 + 0.5 * random.next()) : until;

  const orders: Array<Record<string, unknown>> = [];
  for (let i = 0; i < orderCount; i++) {
    const orderedAt = seasonalInstant(random, createdAt, activeUntil);
    orders.push({
      externalId: `${externalId}-O${i + 1}`,
      customerExternalId: externalId,
      orderedAt: new Date(orderedAt),
      amount: Math.round(Math.max(1, basket * random.logNormal(1, 0.45)) * 100) / 100,
      currency:
        geo.country === 'GB'
          ? 'GBP'
          : geo.country === 'US'
            ? 'USD'
            : geo.country === 'CH'
              ? 'CHF'
              : geo.country === 'CA'
                ? 'CAD'
                : 'EUR',
      channel: random.weighted(ORDER_CHANNELS),
      categories: random.chance(0.8)
        ? random.sample(favouriteCategories, random.int(1, 2))
        : [random.pick(CATEGORIES)],
    });
  }

  const eventCount = random.chance(0.1) ? 0 : random.pareto(1.1, 150) + random.int(0, 4);
  const events: Array<Record<string, unknown>> = [];
  for (let i = 0; i < eventCount; i++) {
    const kind = random.weighted(EVENT_KINDS.map((k) => [k, b2b ? k.weightB2B : k.weightB2C] as const));
    // Interactions cluster towards the recent past, so "in the last 30 days" has members.
    const occurredAt = Math.floor(activeUntil - Math.pow(random.next(), 2.5) * (activeUntil - createdAt));
    const properties: Record<string, string | number | boolean> = {};
    if (kind.name.startsWith('message_')) properties.campaign = random.pick(CAMPAIGNS);
    if (kind.name === 'page_viewed')
      properties.page = random.pick([
        '/',
        '/pricing',
        '/products',
        '/blog',
        '/contact',
        `/products/${random.pick(CATEGORIES)}`,
      ]);
    if (kind.name === 'content_downloaded')
      properties.content_type = random.pick(['whitepaper', 'ebook', 'case_study', 'price_list']);
    if (kind.name === 'video_watched') properties.seconds = random.int(5, 600);
    if (kind.name === 'call_completed')
      properties.outcome = random.pick(['interested', 'callback', 'not_interested']);
    events.push({
      externalId: `${externalId}-E${i + 1}`,
      customerExternalId: externalId,
      name: kind.name,
      channel: random.weighted(kind.channels),
      occurredAt: new Date(occurredAt),
      properties,
    });
  }

  const lastOrderAt = orders.reduce(
    (latest, order) => Math.max(latest, (order.orderedAt as Date).getTime()),
    0,
  );
  const lifecycleStage =
    orders.length > 0
      ? until - lastOrderAt > 540 * DAY && random.chance(0.6)
        ? LifecycleStage.CHURNED
        : LifecycleStage.CUSTOMER
      : random.weighted([
          [LifecycleStage.LEAD, 50],
          [LifecycleStage.PROSPECT, 30],
          [LifecycleStage.QUALIFIED, 20],
        ] as const);
  const stale = random.chance(0.15);
  const verified = random.chance(0.93);
  const job = random.pick(JOBS);

  const customer: GeneratedCustomer['customer'] = {
    externalId,
    email: random.chance(0.95)
      ? `${firstName}.${lastName}.${index + 1}@example.${geo.country.toLowerCase()}`
          .toLowerCase()
          .replace(/[^a-z0-9.@-]/g, '')
      : null,
    phone: random.chance(0.6) ? `+${random.int(30, 49)}${random.int(600000000, 799999999)}` : null,
    firstName,
    lastName,
    birthDate: random.chance(0.9) ? new Date(Date.parse(isoDay(birth))) : null,
    gender: random.weighted([
      [Gender.FEMALE, 48],
      [Gender.MALE, 46],
      [Gender.OTHER, 2],
      [Gender.UNKNOWN, 2],
      [null, 2],
    ] as const),
    country: random.chance(0.98) ? geo.country : null,
    region: random.chance(0.95) ? region : null,
    city: random.chance(0.97) ? city : null,
    postalCode: `${postalPrefix}${random.int(100, 999)}`,
    companyName: b2b
      ? `${random.pick(LAST_NAMES)} ${random.pick(['SA', 'GmbH', 'Ltd', 'SAS', 'BV', 'SpA', 'Group'])}`
      : null,
    industry: b2b ? random.pick(INDUSTRIES) : null,
    companySize: b2b ? Math.min(200_000, Math.round(random.logNormal(40, 1.6)) + 1) : null,
    jobTitle: b2b ? job[0] : null,
    jobFunction: b2b ? job[1] : null,
    lifecycleStage,
    acquisitionSource: random.chance(0.92) ? random.weighted(SOURCES) : null,
    interests: random.sample(
      INTERESTS,
      random.weighted([
        [0, 20],
        [1, 30],
        [2, 25],
        [3, 15],
        [4, 10],
      ] as const),
    ),
    emailOptIn: random.chance(0.65),
    smsOptIn: random.chance(0.35),
    attributes: {
      loyalty_tier: orders.length >= 10 ? 'gold' : orders.length >= 3 ? 'silver' : 'bronze',
      ...(random.chance(0.3) ? { nps: random.int(0, 10) } : {}),
      ...(random.chance(0.1) ? { vip: true } : {}),
      ...(b2b
        ? { account_manager: random.pick(['alice', 'bruno', 'chen', 'dara']) }
        : { preferred_store: `S${random.int(1, 40)}` }),
    },
    createdAt: new Date(createdAt),
    lastVerifiedAt: verified
      ? new Date(stale ? until - random.int(3 * 365, 6 * 365) * DAY : until - random.int(1, 365) * DAY)
      : null,
  };
  return { customer, orders, events };
}
