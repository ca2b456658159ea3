import { useState } from 'react';
import { operation, request } from '../graphql';
import { useQuery } from '../hooks';
import { BarChart, humanKey } from '../ui/bars';
import { ErrorBanner } from '../ui/error-banner';
import { amount, count, Page, Panel, percent } from '../ui/layout';
import { Loading } from '../ui/loading';
import type { PageProps } from '../router';
import './analysis.css';

interface Bucket {
  key: string;
  customers: number;
  share: number;
}

interface Persona {
  id: string;
  name: string;
  description: string | null;
  definition: string;
  priority: number;
  size: number;
  share: number;
  portrait: {
    medianAge: number | null;
    revenuePerCustomer: number;
    topCountries: Bucket[];
    rfm: Bucket[];
    lifecycle: Bucket[];
    preferredChannels: Bucket[];
    topInterests: Bucket[];
  };
}

const PERSONAS = operation<{ personas: Persona[] }>(`query StudioPersonas {
  personas {
    id name description definition priority size share
    portrait {
      medianAge revenuePerCustomer
      topCountries { key customers share } rfm { key customers share } lifecycle { key customers share }
      preferredChannels { key customers share } topInterests { key customers share }
    }
  }
}`);

interface Suggestion {
  label: string;
  size: number;
  share: number;
  traits: string[];
  filter: unknown;
  precision: number;
  recall: number;
}

const SUGGESTIONS = operation<{ personaSuggestions: Suggestion[] }, { k: number }>(
  `query StudioPersonaSuggestions($k: Int!) {
  personaSuggestions(k: $k) { label size share traits filter precision recall }
}`,
);

const CREATE_PERSONA = operation<
  { createPersona: { id: string; name: string } },
  { input: { name: string; filter: unknown; description?: string } }
>(`mutation StudioCreatePersona($input: PersonaInput!) { createPersona(input: $input) { id name } }`);

export function PersonasPage(_props: PageProps) {
  const personas = useQuery(PERSONAS, {});
  return (
    <Page title="Personas">
      <Panel title="Personas in assignment order">
        <ErrorBanner error={personas.error} title="The personas could not be read" />
        {personas.loading && !personas.data && <Loading label="Drawing the portraits…" />}
        {personas.data && personas.data.personas.length === 0 && (
          <p className="muted">No persona yet: adopt a suggestion below.</p>
        )}
        {personas.data && personas.data.personas.length > 0 && (
          <ul className="cards persona-cards" aria-label="Personas">
            {personas.data.personas.map((persona) => (
              <PersonaCard key={persona.id} persona={persona} />
            ))}
          </ul>
        )}
      </Panel>
      <Suggestions onCreated={personas.reload} />
    </Page>
  );
}

function PersonaCard({ persona }: { persona: Persona }) {
  const { portrait } = persona;
  const top = (buckets: Bucket[], n = 4) =>
    buckets.slice(0, n).map((bucket) => ({
      key: bucket.key,
      label: humanKey(bucket.key),
      value: bucket.customers,
      share: bucket.share,
    }));
  return (
    <li className="card" aria-labelledby={`persona-${persona.id}`}>
      <h3 id={`persona-${persona.id}`}>{persona.name}</h3>
      <div className="share-line">
        <span>
          <strong>{percent(persona.share)}</strong> of the base
        </span>
        <span className="muted">
          {count(persona.size)} customers · priority {persona.priority}
        </span>
      </div>
      <p className="muted">{persona.description ?? persona.definition}</p>
      <dl className="figures">
        <div>
          <dt>Median age</dt>
          <dd>{portrait.medianAge === null ? '—' : Math.round(portrait.medianAge)}</dd>
        </div>
        <div>
          <dt>Revenue per customer</dt>
          <dd>{amount(portrait.revenuePerCustomer)}</dd>
        </div>
      </dl>
      <div className="portrait-grid">
        <BarChart title="Countries" items={top(portrait.topCountries)} />
        <BarChart title="RFM segment" items={top(portrait.rfm)} />
        <BarChart title="Lifecycle stage" items={top(portrait.lifecycle)} />
        <BarChart title="Preferred channel" items={top(portrait.preferredChannels)} />
        <BarChart title="Interests" items={top(portrait.topInterests)} empty="No interest stands out." />
      </div>
    </li>
  );
}

function Suggestions({ onCreated }: { onCreated(): void }) {
  const [k, setK] = useState(5);
  // Five clusters are asked for on arrival: the page is where a marketer goes to find personas.
  const [asked, setAsked] = useState(5);
  const suggestions = useQuery(SUGGESTIONS, { k: asked });
  return (
    <Panel title="Suggestions from clustering">
      <form
        className="suggest-controls"
        onSubmit={(event) => {
          event.preventDefault();
          if (asked === k) suggestions.reload();
          setAsked(k);
        }}
      >
        <div className="field">
          <label htmlFor="suggest-k">Number of clusters (2 to 12)</label>
          <input
            id="suggest-k"
            type="number"
            min={2}
            max={12}
            value={k}
            onChange={(event) => setK(Number(event.target.value))}
          />
        </div>
        <button type="submit" disabled={suggestions.loading}>
          Suggest again
        </button>
      </form>
      <p className="muted">
        Customers who resemble each other, grouped, and each group described by a filter. Precision: of the
        customers the filter selects, the share in the group; recall: of the group, the share the filter
        selects.
      </p>
      <ErrorBanner error={suggestions.error} title="No suggestions" />
      {suggestions.loading && <Loading label="Clustering customers…" />}
      {suggestions.data && !suggestions.loading && (
        <ul className="cards suggestions" aria-label="Suggestions">
          {suggestions.data.personaSuggestions.map((suggestion, index) => (
            <SuggestionCard
              key={`${asked}-${index}`}
              index={index}
              suggestion={suggestion}
              onCreated={onCreated}
            />
          ))}
        </ul>
      )}
    </Panel>
  );
}

function SuggestionCard({
  suggestion,
  index,
  onCreated,
}: {
  suggestion: Suggestion;
  index: number;
  onCreated(): void;
}) {
  const [name, setName] = useState(suggestion.label);
  const [state, setState] = useState<{ busy: boolean; error: unknown; created: string | null }>({
    busy: false,
    error: null,
    created: null,
  });
  const create = async () => {
    setState({ busy: true, error: null, created: null });
    try {
      const { createPersona } = await request(CREATE_PERSONA, {
        input: { name, filter: suggestion.filter, description: suggestion.traits.join('; ') },
      });
      setState({ busy: false, error: null, created: createPersona.name });
      onCreated();
    } catch (error) {
      setState({ busy: false, error, created: null });
    }
  };
  const id = `suggestion-${index}`;
  return (
    <li className="card" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{suggestion.label}</h3>
      <div className="share-line">
        <span>
          <strong>{percent(suggestion.share)}</strong> of the clustered customers
        </span>
        <span className="muted">{count(suggestion.size)} customers</span>
      </div>
      <ul className="traits" aria-label="Traits">
        {suggestion.traits.map((trait) => (
          <li key={trait}>{trait}</li>
        ))}
      </ul>
      <dl className="figures">
        <div>
          <dt>Precision</dt>
          <dd>{percent(suggestion.precision)}</dd>
        </div>
        <div>
          <dt>Recall</dt>
          <dd>{percent(suggestion.recall)}</dd>
        </div>
      </dl>
      <form
        className="card-actions name-form"
        onSubmit={(event) => {
          event.preventDefault();
          void create();
        }}
      >
        <div className="field">
          <label htmlFor={`${id}-name`}>Persona name</label>
          <input id={`${id}-name`} value={name} required onChange={(event) => setName(event.target.value)} />
        </div>
        <button type="submit" disabled={state.busy || state.created !== null || name.trim() === ''}>
          Create persona
        </button>
      </form>
      {state.created && (
        <p className="status" role="status">
          Created persona “{state.created}”.
        </p>
      )}
      <ErrorBanner error={state.error} title="The persona was not created" />
    </li>
  );
}
