import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import express, { type Router } from 'express';
import { EXAMPLES_DIR } from '../common/paths';
import { definedOperationNames, operationToSend } from './playground-operations';

interface Tab {
  query: string;
  variables?: string;
}

/**
 * The examples, one tab each. An example file may carry its variables in a
 * leading comment block `# variables: { ... }`.
 */
export function loadExampleTabs(folder = EXAMPLES_DIR): Tab[] {
  let files: string[];
  try {
    files = readdirSync(folder)
      .filter((file) => file.endsWith('.graphql'))
      .sort();
  } catch {
    return [];
  }
  return files.map((file) => {
    const text = readFileSync(join(folder, file), 'utf8');
    const variables = /^# variables: (.*)$/m.exec(text)?.[1];
    return variables
      ? { query: text, variables: JSON.stringify(JSON.parse(variables), null, 2) }
      : { query: text };
  });
}

function packageDir(name: string): string {
  return dirname(require.resolve(`${name}/package.json`));
}

/** Embeds JSON in a <script> element without letting its text close the element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

function page(tabs: Tab[], endpoint: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Segments API playground</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="assets/graphiql.min.css">
<style>html, body, #playground { height: 100%; margin: 0; }</style>
</head>
<body>
<div id="playground">Loading the playground…</div>
<script id="examples" type="application/json">${scriptJson(tabs)}</script>
<script src="assets/react.production.min.js"></script>
<script src="assets/react-dom.production.min.js"></script>
<script src="assets/graphiql.min.js"></script>
<script>
  const tabs = JSON.parse(document.getElementById('examples').textContent);
  const send = GraphiQL.createFetcher({ url: ${scriptJson(endpoint)} });
  ${definedOperationNames.toString()}
  ${operationToSend.toString()}
  const fetcher = (params, options) => send({ ...params, operationName: operationToSend(params.query || '', params.operationName) }, options);
  ReactDOM.createRoot(document.getElementById('playground')).render(
    React.createElement(GraphiQL, {
      fetcher,
      defaultTabs: tabs.length ? tabs : undefined,
      // The variable editor starts from this prop; without it the first tab's variables would be blank.
      variables: tabs.length ? tabs[0].variables : undefined,
      defaultEditorToolbarTabs: 'variables',
    })
  );
</script>
</body>
</html>
`;
}

/**
 * GraphiQL, served entirely by this service from npm packages (no CDN), so it
 * works with no internet. Mounted at /playground.
 */
export function playgroundRouter(endpoint = '/graphql'): Router {
  const router = express.Router();
  const assets: Record<string, string> = {
    'graphiql.min.css': join(packageDir('graphiql'), 'graphiql.min.css'),
    'graphiql.min.js': join(packageDir('graphiql'), 'graphiql.min.js'),
    'react.production.min.js': join(packageDir('react'), 'umd', 'react.production.min.js'),
    'react-dom.production.min.js': join(packageDir('react-dom'), 'umd', 'react-dom.production.min.js'),
  };
  router.get('/assets/:file', (req, res) => {
    const file = assets[req.params.file];
    if (!file) {
      res.status(404).type('text/plain').send('not found');
      return;
    }
    res.sendFile(file, { maxAge: '1h' });
  });
  router.get('/', (req, res) => {
    if (!req.originalUrl.split('?')[0].endsWith('/')) {
      // Relative asset URLs need the trailing slash.
      res.redirect(301, `${req.baseUrl}/`);
      return;
    }
    res.type('html').send(page(loadExampleTabs(), endpoint));
  });
  return router;
}
