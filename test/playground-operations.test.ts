import { definedOperationNames, operationToSend } from '../src/server/playground-operations';

/** The playground's choice of operation (it runs in the browser too; test/playground.test.ts drives it there). */

test('the operations a document defines, with comments, strings and fragments ignored', () => {
  const document = `# query NotThis in a comment
query First($f: SegmentFilter!) { evaluateSegment(filter: $f) { size } }
mutation Second { refreshMetrics { customers } }
{ segments(search: "query Quoted") { totalCount } }
fragment Node on ExplanationNode { kind }
subscription\tThird { x }`;
  expect(definedOperationNames(document)).toEqual(['First', 'Second', 'Third']);
  expect(definedOperationNames('{ customers { totalCount } }')).toEqual([]);
  expect(definedOperationNames('query{a}')).toEqual([]);
});

test('a name the document defines is sent; a stale one becomes the only operation, or none when there are several', () => {
  const two = 'query SegmentSize { a } query SegmentFirstMembers { b }';
  expect(operationToSend(two, 'SegmentFirstMembers')).toBe('SegmentFirstMembers');
  expect(operationToSend(two, 'SegmentSize')).toBe('SegmentSize');
  expect(operationToSend(two, 'FromAnotherTab')).toBeUndefined();
  expect(operationToSend('query Only { a }', 'FromAnotherTab')).toBe('Only');
  expect(operationToSend('query Only { a }', undefined)).toBe('Only');
});
