// Drives the official OpenAI TypeScript SDK and prints ONE JSON line on stdout.
//
//   RELAY_BASE_URL=http://127.0.0.1:PORT/v1 RELAY_KEY=... node openai-sdk.mjs <mode>
//
// Modes:
//   chat               chat.completions.create, not streamed; text, finish reason, model, usage
//   chat-stream        chat.completions.stream with include_usage; text, usage, raw chunk count
//   chat-tools-stream  tool loop (get_weather), each turn streamed with include_usage; calls assembled by the SDK's
//                      finalChatCompletion(); per turn: finish reason, tool calls, usage, streamed chunk count
//   chat-tools         the same loop, not streamed
//   chat-reasoning     chat.completions.create({stream:true}); collects delta.reasoning_content and delta.content
//   chat-error-mid     a stream whose body turns into an error: the SDK must throw, with the text seen before it
//   chat-429           chat.completions.create against a rate-limited account: status and error code
//   responses-stream   responses.stream; text, usage, event types and sequence numbers
//   responses-tools    tool loop over Responses, each turn streamed; function calls from finalResponse()
//   responses-reasoning responses.stream with reasoning summary + encrypted content; the reasoning item as received
//
// Optional env: RELAY_MODEL. On failure prints {"ok":false,...} and exits 1, so the caller always has one JSON line.

import OpenAI from 'openai';

const mode = process.argv[2] ?? 'chat-stream';
const baseURL = process.env.RELAY_BASE_URL;
const apiKey = process.env.RELAY_KEY;
const model = process.env.RELAY_MODEL || 'gpt-4o';

function emit(result) {
  process.stdout.write(JSON.stringify(result) + '\n');
}

const chatTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Get the current weather in a given location.',
    parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
  },
};

const responsesTool = { type: 'function', name: 'get_weather', ...chatTool.function, strict: false };

function getWeather(argumentsJson) {
  const location = JSON.parse(argumentsJson)?.location ?? 'unknown';
  return JSON.stringify({ location, forecast: 'sunny', temperature_c: 21 });
}

async function chat(client) {
  const final = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'Say hello' }] });
  return {
    id: final.id,
    text: final.choices[0].message.content,
    finishReason: final.choices[0].finish_reason,
    model: final.model,
    usage: final.usage,
  };
}

async function chatStream(client) {
  const stream = client.chat.completions.stream({
    model,
    messages: [{ role: 'user', content: 'Say hello' }],
    stream_options: { include_usage: true },
  });
  let deltas = '';
  let chunks = 0;
  stream.on('content', (delta) => { deltas += delta; });
  stream.on('chunk', () => { chunks += 1; });
  const final = await stream.finalChatCompletion();
  return {
    text: final.choices[0].message.content,
    streamedText: deltas,
    finishReason: final.choices[0].finish_reason,
    model: final.model,
    usage: final.usage,
    chunks,
  };
}

// One streamed turn: the SDK's own accumulation (finalChatCompletion) plus what the raw chunks showed.
async function streamedTurn(client, params) {
  const stream = client.chat.completions.stream({ ...params, stream_options: { include_usage: true } });
  let chunks = 0;
  stream.on('chunk', () => { chunks += 1; });
  const final = await stream.finalChatCompletion();
  return { final, chunks };
}

async function chatToolLoop(client, streamed) {
  const messages = [{ role: 'user', content: 'What is the weather in San Francisco and in Paris?' }];
  const toolCalls = [];
  const turnDetails = [];
  for (let turn = 1; turn <= 4; turn++) {
    const params = { model, messages, tools: [chatTool] };
    const { final, chunks } = streamed ? await streamedTurn(client, params) : { final: await client.chat.completions.create(params), chunks: null };
    const message = final.choices[0].message;
    const finishReason = final.choices[0].finish_reason;
    turnDetails.push({
      finishReason,
      text: message.content ?? null,
      toolCalls: (message.tool_calls ?? []).map((c) => ({ id: c.id, name: c.function.name, arguments: c.function.arguments })),
      usage: final.usage ?? null,
      chunks,
    });
    if (finishReason !== 'tool_calls') {
      return { text: message.content, turns: turn, toolCalls, turnDetails };
    }
    messages.push(message);
    for (const call of message.tool_calls) {
      toolCalls.push({ id: call.id, name: call.function.name, arguments: JSON.parse(call.function.arguments) });
      messages.push({ role: 'tool', tool_call_id: call.id, content: getWeather(call.function.arguments) });
    }
  }
  throw new Error('the model still asked for tools after 4 turns');
}

const chatToolsStream = (client) => chatToolLoop(client, true);
const chatTools = (client) => chatToolLoop(client, false);

async function chatReasoning(client) {
  const stream = await client.chat.completions.create({
    model,
    messages: [{ role: 'user', content: 'What is 27 * 453?' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  let reasoning = '';
  let text = '';
  let usage = null;
  for await (const chunk of stream) {
    const delta = chunk.choices[0]?.delta ?? {};
    reasoning += delta.reasoning_content ?? '';
    text += delta.content ?? '';
    usage = chunk.usage ?? usage;
  }
  return { reasoning, text, usage };
}

async function chatErrorMid(client) {
  let text = '';
  try {
    const stream = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'Hi' }], stream: true });
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
    }
  } catch (err) {
    return { threw: true, partialText: text, errorName: err?.constructor?.name ?? null, errorType: err?.type ?? err?.error?.type ?? null, message: String(err?.message ?? err) };
  }
  return { threw: false, partialText: text };
}

async function chat429(client) {
  try {
    await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'Hi' }] });
  } catch (err) {
    return { threw: true, status: err?.status ?? null, code: err?.code ?? null, errorName: err?.constructor?.name ?? null, retryAfter: err?.headers?.get?.('retry-after') ?? null };
  }
  return { threw: false };
}

async function responsesStream(client, params) {
  const stream = client.responses.stream(params);
  const events = [];
  stream.on('event', (event) => { events.push({ type: event.type, seq: event.sequence_number }); });
  const final = await stream.finalResponse();
  return { final, events };
}

async function responsesText(client) {
  const { final, events } = await responsesStream(client, { model, input: 'Say hello' });
  return { text: final.output_text, model: final.model, status: final.status, usage: final.usage, events };
}

async function responsesTools(client) {
  const input = [{ role: 'user', content: 'What is the weather in San Francisco and in Paris?' }];
  const toolCalls = [];
  for (let turn = 1; turn <= 4; turn++) {
    const { final } = await responsesStream(client, { model, input, tools: [responsesTool] });
    const calls = final.output.filter((item) => item.type === 'function_call');
    if (calls.length === 0) {
      return { text: final.output_text, turns: turn, toolCalls };
    }
    for (const call of calls) {
      toolCalls.push({ callId: call.call_id, name: call.name, arguments: JSON.parse(call.arguments) });
      input.push(call);
      input.push({ type: 'function_call_output', call_id: call.call_id, output: getWeather(call.arguments) });
    }
  }
  throw new Error('the model still asked for tools after 4 turns');
}

async function responsesReasoning(client) {
  const { final, events } = await responsesStream(client, {
    model,
    input: 'What is 27 * 453?',
    reasoning: { effort: 'medium', summary: 'detailed' },
    include: ['reasoning.encrypted_content'],
  });
  const reasoning = final.output.find((item) => item.type === 'reasoning');
  return { text: final.output_text, reasoning, usage: final.usage, events };
}

const modes = {
  chat,
  'chat-stream': chatStream,
  'chat-tools-stream': chatToolsStream,
  'chat-tools': chatTools,
  'chat-reasoning': chatReasoning,
  'chat-error-mid': chatErrorMid,
  'chat-429': chat429,
  'responses-stream': responsesText,
  'responses-tools': responsesTools,
  'responses-reasoning': responsesReasoning,
};

async function main() {
  if (!baseURL || !apiKey) {
    emit({ ok: false, mode, error: 'RELAY_BASE_URL and RELAY_KEY must be set' });
    process.exitCode = 2;
    return;
  }
  const run = modes[mode];
  if (!run) {
    emit({ ok: false, mode, error: `unknown mode '${mode}' (${Object.keys(modes).join(' | ')})` });
    process.exitCode = 2;
    return;
  }
  // No retries: the test must see exactly what the server answered, once.
  const client = new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 45_000 });
  try {
    emit({ ok: true, mode, ...(await run(client)) });
  } catch (err) {
    emit({ ok: false, mode, error: String(err?.message ?? err), status: err?.status ?? null, errorType: err?.type ?? err?.name ?? null });
    process.exitCode = 1;
  }
}

await main();
