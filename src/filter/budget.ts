import { compileFilter, compilePersonaAssignment, compileScore, type CompileContext } from './compile';
import { POSTGRESQL_DIALECT, SQLITE_DIALECT } from './dialect';
import type { Sql } from './sql';
import { compileContext } from './context';
import { withAgesAt } from '../common/age-access';
import { FilterError, type PreparedFilter } from './prepared';

/**
 * Bound values one compiled filter, score or persona assignment may carry.
 * A statement holds at most three of them (a filter, a score to order by and
 * the persona assignment), so 3 × 10,000 stays under SQLite's 32,766
 * (SQLITE_MAX_VARIABLE_NUMBER of the bundled build) and PostgreSQL's 65,535.
 * Long lists cost one value each, so only filters that multiply criteria
 * (hundreds of attribute filters, saved segments inlined many times) reach it.
 */
export const STATEMENT_BUDGET = { parameters: 10_000 } as const;

/** The instant does not change the shape of the SQL, only its values: any fixed one measures it. */
const MEASURED_AT = new Date(0);

function parameters(compile: (context: CompileContext) => Sql, prepared: PreparedFilter): number {
  return Math.max(
    ...[SQLITE_DIALECT, POSTGRESQL_DIALECT].map(
      // Measuring, not answering: no age is learnt, whoever asks.
      (dialect) =>
        withAgesAt(null, () => compile(compileContext(dialect, prepared, MEASURED_AT)).bindings.length),
    ),
  );
}

function check(count: number, what: string, path: string): void {
  if (count > STATEMENT_BUDGET.parameters) {
    throw new FilterError(
      `${what} needs ${count} bound values once its lists and the segments, scoring models and personas it uses are expanded; at most ${STATEMENT_BUDGET.parameters} fit in one statement`,
      path,
    );
  }
}

/** Refuses, before any statement is sent, a prepared filter whose SQL would not fit in one statement. */
export function checkFilterBudget(prepared: PreparedFilter, path: string): void {
  check(
    parameters((context) => compileFilter(prepared.filter, context), prepared),
    'this filter',
    path,
  );
}

export function checkScoreBudget(prepared: PreparedFilter, modelId: string, path: string): void {
  check(
    parameters((context) => compileScore(modelId, context), prepared),
    'this scoring model',
    path,
  );
}

export function checkAssignmentBudget(prepared: PreparedFilter, path: string): void {
  check(
    parameters((context) => compilePersonaAssignment(context), prepared),
    'the persona assignment',
    path,
  );
}
