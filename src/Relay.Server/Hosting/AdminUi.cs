using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace Relay.Server.Hosting;

/// <summary>
/// Serves the admin web UI (built from <c>web/</c> into <c>admin-ui/</c> next to the binary): the operator console at
/// <c>/admin</c> (every deep link answers with its index.html; the browser router takes over) and the key-holder page at
/// <c>/me</c>. Hashed files under <c>/admin/assets/</c> are cached for a year; the HTML pages are revalidated on every
/// load. Every answer carries a strict Content-Security-Policy. Only these paths (and <c>/</c>, which redirects to the
/// console) are claimed, so the inference routes, <c>/api/…</c> and the Control API are untouched.
/// </summary>
internal static class AdminUi
{
    /// <summary>Folder under the application base directory holding the built UI.</summary>
    public const string DirectoryName = "admin-ui";

    private const string IndexFile = "index.html";
    private const string MeFile = "me.html";
    private const string AssetsPrefix = "assets/";

    /// <summary>No inline script or style, nothing from elsewhere, no framing.</summary>
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private static readonly string[] ReadMethods = [HttpMethods.Get, HttpMethods.Head];

    public static IEndpointRouteBuilder MapAdminUi(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapAdminUi(Path.Combine(AppContext.BaseDirectory, DirectoryName));

    /// <param name="root">The built UI; when it does not exist the UI routes answer 404 with a hint.</param>
    public static IEndpointRouteBuilder MapAdminUi(this IEndpointRouteBuilder endpoints, string root)
    {
        var files = new AdminUiFiles(root);

        endpoints.MapGet("/", () => Results.Redirect("/admin/")).ExcludeFromDescription();
        endpoints.MapMethods("/admin/{**path}", ReadMethods, (HttpContext context, string? path) => files.Serve(context, path))
            .ExcludeFromDescription();
        endpoints.MapMethods("/me", ReadMethods, (HttpContext context) => files.Serve(context, MeFile, document: true))
            .ExcludeFromDescription();
        return endpoints;
    }

    private sealed class AdminUiFiles(string root)
    {
        private readonly FileExtensionContentTypeProvider contentTypes = new();
        private PhysicalFileProvider? provider;

        private PhysicalFileProvider? Provider
        {
            get
            {
                // Created on first use so a UI built after the server started (development) is still found.
                if (provider is null && Directory.Exists(root))
                {
                    provider = new PhysicalFileProvider(Path.GetFullPath(root));
                }

                return provider;
            }
        }

        public IResult Serve(HttpContext context, string? path)
        {
            path = (path ?? string.Empty).TrimStart('/');
            if (path.Length == 0 || path.Equals(IndexFile, StringComparison.OrdinalIgnoreCase))
            {
                return Serve(context, IndexFile, document: true);
            }

            if (path.StartsWith(AssetsPrefix, StringComparison.Ordinal))
            {
                return Serve(context, path, document: false);
            }

            // A file shipped at the root of the build (favicon.svg) or else a route of the single-page app.
            var file = Provider?.GetFileInfo(path);
            return file is { Exists: true, IsDirectory: false }
                ? Serve(context, path, document: path.EndsWith(".html", StringComparison.OrdinalIgnoreCase), revalidate: true)
                : Serve(context, IndexFile, document: true);
        }

        public IResult Serve(HttpContext context, string path, bool document, bool revalidate = false)
        {
            var headers = context.Response.Headers;
            headers[HeaderNames.ContentSecurityPolicy] = ContentSecurityPolicy;
            headers[HeaderNames.XContentTypeOptions] = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers[HeaderNames.XFrameOptions] = "DENY";

            var provider = Provider;
            if (provider is null)
            {
                headers[HeaderNames.CacheControl] = "no-store";
                return Results.Text(
                    "The admin UI is not built. Build the server with npm available (see web/README.md).",
                    "text/plain; charset=utf-8",
                    statusCode: StatusCodes.Status404NotFound);
            }

            var file = provider.GetFileInfo(path);
            if (!file.Exists || file.IsDirectory || file.PhysicalPath is null)
            {
                headers[HeaderNames.CacheControl] = "no-store";
                return Results.NotFound();
            }

            // Hashed asset names change with their content, so they never need revalidating; pages always do.
            headers[HeaderNames.CacheControl] = document || revalidate ? "no-cache" : "public, max-age=31536000, immutable";
            if (!contentTypes.TryGetContentType(file.Name, out var contentType))
            {
                contentType = "application/octet-stream";
            }

            if (document)
            {
                contentType = "text/html; charset=utf-8";
            }

            var lastModified = file.LastModified;
            var etag = new EntityTagHeaderValue($"\"{file.Length:x}-{lastModified.UtcTicks:x}\"");
            return Results.File(file.PhysicalPath, contentType, lastModified: lastModified, entityTag: etag);
        }
    }
}
