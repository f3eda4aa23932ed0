// A tiny logging Anthropic stand-in, for finding out what a client sends (not used by the tests).
//
//   PROBE_PORT=4000 PROBE_LOG=/tmp/probe.jsonl node probe-server.mjs
//   HOME=$(mktemp -d) ANTHROPIC_BASE_URL=http://127.0.0.1:4000 ANTHROPIC_API_KEY=cr_x \
//     CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 node_modules/.bin/claude -p "Say hello"
//
// Logs one JSON line per request (method, url, headers, body size, a summary of the body) and answers
// /v1/messages (streamed or not) with "Hello from probe", /v1/messages/count_tokens with 42, anything else 404.

import http from 'node:http';
import fs from 'node:fs';

const logPath = process.env.PROBE_LOG || 'probe.jsonl';
let n = 0;

function summarize(json) {
  if (!json || typeof json !== 'object') return null;
  return {
    keys: Object.keys(json),
    model: json.model,
    stream: json.stream,
    max_tokens: json.max_tokens,
    tools: json.tools?.map((t) => t.name),
    messages: json.messages?.map((m) => m.role),
    metadata: json.metadata,
    thinking: json.thinking,
  };
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    let json = null;
    try { json = JSON.parse(body.toString('utf8')); } catch { /* not JSON */ }
    const entry = { i: ++n, method: req.method, url: req.url, headers: req.headers, size: body.length, body: summarize(json) };
    fs.appendFileSync(logPath, JSON.stringify(entry) + '\n');

    const path = (req.url ?? '').split('?')[0];
    if (path === '/v1/messages/count_tokens') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"input_tokens":42}');
      return;
    }
    if (path !== '/v1/messages') {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"type":"error","error":{"type":"not_found_error","message":"not found"}}');
      return;
    }

    const text = 'Hello from probe';
    const model = json?.model ?? 'claude-sonnet-5';
    const id = `msg_probe${entry.i}`;
    if (!json?.stream) {
      res.writeHead(200, { 'content-type': 'application/json', 'request-id': `req_probe${entry.i}` });
      res.end(JSON.stringify({ id, type: 'message', role: 'assistant', model, content: [{ type: 'text', text }],
        stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 10, output_tokens: 5 } }));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': `req_probe${entry.i}` });
    const event = (type, data) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
    event('message_start', { message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null,
      stop_sequence: null, usage: { input_tokens: 10, output_tokens: 1 } } });
    event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
    event('content_block_delta', { index: 0, delta: { type: 'text_delta', text } });
    event('content_block_stop', { index: 0 });
    event('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 5 } });
    event('message_stop', {});
    res.end();
  });
});

server.listen(Number(process.env.PROBE_PORT || 0), '127.0.0.1', () => {
  console.log(`probe listening on http://127.0.0.1:${server.address().port}, logging to ${logPath}`);
});
