package dev.otto.telemetry.jsonl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

import dev.otto.api.runtime.OttoPaths;
import dev.otto.api.spi.PluginName;
import dev.otto.api.spi.PluginProperties;
import dev.otto.api.spi.SinkStats;
import dev.otto.api.spi.TelemetrySink;
import dev.otto.api.telemetry.FallbackEvent;
import dev.otto.api.telemetry.RunTelemetry;
import dev.otto.api.telemetry.TelemetryRecord;
import dev.otto.api.telemetry.store.DailyReport;
import dev.otto.api.telemetry.store.SinkHealth;
import dev.otto.api.telemetry.store.TelemetryStore;

/**
 * The JSONL telemetry sink: {@code <data>/telemetry/otto-YYYY-MM-DD.jsonl}, one record's wire form
 * per line. Also the {@link TelemetryStore} that reads them back, ranked below the SQLite sink's,
 * and the writer of {@code daily-YYYY-MM-DD.json} when a day closes, unless a higher-ranked store
 * (the SQLite sink) is registered to write it.
 */
@Component(name = JsonlSink.PID, configurationPid = JsonlSink.PID, immediate = true,
        service = { TelemetrySink.class, TelemetryStore.class },
        property = Constants.SERVICE_RANKING + ":Integer=" + JsonlSink.RANKING)
@Designate(ocd = JsonlSinkConfig.class)
@PluginName(JsonlSink.NAME)
public final class JsonlSink implements TelemetrySink, TelemetryStore {

    /** Configuration PID. */
    public static final String PID = "dev.otto.telemetry.jsonl";

    /** Plugin name. */
    public static final String NAME = "jsonl";

    /** Below the SQLite sink's store, which answers reports when both run. */
    static final int RANKING = PluginProperties.DEFAULT_RANKING - 10;

    /** What the sink needs besides the writer's settings. */
    record Settings(JsonlWriter.Settings writer, int retentionDays, Duration dayCloseGrace) {
    }

    private final JsonlWriter writer;
    private final JsonlReader reader;
    private final Clock clock;
    private final Settings settings;
    private final Reporter reporter;
    private final BooleanSupplier deferDailyReport;
    private final ScheduledExecutorService days;

    @Activate
    public JsonlSink(BundleContext context, JsonlSinkConfig config,
            @Reference(service = LoggerFactory.class) Logger logger) {
        this(OttoPaths.resolve(System::getenv, context::getProperty, Path.of(System.getProperty("user.home")))
                .telemetryDir(), Clock.systemUTC(), settings(config), Reporter.of(logger), Output.FILES,
                () -> higherRankedStore(context), true);
    }

    JsonlSink(Path dir, Clock clock, Settings settings, Reporter reporter, Output.Opener opener,
            BooleanSupplier deferDailyReport, boolean tick) {
        this.clock = clock;
        this.settings = settings;
        this.reporter = reporter;
        this.deferDailyReport = deferDailyReport;
        this.writer = new JsonlWriter(dir, clock, settings.writer(), reporter, opener);
        this.reader = new JsonlReader(dir);
        if (tick) {
            days = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "otto-telemetry-jsonl-days");
                t.setDaemon(true);
                return t;
            });
            days.scheduleWithFixedDelay(this::closeDaysQuietly, 1, 30, TimeUnit.SECONDS);
        } else {
            days = null;
        }
    }

    static Settings settings(JsonlSinkConfig config) {
        if (config.retentionDays() < 0 || config.fsyncIntervalMillis() < 1 || config.errorLogIntervalSeconds() < 0
                || config.dayCloseGraceSeconds() < 0) {
            throw new IllegalArgumentException("invalid " + PID + " configuration: retentionDays >= 0, "
                    + "fsyncIntervalMillis >= 1, errorLogIntervalSeconds >= 0, dayCloseGraceSeconds >= 0 expected");
        }
        return new Settings(new JsonlWriter.Settings(Duration.ofMillis(config.fsyncIntervalMillis()), config.strict(),
                Math.max(64, config.maxFieldChars()), Duration.ofSeconds(config.errorLogIntervalSeconds())),
                config.retentionDays(), Duration.ofSeconds(config.dayCloseGraceSeconds()));
    }

    @Deactivate
    void deactivate() {
        if (days != null) {
            days.shutdown();
        }
        writer.close();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void accept(TelemetryRecord record) {
        writer.append(record);
    }

    /** For tests and the crash child: appends and returns the sequence number to wait on. */
    long append(TelemetryRecord record) {
        return writer.append(record);
    }

    JsonlWriter writer() {
        return writer;
    }

    @Override
    public Optional<SinkStats> stats() {
        return Optional.of(new SinkStats(writer.written(), writer.dropped()));
    }

    @Override
    public List<RunTelemetry> recentRuns(int limit) {
        writer.writeOut();
        return reader.recent(positive(limit), r -> r instanceof RunTelemetry run ? run : null);
    }

    @Override
    public List<FallbackEvent> recentFallbacks(int limit) {
        writer.writeOut();
        return reader.recent(positive(limit), r -> r instanceof FallbackEvent event ? event : null);
    }

    @Override
    public DailyReport report(LocalDate day) {
        writer.writeOut(); // what was accepted counts, even if the group commit has not written it yet
        return reader.report(day, NAME, writer.droppedOn(day));
    }

    /** What is wrong with the folder or files the sink writes, one line, or null: see {@link JsonlWriter#problem}. */
    String problem() {
        return writer.problem();
    }

    @Override
    public SinkHealth health() {
        // never ok while records are being lost: a deleted folder counts before the next record finds it
        String state = writer.closed() ? "closed" : writer.failing() || writer.problem() != null ? "failing" : "ok";
        return new SinkHealth(state, writer.written(), writer.dropped(), writer.torn(), writer.lastError(),
                writer.lastErrorAt(), writer.dir().toString());
    }

    /** The day that is still open: a day closes {@code dayCloseGrace} after its UTC midnight. */
    LocalDate openDay() {
        return LocalDate.ofInstant(clock.instant().minus(settings.dayCloseGrace()), ZoneOffset.UTC);
    }

    /**
     * Writes the report of every closed day that has a telemetry file and no report yet (unless a
     * higher-ranked store writes them), and deletes files past retention.
     *
     * @return the days whose report this call wrote
     */
    List<LocalDate> closeDays() throws IOException {
        writer.writeOut(); // a day whose records are still in the batch has no file yet, but it has runs
        LocalDate open = openDay();
        List<LocalDate> wrote = new java.util.ArrayList<>();
        for (LocalDate day : reader.days()) {
            if (!day.isBefore(open)) {
                continue;
            }
            if (settings.retentionDays() > 0 && day.isBefore(open.minusDays(settings.retentionDays()))) {
                Files.deleteIfExists(writer.file(day));
                reporter.info("deleted " + writer.file(day) + ": older than the retention of "
                        + settings.retentionDays() + " days");
                continue;
            }
            Path target = writer.dir().resolve(DailyReport.fileName(day));
            if (Files.exists(target) || deferDailyReport.getAsBoolean()) {
                continue;
            }
            if (writeDaily(target, report(day))) {
                wrote.add(day);
                reporter.info("day " + day + " closed: wrote " + target);
            }
        }
        return wrote;
    }

    private void closeDaysQuietly() {
        try {
            closeDays();
        } catch (IOException | RuntimeException e) {
            reporter.warn("JSONL telemetry sink: closing past days failed: " + JsonlWriter.oneLine(e)
                    + "; it tries again in 30 s");
        }
    }

    /** Writes a report file atomically, owner-only; returns false if another writer got there first. */
    boolean writeDaily(Path target, DailyReport report) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), ".daily-", ".tmp",
                PosixFilePermissions.asFileAttribute(JsonlWriter.OWNER_ONLY));
        try {
            String json = new JsonLine(1 << 20).text(report.toWire()) + "\n";
            try (var out = Files.newOutputStream(tmp)) {
                out.write(json.getBytes(StandardCharsets.US_ASCII));
            }
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target);
            }
            return true;
        } catch (FileAlreadyExistsException raced) {
            return false;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static boolean higherRankedStore(BundleContext context) {
        try {
            Collection<ServiceReference<TelemetryStore>> refs = context.getServiceReferences(TelemetryStore.class, null);
            for (ServiceReference<TelemetryStore> ref : refs) {
                Object ranking = ref.getProperty(Constants.SERVICE_RANKING);
                if (ranking instanceof Integer r && r > RANKING) {
                    return true;
                }
            }
            return false;
        } catch (InvalidSyntaxException | IllegalStateException e) {
            return false;
        }
    }

    private static int positive(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit is " + limit + ": expected >= 1");
        }
        return limit;
    }
}
