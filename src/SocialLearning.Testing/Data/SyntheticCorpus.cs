namespace SocialLearning.Testing.Data;

/// <summary>Settings of <see cref="SyntheticCorpus"/>. Defaults make a 10,000-item corpus in well under a second.</summary>
public sealed class SyntheticCorpusOptions
{
    /// <summary>Seed; the same seed and settings give the same corpus on every machine.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>Contributions to generate (10,000 to 1,000,000 in practice).</summary>
    public int Contributions { get; set; } = 10_000;

    /// <summary>Learners (authors and voters); authors are drawn Zipfian, so a few write a lot.</summary>
    public int Learners { get; set; } = 1_000;

    /// <summary>Distinct skills, drawn Zipfian.</summary>
    public int Skills { get; set; } = 500;

    /// <summary>Distinct context keys (screens), drawn Zipfian.</summary>
    public int ContextKeys { get; set; } = 2_000;

    /// <summary>Distinct words, drawn Zipfian.</summary>
    public int Vocabulary { get; set; } = 20_000;

    /// <summary>Zipf exponent s of every draw (P(rank r) ∝ r^−s). Default 1.</summary>
    public double ZipfExponent { get; set; } = 1.0;

    /// <summary>Words per body, uniformly between these bounds.</summary>
    public int MinWords { get; set; } = 8;

    /// <summary>Words per body, upper bound (inclusive).</summary>
    public int MaxWords { get; set; } = 30;

    /// <summary>First creation time; items spread uniformly over <see cref="Span"/> from here.</summary>
    public DateTimeOffset Start { get; set; } = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Prefix of contribution ids (so two tenants' corpora have different ids). Default <c>c</c>.</summary>
    public string IdPrefix { get; set; } = "c";

    /// <summary>Time span of creation times. Default two years.</summary>
    public TimeSpan Span { get; set; } = TimeSpan.FromDays(730);
}

/// <summary>A generated contribution with the counters its votes produce.</summary>
public sealed record SyntheticItem(Contribution Contribution, ContributionCounters Counters, IReadOnlyList<LearnerId> HelpfulVoters, IReadOnlyList<LearnerId> NotHelpfulVoters);

/// <summary>A realistic tip query: 1–2 context keys and 1–2 skills drawn Zipfian (so popular ones appear) plus 2–3 mid-frequency words.</summary>
public sealed record SyntheticQuery(IReadOnlyList<string> ContextKeys, IReadOnlyList<string> Skills, IReadOnlyList<string> Terms, LearnerId Learner)
{
    /// <summary>The words joined by spaces, for <see cref="TipRequest.Text"/>.</summary>
    public string Text => string.Join(' ', Terms);

    /// <summary>The query as a tip request.</summary>
    public TipRequest ToRequest(TenantId tenant, int k = 10, string? ranker = null) => new()
    {
        Tenant = tenant,
        Learner = Learner,
        ContextKeys = ContextKeys,
        Skills = Skills,
        Text = Text,
        K = k,
        Ranker = ranker,
    };
}

/// <summary>
/// Seeded synthetic data for tests and benchmarks: learners, skills (with a prerequisite DAG), and contributions
/// whose skills, words, context keys, authors and votes follow Zipf distributions. Items are generated one at a
/// time from the seed and the item number, so a million-item corpus streams without being held in memory.
/// Words are letters only (<c>wabc</c>) and keys <c>route:/screen/…</c>, so every analyzer tokenizes them alike.
/// </summary>
public sealed class SyntheticCorpus
{
    private readonly Zipf _skills;
    private readonly Zipf _keys;
    private readonly Zipf _words;
    private readonly Zipf _authors;

    /// <summary>Creates the generator for one tenant.</summary>
    public SyntheticCorpus(TenantId tenant, SyntheticCorpusOptions? options = null)
    {
        Tenant = tenant;
        Options = options ?? new SyntheticCorpusOptions();
        if (Options.Contributions < 0 || Options.Learners < 2 || Options.Skills < 1 || Options.ContextKeys < 1 || Options.Vocabulary < 10)
        {
            throw new ArgumentException("options need Contributions ≥ 0, Learners ≥ 2, Skills ≥ 1, ContextKeys ≥ 1 and Vocabulary ≥ 10.", nameof(options));
        }

        _skills = new Zipf(Options.Skills, Options.ZipfExponent);
        _keys = new Zipf(Options.ContextKeys, Options.ZipfExponent);
        _words = new Zipf(Options.Vocabulary, Options.ZipfExponent);
        _authors = new Zipf(Options.Learners, Options.ZipfExponent);
    }

    /// <summary>The tenant every record belongs to.</summary>
    public TenantId Tenant { get; }

    /// <summary>The settings.</summary>
    public SyntheticCorpusOptions Options { get; }

    /// <summary>The id of skill rank <paramref name="rank"/> (0 is the most common).</summary>
    public static string SkillId(int rank) => "skill-" + rank.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The context key of rank <paramref name="rank"/>.</summary>
    public static string ContextKey(int rank) => "route:/screen/" + rank.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The learner id of rank <paramref name="rank"/>.</summary>
    public static string LearnerId(int rank) => "user-" + rank.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The word of rank <paramref name="rank"/>: 'w' and the rank in base 26 letters.</summary>
    public static string Word(int rank)
    {
        Span<char> buffer = stackalloc char[8];
        var i = buffer.Length;
        var n = rank;
        do
        {
            buffer[--i] = (char)('a' + (n % 26));
            n /= 26;
        }
        while (n > 0);
        buffer[--i] = 'w';
        return new string(buffer[i..]);
    }

    /// <summary>The learners.</summary>
    public IEnumerable<Learner> Learners()
    {
        for (var i = 0; i < Options.Learners; i++)
        {
            yield return new Learner
            {
                Tenant = Tenant,
                Id = new LearnerId(LearnerId(i)),
                DisplayName = "User " + i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Team = "team-" + (i % 20).ToString(System.Globalization.CultureInfo.InvariantCulture),
                Roles = ["role-" + (i % 7).ToString(System.Globalization.CultureInfo.InvariantCulture)],
                CreatedAt = Options.Start,
            };
        }
    }

    /// <summary>The skills.</summary>
    public IEnumerable<Skill> Skills()
    {
        for (var i = 0; i < Options.Skills; i++)
        {
            yield return new Skill { Tenant = Tenant, Id = new SkillId(SkillId(i)), Name = "Skill " + i.ToString(System.Globalization.CultureInfo.InvariantCulture), CreatedAt = Options.Start };
        }
    }

    /// <summary>
    /// A skill graph shaped like occupational taxonomies: skills fall into <paramref name="layers"/> layers by number;
    /// each skill above the first layer gets 0 to <paramref name="maxPrerequisites"/> prerequisites from the layer below
    /// (so prerequisite edges form a DAG at most <paramref name="layers"/> deep) and <paramref name="related"/> related edges.
    /// </summary>
    public IEnumerable<SkillEdge> SkillEdges(int maxPrerequisites = 2, int related = 2, int layers = 5)
    {
        var random = new Random(Options.Seed ^ 0x5EED);
        var layerSize = Math.Max(1, (Options.Skills + layers - 1) / layers);
        for (var to = 0; to < Options.Skills; to++)
        {
            var layer = to / layerSize;
            if (layer > 0)
            {
                var count = random.Next(0, maxPrerequisites + 1);
                var seen = new HashSet<int>();
                for (var j = 0; j < count; j++)
                {
                    var from = ((layer - 1) * layerSize) + random.Next(layerSize);
                    if (seen.Add(from))
                    {
                        yield return new SkillEdge { Tenant = Tenant, From = new SkillId(SkillId(from)), To = new SkillId(SkillId(to)), Kind = SkillEdgeKind.Prerequisite };
                    }
                }
            }

            for (var j = 0; j < related; j++)
            {
                var other = random.Next(Options.Skills);
                if (other != to)
                {
                    yield return new SkillEdge { Tenant = Tenant, From = new SkillId(SkillId(to)), To = new SkillId(SkillId(other)), Kind = SkillEdgeKind.Related, Weight = 0.5 };
                }
            }
        }
    }

    /// <summary>Self-assessed proficiency: each learner states a level in 1–3 Zipfian skills.</summary>
    public IEnumerable<ProficiencyEvidence> Evidence()
    {
        for (var i = 0; i < Options.Learners; i++)
        {
            var random = new Random(Options.Seed ^ (i * 7919) ^ 0x0E71);
            var count = random.Next(1, 4);
            for (var j = 0; j < count; j++)
            {
                yield return new ProficiencyEvidence
                {
                    Tenant = Tenant,
                    Learner = new LearnerId(LearnerId(i)),
                    Skill = new SkillId(SkillId(_skills.Sample(random))),
                    Source = EvidenceSource.Self,
                    Level = Math.Round(random.NextDouble(), 2),
                    ObservedAt = Options.Start + (Options.Span * random.NextDouble()),
                };
            }
        }
    }

    /// <summary>The contributions in id order, with counters and voters, generated one at a time.</summary>
    public IEnumerable<SyntheticItem> Items()
    {
        for (var i = 0; i < Options.Contributions; i++)
        {
            yield return Item(i);
        }
    }

    /// <summary>The id of item <paramref name="i"/>; ids sort in item order.</summary>
    public string ItemId(int i) => Options.IdPrefix + i.ToString("D8", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Item number <paramref name="i"/>.</summary>
    public SyntheticItem Item(int i)
    {
        var random = new Random(unchecked(Options.Seed + (i * 104729)));
        var roll = random.NextDouble();
        var kind = roll switch
        {
            < 0.60 => ContributionKind.Tip,
            < 0.75 => ContributionKind.HowTo,
            < 0.87 => ContributionKind.Question,
            < 0.97 => ContributionKind.Answer,
            _ => ContributionKind.ResourceLink,
        };
        ContributionId? parent = null;
        if (kind == ContributionKind.Answer)
        {
            // Answer an earlier question (found by walking back; the first items cannot be answers).
            parent = EarlierQuestion(i);
            if (parent is null)
            {
                kind = ContributionKind.Tip;
            }
        }

        var author = _authors.Sample(random);
        var skills = Distinct(random, _skills, random.Next(1, 4));
        var keys = Distinct(random, _keys, random.Next(1, 3));
        var words = random.Next(Options.MinWords, Options.MaxWords + 1);
        var title = string.Join(' ', Enumerable.Range(0, 4).Select(_ => Word(_words.Sample(random))));
        var body = string.Join(' ', Enumerable.Range(0, words).Select(_ => Word(_words.Sample(random))));
        var created = Options.Start + (Options.Span * ((i + random.NextDouble()) / Math.Max(1, Options.Contributions)));

        // Votes: most items get few, some many.
        var quality = random.NextDouble();
        var helpfulCount = (int)(Math.Pow(random.NextDouble(), 3) * Math.Min(40, Options.Learners - 1) * quality);
        var notHelpfulCount = Math.Min(Options.Learners - 1 - helpfulCount, (int)(Math.Pow(random.NextDouble(), 3) * 8 * (1 - quality)));
        var voters = Voters(random, author, helpfulCount + Math.Max(0, notHelpfulCount));
        var helpful = voters.Take(helpfulCount).ToList();
        var notHelpful = voters.Skip(helpfulCount).ToList();
        var views = (helpful.Count * 8) + random.Next(0, 30);
        var contribution = new Contribution
        {
            Tenant = Tenant,
            Id = new ContributionId(ItemId(i)),
            Kind = kind,
            Author = new LearnerId(LearnerId(author)),
            Title = title,
            Body = body,
            Skills = skills.Select(s => new SkillId(SkillId(s))).ToArray(),
            ContextKeys = keys.Select(k => SocialLearning.ContextKey.Parse(ContextKey(k))).ToArray(),
            ParentId = parent,
            Url = kind == ContributionKind.ResourceLink ? new Uri("https://example.com/r/" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)) : null,
            CreatedAt = created,
            UpdatedAt = created,
            Version = 1,
        };
        var counters = new ContributionCounters { Helpful = helpful.Count, NotHelpful = notHelpful.Count, Views = views, Saves = helpful.Count / 3, Shares = helpful.Count / 5 };
        return new SyntheticItem(
            contribution,
            counters,
            helpful.Select(v => new LearnerId(LearnerId(v))).ToList(),
            notHelpful.Select(v => new LearnerId(LearnerId(v))).ToList());
    }

    /// <summary>
    /// Realistic queries: 1–2 context keys and 1–2 skills drawn Zipfian, 2–3 words drawn uniformly from the
    /// mid-frequency band (ranks 200 to 5,000 of the vocabulary), and a Zipfian learner.
    /// </summary>
    public IReadOnlyList<SyntheticQuery> Queries(int count, int seed = 7)
    {
        var random = new Random(seed);
        var result = new List<SyntheticQuery>(count);
        var low = Math.Min(200, Options.Vocabulary / 4);
        var high = Math.Min(5_000, Options.Vocabulary);
        for (var q = 0; q < count; q++)
        {
            var keys = Distinct(random, _keys, random.Next(1, 3)).Select(ContextKey).ToArray();
            var skills = Distinct(random, _skills, random.Next(1, 3)).Select(SkillId).ToArray();
            var terms = Enumerable.Range(0, random.Next(2, 4)).Select(_ => Word(random.Next(low, high))).Distinct().ToArray();
            result.Add(new SyntheticQuery(keys, skills, terms, new LearnerId(LearnerId(_authors.Sample(random)))));
        }

        return result;
    }

    /// <summary>Writes the corpus into a store (learners, skills, evidence, contributions and their votes as interactions).</summary>
    public async Task LoadAsync(ISocialLearningStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        foreach (var learner in Learners())
        {
            await store.CreateLearnerAsync(learner, null, cancellationToken).ConfigureAwait(false);
        }

        foreach (var skill in Skills())
        {
            await store.CreateSkillAsync(skill, null, cancellationToken).ConfigureAwait(false);
        }

        foreach (var item in Items())
        {
            await store.CreateContributionAsync(item.Contribution, null, cancellationToken).ConfigureAwait(false);
            foreach (var voter in item.HelpfulVoters)
            {
                await store.AppendInteractionAsync(Vote(item, voter, InteractionKind.Helpful), null, cancellationToken).ConfigureAwait(false);
            }

            foreach (var voter in item.NotHelpfulVoters)
            {
                await store.AppendInteractionAsync(Vote(item, voter, InteractionKind.NotHelpful), null, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static Interaction Vote(SyntheticItem item, LearnerId voter, InteractionKind kind) => new()
    {
        Tenant = item.Contribution.Tenant,
        ContributionId = item.Contribution.Id,
        Learner = voter,
        Kind = kind,
        OccurredAt = item.Contribution.CreatedAt.AddHours(1),
    };

    private ContributionId? EarlierQuestion(int i)
    {
        var random = new Random(unchecked(Options.Seed + (i * 31)));
        for (var attempt = 0; attempt < 8 && i > 0; attempt++)
        {
            var j = random.Next(Math.Max(0, i - 1000), i);
            var r = new Random(unchecked(Options.Seed + (j * 104729))).NextDouble();
            if (r is >= 0.75 and < 0.87)
            {
                return new ContributionId(ItemId(j));
            }
        }

        return null;
    }

    private List<int> Voters(Random random, int author, int count)
    {
        var voters = new List<int>(count);
        var used = new HashSet<int> { author };
        while (voters.Count < count && used.Count < Options.Learners)
        {
            var v = random.Next(Options.Learners);
            if (used.Add(v))
            {
                voters.Add(v);
            }
        }

        return voters;
    }

    private static int[] Distinct(Random random, Zipf zipf, int count)
    {
        var result = new List<int>(count);
        for (var attempt = 0; result.Count < count && attempt < count * 10; attempt++)
        {
            var v = zipf.Sample(random);
            if (!result.Contains(v))
            {
                result.Add(v);
            }
        }

        return [.. result];
    }
}

/// <summary>Zipf sampling by inverse CDF (binary search over cumulative weights r^−s).</summary>
internal sealed class Zipf
{
    private readonly double[] _cumulative;

    public Zipf(int n, double exponent)
    {
        _cumulative = new double[n];
        var sum = 0.0;
        for (var r = 0; r < n; r++)
        {
            sum += 1.0 / Math.Pow(r + 1, exponent);
            _cumulative[r] = sum;
        }

        for (var r = 0; r < n; r++)
        {
            _cumulative[r] /= sum;
        }
    }

    public int Sample(Random random)
    {
        var u = random.NextDouble();
        var i = Array.BinarySearch(_cumulative, u);
        return Math.Min(_cumulative.Length - 1, i >= 0 ? i : ~i);
    }
}
