package dev.otto.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * A benchmark and its yardstick measured in adjacent JMH runs, several times, in alternating
 * order: each round runs one then the other (the order swaps every round), each in a fresh fork,
 * and the ratio is taken within the round. On a shared machine whose speed drifts by 10-30 %
 * over minutes, a ratio of two runs minutes apart measures the drift as much as the code; a
 * ratio of two adjacent runs does not, and the median over the rounds discards the odd one out.
 *
 * <p>The figure per run is the median of what JMH measured: of the samples in sample time, of the
 * iterations in average time. Give an even number of rounds: on this machine the first run of a
 * pair tends to be the slower one, and alternating the order cancels that only over pairs of
 * rounds; the geometric mean of the ratios is printed beside their median for the same reason.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.otto.bench.PairedRuns ROUNDS YARDSTICK CANDIDATE [JMH options]
 * java -cp bench/target/benchmarks.jar dev.otto.bench.PairedRuns 6 \
 *     'OpenAiInvokerBenchmark.directTwoCalls$' 'OpenAiInvokerBenchmark.routedFallback$' -wi 10 -i 5
 * </pre>
 */
public final class PairedRuns {

    private PairedRuns() {
    }

    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        if (args.length < 3) {
            System.err.println("usage: PairedRuns ROUNDS YARDSTICK_REGEX CANDIDATE_REGEX [JMH options, e.g. -wi 10 -i 5]");
            System.exit(2);
        }
        int rounds = Integer.parseInt(args[0]);
        String yardstick = args[1];
        String candidate = args[2];
        String[] jmhArgs = new String[args.length - 3];
        System.arraycopy(args, 3, jmhArgs, 0, jmhArgs.length);
        Options common = new CommandLineOptions(jmhArgs);

        List<double[]> pairs = new ArrayList<>();
        String unit = "";
        for (int round = 1; round <= rounds; round++) {
            boolean yardstickFirst = round % 2 == 1;
            RunResult first = run(common, yardstickFirst ? yardstick : candidate);
            RunResult second = run(common, yardstickFirst ? candidate : yardstick);
            double base = median(yardstickFirst ? first : second);
            double measured = median(yardstickFirst ? second : first);
            unit = first.getPrimaryResult().getScoreUnit();
            pairs.add(new double[] { base, measured });
            System.out.printf(Locale.ROOT, "%n# round %d of %d (%s first): yardstick %.3f, candidate %.3f %s, ratio %.3f%n%n",
                    round, rounds, yardstickFirst ? "yardstick" : "candidate", base, measured, unit, measured / base);
        }

        System.out.printf(Locale.ROOT, "%n%-7s %14s %14s %7s%n", "round", "yardstick", "candidate", "ratio");
        double[] ratios = new double[pairs.size()];
        for (int i = 0; i < pairs.size(); i++) {
            double[] pair = pairs.get(i);
            ratios[i] = pair[1] / pair[0];
            System.out.printf(Locale.ROOT, "%-7d %14.3f %14.3f %7.3f%n", i + 1, pair[0], pair[1], ratios[i]);
        }
        double logSum = 0;
        for (double ratio : ratios) {
            logSum += Math.log(ratio);
        }
        java.util.Arrays.sort(ratios);
        System.out.printf(Locale.ROOT, "%nyardstick %s%ncandidate %s%nunit %s; ratio median %.3f, geometric mean %.3f,"
                + " min %.3f, max %.3f over %d rounds%n", yardstick, candidate, unit, medianOf(ratios),
                Math.exp(logSum / ratios.length), ratios[0], ratios[ratios.length - 1], ratios.length);
    }

    private static RunResult run(Options common, String include) throws RunnerException {
        Options options = new OptionsBuilder().parent(common).include(include).build();
        var results = new Runner(options).run();
        if (results.size() != 1) {
            throw new IllegalArgumentException(include + " matched " + results.size() + " benchmarks: expected exactly one"
                    + " (anchor the regular expression with $, and give a parameter its value with -p)");
        }
        return results.iterator().next();
    }

    private static double median(RunResult result) {
        return result.getPrimaryResult().getStatistics().getPercentile(50);
    }

    private static double medianOf(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
