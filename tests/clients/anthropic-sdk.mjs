// Drives the official Anthropic TypeScript SDK against Relay and prints ONE JSON line on stdout.
//
//   RELAY_BASE_URL=http://127.0.0.1:PORT RELAY_KEY=cr_... node anthropic-sdk.mjs <mode>
//
// Modes:
//   message       messages.create, not streamed
//   stream        messages.stream; final text and usage from the accumulated final message
//   tools         multi-turn tool loop (get_weather), not streamed
//   tools-stream  the same loop, each turn streamed
//
// Optional env: RELAY_MODEL (model name), RELAY_PROMPT (first user message), RELAY_MAX_TURNS (tool loop bound).
// On failure prints {"ok":false,...} and exits 1, so the caller always has one JSON line to read.

import Anthropic from '@anthropic-ai/sdk';

const mode = process.argv[2] ?? 'message';
const baseURL = process.env.RELAY_BASE_URL;
const apiKey = process.env.RELAY_KEY;
const model = process.env.RELAY_MODEL || 'claude-sonnet-5';
const maxTurns = Number(process.env.RELAY_MAX_TURNS || 4);

const defaultPrompts = {
  message: 'Say hello',
  stream: 'Say hello',
  tools: 'What is the weather in San Francisco and in Paris?',
  'tools-stream': 'What is the weather in San Francisco and in Paris?',
};

function emit(result) {
  process.stdout.write(JSON.stringify(result) + '\n');
}

function textOf(message) {
  return message.content.filter((b) => b.type === 'text').map((b) => b.text).join('');
}

function summary(message) {
  return {
    id: message.id,
    model: message.model,
    stop_reason: message.stop_reason,
    text: textOf(message),
    usage: message.usage,
  };
}

// The tool the model may call: deterministic, so the test can find its result in the next upstream request.
const weatherTool = {
  name: 'get_weather',
  description: 'Get the current weather in a given location.',
  input_schema: {
    type: 'object',
    properties: { location: { type: 'string', description: 'The city and state, e.g. San Francisco, CA' } },
    required: ['location'],
  },
};

function getWeather(input) {
  const location = typeof input?.location === 'string' ? input.location : 'unknown';
  return JSON.stringify({ location, forecast: 'sunny', temperature_c: 21 });
}

async function createTurn(client, params, streamed) {
  if (!streamed) {
    return client.messages.create(params);
  }
  return client.messages.stream(params).finalMessage();
}

async function run(client) {
  const prompt = process.env.RELAY_PROMPT || defaultPrompts[mode];
  if (prompt === undefined) {
    throw new Error(`unknown mode '${mode}' (message | stream | tools | tools-stream)`);
  }

  if (mode === 'message') {
    const message = await client.messages.create({
      model,
      max_tokens: 256,
      messages: [{ role: 'user', content: prompt }],
    });
    return { ok: true, mode, ...summary(message) };
  }

  if (mode === 'stream') {
    const stream = client.messages.stream({
      model,
      max_tokens: 256,
      messages: [{ role: 'user', content: prompt }],
    });
    let deltas = '';
    let events = 0;
    stream.on('text', (delta) => { deltas += delta; });
    stream.on('streamEvent', () => { events += 1; });
    const message = await stream.finalMessage();
    return { ok: true, mode, ...summary(message), streamedText: deltas, events };
  }

  // tools / tools-stream: loop until the model stops asking for tools.
  const streamed = mode === 'tools-stream';
  const messages = [{ role: 'user', content: prompt }];
  const toolCalls = [];
  const turns = [];
  const usage = { input_tokens: 0, output_tokens: 0 };
  for (let turn = 1; turn <= maxTurns; turn++) {
    const message = await createTurn(client, { model, max_tokens: 512, tools: [weatherTool], messages }, streamed);
    turns.push(summary(message));
    usage.input_tokens += message.usage?.input_tokens ?? 0;
    usage.output_tokens += message.usage?.output_tokens ?? 0;

    const uses = message.content.filter((b) => b.type === 'tool_use');
    if (message.stop_reason !== 'tool_use' || uses.length === 0) {
      return { ok: true, mode, ...summary(message), turns: turns.length, toolCalls, usage, turnDetails: turns };
    }

    messages.push({ role: 'assistant', content: message.content });
    const results = uses.map((use) => {
      if (use.name !== weatherTool.name) {
        toolCalls.push({ id: use.id, name: use.name, input: use.input, error: 'unknown tool' });
        return { type: 'tool_result', tool_use_id: use.id, content: `unknown tool ${use.name}`, is_error: true };
      }
      const output = getWeather(use.input);
      toolCalls.push({ id: use.id, name: use.name, input: use.input, output });
      return { type: 'tool_result', tool_use_id: use.id, content: output };
    });
    // All results of one assistant turn go back in ONE user message.
    messages.push({ role: 'user', content: results });
  }
  throw new Error(`the model still asked for tools after ${maxTurns} turns`);
}

async function main() {
  if (!baseURL || !apiKey) {
    emit({ ok: false, mode, error: 'RELAY_BASE_URL and RELAY_KEY must be set' });
    process.exitCode = 2;
    return;
  }
  // No retries: the test must see exactly what Relay answered, once.
  const client = new Anthropic({ baseURL, apiKey, maxRetries: 0, timeout: 45_000 });
  try {
    emit(await run(client));
  } catch (err) {
    emit({
      ok: false,
      mode,
      error: String(err?.message ?? err),
      status: err?.status ?? null,
      errorType: err?.error?.error?.type ?? err?.name ?? null,
    });
    process.exitCode = 1;
  }
}

await main();
