namespace SocialLearning.Evaluation;

/// <summary>A mean with a 95% interval.</summary>
public sealed record MetricEstimate
{
    /// <summary>Mean over queries.</summary>
    public required double Mean { get; init; }

    /// <summary>Lower end of the 95% bootstrap percentile interval.</summary>
    public required double Low { get; init; }

    /// <summary>Upper end of the 95% bootstrap percentile interval.</summary>
    public required double High { get; init; }
}

/// <summary>
/// Query-level resampling statistics with fixed seeds (System.Random with a seed is stable across runs and machines;
/// nothing here uses <see cref="HashCode"/> or <see cref="string.GetHashCode()"/>).
/// </summary>
public static class Statistics
{
    /// <summary>The seed used when none is given.</summary>
    public const int DefaultSeed = 20_180_312;

    /// <summary>The arithmetic mean, 0 for no values.</summary>
    public static double Mean(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return 0;
        }

        var sum = 0.0;
        for (var i = 0; i < values.Count; i++)
        {
            sum += values[i];
        }

        return sum / values.Count;
    }

    /// <summary>
    /// Draws <paramref name="resamples"/> bootstrap samples of query indexes (with replacement). Reusing one set of
    /// samples for every ranker makes the intervals paired and the run reproducible.
    /// </summary>
    public static int[][] BootstrapSamples(int queryCount, int resamples = 2000, int seed = DefaultSeed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(queryCount);
        ArgumentOutOfRangeException.ThrowIfLessThan(resamples, 1);
        var random = new Random(seed);
        var samples = new int[resamples][];
        for (var b = 0; b < resamples; b++)
        {
            var sample = new int[queryCount];
            for (var i = 0; i < queryCount; i++)
            {
                sample[i] = random.Next(queryCount);
            }

            samples[b] = sample;
        }

        return samples;
    }

    /// <summary>Mean with a 95% bootstrap percentile interval over the given samples.</summary>
    public static MetricEstimate BootstrapMean(IReadOnlyList<double> values, int[][] samples)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(samples);
        var mean = Mean(values);
        if (values.Count == 0)
        {
            return new MetricEstimate { Mean = 0, Low = 0, High = 0 };
        }

        var means = new double[samples.Length];
        for (var b = 0; b < samples.Length; b++)
        {
            var sample = samples[b];
            if (sample.Length != values.Count)
            {
                throw new ArgumentException($"samples: sample {b} has {sample.Length} indexes but there are {values.Count} values.", nameof(samples));
            }

            var sum = 0.0;
            for (var i = 0; i < sample.Length; i++)
            {
                sum += values[sample[i]];
            }

            means[b] = sum / sample.Length;
        }

        Array.Sort(means);
        return new MetricEstimate { Mean = mean, Low = Percentile(means, 0.025), High = Percentile(means, 0.975) };
    }

    /// <summary>Mean with a 95% bootstrap interval, drawing its own samples with <paramref name="seed"/>.</summary>
    public static MetricEstimate BootstrapMean(IReadOnlyList<double> values, int resamples = 2000, int seed = DefaultSeed)
    {
        ArgumentNullException.ThrowIfNull(values);
        return BootstrapMean(values, BootstrapSamples(values.Count, resamples, seed));
    }

    /// <summary>
    /// Two-sided paired randomisation (sign-flip) test of the mean per-query difference a − b: the share of
    /// random sign assignments whose |mean difference| is at least the observed one, with the +1 correction.
    /// </summary>
    public static double PairedRandomizationTest(IReadOnlyList<double> a, IReadOnlyList<double> b, int iterations = 10_000, int seed = DefaultSeed)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count != b.Count)
        {
            throw new ArgumentException($"a and b must hold one value per query each ({a.Count} vs {b.Count}).", nameof(b));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        var n = a.Count;
        if (n == 0)
        {
            return 1;
        }

        var diff = new double[n];
        var observed = 0.0;
        for (var i = 0; i < n; i++)
        {
            diff[i] = a[i] - b[i];
            observed += diff[i];
        }

        observed = Math.Abs(observed / n);
        var random = new Random(seed);
        var atLeast = 0;
        for (var t = 0; t < iterations; t++)
        {
            var sum = 0.0;
            for (var i = 0; i < n; i++)
            {
                sum += random.Next(2) == 0 ? diff[i] : -diff[i];
            }

            if (Math.Abs(sum / n) >= observed - 1e-12)
            {
                atLeast++;
            }
        }

        return (atLeast + 1.0) / (iterations + 1.0);
    }

    /// <summary>Linear-interpolated percentile (p in [0, 1]) of sorted values.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        ArgumentOutOfRangeException.ThrowIfLessThan(p, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(p, 1);
        if (sorted.Count == 0)
        {
            return 0;
        }

        var position = p * (sorted.Count - 1);
        var lower = (int)Math.Floor(position);
        var upper = (int)Math.Ceiling(position);
        var fraction = position - lower;
        return sorted[lower] + ((sorted[upper] - sorted[lower]) * fraction);
    }
}
