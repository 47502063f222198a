using System.Globalization;
using Microsoft.Extensions.Options;
using SocialLearning.Index;

namespace SocialLearning.Recommendations;

/// <summary>
/// The features of one person for one question, as of one moment. Every feature is computed from contributions created
/// before that moment (the index holds nothing later than the query time; a training question only sees what was
/// written before it was asked).
/// </summary>
internal static class LearnedPeerFeatures
{
    public const int Count = 8;

    /// <summary>Smoothing of the in-skill share, (in-skill + μ · background) / (all + μ).</summary>
    public const double ShareSmoothing = 5;

    /// <summary>Prior weight of the Bayesian acceptance rate, (accepted + m · tenant rate) / (answers + m).</summary>
    public const double AcceptPrior = 2;

    /// <summary>Half-life of the decayed activity count.</summary>
    public const double ActivityHalfLifeSeconds = 30 * 86400.0;

    public static readonly string[] Names =
        ["in-skill", "total", "days-since-last", "recent-activity", "in-skill-share", "accept-rate", "answered-asker", "in-skill-accepted"];

    /// <summary>Writes the eight raw features of a person into <paramref name="x"/>.</summary>
    /// <param name="x">Destination, length <see cref="Count"/>.</param>
    /// <param name="inSkill">Answers and shared items in the question's skills, summed over its skills.</param>
    /// <param name="inSkillAccepted">Of those, accepted answers.</param>
    /// <param name="total">All the person's helping contributions (answers and shared items).</param>
    /// <param name="answers">All the person's answers.</param>
    /// <param name="accepted">All the person's accepted answers.</param>
    /// <param name="daysSinceLast">Days since the person's last helping contribution.</param>
    /// <param name="recent">Σ 2^(−age / 30 days) over the person's helping contributions.</param>
    /// <param name="background">Σ over the question's skills of the tenant's share of helping contributions in that skill.</param>
    /// <param name="acceptRate">The tenant's accepted answers over answers.</param>
    /// <param name="answeredAsker">How many questions of this asker the person answered.</param>
    public static void Write(
        Span<double> x, double inSkill, double inSkillAccepted, double total, double answers, double accepted,
        double daysSinceLast, double recent, double background, double acceptRate, double answeredAsker)
    {
        x[0] = LogOnePlus(inSkill);
        x[1] = LogOnePlus(total);
        x[2] = Math.Log(1 + Math.Max(0, daysSinceLast));
        x[3] = Math.Log(1 + recent);
        x[4] = Math.Log((inSkill + (ShareSmoothing * background)) / (total + ShareSmoothing));
        x[5] = (accepted + (AcceptPrior * acceptRate)) / (answers + AcceptPrior);
        x[6] = LogOnePlus(answeredAsker);
        x[7] = LogOnePlus(inSkillAccepted);
    }

    /// <summary>ln(1 + n): four of the features are counts, so small whole counts are read from a table of the values
    /// <see cref="Math.Log(double)"/> gives for them (the same bits), anything else is computed.</summary>
    public static double LogOnePlus(double n)
    {
        var i = (int)n; // saturating: NaN → 0, which then fails the equality below
        return (uint)i < (uint)LogOnePlusTable.Length && i == n ? LogOnePlusTable[i] : Math.Log(1 + n);
    }

    private static readonly double[] LogOnePlusTable = BuildLogOnePlusTable(4096);

    private static double[] BuildLogOnePlusTable(int length)
    {
        var table = new double[length];
        for (var i = 0; i < length; i++)
        {
            table[i] = Math.Log(1 + (double)i);
        }

        return table;
    }
}

/// <summary>A fitted linear scorer over standardised features: score = Σ w_j (x_j − mean_j) / sd_j.</summary>
internal sealed class LearnedPeerModel
{
    public required double[] Weights { get; init; }

    public required double[] Mean { get; init; }

    public required double[] Scale { get; init; }

    /// <summary>Training examples the model was fitted on.</summary>
    public int Questions { get; init; }

    /// <summary>Answers to others' questions known at fit time (the refit trigger counts from here).</summary>
    public int AnsweredAtFit { get; init; }

    /// <summary>Newton iterations used.</summary>
    public int Iterations { get; init; }

    public double Score(ReadOnlySpan<double> x)
    {
        var s = 0.0;
        for (var j = 0; j < Weights.Length; j++)
        {
            s += Weights[j] * (x[j] - Mean[j]) / Scale[j];
        }

        return s;
    }
}

/// <summary>One training example: a question's candidates' raw features (row-major) and which row is the person who answered.</summary>
internal sealed class LearnedPeerExample
{
    public required double[] Features { get; init; }

    public required int Rows { get; init; }

    public required int Positive { get; init; }

    /// <summary>Person numbers of the rows (for tests and diagnostics).</summary>
    public required int[] People { get; init; }

    public required int Question { get; init; }
}

/// <summary>
/// Conditional-logit (listwise softmax) fit: maximise Σ_examples log softmax(w·x)_{the answerer} − ½ λ ‖w‖² over
/// standardised features by Newton's method (the objective is concave, so a few exact steps converge; no randomness).
/// </summary>
internal static class LearnedPeerFit
{
    public const double L2 = 1.0;

    public const int MaxIterations = 25;

    public static LearnedPeerModel Fit(IReadOnlyList<LearnedPeerExample> examples, int features, int answeredAtFit = 0, double l2 = L2, int maxIterations = MaxIterations)
    {
        var mean = new double[features];
        var scale = new double[features];
        long rows = 0;
        foreach (var e in examples)
        {
            for (var r = 0; r < e.Rows; r++)
            {
                for (var j = 0; j < features; j++)
                {
                    mean[j] += e.Features[(r * features) + j];
                }
            }

            rows += e.Rows;
        }

        for (var j = 0; j < features; j++)
        {
            mean[j] = rows == 0 ? 0 : mean[j] / rows;
        }

        foreach (var e in examples)
        {
            for (var r = 0; r < e.Rows; r++)
            {
                for (var j = 0; j < features; j++)
                {
                    var d = e.Features[(r * features) + j] - mean[j];
                    scale[j] += d * d;
                }
            }
        }

        for (var j = 0; j < features; j++)
        {
            var sd = rows == 0 ? 0 : Math.Sqrt(scale[j] / rows);
            scale[j] = sd > 1e-9 ? sd : 1;
        }

        var w = new double[features];
        var grad = new double[features];
        var hess = new double[features * features];
        var z = new double[features];
        var ex = new double[features];
        var iterations = 0;
        var previous = Objective(examples, w, mean, scale, l2);
        for (var it = 0; it < maxIterations; it++)
        {
            iterations = it + 1;
            Array.Clear(grad);
            Array.Clear(hess);
            foreach (var e in examples)
            {
                Accumulate(e, w, mean, scale, grad, hess, z, ex);
            }

            for (var j = 0; j < features; j++)
            {
                grad[j] -= l2 * w[j];
                hess[(j * features) + j] += l2;
            }

            // Newton step: (−H) step = g, −H positive definite thanks to the L2 term.
            var step = Solve(hess, grad, features);
            var t = 1.0;
            var next = new double[features];
            var improved = false;
            for (var halvings = 0; halvings < 30; halvings++)
            {
                for (var j = 0; j < features; j++)
                {
                    next[j] = w[j] + (t * step[j]);
                }

                var value = Objective(examples, next, mean, scale, l2);
                if (value >= previous - 1e-12)
                {
                    improved = value > previous + 1e-10;
                    previous = value;
                    Array.Copy(next, w, features);
                    break;
                }

                t /= 2;
            }

            var norm = 0.0;
            for (var j = 0; j < features; j++)
            {
                norm = Math.Max(norm, Math.Abs(t * step[j]));
            }

            if (!improved || norm < 1e-8)
            {
                break;
            }
        }

        return new LearnedPeerModel { Weights = w, Mean = mean, Scale = scale, Questions = examples.Count, AnsweredAtFit = answeredAtFit, Iterations = iterations };
    }

    /// <summary>Σ_q log softmax − ½ λ ‖w‖².</summary>
    public static double Objective(IReadOnlyList<LearnedPeerExample> examples, double[] w, double[] mean, double[] scale, double l2)
    {
        var f = w.Length;
        var total = 0.0;
        foreach (var e in examples)
        {
            var max = double.NegativeInfinity;
            var pos = 0.0;
            for (var r = 0; r < e.Rows; r++)
            {
                var s = Dot(e, r, w, mean, scale);
                max = Math.Max(max, s);
                if (r == e.Positive)
                {
                    pos = s;
                }
            }

            var sum = 0.0;
            for (var r = 0; r < e.Rows; r++)
            {
                sum += Math.Exp(Dot(e, r, w, mean, scale) - max);
            }

            total += pos - max - Math.Log(sum);
        }

        var penalty = 0.0;
        for (var j = 0; j < f; j++)
        {
            penalty += w[j] * w[j];
        }

        return total - (0.5 * l2 * penalty);
    }

    private static double Dot(LearnedPeerExample e, int r, double[] w, double[] mean, double[] scale)
    {
        var f = w.Length;
        var s = 0.0;
        for (var j = 0; j < f; j++)
        {
            s += w[j] * (e.Features[(r * f) + j] - mean[j]) / scale[j];
        }

        return s;
    }

    /// <summary>Adds one question's gradient (x_pos − E[x]) and negated Hessian (Cov[x]) under the softmax.</summary>
    private static void Accumulate(LearnedPeerExample e, double[] w, double[] mean, double[] scale, double[] grad, double[] negHess, double[] z, double[] ex)
    {
        var f = w.Length;
        var max = double.NegativeInfinity;
        for (var r = 0; r < e.Rows; r++)
        {
            max = Math.Max(max, Dot(e, r, w, mean, scale));
        }

        var sum = 0.0;
        Array.Clear(ex);
        Span<double> p = e.Rows <= 512 ? stackalloc double[e.Rows] : new double[e.Rows];
        for (var r = 0; r < e.Rows; r++)
        {
            p[r] = Math.Exp(Dot(e, r, w, mean, scale) - max);
            sum += p[r];
        }

        for (var r = 0; r < e.Rows; r++)
        {
            p[r] /= sum;
            for (var j = 0; j < f; j++)
            {
                ex[j] += p[r] * (e.Features[(r * f) + j] - mean[j]) / scale[j];
            }
        }

        for (var j = 0; j < f; j++)
        {
            grad[j] += ((e.Features[(e.Positive * f) + j] - mean[j]) / scale[j]) - ex[j];
        }

        for (var r = 0; r < e.Rows; r++)
        {
            for (var j = 0; j < f; j++)
            {
                z[j] = ((e.Features[(r * f) + j] - mean[j]) / scale[j]) - ex[j];
            }

            for (var j = 0; j < f; j++)
            {
                var pj = p[r] * z[j];
                for (var k = 0; k < f; k++)
                {
                    negHess[(j * f) + k] += pj * z[k];
                }
            }
        }
    }

    /// <summary>Solves A x = b (A symmetric positive definite) by Gaussian elimination with partial pivoting.</summary>
    internal static double[] Solve(double[] a, double[] b, int n)
    {
        var m = (double[])a.Clone();
        var x = (double[])b.Clone();
        for (var c = 0; c < n; c++)
        {
            var pivot = c;
            for (var r = c + 1; r < n; r++)
            {
                if (Math.Abs(m[(r * n) + c]) > Math.Abs(m[(pivot * n) + c]))
                {
                    pivot = r;
                }
            }

            if (pivot != c)
            {
                for (var k = 0; k < n; k++)
                {
                    (m[(c * n) + k], m[(pivot * n) + k]) = (m[(pivot * n) + k], m[(c * n) + k]);
                }

                (x[c], x[pivot]) = (x[pivot], x[c]);
            }

            var d = m[(c * n) + c];
            if (Math.Abs(d) < 1e-300)
            {
                continue;
            }

            for (var r = c + 1; r < n; r++)
            {
                var factor = m[(r * n) + c] / d;
                if (factor == 0)
                {
                    continue;
                }

                for (var k = c; k < n; k++)
                {
                    m[(r * n) + k] -= factor * m[(c * n) + k];
                }

                x[r] -= factor * x[c];
            }
        }

        for (var c = n - 1; c >= 0; c--)
        {
            var s = x[c];
            for (var k = c + 1; k < n; k++)
            {
                s -= m[(c * n) + k] * x[k];
            }

            var d = m[(c * n) + c];
            x[c] = Math.Abs(d) < 1e-300 ? 0 : s / d;
        }

        return x;
    }
}

/// <summary>
/// Per-person activity as of now (for query-time features) and the training examples of the tenant's past, both from
/// the index's visible documents.
/// </summary>
internal sealed class LearnedPeerHistory
{
    /// <summary>Negatives per training question, drawn uniformly from the people with evidence in its skills as of its time.</summary>
    public const int Negatives = 60;

    /// <summary>At most this many training questions, the most recent ones, are fitted on (bounds the fit's cost).</summary>
    public const int MaxQuestions = 2000;

    /// <summary>Per person number, everything a query reads about them, in one row (a query reads the rows of
    /// thousands of people in no useful order; one row is one cache line where five arrays were five).</summary>
    public required LearnedPeerPerson[] People { get; init; }

    public required double[] SkillContributions { get; init; }

    public required double TotalContributions { get; init; }

    public required double AcceptRate { get; init; }

    /// <summary>Asker → the people who answered their visible questions, with how many each (askers never answered are absent).</summary>
    public required Dictionary<int, (int Person, int Count)[]> AnswerersOf { get; init; }

    public required double ReferenceSeconds { get; init; }

    public required double FirstSeconds { get; init; }

    /// <summary>Visible answers to someone else's visible question: the training examples available (the refit trigger counts these).</summary>
    public required int Answered { get; init; }

    public double Background(int skill) =>
        ((skill >= 0 && skill < SkillContributions.Length ? SkillContributions[skill] : 0) + 0.5) / (TotalContributions + 1);

    /// <summary>The people who answered <paramref name="asker"/> and how often; empty for an asker nobody answered.</summary>
    public (int Person, int Count)[] Answerers(int asker) =>
        asker >= 0 && AnswerersOf.TryGetValue(asker, out var answerers) ? answerers : [];

    public static long Key(int asker, int answerer) => ((long)asker << 32) | (uint)answerer;

    private static bool Helping(byte kind) => kind != (byte)ContributionKind.Question;

    /// <summary>Per-person activity as of <paramref name="referenceSeconds"/> over every visible document.</summary>
    public static LearnedPeerHistory Compute(TenantIndex index, double referenceSeconds)
    {
        var people = index.LearnerIds.Count;
        var rows = new LearnedPeerPerson[people];
        var skills = new double[Math.Max(1, index.Skills.Count)];
        var all = 0.0;
        var pairs = new Dictionary<long, int>();
        var answered = 0;
        long answerTotal = 0, acceptedTotal = 0;
        var first = double.PositiveInfinity;
        var (limit, kinds, flags, authors, created, parents, accepts, itemDoc) = Documents(index);
        Array.Fill(rows, new LearnedPeerPerson { LastSeconds = double.NegativeInfinity });
        for (var d = 0; d < limit; d++)
        {
            if ((flags[d] & TenantIndex.FlagVisible) != TenantIndex.FlagVisible)
            {
                continue;
            }

            first = Math.Min(first, created[d]);
            if (!Helping(kinds[d]))
            {
                continue;
            }

            var author = authors[d];
            if (author >= 0 && author < people)
            {
                ref var row = ref rows[author];
                row.Total++;
                row.LastSeconds = Math.Max(row.LastSeconds, created[d]);
                row.Recent += double.Exp2(-Math.Max(0, referenceSeconds - created[d]) / LearnedPeerFeatures.ActivityHalfLifeSeconds);
                if (kinds[d] == (byte)ContributionKind.Answer)
                {
                    row.Answers++;
                    answerTotal++;
                    var isAccepted = accepts[d] > 0;
                    if (isAccepted)
                    {
                        row.Accepted++;
                        acceptedTotal++;
                    }

                    var asker = AskerOf(parents[d], itemDoc, flags, authors, kinds);
                    if (asker >= 0 && asker != author)
                    {
                        var key = Key(asker, author);
                        pairs[key] = pairs.GetValueOrDefault(key) + 1;
                        answered++;
                    }
                }
            }

            foreach (var skill in index.SkillsOf(d))
            {
                if (skill >= 0 && skill < skills.Length)
                {
                    skills[skill] += 1;
                    all += 1;
                }
            }
        }

        return new LearnedPeerHistory
        {
            People = rows,
            SkillContributions = skills,
            TotalContributions = all,
            AcceptRate = answerTotal == 0 ? 0 : (double)acceptedTotal / answerTotal,
            AnswerersOf = ByAsker(pairs),
            ReferenceSeconds = referenceSeconds,
            FirstSeconds = double.IsPositiveInfinity(first) ? referenceSeconds : first,
            Answered = answered,
        };
    }

    /// <summary>The (asker, answerer) → count pairs grouped by asker (in no particular order within a group).</summary>
    private static Dictionary<int, (int Person, int Count)[]> ByAsker(Dictionary<long, int> pairs)
    {
        // Count each asker's pairs, then fill each array from its end, counting down.
        var left = new Dictionary<int, int>();
        foreach (var key in pairs.Keys)
        {
            var asker = (int)(key >> 32);
            left[asker] = left.GetValueOrDefault(asker) + 1;
        }

        var byAsker = new Dictionary<int, (int Person, int Count)[]>(left.Count);
        foreach (var (key, count) in pairs)
        {
            var asker = (int)(key >> 32);
            if (!byAsker.TryGetValue(asker, out var answerers))
            {
                byAsker[asker] = answerers = new (int, int)[left[asker]];
            }

            var i = --System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrNullRef(left, asker);
            answerers[i] = ((int)key, count);
        }

        return byAsker;
    }

    private static int AskerOf(int parentItem, int[] itemDoc, byte[] flags, int[] authors, byte[] kinds)
    {
        if (parentItem < 0 || parentItem >= itemDoc.Length)
        {
            return -1;
        }

        var pd = itemDoc[parentItem];
        return pd >= 0 && pd < flags.Length && (flags[pd] & TenantIndex.FlagVisible) == TenantIndex.FlagVisible && kinds[pd] == (byte)ContributionKind.Question
            ? authors[pd]
            : -1;
    }

    /// <summary>The document columns both passes read, snapshotted once (the count first, as the writer publishes it last).</summary>
    private static (int Limit, byte[] Kinds, byte[] Flags, int[] Authors, int[] Created, int[] Parents, int[] Accepts, int[] ItemDoc) Documents(TenantIndex index)
    {
        var limit = index.DocItem.Snapshot(out _);
        index.DocKind.Snapshot(out var kinds);
        index.DocFlags.Snapshot(out var flags);
        index.DocAuthor.Snapshot(out var authors);
        index.DocCreated.Snapshot(out var created);
        index.DocParent.Snapshot(out var parents);
        index.Accepts.Snapshot(out var accepts);
        index.ItemDoc.Snapshot(out var itemDoc);
        return (limit, kinds, flags, authors, created, parents, accepts, itemDoc);
    }

    /// <summary>
    /// The training examples: one per visible answer to someone else's visible question (with
    /// <paramref name="acceptedOnly"/>, one per question with an accepted answer, its accepted answerer), with the
    /// candidates' features as of the question's creation — documents created at or after it are not counted, except
    /// that an answer's accepted mark is read as it is now (the index keeps no accept times). Candidates: the answerer
    /// (skipped when they had no helping contribution in the question's skills before it: the finder would not gather
    /// them) and up to <see cref="Negatives"/> others with contributions in its skills, drawn uniformly (see
    /// <see cref="SampleNegatives"/>), never the asker or another answerer of the question. Only the most recent
    /// <see cref="MaxQuestions"/> questions are used.
    /// </summary>
    public static List<LearnedPeerExample> Examples(TenantIndex index, bool acceptedOnly = false)
    {
        var people = index.LearnerIds.Count;
        var (limit, kinds, flags, authors, created, parents, accepts, itemDoc) = Documents(index);
        index.DocItem.Snapshot(out var docItem);

        // Visible documents in creation order; a question before any document created at the same second.
        var order = new List<int>();
        var acceptedBy = new Dictionary<int, int>();
        var answeredBy = new Dictionary<int, List<int>>();
        for (var d = 0; d < limit; d++)
        {
            if ((flags[d] & TenantIndex.FlagVisible) != TenantIndex.FlagVisible)
            {
                continue;
            }

            order.Add(d);
            if (!acceptedOnly && kinds[d] == (byte)ContributionKind.Answer && authors[d] >= 0 && authors[d] < people
                && AskerOf(parents[d], itemDoc, flags, authors, kinds) is var who && who >= 0 && who != authors[d])
            {
                var list = answeredBy.TryGetValue(itemDoc[parents[d]], out var l) ? l : answeredBy[itemDoc[parents[d]]] = [];
                if (!list.Contains(authors[d]))
                {
                    list.Add(authors[d]);
                }
            }

            if (kinds[d] == (byte)ContributionKind.Answer && accepts[d] > 0 && authors[d] >= 0 && authors[d] < people)
            {
                var asker = AskerOf(parents[d], itemDoc, flags, authors, kinds);
                if (asker >= 0 && asker != authors[d])
                {
                    var question = itemDoc[parents[d]];

                    // Several accepted answers (not on StackExchange): the earliest one, then the lowest document.
                    if (!acceptedBy.TryGetValue(question, out var existing) || created[d] < created[existing] || (created[d] == created[existing] && d < existing))
                    {
                        acceptedBy[question] = d;
                    }
                }
            }
        }

        order.Sort((a, b) =>
        {
            var c = created[a].CompareTo(created[b]);
            if (c != 0)
            {
                return c;
            }

            var qa = kinds[a] == (byte)ContributionKind.Question ? 0 : 1;
            var qb = kinds[b] == (byte)ContributionKind.Question ? 0 : 1;
            return qa != qb ? qa.CompareTo(qb) : a.CompareTo(b);
        });

        // Keep only the most recent MaxQuestions training questions.
        var questionsInOrder = new List<int>();
        foreach (var d in order)
        {
            if (acceptedOnly ? acceptedBy.ContainsKey(d) : answeredBy.ContainsKey(d))
            {
                questionsInOrder.Add(d);
            }
        }

        var firstKept = questionsInOrder.Count > MaxQuestions ? created[questionsInOrder[^MaxQuestions]] : int.MinValue;
        var keep = new HashSet<int>(questionsInOrder.Count > MaxQuestions ? questionsInOrder.Skip(questionsInOrder.Count - MaxQuestions) : questionsInOrder);

        var skillCount = Math.Max(1, index.Skills.Count);
        var bySkill = new Dictionary<int, double>[skillCount];
        var acceptedBySkill = new Dictionary<int, double>[skillCount];
        var skillTotals = new double[skillCount];
        var all = 0.0;
        var total = new double[people];
        var answers = new double[people];
        var accepted = new double[people];
        var last = new double[people];
        var recent = new double[people];
        var recentAt = new double[people];
        Array.Fill(last, double.NegativeInfinity);
        var pairs = new Dictionary<long, int>();
        double answerSum = 0, acceptedSum = 0;
        var first = order.Count > 0 ? created[order[0]] : 0;
        var examples = new List<LearnedPeerExample>();
        var inSkill = new Dictionary<int, double>();
        var inSkillAccepted = new Dictionary<int, double>();
        var f = LearnedPeerFeatures.Count;

        foreach (var d in order)
        {
            var kind = kinds[d];
            if (kind == (byte)ContributionKind.Question)
            {
                if (!keep.Contains(d) || created[d] < firstKept)
                {
                    continue;
                }

                var asker = authors[d];
                List<int> positives = acceptedOnly ? [authors[acceptedBy[d]]] : answeredBy[d];
                var t = (double)created[d];
                inSkill.Clear();
                inSkillAccepted.Clear();
                var background = 0.0;
                foreach (var skill in index.SkillsOf(d))
                {
                    if (skill < 0 || skill >= skillCount)
                    {
                        continue;
                    }

                    background += (skillTotals[skill] + 0.5) / (all + 1);
                    if (bySkill[skill] is { } counts)
                    {
                        foreach (var (p, n) in counts)
                        {
                            inSkill[p] = inSkill.GetValueOrDefault(p) + n;
                        }
                    }

                    if (acceptedBySkill[skill] is { } acc)
                    {
                        foreach (var (p, n) in acc)
                        {
                            inSkillAccepted[p] = inSkillAccepted.GetValueOrDefault(p) + n;
                        }
                    }
                }

                // The finder only gathers people with evidence in the skills (or text matches): a question whose
                // answerer had none is no lesson in ordering the people it gathers.
                foreach (var positive in positives)
                {
                if (inSkill.GetValueOrDefault(positive) <= 0)
                {
                    continue;
                }

                var chosen = new List<int> { positive };
                var seen = new HashSet<int>(positives) { asker };
                SampleNegatives(inSkill, seen, chosen, d);

                if (chosen.Count < 2)
                {
                    continue;
                }

                var rate = answerSum == 0 ? 0 : acceptedSum / answerSum;
                var features = new double[chosen.Count * f];
                for (var r = 0; r < chosen.Count; r++)
                {
                    var p = chosen[r];
                    var decayed = recent[p] * double.Exp2(-Math.Max(0, t - recentAt[p]) / LearnedPeerFeatures.ActivityHalfLifeSeconds);
                    var lastAt = double.IsNegativeInfinity(last[p]) ? first : last[p];
                    LearnedPeerFeatures.Write(
                        features.AsSpan(r * f, f),
                        inSkill.GetValueOrDefault(p),
                        inSkillAccepted.GetValueOrDefault(p),
                        total[p],
                        answers[p],
                        accepted[p],
                        (t - lastAt) / 86400.0,
                        decayed,
                        background,
                        rate,
                        asker >= 0 && pairs.TryGetValue(Key(asker, p), out var pa) ? pa : 0);
                }

                examples.Add(new LearnedPeerExample { Features = features, Rows = chosen.Count, Positive = 0, People = [.. chosen], Question = docItem[d] });
                }

                continue;
            }

            var author = authors[d];
            if (author < 0 || author >= people)
            {
                continue;
            }

            var time = (double)created[d];
            var isAnswerAccepted = kind == (byte)ContributionKind.Answer && accepts[d] > 0;
            total[author] += 1;
            last[author] = Math.Max(last[author], time);
            recent[author] = (recent[author] * double.Exp2(-Math.Max(0, time - recentAt[author]) / LearnedPeerFeatures.ActivityHalfLifeSeconds)) + 1;
            recentAt[author] = time;
            if (kind == (byte)ContributionKind.Answer)
            {
                answers[author] += 1;
                answerSum += 1;
                if (isAnswerAccepted)
                {
                    accepted[author] += 1;
                    acceptedSum += 1;
                }

                var asker = AskerOf(parents[d], itemDoc, flags, authors, kinds);
                if (asker >= 0 && asker != author)
                {
                    var key = Key(asker, author);
                    pairs[key] = pairs.GetValueOrDefault(key) + 1;
                }
            }

            foreach (var skill in index.SkillsOf(d))
            {
                if (skill < 0 || skill >= skillCount)
                {
                    continue;
                }

                skillTotals[skill] += 1;
                all += 1;
                var counts = bySkill[skill] ??= [];
                counts[author] = counts.GetValueOrDefault(author) + 1;
                if (isAnswerAccepted)
                {
                    var acc = acceptedBySkill[skill] ??= [];
                    acc[author] = acc.GetValueOrDefault(author) + 1;
                }
            }
        }

        return examples;
    }

    /// <summary>
    /// Adds up to <see cref="Negatives"/> people drawn uniformly (seeded by the question's document number) from
    /// <paramref name="pool"/> (everyone with evidence in the question's skills before it) who are not in
    /// <paramref name="exclude"/> (the asker and the question's answerers). Uniform sampling from the set the finder
    /// gathers keeps the conditional logit consistent (McFadden's uniform conditioning property); choosing the people
    /// with the most evidence instead taught the model that more evidence means less likely to answer.
    /// </summary>
    internal static void SampleNegatives(Dictionary<int, double> pool, HashSet<int> exclude, List<int> chosen, int question)
    {
        var eligible = new List<int>(pool.Count);
        foreach (var p in pool.Keys)
        {
            if (!exclude.Contains(p))
            {
                eligible.Add(p);
            }
        }

        eligible.Sort();
        var take = Math.Min(Negatives, eligible.Count);
        var random = new Random(unchecked((question * 16777619) ^ 0x5bd1e995));
        for (var i = 0; i < take; i++)
        {
            var j = i + random.Next(eligible.Count - i);
            (eligible[i], eligible[j]) = (eligible[j], eligible[i]);
            chosen.Add(eligible[i]);
        }
    }

}

/// <summary>The history as of its computation and the model fitted on it (refitted as answers accumulate).</summary>
internal sealed record LearnedPeerState(LearnedPeerHistory History, LearnedPeerModel? Model, int FailedAt);

/// <summary>
/// The learned ranker's derived state (<see cref="DerivedCache"/>): the history is recomputed with the index, the model
/// refitted only when there are enough more examples than at the last fit.
/// </summary>
internal sealed record LearnedPeerModels : DerivedComputation<LearnedPeerState>
{
    /// <summary>Fewer training examples (answers to others' questions) than this: no model, the ranker falls back to <c>fusion</c>.</summary>
    public const int MinQuestions = 30;

    /// <summary>Refit once this many more answers to others' questions are known than at the last fit (or 10% more, whichever is larger).</summary>
    public const int RefitEvery = 20;

    public static readonly LearnedPeerModels Instance = new();

    public static LearnedPeerState Get(TenantIndex index, TimeSpan refreshInterval, TimeProvider time) =>
        index.Derived.Get(index, Instance, refreshInterval, time);

    public override LearnedPeerState Compute(TenantIndex index, LearnedPeerState? previous, TimeProvider time)
    {
        var now = (time.GetUtcNow() - TipFeatureColumns.Epoch).TotalSeconds;
        var history = LearnedPeerHistory.Compute(index, now);
        var model = previous?.Model;
        var failedAt = previous?.FailedAt ?? 0;
        if (history.Answered >= MinQuestions && NeedsFit(model, failedAt, history.Answered))
        {
            var examples = LearnedPeerHistory.Examples(index);
            model = examples.Count >= MinQuestions ? LearnedPeerFit.Fit(examples, LearnedPeerFeatures.Count, history.Answered) : null;
            if (model is null)
            {
                // Too few usable questions: remember the count so the scan is not repeated on every refresh.
                failedAt = history.Answered;
            }
        }

        return new LearnedPeerState(history, model, failedAt);
    }

    private static bool NeedsFit(LearnedPeerModel? model, int failedAt, int answeredNow) => model is null
        ? answeredNow >= failedAt + RefitEvery || failedAt == 0
        : answeredNow >= model.AnsweredAtFit + Math.Max(RefitEvery, model.AnsweredAtFit / 10);
}

/// <summary>
/// A peer ranker that learns its blend from the tenant's own past: for every answer to an earlier question, the
/// answerer and the strongest other candidates as of that question's time give one listwise example; a
/// conditional-logit model over eight features (in-skill answers, all answers, days since last activity, decayed
/// activity, smoothed in-skill share, Bayesian acceptance rate, answered this asker before, in-skill accepted answers)
/// is fitted by Newton's method with L2 and scores the candidates. Refitted lazily as answers accumulate;
/// with too little history it is <c>fusion</c>.
/// </summary>
internal sealed class LearnedPeerRanker(IOptions<RecommendationOptions> options, TimeProvider time) : IPeerRanker
{
    private readonly RecommendationOptions _options = options.Value;
    private readonly FusionPeerRanker _fallback = new(options);

    public void Score(PeerRankingContext context, Span<double> scores)
    {
        var query = Prepare(context);
        if (query.Model is not { } model)
        {
            _fallback.Score(context, scores);
            return;
        }

        // The spans once, not per candidate (each is a virtual property of the context).
        var candidates = context.Candidates;
        var answers = context.Answers;
        var shared = context.Shared;
        var accepted = context.AcceptedAnswers;
        Span<double> x = stackalloc double[LearnedPeerFeatures.Count];
        for (var i = 0; i < candidates.Length; i++)
        {
            Features(query, candidates[i], answers[i] + shared[i], accepted[i], answeredAsker: 0, x);
            scores[i] = model.Score(x);
        }

        // Few people have answered this asker before: score those again with their count, instead of a pair lookup
        // for every candidate.
        var gathered = (PeerContext)context;
        foreach (var (person, count) in query.AskerAnswerers)
        {
            var i = gathered.IndexOf(person);
            if (i >= 0)
            {
                Features(query, person, answers[i] + shared[i], accepted[i], count, x);
                scores[i] = model.Score(x);
            }
        }
    }

    public void Explain(PeerRankingContext context, int candidate, ICollection<ExplanationSignal> explanation)
    {
        var query = Prepare(context);
        if (query.Model is not { } model)
        {
            _fallback.Explain(context, candidate, explanation);
            return;
        }

        Span<double> x = stackalloc double[LearnedPeerFeatures.Count];
        var person = context.Candidates[candidate];
        var answeredAsker = 0;
        foreach (var (answerer, count) in query.AskerAnswerers)
        {
            answeredAsker = answerer == person ? count : answeredAsker;
        }

        Features(query, person, context.Answers[candidate] + context.Shared[candidate], context.AcceptedAnswers[candidate], answeredAsker, x);
        var best = 0;
        var bestValue = double.NegativeInfinity;
        for (var j = 0; j < x.Length; j++)
        {
            var contribution = model.Weights[j] * (x[j] - model.Mean[j]) / model.Scale[j];
            if (contribution > bestValue)
            {
                bestValue = contribution;
                best = j;
            }
        }

        explanation.Add(new ExplanationSignal
        {
            Signal = "learned",
            Value = model.Score(x),
            Text = $"learned from {model.Questions.ToString(CultureInfo.InvariantCulture)} earlier answers; strongest signal here: {LearnedPeerFeatures.Names[best]}",
        });
        PeerExplain.Evidence(context, candidate, explanation);
    }

    /// <summary>The features of person <paramref name="p"/> with <paramref name="inSkill"/> helping contributions
    /// (<paramref name="inSkillAccepted"/> accepted answers) in the query's skills, who answered the asker
    /// <paramref name="answeredAsker"/> times.</summary>
    internal static void Features(in LearnedPeerQuery query, int p, int inSkill, int inSkillAccepted, int answeredAsker, Span<double> x)
    {
        var history = query.History;
        var row = p >= 0 && p < history.People.Length ? history.People[p] : LearnedPeerPerson.Unknown;
        var last = !double.IsNegativeInfinity(row.LastSeconds) ? row.LastSeconds : history.FirstSeconds;
        LearnedPeerFeatures.Write(
            x,
            inSkill,
            inSkillAccepted,
            row.Total,
            row.Answers,
            row.Accepted,
            (query.Now - last) / 86400.0,
            row.Recent * query.RecentDecay,
            query.Background,
            history.AcceptRate,
            answeredAsker);
    }

    private LearnedPeerQuery Prepare(PeerRankingContext context)
    {
        var index = ((PeerContext)context).Index;
        var (history, model, _) = LearnedPeerModels.Get(index, _options.ExpertiseRankRefreshInterval, time);
        var background = 0.0;
        var skills = context.Request.Skills;
        for (var s = 0; s < skills.Count; s++)
        {
            background += history.Background(index.Skills.Find(skills[s]));
        }

        var now = (context.Now - TipFeatureColumns.Epoch).TotalSeconds;
        return new LearnedPeerQuery(
            history,
            model,
            background,
            now,
            double.Exp2(-Math.Max(0, now - history.ReferenceSeconds) / LearnedPeerFeatures.ActivityHalfLifeSeconds),
            history.Answerers(index.FindLearner(context.Request.Asker.Value)));
    }
}

/// <summary>One person's activity in <see cref="LearnedPeerHistory"/>: helping contributions, answers and accepted
/// answers, the time of the last helping contribution (−∞ if none), and decayed activity at the history's reference
/// time.</summary>
internal struct LearnedPeerPerson
{
    public static readonly LearnedPeerPerson Unknown = new() { LastSeconds = double.NegativeInfinity };

    public int Total;
    public int Answers;
    public int Accepted;
    public double LastSeconds;
    public double Recent;
}

/// <summary>What one peer query's features share: the history and model, Σ background over its skills, the time in
/// seconds, the decay of <see cref="LearnedPeerPerson.Recent"/> from its reference time to now, and the people who
/// answered the asker before (with how often).</summary>
internal readonly record struct LearnedPeerQuery(
    LearnedPeerHistory History, LearnedPeerModel? Model, double Background, double Now, double RecentDecay, (int Person, int Count)[] AskerAnswerers);
