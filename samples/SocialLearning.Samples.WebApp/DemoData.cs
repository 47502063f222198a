namespace SocialLearning.Samples.WebApp;

/// <summary>
/// A small, original demo data set (written for this sample): two tenants, a few people, a skill graph,
/// tips tied to the invoice screens, votes and proficiency evidence. Seeded once; a second run finds it and stops.
/// </summary>
internal static class DemoData
{
    private static readonly TenantId Acme = new("acme");
    private static readonly TenantId Globex = new("globex");

    public static async Task SeedAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        var store = services.GetRequiredService<ISocialLearningStore>();
        if (await store.GetContributionAsync(Acme, new ContributionId("demo-vat-from-customer"), cancellationToken) is not null)
        {
            return;
        }

        var learners = services.GetRequiredService<ILearnerService>();
        var skills = services.GetRequiredService<ISkillService>();
        var contributions = services.GetRequiredService<IContributionService>();

        foreach (var user in DemoUsers.All)
        {
            await learners.UpsertAsync(new TenantId(user.Tenant), new LearnerId(user.Id), user.Name, user.Team, user.Roles, cancellationToken);
        }

        // The skill graph in one call: checked as a whole (a prerequisite cycle would be refused before any write), and
        // safe to run again (what is stored as defined is not written). A taxonomy such as ESCO is seeded the same way.
        SkillDefinition Skill(string id, string name, string alias, string description) =>
            new() { Id = new SkillId(id), Name = name, Aliases = alias.Split(", "), Description = description };
        SkillEdgeDefinition Edge(string from, string to, SkillEdgeKind kind, double weight = 1) =>
            new() { From = new SkillId(from), To = new SkillId(to), Kind = kind, Weight = weight };
        SkillDefinition[] skillGraph =
        [
            Skill("invoicing", "Invoicing", "billing", "Creating, sending and correcting invoices."),
            Skill("vat", "VAT", "sales tax, tax rates", "Choosing and checking VAT rates and numbers."),
            Skill("payment-terms", "Payment terms", "due dates", "Agreeing and applying payment terms."),
            Skill("credit-notes", "Credit notes", "refunds", "Correcting invoices that were already sent."),
            Skill("customer-records", "Customer records", "master data", "Keeping customer details right."),
            Skill("excel-export", "Exporting to spreadsheets", "csv", "Getting invoice data out for analysis."),
        ];
        SkillEdgeDefinition[] edges =
        [
            Edge("invoicing", "credit-notes", SkillEdgeKind.Prerequisite),
            Edge("customer-records", "invoicing", SkillEdgeKind.Prerequisite),
            Edge("vat", "invoicing", SkillEdgeKind.Related, 0.8),
            Edge("payment-terms", "invoicing", SkillEdgeKind.Related, 0.6),
        ];
        foreach (var tenant in new[] { Acme, Globex })
        {
            await skills.ImportAsync(tenant, skillGraph, edges, cancellationToken);
        }

        var tips = new (string Id, string Author, string Title, string Body, string[] Skills, string[] Contexts, ContributionKind Kind)[]
        {
            ("demo-vat-from-customer", "bob", "Pick the customer first: the VAT rate follows",
                "Choose the **customer** before anything else. Their country and VAT number decide the rate, so picking them first saves correcting the rate later.",
                ["invoicing", "vat"], ["route:/invoices/new"], ContributionKind.Tip),
            ("demo-reverse-charge", "bob", "Business customers in another EU country: use 0 % and say why",
                "For a business customer with a valid VAT number in another EU country:\n\n1. Set the VAT rate to **0 % (reverse charge)**.\n2. Put the customer's VAT number on the invoice.\n3. Add the line *\"Reverse charge: customer to account for VAT\"*.\n\nIf the number does not check out, charge the normal rate.",
                ["vat"], ["route:/invoices/new"], ContributionKind.HowTo),
            ("demo-net-30", "carol", "New customers start on Net 30",
                "Unless finance agreed something else, new customers get **Net 30**. Shorter terms need a note from Carol's team so that collections know.",
                ["payment-terms"], ["route:/invoices/new", "route:/customers"], ContributionKind.Tip),
            ("demo-copy-last-month", "dan", "Repeat invoices: start from last month's",
                "For a monthly retainer, open last month's invoice from the list and copy its lines instead of typing them again. Then change only the period and the date.",
                ["invoicing"], ["route:/invoices", "route:/invoices/new"], ContributionKind.Tip),
            ("demo-credit-note", "bob", "Never edit an invoice that was sent",
                "Once an invoice has gone to the customer, correct it with a **credit note** and a new invoice. Editing the sent one breaks the audit trail.",
                ["credit-notes", "invoicing"], ["route:/invoices"], ContributionKind.Tip),
            ("demo-export-filter", "carol", "Export what you filtered",
                "The spreadsheet export takes the list as you see it. Filter by month first, then export, and the file matches your month-end report.",
                ["excel-export"], ["route:/invoices", "feature:export"], ContributionKind.Tip),
            ("demo-check-vat-number", "bob", "Check a new customer's VAT number before the first invoice",
                "Look the number up in the official VAT number checker before you send the first invoice. A wrong number is the most common reason an invoice comes back.",
                ["vat", "customer-records"], ["route:/customers"], ContributionKind.Tip),
            ("demo-one-invoice-email", "dan", "One invoice email per customer",
                "Keep a single invoice address per customer (a shared mailbox is best). Invoices sent to a person who has left are the slowest to get paid.",
                ["customer-records"], ["route:/customers"], ContributionKind.Tip),
            ("demo-split-cost-centres", "dan", "How do I split one invoice across two cost centres?",
                "A customer asked for one invoice with half the amount on each of their cost centres. Is that two lines, or two invoices?",
                ["invoicing"], ["route:/invoices/new"], ContributionKind.Question),
        };

        foreach (var tip in tips)
        {
            await contributions.ShareAsync(
                new ShareContributionRequest
                {
                    Tenant = Acme,
                    Id = new ContributionId(tip.Id),
                    Author = new LearnerId(tip.Author),
                    Kind = tip.Kind,
                    Title = tip.Title,
                    Body = tip.Body,
                    Skills = tip.Skills,
                    ContextKeys = tip.Contexts,
                    IdempotencyKey = "seed:" + tip.Id,
                },
                cancellationToken);
        }

        await contributions.ShareAsync(
            new ShareContributionRequest
            {
                Tenant = Globex,
                Id = new ContributionId("demo-globex-approval"),
                Author = new LearnerId("max"),
                Title = "Invoices over 10,000 need a second approver",
                Body = "At Globex an invoice above **10,000** goes to a second approver before it is sent.",
                Skills = ["invoicing"],
                ContextKeys = ["route:/invoices/new"],
                IdempotencyKey = "seed:demo-globex-approval",
            },
            cancellationToken);

        // Something for the review queue (/moderation, as Carol): a tip its author sent for review, and one flag.
        await contributions.ShareAsync(
            new ShareContributionRequest
            {
                Tenant = Acme,
                Id = new ContributionId("demo-discount-codes"),
                Author = new LearnerId("dan"),
                Title = "Discount codes go on their own line",
                Body = "Put a discount on its own negative line instead of lowering the unit price, so the customer sees what they saved.",
                Skills = ["invoicing"],
                ContextKeys = ["route:/invoices/new"],
                Status = ContributionStatus.PendingReview,
                IdempotencyKey = "seed:demo-discount-codes",
            },
            cancellationToken);
        await contributions.FlagAsync(Acme, new LearnerId("alice"), new ContributionId("demo-export-filter"), "The export button moved in the last release; this may be out of date.", cancellationToken);

        var votes = new (string Learner, string Tip, FeedbackKind Kind)[]
        {
            ("carol", "demo-vat-from-customer", FeedbackKind.Helpful),
            ("dan", "demo-vat-from-customer", FeedbackKind.Helpful),
            ("carol", "demo-reverse-charge", FeedbackKind.Helpful),
            ("dan", "demo-reverse-charge", FeedbackKind.Helpful),
            ("bob", "demo-net-30", FeedbackKind.Helpful),
            ("bob", "demo-copy-last-month", FeedbackKind.Helpful),
            ("carol", "demo-copy-last-month", FeedbackKind.NotHelpful),
            ("dan", "demo-credit-note", FeedbackKind.Helpful),
            ("dan", "demo-check-vat-number", FeedbackKind.Helpful),
        };
        foreach (var (learner, tip, kind) in votes)
        {
            await contributions.GiveFeedbackAsync(Acme, new LearnerId(learner), new ContributionId(tip), kind, "seed:" + learner + ":" + tip, cancellationToken);
        }

        var evidence = new (string Learner, string Skill, EvidenceSource Source, double Level, string? By)[]
        {
            ("bob", "vat", EvidenceSource.Manager, 0.9, "carol"),
            ("bob", "invoicing", EvidenceSource.Self, 0.8, null),
            ("carol", "payment-terms", EvidenceSource.Self, 0.9, null),
            ("carol", "excel-export", EvidenceSource.PeerEndorsement, 0.7, "dan"),
            ("dan", "invoicing", EvidenceSource.Self, 0.6, null),
            ("dan", "customer-records", EvidenceSource.PeerEndorsement, 0.7, "bob"),
            ("alice", "invoicing", EvidenceSource.Self, 0.2, null),
        };
        foreach (var (learner, skill, source, level, by) in evidence)
        {
            await learners.RecordEvidenceAsync(
                new ProficiencyEvidence
                {
                    Tenant = Acme,
                    Learner = new LearnerId(learner),
                    Skill = new SkillId(skill),
                    Source = source,
                    Level = level,
                    GivenBy = by is null ? null : new LearnerId(by),
                },
                "seed:" + learner + ":" + skill,
                cancellationToken);
        }
    }
}
