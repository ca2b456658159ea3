import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { COUNTED, forgetSavedChoices, useCatalogList, useSavedChoices, type CatalogEntry } from '../catalog';
import {
  CHANNELS,
  FIELDS,
  OPERATORS,
  SECTION_LABELS,
  criterionAt,
  emptyBuilder,
  fieldById,
  fromFilter,
  isIncomplete,
  newCriterion,
  newGroup,
  toFilter,
  type BuilderState,
  type CatalogList,
  type Criterion,
  type Group,
  type Section,
} from '../filter-model';
import { GraphQLRequestError, operation, request, type ApiError } from '../graphql';
import { useDebouncedQuery } from '../hooks';
import { href, type PageProps } from '../router';
import { Combobox, type ComboboxOption } from '../ui/combobox';
import { ErrorBanner } from '../ui/error-banner';
import { Loading } from '../ui/loading';
import { Page, count, counted, percent } from '../ui/layout';

const EVALUATE = operation<
  {
    evaluateSegment: {
      size: number;
      shareOfBase: number;
      definition: string;
      warnings: Array<{ path: string; message: string }>;
    };
  },
  { filter: Record<string, unknown> }
>(`query StudioEvaluate($filter: SegmentFilter!) {
  evaluateSegment(filter: $filter) { size shareOfBase definition warnings { path message } }
}`);

interface SavedSegment {
  id: string;
  name: string;
  description: string | null;
  version: number;
  filter: unknown;
  definition: string;
}

const SEGMENT_FIELDS = 'id name description version filter definition';

const LOAD_SEGMENT = operation<{ segment: SavedSegment | null }, { id: string }>(
  `query StudioSegment($id: ID!) { segment(id: $id) { ${SEGMENT_FIELDS} } }`,
);

const CREATE = operation<
  { createSegment: SavedSegment },
  { input: { name: string; description: string; filter: Record<string, unknown> } }
>(
  `mutation StudioCreateSegment($input: SegmentInput!) { createSegment(input: $input) { ${SEGMENT_FIELDS} } }`,
);

const UPDATE = operation<
  { updateSegment: SavedSegment },
  {
    id: string;
    expectedVersion: number;
    input: { name: string; description: string; filter: Record<string, unknown> };
  }
>(`mutation StudioUpdateSegment($id: ID!, $expectedVersion: Int, $input: SegmentInput!) {
  updateSegment(id: $id, expectedVersion: $expectedVersion, input: $input) { ${SEGMENT_FIELDS} }
}`);

type Update = (change: (state: BuilderState) => BuilderState) => void;

export function BuilderPage({ query }: PageProps) {
  const segmentId = query.get('segment');
  const filterParam = query.get('filter');
  const [state, setState] = useState<BuilderState>(() => initialState(filterParam));
  const [saved, setSaved] = useState<SavedSegment | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);

  useEffect(() => {
    if (!segmentId) return;
    let current = true;
    request(LOAD_SEGMENT, { id: segmentId }).then(
      ({ segment }) => {
        if (!current) return;
        if (!segment) {
          setLoadError(new Error(`no segment has id ${segmentId}`));
          return;
        }
        setSaved(segment);
        const shown = fromFilter(segment.filter);
        if (shown) setState(shown);
        else setLoadError(new Error(`the filter of "${segment.name}" has a shape the builder cannot show`));
      },
      (error: unknown) => {
        if (current) setLoadError(error);
      },
    );
    return () => {
      current = false;
    };
  }, [segmentId]);

  const update: Update = (change) => setState((previous) => change(previous));
  const written = useMemo(() => toFilter(state), [state]);
  const preview = useDebouncedQuery(EVALUATE, { filter: written.filter });
  const answer = preview.error ? null : preview.data?.evaluateSegment;
  // share = size / base, so the base is known from any non-empty answer (kept from the last one).
  const [base, setBase] = useState<number | null>(null);
  useEffect(() => {
    if (answer && answer.shareOfBase > 0) setBase(Math.round(answer.size / answer.shareOfBase));
  }, [answer]);

  // Errors and warnings of the latest answer, at the criterion their input path points into.
  const errors = preview.error instanceof GraphQLRequestError ? preview.error.errors : [];
  const atCriterion = new Map<string, { errors: ApiError[]; warnings: string[] }>();
  const unplaced: ApiError[] = [];
  for (const error of errors) {
    const id = error.extensions?.path ? criterionAt(written.paths, error.extensions.path) : undefined;
    if (id) entry(atCriterion, id).errors.push(error);
    else unplaced.push(error);
  }
  for (const warning of preview.data?.evaluateSegment.warnings ?? []) {
    const id = criterionAt(written.paths, warning.path);
    if (id) entry(atCriterion, id).warnings.push(warning.message);
  }
  const showError =
    preview.error && !(preview.error instanceof GraphQLRequestError)
      ? preview.error
      : unplaced.length
        ? new GraphQLRequestError(unplaced, 400)
        : null;

  return (
    <Page title={saved ? `Builder: ${saved.name}` : 'Builder'}>
      <ErrorBanner error={loadError} title="Could not load" />
      <div className="builder">
        <form
          className="builder-groups"
          aria-label="Segment criteria"
          onSubmit={(event) => event.preventDefault()}
        >
          <div className="top-join">
            <label htmlFor="top-join">Customers who match</label>
            <select
              id="top-join"
              value={state.join}
              onChange={(event) => update((s) => ({ ...s, join: event.target.value as 'and' | 'or' }))}
            >
              <option value="and">all of the groups (and)</option>
              <option value="or">any of the groups (or)</option>
            </select>
          </div>
          {state.groups.map((group, index) => (
            <GroupEditor
              key={group.id}
              group={group}
              index={index}
              update={update}
              atCriterion={atCriterion}
              joinLabel={index > 0 ? state.join : null}
            />
          ))}
          <button
            type="button"
            className="secondary"
            onClick={() => update((s) => ({ ...s, groups: [...s.groups, newGroup()] }))}
          >
            + Add a group
          </button>
        </form>
        <aside className="builder-side" aria-label="Size and definition">
          <SizePanel
            loading={preview.loading}
            size={preview.error ? null : (preview.data?.evaluateSegment.size ?? null)}
            share={preview.data?.evaluateSegment.shareOfBase ?? null}
            base={base}
          />
          <ErrorBanner error={showError} title="The API refused the filter" />
          <section className="panel definition" aria-label="Definition">
            <h2>In words</h2>
            <p data-testid="definition">
              {preview.error ? '—' : (preview.data?.evaluateSegment.definition ?? '…')}
            </p>
          </section>
          <SavePanel saved={saved} filter={written.filter} onSaved={setSaved} paths={written.paths} />
        </aside>
      </div>
    </Page>
  );
}

function entry(map: Map<string, { errors: ApiError[]; warnings: string[] }>, id: string) {
  let found = map.get(id);
  if (!found) map.set(id, (found = { errors: [], warnings: [] }));
  return found;
}

function initialState(filterParam: string | null): BuilderState {
  if (filterParam) {
    try {
      const shown = fromFilter(JSON.parse(filterParam));
      if (shown) return shown;
    } catch {
      // Not JSON: start empty.
    }
  }
  return emptyBuilder();
}

/** Marked once per page load, when the first size is on screen: the studio's first load, as tests measure it. */
export const FIRST_SIZE_MARK = 'studio:first-size';

function SizePanel({
  loading,
  size,
  share,
  base,
}: {
  loading: boolean;
  size: number | null;
  share: number | null;
  base: number | null;
}) {
  useEffect(() => {
    if (size !== null && performance.getEntriesByName(FIRST_SIZE_MARK).length === 0)
      performance.mark(FIRST_SIZE_MARK);
  }, [size]);
  return (
    <section className="panel size-panel" aria-label="Size" data-state={loading ? 'loading' : 'ready'}>
      <h2>Size</h2>
      <p className="size-figure" aria-live="polite">
        <span data-testid="size">{size === null ? '—' : count(size)}</span>{' '}
        {size === 1 ? 'customer' : 'customers'}
      </p>
      <p className="muted">
        {share === null || size === null ? '\u00a0' : `${percent(share)} of the base`}
        {base !== null && ` (${counted(base, 'customer')})`}
        {loading && <span className="updating"> · updating…</span>}
      </p>
      {share !== null && size !== null && (
        <div className="share-bar" aria-hidden="true">
          <div className="share-fill" style={{ width: `${Math.min(100, share * 100)}%` }} />
        </div>
      )}
    </section>
  );
}

function GroupEditor({
  group,
  index,
  update,
  atCriterion,
  joinLabel,
}: {
  group: Group;
  index: number;
  update: Update;
  atCriterion: Map<string, { errors: ApiError[]; warnings: string[] }>;
  joinLabel: 'and' | 'or' | null;
}) {
  const [adding, setAdding] = useState(FIELDS[0].id);
  const setGroup = (change: (group: Group) => Group) =>
    update((s) => ({
      ...s,
      groups: s.groups.map((candidate) => (candidate.id === group.id ? change(candidate) : candidate)),
    }));
  const name = `Group ${index + 1}`;
  return (
    <>
      {joinLabel && <div className="join-chip">{joinLabel === 'and' ? 'AND' : 'OR'}</div>}
      <fieldset
        className={`panel group ${group.negated ? 'negated' : ''}`}
        data-testid={`group-${index + 1}`}
      >
        <legend>{name}</legend>
        <div className="group-bar">
          <label className="check">
            <input
              type="checkbox"
              checked={group.negated}
              onChange={(event) => setGroup((g) => ({ ...g, negated: event.target.checked }))}
            />
            Exclude these customers (not)
          </label>
          <label htmlFor={`${group.id}-join`}>Match</label>
          <select
            id={`${group.id}-join`}
            value={group.join}
            onChange={(event) => setGroup((g) => ({ ...g, join: event.target.value as 'and' | 'or' }))}
          >
            <option value="and">all criteria (and)</option>
            <option value="or">any criterion (or)</option>
          </select>
          <button
            type="button"
            className="danger"
            aria-label={`Remove ${name}`}
            onClick={() => update((s) => ({ ...s, groups: s.groups.filter((g) => g.id !== group.id) }))}
          >
            Remove group
          </button>
        </div>
        {group.criteria.length === 0 && (
          <p className="muted">No criterion yet: an empty group is left out.</p>
        )}
        <ul className="criteria">
          {group.criteria.map((criterion) => (
            <CriterionEditor
              key={criterion.id}
              criterion={criterion}
              problems={atCriterion.get(criterion.id)}
              onChange={(next) =>
                setGroup((g) => ({
                  ...g,
                  criteria: g.criteria.map((c) => (c.id === criterion.id ? next : c)),
                }))
              }
              onRemove={() =>
                setGroup((g) => ({ ...g, criteria: g.criteria.filter((c) => c.id !== criterion.id) }))
              }
            />
          ))}
        </ul>
        <div className="add-criterion">
          <label htmlFor={`${group.id}-add`}>Criterion</label>
          <select id={`${group.id}-add`} value={adding} onChange={(event) => setAdding(event.target.value)}>
            {(Object.keys(SECTION_LABELS) as Section[]).map((section) => (
              <optgroup key={section} label={SECTION_LABELS[section]}>
                {FIELDS.filter((f) => f.section === section).map((f) => (
                  <option key={f.id} value={f.id}>
                    {f.label}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
          <button
            type="button"
            aria-label={`Add the criterion to ${name}`}
            onClick={() => setGroup((g) => ({ ...g, criteria: [...g.criteria, newCriterion(adding)] }))}
          >
            Add
          </button>
        </div>
      </fieldset>
    </>
  );
}

function CriterionEditor({
  criterion,
  problems,
  onChange,
  onRemove,
}: {
  criterion: Criterion;
  problems?: { errors: ApiError[]; warnings: string[] };
  onChange(next: Criterion): void;
  onRemove(): void;
}) {
  const def = fieldById(criterion.field);
  const id = criterion.id;
  const set = (change: Partial<Criterion>) => onChange({ ...criterion, ...change });
  const ops = OPERATORS[def.kind];
  const known = useCatalogList(def.catalog);
  const options = useMemo(() => pickerOptions(known, def.catalog), [known, def.catalog]);
  const choices = useSavedChoices(
    def.kind === 'segment' ? 'segments' : def.kind === 'persona' ? 'personas' : null,
  );
  const incomplete = isIncomplete(criterion);
  const describedBy = problems ? `${id}-problems` : incomplete ? `${id}-incomplete` : undefined;
  const invalid = problems?.errors.length ? true : undefined;

  const operator = ops && def.kind !== 'event' && def.kind !== 'purchase' && (
    <>
      <label htmlFor={`${id}-op`} className="visually-hidden">
        {def.label}: operator
      </label>
      <select id={`${id}-op`} value={criterion.op} onChange={(event) => set({ op: event.target.value })}>
        {ops.map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
    </>
  );

  let editor: ReactNode = null;
  switch (def.kind) {
    case 'string':
    case 'tags':
    case 'int':
    case 'float':
    case 'days': {
      if (criterion.op === 'missing' || criterion.op === 'present') break;
      const numeric = def.kind === 'int' || def.kind === 'float' || def.kind === 'days';
      const many = ['in', 'notIn', 'hasAny', 'hasAll', 'hasNone'].includes(criterion.op);
      const placeholder = many ? 'values, comma-separated' : numeric ? 'number' : 'value';
      editor = (
        <>
          <label htmlFor={`${id}-value`} className="visually-hidden">
            {def.label}: {many ? 'values, separated by commas' : 'value'}
          </label>
          {def.catalog ? (
            <Combobox
              id={`${id}-value`}
              value={criterion.value}
              onChange={(value) => set({ value })}
              options={options}
              multiple={many}
              placeholder={placeholder}
              invalid={invalid}
              describedBy={describedBy}
            />
          ) : (
            <input
              id={`${id}-value`}
              type={numeric ? 'number' : 'text'}
              step={def.kind === 'float' ? 'any' : undefined}
              placeholder={placeholder}
              value={criterion.value}
              aria-invalid={invalid}
              aria-describedby={describedBy}
              onChange={(event) => set({ value: event.target.value })}
            />
          )}
          {criterion.op === 'between' && (
            <>
              <span aria-hidden="true">and</span>
              <label htmlFor={`${id}-value2`} className="visually-hidden">
                {def.label}: upper bound
              </label>
              <input
                id={`${id}-value2`}
                type="number"
                step={def.kind === 'float' ? 'any' : undefined}
                value={criterion.value2}
                onChange={(event) => set({ value2: event.target.value })}
              />
            </>
          )}
        </>
      );
      break;
    }
    case 'enum':
      editor = (
        <ChoiceList
          legend={`${def.label}: one of`}
          options={def.options ?? []}
          chosen={criterion.list}
          onChange={(list) => set({ list })}
        />
      );
      break;
    case 'bool':
      break;
    case 'segment':
    case 'persona': {
      editor = (
        <>
          <label htmlFor={`${id}-value`} className="visually-hidden">
            {def.label}
          </label>
          <select
            id={`${id}-value`}
            value={criterion.value}
            aria-invalid={invalid}
            aria-describedby={describedBy}
            onChange={(event) => set({ value: event.target.value })}
          >
            <option value="">Choose…</option>
            {choices.map((choice) => (
              <option key={choice.id} value={choice.id}>
                {choice.name}
              </option>
            ))}
          </select>
        </>
      );
      break;
    }
    case 'event':
    case 'purchase':
      editor = (
        <BehaviourEditor
          criterion={criterion}
          set={set}
          options={options}
          invalid={invalid}
          describedBy={describedBy}
        />
      );
      break;
  }

  return (
    <li className={`criterion ${invalid ? 'has-error' : ''}`} data-field={def.id}>
      <div className="criterion-row">
        <span className="criterion-field">{def.label}</span>
        {operator}
        {editor}
        <button
          type="button"
          className="icon danger"
          aria-label={`Remove the criterion ${def.label}`}
          onClick={onRemove}
        >
          ×
        </button>
      </div>
      {incomplete && !problems && (
        <p id={`${id}-incomplete`} className="criterion-problems muted">
          Left out of the segment until it has a value.
        </p>
      )}
      {problems && (
        <div id={`${id}-problems`} className="criterion-problems">
          {problems.errors.map((error, index) => (
            <p key={`e${index}`} className="error-text" role="alert">
              {error.message}
            </p>
          ))}
          {problems.warnings.map((warning, index) => (
            <p key={`w${index}`} className="warning-text">
              {warning}
            </p>
          ))}
        </div>
      )}
    </li>
  );
}

/**
 * The catalog's values as a picker offers them. Every picker keeps free text:
 * the catalog lists what the base holds today, its most frequent values only,
 * and a filter on a value not there yet is legitimate (an event a campaign
 * starts sending tomorrow, a new category, a rare interest); the API's warning
 * at the criterion says when a value matches nobody.
 */
function pickerOptions(known: readonly CatalogEntry[], list: CatalogList | undefined): ComboboxOption[] {
  if (!list) return [];
  const unit = COUNTED[list];
  return known.map((entry) => ({
    value: entry.value,
    count: `${count(entry.count)} ${entry.count === 1 ? unit.one : unit.many}`,
  }));
}

function BehaviourEditor({
  criterion,
  set,
  options,
  invalid,
  describedBy,
}: {
  criterion: Criterion;
  set(change: Partial<Criterion>): void;
  options: readonly ComboboxOption[];
  invalid?: boolean;
  describedBy?: string;
}) {
  const id = criterion.id;
  const isEvent = criterion.field === 'behaviour.event';
  return (
    <div className="behaviour">
      <div className="behaviour-line">
        <label htmlFor={`${id}-name`}>{isEvent ? 'Event name' : 'Category'}</label>
        <Combobox
          id={`${id}-name`}
          value={criterion.name}
          onChange={(name) => set({ name })}
          options={options}
          placeholder="any"
          invalid={invalid}
          describedBy={describedBy}
        />
        <label htmlFor={`${id}-days`}>In the last (days)</label>
        <input
          id={`${id}-days`}
          type="number"
          min={0}
          placeholder="all history"
          className="short window"
          value={criterion.days}
          onChange={(event) => set({ days: event.target.value })}
        />
      </div>
      <div className="behaviour-line">
        <label htmlFor={`${id}-count-op`}>How often</label>
        <select
          id={`${id}-count-op`}
          value={criterion.op}
          onChange={(event) => set({ op: event.target.value })}
        >
          {OPERATORS.event!.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
        {criterion.op !== 'never' && (
          <>
            <label htmlFor={`${id}-count`} className="visually-hidden">
              Number of times
            </label>
            <input
              id={`${id}-count`}
              type="number"
              min={0}
              placeholder="any"
              className="short"
              value={criterion.value}
              onChange={(event) => set({ value: event.target.value })}
            />
            <span>time(s)</span>
          </>
        )}
        {!isEvent && (
          <>
            <label htmlFor={`${id}-total-op`}>Total spent</label>
            <select
              id={`${id}-total-op`}
              value={criterion.totalOp}
              onChange={(event) => set({ totalOp: event.target.value })}
            >
              <option value="gt">&gt;</option>
              <option value="gte">≥</option>
              <option value="lt">&lt;</option>
              <option value="lte">≤</option>
            </select>
            <label htmlFor={`${id}-total`} className="visually-hidden">
              Total amount
            </label>
            <input
              id={`${id}-total`}
              type="number"
              step="any"
              placeholder="any"
              className="short"
              value={criterion.total}
              onChange={(event) => set({ total: event.target.value })}
            />
          </>
        )}
      </div>
      <ChoiceList
        legend="Channels (none chosen: any)"
        options={CHANNELS}
        chosen={criterion.list}
        onChange={(list) => set({ list })}
      />
    </div>
  );
}

function ChoiceList({
  legend,
  options,
  chosen,
  onChange,
}: {
  legend: string;
  options: readonly string[];
  chosen: string[];
  onChange(list: string[]): void;
}) {
  return (
    <fieldset className="choices">
      <legend>{legend}</legend>
      {options.map((option) => (
        <label key={option} className="chip">
          <input
            type="checkbox"
            checked={chosen.includes(option)}
            onChange={(event) =>
              onChange(
                event.target.checked ? [...chosen, option] : chosen.filter((value) => value !== option),
              )
            }
          />
          {option.toLowerCase().replace(/_/g, ' ')}
        </label>
      ))}
    </fieldset>
  );
}

function SavePanel({
  saved,
  filter,
  onSaved,
  paths,
}: {
  saved: SavedSegment | null;
  filter: Record<string, unknown>;
  onSaved(segment: SavedSegment): void;
  paths: Map<string, string>;
}) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [conflict, setConflict] = useState<SavedSegment | null>(null);
  const [done, setDone] = useState<string | null>(null);
  useEffect(() => {
    if (saved) {
      setName(saved.name);
      setDescription(saved.description ?? '');
    }
    // Only when another segment is loaded: a save of this one keeps what was typed.
  }, [saved?.id]);

  const run = async (action: () => Promise<SavedSegment>, message: string) => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const segment = await action();
      onSaved(segment);
      forgetSavedChoices();
      setConflict(null);
      setDone(message);
    } catch (caught) {
      setError(caught);
      if (caught instanceof GraphQLRequestError && caught.code === 'CONFLICT' && saved) {
        // Show what the segment is now; the edits stay in the builder, nothing is lost.
        const now = await request(LOAD_SEGMENT, { id: saved.id }).catch(() => null);
        if (now?.segment) setConflict(now.segment);
      }
    } finally {
      setBusy(false);
    }
  };
  const input = { name, description, filter };
  const create = () =>
    run(async () => (await request(CREATE, { input })).createSegment, 'Saved as a new segment.');
  const updateTo = (expectedVersion: number) =>
    run(
      async () => (await request(UPDATE, { id: saved!.id, expectedVersion, input })).updateSegment,
      'Segment updated.',
    );
  const nameError = error instanceof GraphQLRequestError ? error.at('input.name') : [];
  const filterErrors =
    error instanceof GraphQLRequestError
      ? error.errors.filter((e) => e.extensions?.path && criterionAt(paths, e.extensions.path))
      : [];

  return (
    <form className="panel save-panel" aria-label="Save" onSubmit={(event) => event.preventDefault()}>
      <h2>{saved ? `Saved segment, version ${saved.version}` : 'Save as a segment'}</h2>
      <label htmlFor="segment-name">Name</label>
      <input
        id="segment-name"
        type="text"
        value={name}
        aria-invalid={nameError.length ? true : undefined}
        onChange={(event) => setName(event.target.value)}
      />
      <label htmlFor="segment-description">Description</label>
      <textarea
        id="segment-description"
        rows={2}
        value={description}
        onChange={(event) => setDescription(event.target.value)}
      />
      <div className="save-actions">
        {saved && (
          <button type="button" disabled={busy} onClick={() => updateTo(saved.version)}>
            Update “{saved.name}”
          </button>
        )}
        <button type="button" className={saved ? 'secondary' : undefined} disabled={busy} onClick={create}>
          Save as new
        </button>
      </div>
      {busy && <Loading label="Saving…" />}
      {conflict && (
        <div className="conflict" role="alert">
          <p>
            <strong>Someone changed this segment</strong> since you opened it: it is now version{' '}
            {conflict.version}, “{conflict.definition}”. Your edits are still here.
          </p>
          <button type="button" onClick={() => updateTo(conflict.version)}>
            Replace version {conflict.version} with mine
          </button>
        </div>
      )}
      {error !== null && !conflict && (
        <ErrorBanner
          error={error}
          title={filterErrors.length ? 'Not saved: see the criterion marked below' : 'Not saved'}
        />
      )}
      {done && saved && (
        <p className="done" role="status">
          {done} <a href={href('/members', { segment: saved.id })}>Open its members</a> ·{' '}
          <a href={href(`/segments/${saved.id}`)}>Segment page</a>
        </p>
      )}
    </form>
  );
}
