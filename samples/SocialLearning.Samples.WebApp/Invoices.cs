using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Claims;

namespace SocialLearning.Samples.WebApp;

internal sealed record Customer(string Id, string Name, string VatNumber, string Email, string Terms);

internal sealed record Invoice(string Number, string CustomerId, DateOnly Date, decimal Net, decimal VatRate, string Terms)
{
    public decimal Total => Math.Round(Net * (1 + VatRate), 2);
}

/// <summary>The host app's own (made-up) data: customers and invoices per tenant, in memory.</summary>
internal sealed class InvoiceBook
{
    private readonly ConcurrentDictionary<string, List<Invoice>> _invoices = new(StringComparer.Ordinal);

    public static IReadOnlyList<Customer> Customers(string tenant) => tenant == "globex"
        ? [new("g-1", "Hafenkontor Nord", "DE811907980", "billing@hafenkontor.example", "Net 14"), new("g-2", "Bergmann Werkzeuge", "DE129273398", "ap@bergmann.example", "Net 30")]
        : [new("c-1", "Northwind Bakery", "GB123456789", "accounts@northwind.example", "Net 30"), new("c-2", "Blue Harbour Studio", "IE6388047V", "hello@blueharbour.example", "Net 14"), new("c-3", "Kettle & Co", "GB987654321", "finance@kettle.example", "Due on receipt")];

    public IReadOnlyList<Invoice> List(string tenant)
    {
        var list = _invoices.GetOrAdd(tenant, t => t == "globex"
            ? [new("G-2031", "g-1", new DateOnly(2026, 10, 2), 4_200m, 0.19m, "Net 14")]
            : [new("INV-1041", "c-1", new DateOnly(2026, 10, 6), 1_250m, 0.20m, "Net 30"), new("INV-1042", "c-2", new DateOnly(2026, 10, 19), 640m, 0.23m, "Net 14")]);
        lock (list)
        {
            return list.ToList();
        }
    }

    public Invoice Add(string tenant, string customerId, decimal net, decimal vatRate, string terms)
    {
        var list = _invoices.GetOrAdd(tenant, _ => []);
        lock (list)
        {
            var invoice = new Invoice($"INV-{1043 + list.Count}", customerId, DateOnly.FromDateTime(DateTime.UtcNow), net, vatRate, terms);
            list.Add(invoice);
            return invoice;
        }
    }
}

internal static class InvoicePages
{
    public static void MapInvoicePages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => Results.LocalRedirect("/invoices/new"));

        app.MapGet("/invoices", (HttpContext http, InvoiceBook book) =>
        {
            var user = Current(http);
            var customers = InvoiceBook.Customers(user.Tenant).ToDictionary(c => c.Id);
            var rows = string.Concat(book.List(user.Tenant).Select(i =>
                $"<tr><td>{Layout.E(i.Number)}</td><td>{Layout.E(customers.GetValueOrDefault(i.CustomerId)?.Name ?? i.CustomerId)}</td><td>{i.Date:yyyy-MM-dd}</td><td class=\"num\">{i.Total.ToString("N2", CultureInfo.InvariantCulture)}</td><td>{Layout.E(i.Terms)}</td></tr>"));
            var body = $"""
                <h1>Invoices</h1>
                <p><a class="button" href="/invoices/new">New invoice</a></p>
                <table>
                  <caption>Invoices of {Layout.E(user.TenantName)}</caption>
                  <thead><tr><th scope="col">Number</th><th scope="col">Customer</th><th scope="col">Date</th><th scope="col">Total</th><th scope="col">Terms</th></tr></thead>
                  <tbody>{rows}</tbody>
                </table>
                """;
            return Page(Layout.Page("Invoices", "/invoices", user, body, "route:/invoices", "invoicing,excel-export"));
        }).RequireAuthorization();

        app.MapGet("/invoices/new", (HttpContext http) =>
        {
            var user = Current(http);
            var options = string.Concat(InvoiceBook.Customers(user.Tenant).Select(c => $"<option value=\"{Layout.E(c.Id)}\">{Layout.E(c.Name)}</option>"));
            var body = $"""
                <h1>New invoice</h1>
                <form method="post" action="/invoices" class="invoice-form">
                  <label for="customer">Customer</label>
                  <select id="customer" name="customer" required>{options}</select>
                  <label for="net">Net amount</label>
                  <input id="net" name="net" type="number" min="0.01" step="0.01" required value="100.00">
                  <label for="vat">VAT rate</label>
                  <select id="vat" name="vat"><option value="0.20">20 % (standard)</option><option value="0.05">5 % (reduced)</option><option value="0">0 % (reverse charge)</option></select>
                  <label for="terms">Payment terms</label>
                  <select id="terms" name="terms"><option>Net 30</option><option>Net 14</option><option>Due on receipt</option></select>
                  <button type="submit">Create invoice</button>
                </form>
                """;
            return Page(Layout.Page("New invoice", "/invoices/new", user, body, "route:/invoices/new", "invoicing,vat,payment-terms"));
        }).RequireAuthorization();

        app.MapPost("/invoices", async (HttpContext http, InvoiceBook book) =>
        {
            // The demo cookie is SameSite=Strict, so a cross-site form cannot post here with it.
            var user = Current(http);
            var form = await http.Request.ReadFormAsync();
            var customer = InvoiceBook.Customers(user.Tenant).FirstOrDefault(c => c.Id == form["customer"].ToString());
            if (customer is null
                || !decimal.TryParse(form["net"], NumberStyles.Number, CultureInfo.InvariantCulture, out var net) || net <= 0
                || !decimal.TryParse(form["vat"], NumberStyles.Number, CultureInfo.InvariantCulture, out var vat) || vat is < 0 or > 1)
            {
                return Results.Problem(statusCode: 400, title: "Check the invoice fields.");
            }

            book.Add(user.Tenant, customer.Id, net, vat, form["terms"].ToString() is { Length: > 0 and <= 40 } terms ? terms : customer.Terms);
            return Results.LocalRedirect("/invoices");
        }).RequireAuthorization();

        app.MapGet("/customers", (HttpContext http) =>
        {
            var user = Current(http);
            var rows = string.Concat(InvoiceBook.Customers(user.Tenant).Select(c =>
                $"<tr><td>{Layout.E(c.Name)}</td><td>{Layout.E(c.VatNumber)}</td><td>{Layout.E(c.Email)}</td><td>{Layout.E(c.Terms)}</td></tr>"));
            var body = $"""
                <h1>Customers</h1>
                <table>
                  <caption>Customers of {Layout.E(user.TenantName)}</caption>
                  <thead><tr><th scope="col">Name</th><th scope="col">VAT number</th><th scope="col">Invoice email</th><th scope="col">Terms</th></tr></thead>
                  <tbody>{rows}</tbody>
                </table>
                """;
            return Page(Layout.Page("Customers", "/customers", user, body, "route:/customers", "customer-records,vat"));
        }).RequireAuthorization();
    }

    internal static IResult Page(string html) => Results.Content(html, "text/html; charset=utf-8");

    internal static DemoUser Current(HttpContext http) =>
        DemoUsers.Find(http.User.FindFirstValue(ClaimTypes.NameIdentifier)) ?? DemoUsers.All[0];
}
