// A deliberately fast fake Anthropic upstream for the benchmark: it answers /v1/messages with a
// fixed JSON body or a fixed SSE transcript, without parsing the request beyond draining it and
// checking whether it asked for a stream. Every target in the benchmark (direct, nginx, Relay)
// talks to this same process, so the differences in the table are the proxies' own cost.
using System.Buffers;
using System.Text;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 64 * 1024 * 1024);
var app = builder.Build();

var json = Encoding.UTF8.GetBytes(
    """{"id":"msg_bench","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[{"type":"text","text":"Hello from the benchmark upstream."}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":12,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":8}}""");

var sse = Encoding.UTF8.GetBytes(string.Concat(
    "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_bench\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":12,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":1}}}\n\n",
    "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
    "event: ping\ndata: {\"type\": \"ping\"}\n\n",
    "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello from \"}}\n\n",
    "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"the benchmark upstream.\"}}\n\n",
    "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
    "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":8}}\n\n",
    "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"));

var streamMarker = "\"stream\":true"u8.ToArray();

app.MapPost("/v1/messages", async (HttpContext context) =>
{
    // Drain the body. The benchmark's bodies put "stream" right after "model", so the first bytes decide.
    var reader = context.Request.BodyReader;
    var stream = false;
    var inspected = false;
    while (true)
    {
        var result = await reader.ReadAsync();
        if (!inspected && (result.Buffer.Length >= 128 || result.IsCompleted))
        {
            var head = result.Buffer.Slice(0, Math.Min(128, result.Buffer.Length)).ToArray();
            stream = head.AsSpan().IndexOf(streamMarker) >= 0;
            inspected = true;
        }

        reader.AdvanceTo(inspected ? result.Buffer.End : result.Buffer.Start, result.Buffer.End);
        if (result.IsCompleted)
        {
            break;
        }
    }

    context.Response.Headers["request-id"] = "req_bench";
    if (stream)
    {
        context.Response.ContentType = "text/event-stream; charset=utf-8";
        await context.Response.Body.WriteAsync(sse);
    }
    else
    {
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = json.Length;
        await context.Response.Body.WriteAsync(json);
    }
});

app.Run();
